package dev.nabla.backend;

import dev.nabla.DType;
import dev.nabla.Tensor;

/**
 * Elementwise functions of two operands, each constant the op's one declaration: the name errors
 * and PyTorch show, the dtype it computes in and returns, its backward node's name and its
 * partial derivatives. The tensor-tensor, tensor-scalar and in-place forms of the op, the
 * autograd recording and both backends read these instead of deciding again; a {@link Backend}
 * computes the function itself.
 *
 * <p>Over the broadcast shape the op is elementwise, so each partial Jacobian is diagonal and its
 * product with a vector is the same in both modes: the backward multiplies the output gradient
 * by {@code d out / d a} (the engine then sums it back to {@code a}'s shape), the forward mode
 * the tangent of {@code a} expanded to the output's shape. Each op therefore declares one
 * {@link Partial} per operand, and which operands it reads ({@link Reads}), so the backward
 * node saves only those. Comparisons have none: their BOOL result is not differentiable.
 */
public enum BinaryOp {
    ADD("add", "AddBackward0", Reads.NOTHING, (g, o) -> g, Reads.NOTHING, (g, o) -> g),
    SUB("sub", "SubBackward0", Reads.NOTHING, (g, o) -> g, Reads.NOTHING, (g, o) -> g.neg()),
    MUL("mul", "MulBackward0", Reads.B, (g, o) -> o.isScalarB() ? g.mul(o.scalarB()) : g.mul(o.b()),
            Reads.A, (g, o) -> g.mul(o.a())),
    DIV("div", "DivBackward0", Reads.B, (g, o) -> o.isScalarB() ? g.div(o.scalarB()) : g.div(o.b()), Reads.A | Reads.B,
            (g, o) -> g.neg().mul(o.a()).div(o.b().mul(o.b()))),
    /**
     * {@code a^b}; {@code d/db} is 0 where {@code a} is 0 (rather than {@code 0 * -inf}), as
     * PyTorch's. The backward node is {@code PowBackward1} with a tensor exponent and
     * {@code PowBackward0} with a scalar one, as PyTorch names them.
     */
    POW("pow", "PowBackward1", Reads.A | Reads.B, (g, o) -> g.mul(o.b()).mul(o.a().pow(o.b().sub(1))),
            Reads.A | Reads.OUT, (g, o) -> g.mul(o.out()).mul(o.a().log()).maskedFill(o.a().eq(0), 0)),
    /** The larger operand; a tie shares the gradient equally between the two, as PyTorch's. */
    MAXIMUM("maximum", "MaximumBackward0", Reads.A | Reads.B, (g, o) -> extreme(g, o.a(), o.b(), true),
            Reads.A | Reads.B, (g, o) -> extreme(g, o.b(), o.a(), true)),
    /** The smaller operand; a tie shares the gradient equally. */
    MINIMUM("minimum", "MinimumBackward0", Reads.A | Reads.B, (g, o) -> extreme(g, o.a(), o.b(), false),
            Reads.A | Reads.B, (g, o) -> extreme(g, o.b(), o.a(), false)),
    GT("gt"), GE("ge"), LT("lt"), LE("le"), EQ("eq"), NE("ne");

    /** Bits saying which of {@link Operands} a {@link Partial} reads. */
    public static final class Reads {
        /** Reads no operand. */
        public static final int NOTHING = 0;
        /** Reads the first operand. */
        public static final int A = 1;
        /** Reads the second operand. */
        public static final int B = 2;
        /** Reads the output. */
        public static final int OUT = 4;

        private Reads() {}
    }

    /** What a {@link Partial} may read: the op's operands (converted to the dtype it computes in) and output. */
    public interface Operands {
        /** The first operand. */
        Tensor a();

        /** The second operand (a new 0-dimensional tensor for a Java number: see {@link #isScalarB}). */
        Tensor b();

        /**
         * Whether the second operand is a Java number, {@link #scalarB()}: a partial that only
         * scales by it can then skip making it a tensor, as {@code x * 2}'s backward does on every step.
         */
        boolean isScalarB();

        /** The second operand's value when {@link #isScalarB()}. */
        double scalarB();

        /** The output. */
        Tensor out();
    }

    /** The product of a partial derivative with an output gradient or an operand's tangent. */
    @FunctionalInterface
    public interface Partial {
        /**
         * {@code (d out / d operand) * g}, elementwise over the output's shape, written with
         * differentiable tensor ops so that it differentiates again.
         *
         * @param g the output gradient (backward) or the operand's tangent expanded to the output's shape (forward mode)
         * @param o the operands it reads, as declared
         * @return the product, of {@code g}'s shape
         */
        Tensor apply(Tensor g, Operands o);
    }

    private final String opName;
    private final String backwardName;
    private final int readsA;
    private final Partial partialA;
    private final int readsB;
    private final Partial partialB;

    BinaryOp(String opName, String backwardName, int readsA, Partial partialA, int readsB, Partial partialB) {
        this.opName = opName;
        this.backwardName = backwardName;
        this.readsA = readsA;
        this.partialA = partialA;
        this.readsB = readsB;
        this.partialB = partialB;
    }

    /** A comparison: BOOL result, no derivative. */
    BinaryOp(String opName) {
        this(opName, null, Reads.NOTHING, null, Reads.NOTHING, null);
    }

    /** The op's name as {@link Tensor}'s method and errors show it, e.g. {@code "add"}. */
    public String opName() {
        return opName;
    }

    /** Whether the result is {@link dev.nabla.DType#BOOL} rather than the operands' type. */
    public boolean isComparison() {
        return partialA == null;
    }

    /**
     * The name of the op's backward node, as PyTorch's.
     *
     * @param scalarOther whether the second operand is a Java number rather than a tensor
     */
    public String backwardName(boolean scalarOther) {
        return this == POW && scalarOther ? "PowBackward0" : backwardName;
    }

    /** The partial derivative with respect to operand 0 ({@code a}) or 1 ({@code b}); null for a comparison. */
    public Partial partial(int operand) {
        return operand == 0 ? partialA : partialB;
    }

    /** The {@link Reads} bits of the partial with respect to operand 0 or 1. */
    public int reads(int operand) {
        return operand == 0 ? readsA : readsB;
    }

    /**
     * The dtype the op computes in when its operands promote to {@code promoted} (PyTorch's
     * result type): FLOAT32 for a division of integers (true division), INT64 for bool operands
     * (sums and products of 0/1 read back as or/and), otherwise {@code promoted}.
     */
    public DType computeType(DType promoted) {
        if (this == DIV && !promoted.isFloatingPoint()) {
            return DType.FLOAT32;
        }
        return promoted == DType.BOOL ? DType.INT64 : promoted;
    }

    /**
     * Whether a backend computes this op on operands of {@code dtype} (in that dtype): the
     * floating types and INT64, except an INT64 division (the tensor ops divide integers in FLOAT32).
     */
    public boolean accepts(DType dtype) {
        return dtype != DType.BOOL && computeType(dtype) == dtype;
    }

    /**
     * What a backend calls before computing the op on operands of {@code dtype}.
     *
     * @throws UnsupportedOperationException naming the op and the dtype unless it {@link #accepts} it
     */
    public void requireAccepts(DType dtype) {
        if (!accepts(dtype)) {
            throw new UnsupportedOperationException(opName + " is not defined for " + dtype.torchName() + " operands");
        }
    }

    /**
     * The dtype of the op's result when its operands promote to {@code promoted}: BOOL for a
     * comparison, FLOAT32 for a division of integers, INT64 for a power of bools, otherwise
     * {@code promoted}.
     */
    public DType resultType(DType promoted) {
        if (isComparison()) {
            return DType.BOOL;
        }
        if (this == POW && promoted == DType.BOOL) {
            return DType.INT64;
        }
        return this == DIV ? computeType(promoted) : promoted;
    }

    /**
     * @throws IllegalArgumentException naming {@code op} for operand dtypes PyTorch refuses:
     *     {@code -} with a bool operand, ambiguous with logical negation
     */
    public void checkOperands(String op, DType a, DType b) {
        if (this == SUB && (a == DType.BOOL || b == DType.BOOL)) {
            throw new IllegalArgumentException(op + ": Subtraction, the `-` operator, with a bool tensor is not supported."
                    + " If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.");
        }
    }

    /**
     * {@code g} where {@code x} wins against {@code y} (is larger for a maximum), half of it where
     * they tie, 0 where {@code x} loses.
     */
    private static Tensor extreme(Tensor g, Tensor x, Tensor y, boolean max) {
        Tensor shared = Tensor.where(x.eq(y), g.div(2), g);
        return shared.maskedFill(max ? x.lt(y) : x.gt(y), 0);
    }
}
