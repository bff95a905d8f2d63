package dev.nabla.nn;

import dev.nabla.DType;
import dev.nabla.Tensor;
import java.util.Arrays;

/** Embedding lookups for {@link Functional#embedding}. */
final class Embeddings {
    private Embeddings() {}

    static Tensor embedding(Tensor indices, Tensor weight) {
        String op = "embedding";
        if (indices == null || weight == null) {
            throw new NullPointerException(op + ": indices and weight must not be null");
        }
        if (indices.dtype() != DType.INT64) {
            throw new IllegalArgumentException(op + ": expected int64 indices, got " + indices.dtype().torchName());
        }
        if (weight.dim() != 2) {
            throw new IllegalArgumentException(op + ": expected a 2-D weight [count, dim], got shape "
                    + Arrays.toString(weight.shape()));
        }
        if (!indices.device().equals(weight.device())) {
            throw new IllegalArgumentException(op + ": indices are on " + indices.device() + " but the weight is on "
                    + weight.device());
        }
        long count = weight.size(0);
        for (long i : indices.toLongArray()) {
            if (i < 0 || i >= count) {
                throw new IndexOutOfBoundsException(op + ": index " + i + " is out of range for an embedding of " + count
                        + " rows");
            }
        }
        long[] shape = Arrays.copyOf(indices.shape(), indices.dim() + 1);
        shape[indices.dim()] = weight.size(1);
        // indexSelect's backward adds each gradient row into the weight row it came from (index_add), so
        // rows used several times accumulate.
        return weight.indexSelect(0, indices.reshape(-1)).reshape(shape);
    }
}
