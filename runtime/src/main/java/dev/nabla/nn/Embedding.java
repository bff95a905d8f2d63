package dev.nabla.nn;

import dev.nabla.Tensor;

/**
 * A lookup table of {@code count} learned vectors of size {@code dim}, PyTorch's
 * {@code nn.Embedding}: the weight {@code [count, dim]} starts as samples of the standard normal
 * distribution. Input INT64 indices {@code [*]}, output {@code [*, dim]} (see
 * {@link Functional#embedding}).
 */
public final class Embedding extends UnaryModule {
    private final long count;
    private final long dim;
    private final Parameter weight;

    /**
     * A table of {@code count} vectors of size {@code dim}.
     *
     * @throws IllegalArgumentException if a size is negative
     */
    public Embedding(long count, long dim) {
        if (count < 0 || dim < 0) {
            throw new IllegalArgumentException("Embedding: sizes must be non-negative, got num_embeddings=" + count
                    + ", embedding_dim=" + dim);
        }
        this.count = count;
        this.dim = dim;
        this.weight = new Parameter(Tensor.zeros(count, dim));
        Init.normal_(weight);
    }

    /** The number of vectors. */
    public long count() {
        return count;
    }

    /** The size of each vector. */
    public long dim() {
        return dim;
    }

    /** The table, {@code [count, dim]}. */
    public Parameter weight() {
        return weight;
    }

    /**
     * The vectors the indices name.
     *
     * @throws IllegalArgumentException if {@code input} is not INT64 or is on another device
     * @throws IndexOutOfBoundsException if an index is outside {@code [0, count)}
     */
    @Override
    public Tensor forward(Tensor input) {
        return Functional.embedding(input, weight());
    }

    /** {@code 10, 3}, as PyTorch prints it. */
    @Override
    public String extraRepr() {
        return count + ", " + dim;
    }
}
