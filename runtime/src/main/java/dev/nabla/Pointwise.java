package dev.nabla;

import dev.nabla.backend.BinaryOp;
import dev.nabla.backend.UnaryOp;
import dev.nabla.internal.Shapes;

/** Elementwise ops: unary functions, binary arithmetic and comparisons, selection, and their in-place forms. */
final class Pointwise {
    private Pointwise() {}

    // ---------------------------------------------------------------- type promotion

    /**
     * The dtype a binary op computes in, PyTorch's rule: dimensioned operands decide unless a
     * 0-dimensional operand belongs to a higher category (bool, integer, floating).
     */
    static DType resultType(Tensor a, Tensor b) {
        boolean za = a.shape.length == 0;
        boolean zb = b.shape.length == 0;
        DType ta = a.dtype();
        DType tb = b.dtype();
        if (za == zb) {
            return DType.promote(ta, tb);
        }
        DType dimmed = za ? tb : ta;
        DType zero = za ? ta : tb;
        return category(zero) > category(dimmed) ? zero : dimmed;
    }

    private static int category(DType t) {
        return t.isFloatingPoint() ? 2 : t == DType.INT64 ? 1 : 0;
    }

    /**
     * A 0-dimensional tensor holding a Java {@code double} operand of {@code t}: of
     * {@code t}'s dtype when {@code t} is floating, INT64 for a whole number, FLOAT32 otherwise.
     */
    static Tensor scalarLike(Tensor t, double value) {
        DType dtype;
        if (t.dtype().isFloatingPoint()) {
            dtype = t.dtype();
        } else if (value == Math.rint(value) && !Double.isInfinite(value)) {
            dtype = DType.INT64;
        } else {
            dtype = DType.FLOAT32;
        }
        Tensor s = Ops.empty(Shapes.scalar(), dtype, t.device());
        if (value != 0) {
            Ops.backend(s).fill(s, value);
        }
        return s;
    }

    // ---------------------------------------------------------------- unary

    /**
     * @param floating whether the function is only defined for floating types, so that
     *     integer and bool inputs are first converted to FLOAT32
     */
    static Tensor unary(String op, UnaryOp kind, Tensor x, boolean floating) {
        Tensor in = x;
        if (floating && !x.dtype().isFloatingPoint()) {
            in = x.to(DType.FLOAT32);
        } else if (x.dtype() == DType.BOOL) {
            throw new IllegalArgumentException(op + ": not defined for bool tensors");
        }
        Tensor out = Ops.empty(in.shape.clone(), in.dtype(), in.device());
        Ops.backend(in).unary(kind, in, out);
        return out;
    }

    static Tensor clamp(String op, Tensor x, double min, double max) {
        if (Double.isNaN(min) || Double.isNaN(max)) {
            throw new IllegalArgumentException(op + ": bounds must not be NaN, got [" + min + ", " + max + "]");
        }
        if (x.dtype() == DType.BOOL) {
            throw new IllegalArgumentException(op + ": not defined for bool tensors");
        }
        Tensor in = x;
        boolean whole = (Double.isInfinite(min) || min == Math.rint(min)) && (Double.isInfinite(max) || max == Math.rint(max));
        if (x.dtype() == DType.INT64 && !whole) {
            in = x.to(DType.FLOAT32);
        }
        Tensor out = Ops.empty(in.shape.clone(), in.dtype(), in.device());
        Ops.backend(in).clamp(in, min, max, out);
        return out;
    }

    // ---------------------------------------------------------------- binary

    static Tensor binary(String op, BinaryOp kind, Tensor a, double b) {
        return binary(op, kind, a, scalarLike(a, b));
    }

    static Tensor binary(String op, BinaryOp kind, Tensor a, Tensor b) {
        Ops.sameDevice(op, a, b);
        DType compute = resultType(a, b);
        DType resultType = kind.isComparison() ? DType.BOOL : compute;
        if (kind == BinaryOp.DIV && !compute.isFloatingPoint()) {
            compute = DType.FLOAT32;
            resultType = compute;
        }
        if (compute == DType.BOOL) {
            if (kind == BinaryOp.SUB) {
                throw new IllegalArgumentException(op + ": subtraction of two bool tensors is not supported; use logical ops or convert to int64");
            }
            // Bool arithmetic computes on 0/1 integers; sums and products read back as or/and.
            compute = DType.INT64;
            if (kind == BinaryOp.POW) {
                resultType = DType.INT64;
            }
        }
        long[] shape = Shapes.broadcast(op, a.shape, b.shape);
        Tensor ea = Ops.expandTo(op, a.to(compute), shape);
        Tensor eb = Ops.expandTo(op, b.to(compute), shape);
        Tensor out = Ops.empty(shape, resultType == DType.BOOL && !kind.isComparison() ? DType.INT64 : resultType, a.device());
        Ops.backend(out).binary(kind, ea, eb, out);
        return out.dtype() == resultType ? out : out.to(resultType);
    }

    /**
     * {@code out = a op b} into an existing tensor (PyTorch's {@code out=}), which must have the
     * broadcast shape and the result dtype and must not partly overlap an operand.
     */
    static Tensor binaryInto(String op, BinaryOp kind, Tensor a, Tensor b, Tensor out) {
        Ops.sameDevice(op, a, b);
        Ops.sameDevice(op, a, out);
        long[] shape = Shapes.broadcast(op, a.shape, b.shape);
        if (!java.util.Arrays.equals(shape, out.shape)) {
            throw new IllegalArgumentException(op + ": out has shape " + Shapes.format(out.shape)
                    + " but the result has shape " + Shapes.format(shape));
        }
        DType compute = resultType(a, b);
        if (kind == BinaryOp.DIV && !compute.isFloatingPoint()) {
            compute = DType.FLOAT32;
        }
        if (compute != out.dtype() || compute == DType.BOOL) {
            throw new IllegalArgumentException(op + ": out has dtype " + out.dtype().torchName()
                    + " but the result has dtype " + compute.torchName());
        }
        checkWritable(op, out);
        Tensor x = partlyOverlaps(a, out) ? a.clone() : a;
        Tensor y = partlyOverlaps(b, out) ? b.clone() : b;
        Ops.backend(out).binary(kind, Ops.expandTo(op, x.to(compute), shape), Ops.expandTo(op, y.to(compute), shape), out);
        out.storage.bumpVersion();
        return out;
    }

    /** Whether {@code t} shares memory with {@code out} other than element for element. */
    private static boolean partlyOverlaps(Tensor t, Tensor out) {
        return t.storage == out.storage && !(t.offset == out.offset && java.util.Arrays.equals(t.stride, out.stride)
                && java.util.Arrays.equals(t.shape, out.shape));
    }

    static Tensor where(String op, Tensor cond, Tensor a, Tensor b) {
        if (cond.dtype() != DType.BOOL) {
            throw new IllegalArgumentException(op + ": condition must be a bool tensor, got " + cond.dtype().torchName());
        }
        Ops.sameDevice(op, cond, a);
        Ops.sameDevice(op, a, b);
        DType dtype = resultType(a, b);
        long[] shape = Shapes.broadcast(op, Shapes.broadcast(op, cond.shape, a.shape), b.shape);
        Tensor out = Ops.empty(shape, dtype, a.device());
        Ops.backend(out).where(Ops.expandTo(op, cond, shape), Ops.expandTo(op, a.to(dtype), shape),
                Ops.expandTo(op, b.to(dtype), shape), out);
        return out;
    }

    static Tensor maskedFill(Tensor x, Tensor mask, double value) {
        String op = "maskedFill";
        if (mask.dtype() != DType.BOOL) {
            throw new IllegalArgumentException(op + ": mask must be a bool tensor, got " + mask.dtype().torchName());
        }
        Ops.sameDevice(op, x, mask);
        Tensor m = Ops.expandTo(op, mask, Shapes.broadcast(op, x.shape, mask.shape));
        if (!java.util.Arrays.equals(m.shape, x.shape)) {
            throw new IllegalArgumentException(op + ": mask of shape " + Shapes.format(mask.shape)
                    + " does not broadcast to the tensor's shape " + Shapes.format(x.shape));
        }
        Tensor fill = Ops.expandTo(op, scalarOf(x.dtype(), value, x.device()), x.shape);
        Tensor out = Ops.empty(x.shape.clone(), x.dtype(), x.device());
        Ops.backend(out).where(m, fill, x, out);
        return out;
    }

    private static Tensor scalarOf(DType dtype, double value, Device device) {
        Tensor s = Ops.empty(Shapes.scalar(), dtype, device);
        if (value != 0) {
            Ops.backend(s).fill(s, value);
        }
        return s;
    }

    // ---------------------------------------------------------------- in place

    /**
     * @throws IllegalArgumentException if {@code t} has elements that share memory (an
     *     expanded view), which an in-place write would make ambiguous
     */
    static void checkWritable(String op, Tensor t) {
        for (int d = 0; d < t.shape.length; d++) {
            if (t.stride[d] == 0 && t.shape[d] > 1) {
                throw new IllegalArgumentException(op + ": unsupported operation: more than one element of the written-to tensor "
                        + "refers to a single memory location (an expanded view of shape " + Shapes.format(t.shape)
                        + "); call .clone() before writing");
            }
        }
    }

    static Tensor inPlace(String op, BinaryOp kind, Tensor self, Tensor other) {
        Ops.sameDevice(op, self, other);
        checkWritable(op, self);
        DType result = resultType(self, other);
        if (!result.canCastTo(self.dtype())) {
            throw new IllegalArgumentException(op + ": result type " + result.torchName()
                    + " can't be cast to the desired output type " + self.dtype().torchName());
        }
        if (self.dtype() == DType.BOOL) {
            throw new IllegalArgumentException(op + ": in-place arithmetic on a bool tensor is not supported");
        }
        Tensor src = other.storage == self.storage ? other.clone() : other;
        Tensor b = Ops.expandTo(op, src.to(self.dtype()), self.shape);
        Ops.backend(self).binary(kind, self, b, self);
        self.storage.bumpVersion();
        return self;
    }

    static Tensor fill(String op, Tensor self, double value) {
        checkWritable(op, self);
        Ops.backend(self).fill(self, value);
        self.storage.bumpVersion();
        return self;
    }

    static Tensor copyInto(Tensor self, Tensor src) {
        String op = "copy_";
        checkWritable(op, self);
        Tensor s = src.storage == self.storage ? src.clone() : src;
        if (!s.device().equals(self.device())) {
            s = s.to(self.device());
        }
        s = Ops.expandTo(op, s, self.shape);
        Ops.backend(self).copy(s, self);
        self.storage.bumpVersion();
        return self;
    }

    static Tensor uniform(Tensor self, double low, double high) {
        String op = "uniform_";
        Ops.requireFloating(op, self);
        checkWritable(op, self);
        if (!(low <= high)) {
            throw new IllegalArgumentException(op + ": expects low <= high, got low=" + low + ", high=" + high);
        }
        Nabla.withGenerator(g -> Ops.backend(self).uniform(self, low, high, g));
        self.storage.bumpVersion();
        return self;
    }

    static Tensor normal(Tensor self, double mean, double std) {
        String op = "normal_";
        Ops.requireFloating(op, self);
        checkWritable(op, self);
        if (!(std >= 0)) {
            throw new IllegalArgumentException(op + ": expects std >= 0.0, got " + std);
        }
        Nabla.withGenerator(g -> Ops.backend(self).normal(self, mean, std, g));
        self.storage.bumpVersion();
        return self;
    }
}
