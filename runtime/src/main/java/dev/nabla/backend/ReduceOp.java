package dev.nabla.backend;

/** Reductions over one or more dimensions that a {@link Backend} computes. */
public enum ReduceOp {
    SUM, MAX, MIN
}
