package dev.nabla.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** Which views of a product's operand the gemm kernels and cuBLAS take as they lie, and how. */
class MatrixLayoutTest {
    private static final long[] SHAPE = {3, 4, 5};

    @Test
    void rowAndColumnMajorMatricesKeepTheirLeadingDimension() {
        assertEquals(new MatrixLayout(false, 5, 20), MatrixLayout.of(SHAPE, new long[] {20, 5, 1}), "contiguous");
        assertEquals(new MatrixLayout(false, 7, 28), MatrixLayout.of(SHAPE, new long[] {28, 7, 1}), "narrowed rows");
        assertEquals(new MatrixLayout(true, 4, 20), MatrixLayout.of(SHAPE, new long[] {20, 1, 4}), "transposed");
        assertEquals(new MatrixLayout(true, 6, 30), MatrixLayout.of(SHAPE, new long[] {30, 1, 6}),
                "transposed, narrowed columns");
        assertEquals(MatrixLayout.contiguous(SHAPE), MatrixLayout.of(SHAPE, new long[] {20, 5, 1}));
    }

    @Test
    void aBroadcastBatchOrASingleMatrixHasBatchStrideZero() {
        assertEquals(new MatrixLayout(false, 5, 0), MatrixLayout.of(SHAPE, new long[] {0, 5, 1}), "broadcast");
        assertEquals(new MatrixLayout(true, 4, 0), MatrixLayout.of(new long[] {1, 4, 5}, new long[] {99, 1, 4}),
                "one matrix: its batch stride is never read");
    }

    @Test
    void theStrideOfASizeOneDimensionIsNeverRead() {
        assertEquals(new MatrixLayout(false, 5, 5), MatrixLayout.of(new long[] {2, 1, 5}, new long[] {5, 123, 1}));
        assertEquals(new MatrixLayout(false, 1, 4), MatrixLayout.of(new long[] {2, 4, 1}, new long[] {4, 1, 77}));
        assertEquals(new MatrixLayout(false, 2, 8), MatrixLayout.of(new long[] {2, 4, 1}, new long[] {8, 2, 77}),
                "a column with gaps");
        assertEquals(new MatrixLayout(true, 3, 9), MatrixLayout.of(new long[] {2, 3, 4}, new long[] {9, 1, 3}),
                "transposed, every column starting where the last ended");
    }

    @Test
    void otherLayoutsNeedACopy() {
        assertNull(MatrixLayout.of(SHAPE, new long[] {40, 10, 2}), "neither dimension contiguous");
        assertNull(MatrixLayout.of(SHAPE, new long[] {20, 3, 1}), "rows overlapping: a leading dimension below the extent");
        assertNull(MatrixLayout.of(SHAPE, new long[] {20, 1, 3}), "columns overlapping");
    }
}
