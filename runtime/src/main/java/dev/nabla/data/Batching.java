package dev.nabla.data;

import dev.nabla.DType;
import dev.nabla.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Index bookkeeping shared by the data sets and the loader. */
final class Batching {
    private Batching() {}

    /**
     * Checks that {@code indices} is a 1-D INT64 tensor and returns its values.
     *
     * @throws IllegalArgumentException if it is not a 1-D INT64 tensor
     * @throws IndexOutOfBoundsException naming the first index outside {@code [0, size)}
     */
    static long[] checkedIndices(Tensor indices, int size) {
        requireIndexTensor(indices);
        long[] at = indices.toLongArray();
        for (long i : at) {
            if (i < 0 || i >= size) {
                throw new IndexOutOfBoundsException("batch: index " + i + " is out of range for a dataset of size " + size);
            }
        }
        return at;
    }

    /** @throws IllegalArgumentException if {@code indices} is not a 1-D INT64 tensor */
    static void requireIndexTensor(Tensor indices) {
        if (indices.dtype() != DType.INT64 || indices.dim() != 1) {
            throw new IllegalArgumentException("batch: indices must be a 1-D int64 tensor, got "
                    + indices.dtype().torchName() + " of shape " + Arrays.toString(indices.shape()));
        }
    }

    /** @throws IndexOutOfBoundsException if {@code index} is outside {@code [0, size)} */
    static void checkIndex(int index, int size) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("index " + index + " is out of range for a dataset of size " + size);
        }
    }

    /** A uniformly random permutation of {@code 0 .. n-1} (Fisher-Yates). */
    static long[] permutation(int n, SplittableRandom random) {
        long[] p = new long[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            long t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
