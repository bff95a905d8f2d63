package dev.nabla.backend;

/** Elementwise functions of one operand that a {@link Backend} computes. */
public enum UnaryOp {
    NEG, ABS, EXP, LOG, SQRT, SIN, COS, TANH, SIGMOID, RELU,
    /** -1, 0 or 1 with the operand's sign (0 for NaN-free zero). */
    SIGN
}
