package dev.nabla.backend;

import dev.nabla.DType;
import dev.nabla.Tensor;
import dev.nabla.internal.TensorAccess;

/**
 * Elementwise functions of one operand, each constant the op's one declaration: the name errors
 * and PyTorch show, the dtypes it takes, its backward node's name and its derivative. The
 * tensor ops, the autograd recording and both backends read these instead of deciding again;
 * a {@link Backend} computes the function itself.
 *
 * <p>An elementwise function has a diagonal Jacobian, so the product with its derivative is
 * the same in both modes: the backward multiplies the output gradient by {@code f'(x)}, the
 * forward mode (jvp) the input tangent. Each op therefore declares that product once, as a
 * {@link Derivative} over whichever of {@code x} and {@code y = f(x)} it reads.
 */
public enum UnaryOp {
    NEG("neg", Domain.SIGNED, "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to"
            + " invert a mask, use the `~` or `logical_not()` operator instead.", "NegBackward0", Reads.NOTHING,
            (g, x, y) -> g.neg()),
    ABS("abs", Domain.SIGNED, "\"abs\" not implemented for 'Bool'", "AbsBackward0", Reads.INPUT, (g, x, y) -> g.mul(x.sign())),
    EXP("exp", Domain.FLOATING, null, "ExpBackward0", Reads.OUTPUT, (g, x, y) -> g.mul(y)),
    LOG("log", Domain.FLOATING, null, "LogBackward0", Reads.INPUT, (g, x, y) -> g.div(x)),
    SQRT("sqrt", Domain.FLOATING, null, "SqrtBackward0", Reads.OUTPUT, (g, x, y) -> g.div(y.mul(2))),
    SIN("sin", Domain.FLOATING, null, "SinBackward0", Reads.INPUT, (g, x, y) -> g.mul(x.cos())),
    COS("cos", Domain.FLOATING, null, "CosBackward0", Reads.INPUT, (g, x, y) -> g.mul(x.sin()).neg()),
    TANH("tanh", Domain.FLOATING, null, "TanhBackward0", Reads.OUTPUT, (g, x, y) -> g.mul(y.mul(y).neg().add(1))),
    SIGMOID("sigmoid", Domain.FLOATING, null, "SigmoidBackward0", Reads.OUTPUT, (g, x, y) -> g.mul(y.mul(y.neg().add(1)))),
    /** {@code max(x, 0)}; its derivative is 0 where the output is 0 (also at 0 itself, as PyTorch's). */
    RELU("relu", Domain.SIGNED, "Boolean inputs not supported for relu", "ReluBackward0", Reads.OUTPUT,
            (g, x, y) -> g.maskedFill(y.le(0), 0)),
    /** -1, 0 or 1 with the operand's sign (NaN for NaN); its derivative is zero. */
    SIGN("sign", Domain.SIGNED, "bool tensors are not supported (the sign of a bool tensor is the tensor itself)",
            "SignBackward0", Reads.NOTHING, (g, x, y) -> null),
    /** {@code log(1 + x)}, accurate for small {@code x}. */
    LOG1P("log1p", Domain.FLOATING, null, "Log1PBackward0", Reads.INPUT, (g, x, y) -> g.div(x.add(1))),
    /** {@code 1 / sqrt(x)}. */
    RSQRT("rsqrt", Domain.FLOATING, null, "RsqrtBackward0", Reads.OUTPUT, (g, x, y) -> g.mul(y.pow(3)).mul(-0.5)),
    /**
     * The error function {@code 2/sqrt(pi) * integral from 0 to x of exp(-t^2) dt}; its
     * derivative {@code 2/sqrt(pi) exp(-x^2)} is composed of differentiable ops, so it
     * differentiates again.
     */
    ERF("erf", Domain.FLOATING, null, "ErfBackward0", Reads.INPUT,
            (g, x, y) -> g.mul(x.mul(x).neg().exp().mul(2 / Math.sqrt(Math.PI)))),
    /**
     * The exact Gaussian error linear unit {@code x Phi(x) = x (1 + erf(x / sqrt 2)) / 2}, PyTorch's
     * {@code F.gelu} with {@code approximate='none'}, in one pass. Its public form is
     * {@link dev.nabla.nn.Functional#gelu} (PyTorch has no {@code Tensor.gelu} either). Its derivative
     * is {@link #GELU_SLOPE}, itself differentiable, so it differentiates again.
     */
    GELU("gelu", Domain.FLOATING, null, "GeluBackward0", Reads.INPUT,
            (g, x, y) -> g.mul(geluSlope(x))),
    /**
     * GELU's derivative {@code Phi(x) + x phi(x)}, with the normal CDF {@code Phi} and density
     * {@code phi(x) = exp(-x^2 / 2) / sqrt(2 pi)}, in one pass: what GELU's backward multiplies the
     * gradient by (PyTorch's {@code gelu_backward}), so that it costs one kernel instead of ten.
     * Not public API: it has no {@code Tensor} method. Its own derivative {@code phi(x) (2 - x^2)}
     * is composed of differentiable ops (GELU's second derivative, for gradgrad and forward-over-reverse).
     */
    GELU_SLOPE("gelu_slope", Domain.FLOATING, null, "GeluBackwardBackward0", Reads.INPUT,
            (g, x, y) -> g.mul(x.mul(x).mul(-0.5).exp().mul(1 / Math.sqrt(2 * Math.PI)).mul(x.mul(x).neg().add(2))));

    /** Which dtypes an op is defined for. */
    public enum Domain {
        /** Floating types only: integer and bool inputs are converted to FLOAT32 first (PyTorch's unary float ops). */
        FLOATING,
        /** Floating types and INT64 (computed in their own type); bool is rejected. */
        SIGNED
    }

    /** What the derivative reads, and so what the backward node saves. */
    public enum Reads {
        /** Neither the input nor the output. */
        NOTHING,
        /** The input {@code x}. */
        INPUT,
        /** The output {@code y}. */
        OUTPUT
    }

    /** The product of an op's elementwise derivative with an output gradient or an input tangent. */
    @FunctionalInterface
    public interface Derivative {
        /**
         * {@code f'(x) * g}, elementwise, written with differentiable tensor ops so that it
         * differentiates again.
         *
         * @param g the output gradient (backward) or the input tangent (forward mode), of the output's shape
         * @param x the input, or null when the op does not read it ({@link Reads})
         * @param y the output, or null when the op does not read it
         * @return the product, or null for zero
         */
        Tensor apply(Tensor g, Tensor x, Tensor y);
    }

    private final String opName;
    private final Domain domain;
    private final String boolError;
    private final String backwardName;
    private final Reads reads;
    private final Derivative derivative;

    UnaryOp(String opName, Domain domain, String boolError, String backwardName, Reads reads, Derivative derivative) {
        this.opName = opName;
        this.domain = domain;
        this.boolError = boolError;
        this.backwardName = backwardName;
        this.reads = reads;
        this.derivative = derivative;
    }

    /** The op's name as {@link Tensor}'s method and errors show it, e.g. {@code "exp"}. */
    public String opName() {
        return opName;
    }

    /** The name of the op's backward node, as PyTorch's ({@code ExpBackward0}). */
    public String backwardName() {
        return backwardName;
    }

    /** What {@link #derivative()} reads. */
    public Reads reads() {
        return reads;
    }

    /** The product of the op's derivative with a gradient or a tangent. */
    public Derivative derivative() {
        return derivative;
    }

    /** Whether a backend computes this op on operands of {@code dtype} (in that same dtype). */
    public boolean accepts(DType dtype) {
        return dtype.isFloatingPoint() || (domain == Domain.SIGNED && dtype == DType.INT64);
    }

    /**
     * What a backend calls before computing the op on operands of {@code dtype}.
     *
     * @throws UnsupportedOperationException naming the op and the dtype unless it {@link #accepts} it
     */
    public void requireAccepts(DType dtype) {
        if (!accepts(dtype)) {
            throw new UnsupportedOperationException(opName + " is not defined for " + dtype.torchName());
        }
    }

    /**
     * The dtype this op computes in (and returns) for an input of {@code dtype}: the input's own
     * when {@link #accepts} it, FLOAT32 for an integer or bool input of a floating-only op.
     *
     * @throws IllegalArgumentException naming the op, in PyTorch's words, for a bool input of an op that rejects bool
     */
    public DType computeType(DType dtype) {
        if (accepts(dtype)) {
            return dtype;
        }
        if (domain == Domain.FLOATING) {
            return DType.FLOAT32;
        }
        throw new IllegalArgumentException(opName + ": " + boolError);
    }

    /** {@link #GELU_SLOPE} of {@code x}: a method, as an enum constant's arguments cannot name a later constant. */
    private static Tensor geluSlope(Tensor x) {
        return TensorAccess.get().unary(GELU_SLOPE, x);
    }
}
