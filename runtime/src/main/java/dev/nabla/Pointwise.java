package dev.nabla;

import dev.nabla.autograd.BuiltinNode;
import dev.nabla.autograd.ForwardAD;
import dev.nabla.backend.BinaryOp;
import dev.nabla.backend.UnaryOp;
import dev.nabla.internal.FusedBackward;
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

    /** Each unary op's backward, built once from its declaration: a node is recorded on every op call. */
    private static final BuiltinNode.Derivative[] UNARY_BACKWARD = new BuiltinNode.Derivative[UnaryOp.values().length];

    static {
        for (UnaryOp op : UnaryOp.values()) {
            UnaryOp.Derivative d = op.derivative();
            UnaryOp.Reads reads = op.reads();
            UNARY_BACKWARD[op.ordinal()] = (n, g, s) -> new Tensor[] {
                d.apply(g, reads == UnaryOp.Reads.INPUT ? s[0] : null, reads == UnaryOp.Reads.OUTPUT ? s[0] : null)};
        }
        UNARY_BACKWARD[UnaryOp.RELU.ordinal()] = (n, g, s) -> new Tensor[] {reluBackward(g, s[0])};
    }

    /**
     * ReLU's gradient from its output {@code y}: one kernel where the backend has it and no graph
     * is being built (nor a tangent of {@code g} carried), else RELU's declared derivative, a mask
     * and a select, whose own derivative a double backward needs.
     */
    private static Tensor reluBackward(Tensor g, Tensor y) {
        if (FusedBackward.allowed(g, y) && g.dtype() == y.dtype() && g.device().equals(y.device())
                && java.util.Arrays.equals(g.shape, y.shape)) {
            Tensor fused = Ops.backend(y).reluBackward(y.detach(), g.detach());
            if (fused != null) {
                return fused;
            }
        }
        return UnaryOp.RELU.derivative().apply(g, null, y);
    }

    /** {@code op(x)} in the dtype {@code op} declares for {@code x}'s. */
    static Tensor unary(UnaryOp op, Tensor x) {
        Tensor in = x.to(op.computeType(x.dtype()));
        Tensor out = Ops.empty(in.shape.clone(), in.dtype(), in.device());
        Ops.backend(in).unary(op, in, out);
        if (Autograd.needs(in)) {
            UnaryOp.Reads reads = op.reads();
            Tensor[] saved = reads == UnaryOp.Reads.INPUT ? new Tensor[] {in} : reads == UnaryOp.Reads.OUTPUT ? new Tensor[] {out} : null;
            UnaryOp.Derivative d = op.derivative();
            Autograd.record(out, op.backwardName(), new Tensor[] {in}, saved, UNARY_BACKWARD[op.ordinal()],
                    t -> d.apply(t[0], in, out));
        }
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
        if (Autograd.needs(in)) {
            String name = op.equals("clampMin") ? "ClampMinBackward0" : op.equals("clampMax") ? "ClampMaxBackward0" : "ClampBackward1";
            Tensor input = in;
            Autograd.record(out, name, new Tensor[] {in}, new Tensor[] {in},
                    (n, g, s) -> new Tensor[] {g.maskedFill(outside(s[0], min, max), 0)},
                    t -> t[0].maskedFill(outside(input, min, max), 0));
        }
        return out;
    }

    /** Where {@code v} lies outside {@code [min, max]}, where clamp's derivative is 0; a NaN is inside. */
    private static Tensor outside(Tensor v, double min, double max) {
        try (Grad.Scope off = Grad.disabled()) {
            Tensor d = v.detach();
            return binary(BinaryOp.ADD, binary(BinaryOp.LT, d, min), binary(BinaryOp.GT, d, max));
        }
    }

    // ---------------------------------------------------------------- binary

    /** Each arithmetic op's backward, built once from its declaration; saved tensors are {a, b, out}. */
    private static final BuiltinNode.Derivative[] BINARY_BACKWARD = new BuiltinNode.Derivative[BinaryOp.values().length];

    static {
        for (BinaryOp kind : BinaryOp.values()) {
            if (!kind.isComparison()) {
                BINARY_BACKWARD[kind.ordinal()] = (n, g, s) -> {
                    Operands o = s.length == 0 ? Operands.NONE : new Operands(s[0], s[1], s[2]);
                    return new Tensor[] {n.needs(0) ? kind.partial(0).apply(g, o) : null,
                        n.needs(1) ? kind.partial(1).apply(g, o) : null};
                };
            }
        }
    }

    /**
     * The tensors a binary op's {@link BinaryOp.Partial}s read: its operands (in the dtype it
     * computes in) and output; a scalar second operand becomes a 0-dimensional tensor when read.
     */
    private static final class Operands implements BinaryOp.Operands {
        static final Operands NONE = new Operands(null, null, null);

        private final Tensor a;
        private Tensor b;
        private final Tensor out;
        private final double scalar;
        private final DType dtype;
        private final Device device;

        Operands(Tensor a, Tensor b, Tensor out) {
            this(a, b, out, 0, null, null);
        }

        /** With the second operand a Java number of the op's {@code dtype} on {@code device}. */
        Operands(Tensor a, double scalar, DType dtype, Device device, Tensor out) {
            this(a, null, out, scalar, dtype, device);
        }

        private Operands(Tensor a, Tensor b, Tensor out, double scalar, DType dtype, Device device) {
            this.a = a;
            this.b = b;
            this.out = out;
            this.scalar = scalar;
            this.dtype = dtype;
            this.device = device;
        }

        @Override
        public Tensor a() {
            return a;
        }

        @Override
        public Tensor b() {
            if (b == null && dtype != null) {
                b = scalarOf(dtype, scalar, device);
            }
            return b;
        }

        @Override
        public Tensor out() {
            return out;
        }

        @Override
        public boolean isScalarB() {
            return dtype != null;
        }

        @Override
        public double scalarB() {
            return scalar;
        }
    }

    /** What a binary op's backward saves, as {a, b, out}: those of them the {@link BinaryOp.Reads} bits name. */
    private static Tensor[] saved(int reads, Tensor a, Tensor b, Tensor out) {
        if (reads == BinaryOp.Reads.NOTHING) {
            return null;
        }
        return new Tensor[] {(reads & BinaryOp.Reads.A) != 0 ? a : null, (reads & BinaryOp.Reads.B) != 0 ? b : null,
            (reads & BinaryOp.Reads.OUT) != 0 ? out : null};
    }

    /** What the partials of the operands that need a gradient read. */
    private static int reads(BinaryOp kind, boolean aNeeds, boolean bNeeds) {
        return (aNeeds ? kind.reads(0) : 0) | (bNeeds ? kind.reads(1) : 0);
    }

    /**
     * {@code kind}'s jvp: the sum of each partial applied to its operand's tangent expanded to
     * {@code shape}; a null tangent is zero.
     */
    private static Tensor binaryJvp(BinaryOp kind, Tensor[] t, BinaryOp.Operands o, long[] shape) {
        Tensor sum = null;
        for (int i = 0; i < t.length; i++) {
            if (t[i] != null) {
                Tensor ti = java.util.Arrays.equals(t[i].shape, shape) ? t[i] : t[i].expand(shape);
                Tensor term = kind.partial(i).apply(ti, o);
                sum = sum == null ? term : sum.add(term);
            }
        }
        return sum;
    }

    static Tensor binary(BinaryOp kind, Tensor a, double b) {
        if (kind == BinaryOp.POW && !a.dtype().isFloatingPoint() && b < 0 && b == Math.rint(b)) {
            throw new IllegalArgumentException(kind.opName() + ": integers to negative integer powers are not allowed, got "
                    + a.dtype().torchName() + " tensor to the power " + b);
        }
        if (a.dtype().isFloatingPoint()) {
            return binaryScalar(kind, a, b);
        }
        return binary(kind, a, scalarLike(a, b));
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
            DType dtype = a.dtype();
            Device device = a.device();
            BinaryOp.Partial partial = kind.partial(0);
            // The scalar needs no saving: the derivative captures it.
            int reads = kind.reads(0) & ~BinaryOp.Reads.B;
            Autograd.record(out, kind.backwardName(true), new Tensor[] {a}, saved(reads, a, null, out),
                    (n, g, s) -> new Tensor[] {partial.apply(g, s.length == 0 ? new Operands(null, b, dtype, device, null)
                            : new Operands(s[0], b, dtype, device, s[2]))},
                    t -> partial.apply(t[0], new Operands(a, b, dtype, device, out)));
        }
        return out;
    }

    static Tensor binary(BinaryOp kind, Tensor a, Tensor b) {
        String op = kind.opName();
        Ops.notNull(op, kind == BinaryOp.POW ? "exponent" : "other", b);
        Ops.sameDevice(op, a, b);
        kind.checkOperands(op, a.dtype(), b.dtype());
        DType promoted = resultType(a, b);
        DType compute = kind.computeType(promoted);
        long[] shape = Shapes.broadcast(op, a.shape, b.shape);
        Tensor ca = a.to(compute);
        Tensor cb = b.to(compute);
        Tensor out = Ops.empty(shape, kind.isComparison() ? DType.BOOL : compute, a.device());
        Ops.backend(out).binary(kind, Ops.expandTo(op, ca, shape), Ops.expandTo(op, cb, shape), out);
        DType result = kind.resultType(promoted);
        if (out.dtype() != result) {
            // Arithmetic on bools, computed on 0/1 integers: no gradient to record.
            return out.to(result);
        }
        if (!kind.isComparison() && Autograd.needs(ca, cb)) {
            // Gradients here have the broadcast shape; the engine sums them back to each input's shape.
            Autograd.record(out, kind.backwardName(false), new Tensor[] {ca, cb},
                    saved(reads(kind, ca.requiresGrad(), cb.requiresGrad()), ca, cb, out), BINARY_BACKWARD[kind.ordinal()],
                    t -> binaryJvp(kind, t, new Operands(ca, cb, out), shape));
        }
        return out;
    }

    /**
     * {@code out = a op b} into an existing tensor (PyTorch's {@code out=}), which must have the
     * broadcast shape and the result dtype and must not partly overlap an operand.
     */
    static Tensor binaryInto(BinaryOp kind, Tensor a, Tensor b, Tensor out) {
        String op = kind.opName();
        Ops.notNull(op, "other", b);
        Ops.notNull(op, "out", out);
        Ops.sameDevice(op, a, b);
        Ops.sameDevice(op, a, out);
        long[] shape = Shapes.broadcast(op, a.shape, b.shape);
        if (!java.util.Arrays.equals(shape, out.shape)) {
            throw new IllegalArgumentException(op + ": out has shape " + Shapes.format(out.shape)
                    + " but the result has shape " + Shapes.format(shape));
        }
        DType promoted = resultType(a, b);
        DType compute = kind.computeType(promoted);
        DType result = kind.resultType(promoted);
        if (result != out.dtype() || compute != result) {
            throw new IllegalArgumentException(op + ": out has dtype " + out.dtype().torchName()
                    + " but the result has dtype " + result.torchName());
        }
        checkWritable(op, out);
        if (Grad.isEnabled() && (a.requiresGrad() || b.requiresGrad() || out.requiresGrad())) {
            throw new IllegalStateException(op + "(..., out): functions with out= arguments don't support automatic "
                    + "differentiation, but one of the arguments requires grad; use the form without out");
        }
        if (ForwardAD.hasTangent(a) || ForwardAD.hasTangent(b) || ForwardAD.hasTangent(out)) {
            throw new UnsupportedOperationException(op + "(..., out): functions with out= arguments don't support"
                    + " forward-mode AD, but one of the arguments has a tangent; use the form without out");
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
            Autograd.record(out, "WhereBackward0", new Tensor[] {ca, cb}, null, (n, g, s) -> new Tensor[] {
                n.needs(0) ? select(c, g, null) : null, n.needs(1) ? select(c, null, g) : null},
                    t -> {
                        Tensor r = select(c, t[0], t[1]);
                        return java.util.Arrays.equals(r.shape, shape) ? r : r.expand(shape);
                    });
        }
        return out;
    }

    /** {@code where(c, x, y)} with a null {@code x} or {@code y} read as zero (at least one is not null). */
    private static Tensor select(Tensor c, Tensor x, Tensor y) {
        Tensor some = x != null ? x : y;
        Tensor zero = scalarOf(some.dtype(), 0, some.device());
        return where("where", c, x != null ? x : zero, y != null ? y : zero);
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
            Autograd.record(out, "MaskedFillBackward0", new Tensor[] {x}, null, (n, g, s) -> new Tensor[] {g.maskedFill(c, 0)},
                    t -> t[0].maskedFill(c, 0));
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

    /**
     * Forward mode for an in-place op on {@code inputs[0]}, before its write: its tangent becomes
     * what {@code rule} computes from the inputs' tangents and old values (none when it gives null).
     *
     * @throws UnsupportedOperationException naming the op when the written tensor is a view of one
     *     that carries a tangent, whose tangent could not follow the write
     */
    private static void inPlaceTangent(String op, Tensor[] inputs, ForwardAD.Jvp rule) {
        Tensor self = inputs[0];
        if (self.base != null && ForwardAD.hasTangent(self.base)) {
            throw new UnsupportedOperationException(op + ": forward-mode AD does not support an in-place write into a view"
                    + " of a tensor that has a tangent (that tangent would not follow the write); clone() the view first");
        }
        ForwardAD.propagateInPlace(op, inputs, self, rule);
    }

    /**
     * {@code self = self op other} ({@code add_}, {@code sub_}, {@code mul_}), with {@code kind}'s
     * declared derivative; {@code kind}'s partials must not read the output, which the write replaces.
     */
    static Tensor inPlace(BinaryOp kind, Tensor self, Tensor other) {
        String op = kind.opName() + "_";
        Ops.notNull(op, "other", other);
        Ops.sameDevice(op, self, other);
        kind.checkOperands(op, self.dtype(), other.dtype());
        checkWritable(op, self);
        DType result = kind.resultType(resultType(self, other));
        if (!result.canCastTo(self.dtype())) {
            throw new IllegalArgumentException(op + ": result type " + result.torchName()
                    + " can't be cast to the desired output type " + self.dtype().torchName());
        }
        if (self.dtype() == DType.BOOL) {
            throw new IllegalArgumentException(op + ": in-place arithmetic on a bool tensor is not supported");
        }
        Tensor src = other.storage == self.storage ? other.clone() : other;
        Tensor b = Ops.expandTo(op, src.to(self.dtype()), self.shape);
        int reads = reads(kind, Grad.isEnabled() && self.requiresGrad(), Grad.isEnabled() && src.requiresGrad());
        // A partial that reads self reads its value before the write: keep a copy, since self is overwritten.
        Tensor before = (reads & BinaryOp.Reads.A) != 0 ? self.clone() : null;
        BuiltinNode node = inPlaceNode(op, self, src, kind.backwardName(false), saved(reads, before, src, null),
                BINARY_BACKWARD[kind.ordinal()]);
        inPlaceTangent(op, new Tensor[] {self, src}, t -> binaryJvp(kind, t, new Operands(self, b, null), self.shape));
        Ops.backend(self).binary(kind, self, b, self);
        return finishInPlace(self, node);
    }

    static Tensor fill(String op, Tensor self, double value) {
        checkWritable(op, self);
        BuiltinNode node = inPlaceNode(op, self, null, "FillBackward0", null, (n, g, s) -> new Tensor[] {null, null});
        inPlaceTangent(op, new Tensor[] {self}, t -> null);
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
        inPlaceTangent(op, new Tensor[] {self, s},
                t -> t[1] == null || java.util.Arrays.equals(t[1].shape, self.shape) ? t[1] : t[1].expand(self.shape));
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
        inPlaceTangent(op, new Tensor[] {self}, t -> null);
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
        inPlaceTangent(op, new Tensor[] {self}, t -> null);
        Nabla.withGenerator(g -> Ops.backend(self).normal(self, mean, std, g));
        return finishInPlace(self, node);
    }
}
