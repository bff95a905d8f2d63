package dev.nabla;

import dev.nabla.autograd.BuiltinNode;
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
        Tensor s = Ops.zeros(Shapes.scalar(), dtype, t.device());
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
        if (Autograd.needs(in)) {
            recordUnary(kind, in, out);
        }
        return out;
    }

    private static void recordUnary(UnaryOp kind, Tensor x, Tensor out) {
        Tensor[] input = {x};
        switch (kind) {
            case NEG:
                Autograd.record(out, "NegBackward0", input, null, (n, g, s) -> new Tensor[] {g.neg()});
                break;
            case ABS:
                Autograd.record(out, "AbsBackward0", input, input, (n, g, s) -> new Tensor[] {g.mul(constant(s[0], UnaryOp.SIGN))});
                break;
            case EXP:
                Autograd.record(out, "ExpBackward0", input, new Tensor[] {out}, (n, g, s) -> new Tensor[] {g.mul(s[0])},
                        t -> t[0].mul(out));
                break;
            case LOG:
                Autograd.record(out, "LogBackward0", input, input, (n, g, s) -> new Tensor[] {g.div(s[0])});
                break;
            case SQRT:
                Autograd.record(out, "SqrtBackward0", input, new Tensor[] {out}, (n, g, s) -> new Tensor[] {g.div(s[0].mul(2))});
                break;
            case SIN:
                Autograd.record(out, "SinBackward0", input, input, (n, g, s) -> new Tensor[] {g.mul(s[0].cos())});
                break;
            case COS:
                Autograd.record(out, "CosBackward0", input, input, (n, g, s) -> new Tensor[] {g.mul(s[0].sin()).neg()});
                break;
            case TANH:
                Autograd.record(out, "TanhBackward0", input, new Tensor[] {out},
                        (n, g, s) -> new Tensor[] {g.mul(s[0].mul(s[0]).neg().add(1))});
                break;
            case SIGMOID:
                Autograd.record(out, "SigmoidBackward0", input, new Tensor[] {out},
                        (n, g, s) -> new Tensor[] {g.mul(s[0].mul(s[0].neg().add(1)))});
                break;
            case ERF:
                // d/dx erf(x) = 2/sqrt(pi) exp(-x^2), composed of recorded ops so that it differentiates again.
                Autograd.record(out, "ErfBackward0", input, input,
                        (n, g, s) -> new Tensor[] {g.mul(s[0].mul(s[0]).neg().exp().mul(2 / Math.sqrt(Math.PI)))});
                break;
            case RELU:
                Autograd.record(out, "ReluBackward0", input, new Tensor[] {out},
                        (n, g, s) -> new Tensor[] {g.maskedFill(constantMask(s[0], BinaryOp.LE, 0), 0)});
                break;
            case LOG1P:
                Autograd.record(out, "Log1PBackward0", input, input, (n, g, s) -> new Tensor[] {g.div(s[0].add(1))});
                break;
            case RSQRT:
                Autograd.record(out, "RsqrtBackward0", input, new Tensor[] {out},
                        (n, g, s) -> new Tensor[] {g.mul(s[0].pow(3)).mul(-0.5)});
                break;
            default:
                throw new AssertionError(kind);
        }
    }

    /** {@code kind(t)} computed outside the graph: a factor that is locally constant (a sign, a mask). */
    private static Tensor constant(Tensor t, UnaryOp kind) {
        try (Grad.Scope off = Grad.disabled()) {
            return unary(kind.name().toLowerCase(java.util.Locale.ROOT), kind, t.detach(), false);
        }
    }

    /** {@code t op value} as a BOOL mask, outside the graph. */
    private static Tensor constantMask(Tensor t, BinaryOp op, double value) {
        try (Grad.Scope off = Grad.disabled()) {
            return binary("mask", op, t.detach(), value);
        }
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
        if (Autograd.needs(in)) {
            String name = op.equals("clampMin") ? "ClampMinBackward0" : op.equals("clampMax") ? "ClampMaxBackward0" : "ClampBackward1";
            Autograd.record(out, name, new Tensor[] {in}, new Tensor[] {in}, (n, g, s) -> {
                Tensor outside;
                try (Grad.Scope off = Grad.disabled()) {
                    Tensor v = s[0].detach();
                    outside = binary("clamp", BinaryOp.ADD, binary("clamp", BinaryOp.LT, v, min), binary("clamp", BinaryOp.GT, v, max));
                }
                return new Tensor[] {g.maskedFill(outside, 0)};
            });
        }
        return out;
    }

    // ---------------------------------------------------------------- binary

    static Tensor binary(String op, BinaryOp kind, Tensor a, double b) {
        if (kind == BinaryOp.POW && !a.dtype().isFloatingPoint() && b < 0 && b == Math.rint(b)) {
            throw new IllegalArgumentException(op + ": integers to negative integer powers are not allowed, got "
                    + a.dtype().torchName() + " tensor to the power " + b);
        }
        if (a.dtype().isFloatingPoint() && kind != BinaryOp.POW && kind != BinaryOp.MAXIMUM && kind != BinaryOp.MINIMUM) {
            return binaryScalar(kind, a, b);
        }
        return binary(op, kind, a, scalarLike(a, b));
    }

    /**
     * {@code a op b} for a floating {@code a} and a Java scalar, without materialising the
     * scalar: the result has {@code a}'s dtype (BOOL for comparisons), as PyTorch's promotion
     * of a floating tensor with a Python number gives.
     */
    private static Tensor binaryScalar(BinaryOp kind, Tensor a, double b) {
        Tensor out = Ops.empty(a.shape.clone(), kind.isComparison() ? DType.BOOL : a.dtype(), a.device());
        Ops.backend(a).binaryScalar(kind, a, b, out);
        if (!kind.isComparison() && Autograd.needs(a)) {
            Tensor[] input = {a};
            switch (kind) {
                case ADD:
                    Autograd.record(out, "AddBackward0", input, null, (n, g, s) -> new Tensor[] {g});
                    break;
                case SUB:
                    Autograd.record(out, "SubBackward0", input, null, (n, g, s) -> new Tensor[] {g});
                    break;
                case MUL:
                    Autograd.record(out, "MulBackward0", input, null, (n, g, s) -> new Tensor[] {g.mul(b)});
                    break;
                case DIV:
                    Autograd.record(out, "DivBackward0", input, null, (n, g, s) -> new Tensor[] {g.div(b)});
                    break;
                default:
                    throw new AssertionError(kind);
            }
        }
        return out;
    }

    /** PyTorch refuses {@code -} with any bool operand, as it is ambiguous with logical negation. */
    private static void checkBoolSub(String op, BinaryOp kind, Tensor a, Tensor b) {
        if (kind == BinaryOp.SUB && (a.dtype() == DType.BOOL || b.dtype() == DType.BOOL)) {
            throw new IllegalArgumentException(op + ": subtraction with a bool tensor is not supported; use logical ops or convert to int64");
        }
    }

    static Tensor binary(String op, BinaryOp kind, Tensor a, Tensor b) {
        Ops.notNull(op, kind == BinaryOp.POW ? "exponent" : "other", b);
        Ops.sameDevice(op, a, b);
        checkBoolSub(op, kind, a, b);
        DType compute = resultType(a, b);
        DType resultType = kind.isComparison() ? DType.BOOL : compute;
        if (kind == BinaryOp.DIV && !compute.isFloatingPoint()) {
            compute = DType.FLOAT32;
            resultType = compute;
        }
        if (compute == DType.BOOL) {
            // Bool arithmetic computes on 0/1 integers; sums and products read back as or/and.
            compute = DType.INT64;
            if (kind == BinaryOp.POW) {
                resultType = DType.INT64;
            }
        }
        long[] shape = Shapes.broadcast(op, a.shape, b.shape);
        Tensor ca = a.to(compute);
        Tensor cb = b.to(compute);
        Tensor out = Ops.empty(shape, resultType == DType.BOOL && !kind.isComparison() ? DType.INT64 : resultType, a.device());
        Ops.backend(out).binary(kind, Ops.expandTo(op, ca, shape), Ops.expandTo(op, cb, shape), out);
        if (out.dtype() != resultType) {
            return out.to(resultType);
        }
        if (!kind.isComparison() && Autograd.needs(ca, cb)) {
            recordBinary(kind, ca, cb, out);
        }
        return out;
    }

    // Gradients here have the broadcast shape; the engine sums them back to each input's shape.
    private static void recordBinary(BinaryOp kind, Tensor a, Tensor b, Tensor out) {
        Tensor[] inputs = {a, b};
        switch (kind) {
            case ADD:
                Autograd.record(out, "AddBackward0", inputs, null, (n, g, s) -> new Tensor[] {g, g});
                break;
            case SUB:
                Autograd.record(out, "SubBackward0", inputs, null, (n, g, s) -> new Tensor[] {g, n.needs(1) ? g.neg() : null});
                break;
            case MUL:
                Autograd.record(out, "MulBackward0", inputs, new Tensor[] {n0(a, b), n1(a, b)}, (n, g, s) -> new Tensor[] {
                    n.needs(0) ? g.mul(s[1]) : null, n.needs(1) ? g.mul(s[0]) : null});
                break;
            case DIV:
                Autograd.record(out, "DivBackward0", inputs, inputs, (n, g, s) -> new Tensor[] {
                    n.needs(0) ? g.div(s[1]) : null, n.needs(1) ? g.neg().mul(s[0]).div(s[1].mul(s[1])) : null});
                break;
            case POW:
                Autograd.record(out, b.requiresGrad() ? "PowBackward1" : "PowBackward0", inputs, new Tensor[] {a, b, out},
                        (n, g, s) -> new Tensor[] {
                            n.needs(0) ? g.mul(s[1]).mul(s[0].pow(s[1].sub(1))) : null,
                            n.needs(1) ? g.mul(s[2]).mul(s[0].log()).maskedFill(constantMask(s[0], BinaryOp.EQ, 0), 0) : null});
                break;
            case MAXIMUM:
            case MINIMUM:
                BinaryOp loses = kind == BinaryOp.MAXIMUM ? BinaryOp.LT : BinaryOp.GT;
                BinaryOp wins = kind == BinaryOp.MAXIMUM ? BinaryOp.GT : BinaryOp.LT;
                Autograd.record(out, kind == BinaryOp.MAXIMUM ? "MaximumBackward0" : "MinimumBackward0", inputs, inputs,
                        (n, g, s) -> {
                            Tensor x = s[0].detach();
                            Tensor y = s[1].detach();
                            Tensor tie;
                            Tensor aLoses;
                            Tensor bLoses;
                            try (Grad.Scope off = Grad.disabled()) {
                                tie = binary("maximum", BinaryOp.EQ, x, y);
                                aLoses = binary("maximum", loses, x, y);
                                bLoses = binary("maximum", wins, x, y);
                            }
                            Tensor shared = where("maximum", tie, g.div(2), g);
                            return new Tensor[] {n.needs(0) ? shared.maskedFill(aLoses, 0) : null,
                                n.needs(1) ? shared.maskedFill(bLoses, 0) : null};
                        });
                break;
            default:
                throw new AssertionError(kind);
        }
    }

    /** What MulBackward0 saves: each operand only if the other needs a gradient. */
    private static Tensor n0(Tensor a, Tensor b) {
        return b.requiresGrad() ? a : null;
    }

    private static Tensor n1(Tensor a, Tensor b) {
        return a.requiresGrad() ? b : null;
    }

    /**
     * {@code out = a op b} into an existing tensor (PyTorch's {@code out=}), which must have the
     * broadcast shape and the result dtype and must not partly overlap an operand.
     */
    static Tensor binaryInto(String op, BinaryOp kind, Tensor a, Tensor b, Tensor out) {
        Ops.notNull(op, "other", b);
        Ops.notNull(op, "out", out);
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
        if (Grad.isEnabled() && (a.requiresGrad() || b.requiresGrad() || out.requiresGrad())) {
            throw new IllegalStateException(op + "(..., out): functions with out= arguments don't support automatic "
                    + "differentiation, but one of the arguments requires grad; use the form without out");
        }
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
        Ops.notNull(op, "condition", cond);
        Ops.notNull(op, "input", a);
        Ops.notNull(op, "other", b);
        if (cond.dtype() != DType.BOOL) {
            throw new IllegalArgumentException(op + ": condition must be a bool tensor, got " + cond.dtype().torchName());
        }
        Ops.sameDevice(op, cond, a);
        Ops.sameDevice(op, a, b);
        DType dtype = resultType(a, b);
        long[] shape = Shapes.broadcast(op, Shapes.broadcast(op, cond.shape, a.shape), b.shape);
        Tensor out = Ops.empty(shape, dtype, a.device());
        Tensor ca = a.to(dtype);
        Tensor cb = b.to(dtype);
        Ops.backend(out).where(Ops.expandTo(op, cond, shape), Ops.expandTo(op, ca, shape), Ops.expandTo(op, cb, shape), out);
        if (Autograd.needs(ca, cb)) {
            Tensor c = cond.detach();
            Autograd.record(out, "WhereBackward0", new Tensor[] {ca, cb}, null, (n, g, s) -> {
                Tensor zero = scalarOf(g.dtype(), 0, g.device());
                return new Tensor[] {n.needs(0) ? where("where", c, g, zero) : null, n.needs(1) ? where("where", c, zero, g) : null};
            });
        }
        return out;
    }

    static Tensor maskedFill(Tensor x, Tensor mask, double value) {
        String op = "maskedFill";
        Ops.notNull(op, "mask", mask);
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
        if (Autograd.needs(x)) {
            Tensor c = mask.detach();
            Autograd.record(out, "MaskedFillBackward0", new Tensor[] {x}, null, (n, g, s) -> new Tensor[] {g.maskedFill(c, 0)});
        }
        return out;
    }

    private static Tensor scalarOf(DType dtype, double value, Device device) {
        Tensor s = Ops.zeros(Shapes.scalar(), dtype, device);
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

    /**
     * The backward node for an in-place op on {@code self}, created before the write so that it
     * records {@code self}'s previous history; null when no graph is needed.
     *
     * @throws IllegalStateException for in-place writes autograd cannot follow
     */
    private static BuiltinNode inPlaceNode(String op, Tensor self, Tensor other, String name, Tensor[] saved,
                                    BuiltinNode.Derivative derivative) {
        boolean otherGrad = other != null && other.requiresGrad();
        if (!Grad.isEnabled() || !(self.requiresGrad() || otherGrad)) {
            return null;
        }
        if (self.isLeaf() && self.requiresGrad()) {
            throw new IllegalStateException(op + ": a leaf tensor that requires grad is being used in an in-place operation;"
                    + " wrap the update in `try (var off = Grad.disabled())` or use an out-of-place op");
        }
        for (Tensor b = self.base; b != null; b = b.base) {
            if (b.requiresGrad() || otherGrad) {
                throw new IllegalStateException(op + ": in-place operations on a view of a tensor that is part of the graph"
                        + " are not supported by Nabla's autograd; use an out-of-place op (e.g. clone() first)");
            }
        }
        return new BuiltinNode(name, new Tensor[] {self, other}, saved, derivative);
    }

    private static Tensor finishInPlace(Tensor self, BuiltinNode node) {
        self.storage.bumpVersion();
        if (node != null) {
            node.record(self);
        }
        return self;
    }

    static Tensor inPlace(String op, BinaryOp kind, Tensor self, Tensor other) {
        Ops.notNull(op, "other", other);
        Ops.sameDevice(op, self, other);
        checkBoolSub(op, kind, self, other);
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
        BuiltinNode node;
        switch (kind) {
            case ADD:
                node = inPlaceNode(op, self, src, "AddBackward0", null, (n, g, s) -> new Tensor[] {g, g});
                break;
            case SUB:
                node = inPlaceNode(op, self, src, "SubBackward0", null, (n, g, s) -> new Tensor[] {g, n.needs(1) ? g.neg() : null});
                break;
            default:
                // The old value of self is needed for other's gradient: keep a copy, since self is overwritten.
                Tensor before = Grad.isEnabled() && src.requiresGrad() ? self.clone() : null;
                node = inPlaceNode(op, self, src, "MulBackward0", new Tensor[] {before, src}, (n, g, s) -> new Tensor[] {
                    n.needs(0) ? g.mul(s[1]) : null, n.needs(1) ? g.mul(s[0]) : null});
                break;
        }
        Ops.backend(self).binary(kind, self, b, self);
        return finishInPlace(self, node);
    }

    static Tensor fill(String op, Tensor self, double value) {
        checkWritable(op, self);
        BuiltinNode node = inPlaceNode(op, self, null, "FillBackward0", null, (n, g, s) -> new Tensor[] {null, null});
        Ops.backend(self).fill(self, value);
        return finishInPlace(self, node);
    }

    static Tensor copyInto(Tensor self, Tensor src) {
        String op = "copy_";
        Ops.notNull(op, "src", src);
        checkWritable(op, self);
        Tensor s = src.storage == self.storage ? src.clone() : src;
        if (!s.device().equals(self.device())) {
            s = s.to(self.device());
        }
        BuiltinNode node = inPlaceNode(op, self, s, "CopyBackwards", null, (n, g, saved) -> new Tensor[] {null, g});
        Ops.backend(self).copy(Ops.expandTo(op, s, self.shape), self);
        return finishInPlace(self, node);
    }

    static Tensor uniform(Tensor self, double low, double high) {
        String op = "uniform_";
        Ops.requireFloating(op, self);
        checkWritable(op, self);
        if (!(low <= high)) {
            throw new IllegalArgumentException(op + ": expects low <= high, got low=" + low + ", high=" + high);
        }
        BuiltinNode node = inPlaceNode(op, self, null, "UniformBackward0", null, (n, g, s) -> new Tensor[] {null, null});
        Nabla.withGenerator(g -> Ops.backend(self).uniform(self, low, high, g));
        return finishInPlace(self, node);
    }

    static Tensor normal(Tensor self, double mean, double std) {
        String op = "normal_";
        Ops.requireFloating(op, self);
        checkWritable(op, self);
        if (!(std >= 0)) {
            throw new IllegalArgumentException(op + ": expects std >= 0.0, got " + std);
        }
        BuiltinNode node = inPlaceNode(op, self, null, "NormalBackward0", null, (n, g, s) -> new Tensor[] {null, null});
        Nabla.withGenerator(g -> Ops.backend(self).normal(self, mean, std, g));
        return finishInPlace(self, node);
    }
}
