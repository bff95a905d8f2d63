package dev.nabla.backend;

/** Elementwise functions of one operand that a {@link Backend} computes. */
public enum UnaryOp {
    NEG, ABS, EXP, LOG, SQRT, SIN, COS, TANH, SIGMOID, RELU,
    /** -1, 0 or 1 with the operand's sign (0 for NaN-free zero). */
    SIGN,
    /** {@code log(1 + x)}, accurate for small {@code x}. */
    LOG1P,
    /** {@code 1 / sqrt(x)}. */
    RSQRT,
    /** The error function {@code 2/sqrt(pi) * integral from 0 to x of exp(-t^2) dt}. */
    ERF
}
