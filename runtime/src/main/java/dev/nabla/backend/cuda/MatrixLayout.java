package dev.nabla.backend.cuda;

/**
 * How the matrices of one operand of a batched product, {@code [batch, rows, cols]}, lie in
 * memory, in the terms the {@code gemm} kernels and cuBLAS take: each matrix row-major
 * (element (i, j) at {@code i * ld + j}) or, when {@code transposed}, column-major (at
 * {@code j * ld + i}), its leading dimension {@code ld} at least the contiguous extent (cols, or
 * rows when transposed), and matrix {@code p} starting {@code p * batchStride} elements after the
 * first (0: every matrix is the first, a broadcast batch).
 *
 * @param transposed whether each matrix is column-major
 * @param ld the elements from one row (column, when transposed) to the next, at least 1
 * @param batchStride the elements from one matrix to the next, at least 0
 */
record MatrixLayout(boolean transposed, long ld, long batchStride) {
    /**
     * The layout of a view with these sizes and element strides, or null when its matrices are
     * neither row- nor column-major with a leading dimension at least their extent (then only a
     * contiguous copy of it has a layout). A size-1 dimension's stride is never read, so it does
     * not count against the view; a batch of one matrix gets a batch stride of 0.
     *
     * @param shape {@code [batch, rows, cols]}, every size positive
     * @param stride the view's element strides, one per dimension
     */
    static MatrixLayout of(long[] shape, long[] stride) {
        long rows = shape[1];
        long cols = shape[2];
        long batchStride = shape[0] == 1 ? 0 : stride[0];
        if (batchStride < 0) {
            return null;
        }
        if ((cols == 1 || stride[2] == 1) && (rows == 1 || stride[1] >= cols)) {
            return new MatrixLayout(false, rows == 1 ? cols : stride[1], batchStride);
        }
        if ((rows == 1 || stride[1] == 1) && (cols == 1 || stride[2] >= rows)) {
            return new MatrixLayout(true, cols == 1 ? rows : stride[2], batchStride);
        }
        return null;
    }

    /** The layout of a contiguous tensor of {@code shape}, {@code [batch, rows, cols]}. */
    static MatrixLayout contiguous(long[] shape) {
        return new MatrixLayout(false, shape[2], shape[1] * shape[2]);
    }

    /** The elements from a matrix's first element to the first of its row {@code r}. */
    long rowOffset(long r) {
        return transposed ? r : r * ld;
    }
}
