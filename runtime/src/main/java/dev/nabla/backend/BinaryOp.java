package dev.nabla.backend;

/** Elementwise functions of two operands that a {@link Backend} computes. */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, POW, MAXIMUM, MINIMUM,
    GT, GE, LT, LE, EQ, NE;

    /** Whether the result is {@link dev.nabla.DType#BOOL} rather than the operands' type. */
    public boolean isComparison() {
        return ordinal() >= GT.ordinal();
    }
}
