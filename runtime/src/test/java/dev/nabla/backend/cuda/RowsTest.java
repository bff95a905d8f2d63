package dev.nabla.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nabla.internal.Shapes;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The Rows struct of reductions, argmax and softmax: its bytes, checked against hand-computed
 * longs, and the two-pass plan for few long rows, run through the kernels' index arithmetic on
 * the host. No GPU needed.
 */
class RowsTest {
    /** The 54 longs of a Rows struct, from its groups. */
    private static long[] expected(long rows, long len, long[][] keep, long[][] red, long inOffset, long outOffset) {
        long[] e = new long[54];
        e[0] = rows;
        e[1] = len;
        e[2] = keep[0].length;
        for (int g = 0; g < 3; g++) {
            System.arraycopy(keep[g], 0, e, 3 + 8 * g, keep[g].length);
        }
        e[27] = red[0].length;
        for (int g = 0; g < 3; g++) {
            System.arraycopy(red[g], 0, e, 28 + 8 * g, red[g].length);
        }
        e[52] = inOffset;
        e[53] = outOffset;
        return e;
    }

    @Test
    void isFourHundredThirtyTwoBytes() {
        // 54 long longs, as runtime/src/main/cuda/ABI.md declares the struct.
        assertEquals(432, Rows.BYTES);
        assertEquals(432, Rows.reduce(new long[] {3}, new long[] {1}, 0, new long[] {1}, 0, new int[] {0}).pack().length);
    }

    @Test
    void sumOverTheMiddleDimension() {
        // in [2, 3, 4] contiguous, out [2, 1, 4] contiguous at offset 5.
        Rows r = Rows.reduce(new long[] {2, 3, 4}, new long[] {12, 4, 1}, 0, new long[] {4, 4, 1}, 5, new int[] {1});
        assertArrayEquals(expected(8, 3, new long[][] {{2, 4}, {12, 1}, {4, 1}}, new long[][] {{3}, {4}, {0}}, 0, 5),
                StructReader.longs(r.pack()));
    }

    @Test
    void aFullReductionIsOneRowAndMergesWhatItCan() {
        // in: a [3, 4] transpose of a contiguous [4, 3] at offset 2; nothing merges, so the row has two dims.
        Rows r = Rows.reduce(new long[] {3, 4}, new long[] {1, 3}, 2, new long[] {1, 1}, 0, new int[] {0, 1});
        assertArrayEquals(expected(1, 12, new long[][] {{1}, {0}, {0}}, new long[][] {{3, 4}, {1, 3}, {0, 0}}, 2, 0),
                StructReader.longs(r.pack()));
        // A contiguous in merges into one row dimension.
        Rows c = Rows.reduce(new long[] {3, 4}, new long[] {4, 1}, 0, new long[] {1, 1}, 0, new int[] {0, 1});
        assertArrayEquals(expected(1, 12, new long[][] {{1}, {0}, {0}}, new long[][] {{12}, {1}, {0}}, 0, 0),
                StructReader.longs(c.pack()));
    }

    @Test
    void softmaxRowsCarryTheOutputStrideAlongTheDimension() {
        // in [2, 3] contiguous; out [2, 3] a transposed view at offset 7; softmax over dim 1.
        Rows r = Rows.alongDim(new long[] {2, 3}, new long[] {3, 1}, 0, new long[] {1, 2}, 7, 1, true);
        assertArrayEquals(expected(2, 3, new long[][] {{2}, {3}, {1}}, new long[][] {{3}, {1}, {2}}, 0, 7),
                StructReader.longs(r.pack()));
    }

    @Test
    void argmaxRowsWriteOneElementPerRow() {
        // in [4, 5, 6] contiguous, argmax over dim 1 into out [4, 1, 6].
        Rows r = Rows.alongDim(new long[] {4, 5, 6}, new long[] {30, 6, 1}, 0, new long[] {6, 6, 1}, 0, 1, false);
        assertArrayEquals(expected(24, 5, new long[][] {{4, 6}, {30, 1}, {6, 1}}, new long[][] {{5}, {6}, {0}}, 0, 0),
                StructReader.longs(r.pack()));
        // The row is never coalesced away, even when it has one element.
        Rows one = Rows.alongDim(new long[] {4, 1}, new long[] {1, 1}, 0, new long[] {1, 1}, 0, 1, false);
        assertEquals(1, one.len());
        assertEquals(4, one.rows());
    }

    @Test
    void reductionsByTheKernelRulesMatchPlainLoops() {
        SplittableRandom random = new SplittableRandom(7);
        long[] shape = {3, 5, 7};
        double[] in = new double[3 * 5 * 7];
        for (int i = 0; i < in.length; i++) {
            in[i] = random.nextDouble(-1, 1);
        }
        // Reduce dims 0 and 2 into out [1, 5, 1].
        Rows r = Rows.reduce(shape, Shapes.contiguousStrides(shape), 0, new long[] {5, 1, 1}, 0, new int[] {0, 2});
        double[] out = new double[5];
        new StructReader(r.pack()).sum(in, out);
        for (int j = 0; j < 5; j++) {
            double s = 0;
            for (int i = 0; i < 3; i++) {
                for (int k = 0; k < 7; k++) {
                    s += in[i * 35 + j * 7 + k];
                }
            }
            assertEquals(s, out[j], 1e-12);
        }
    }

    @Test
    void manyOrShortRowsRunInOnePass() {
        assertEquals(0, Rows.reduce(new long[] {1000, 1000}, new long[] {1000, 1}, 0, new long[] {1, 1}, 0,
                new int[] {1}).chunksPerRow(), "1000 rows keep the device busy");
        assertEquals(0, Rows.reduce(new long[] {20000}, new long[] {1}, 0, new long[] {1}, 0, new int[] {0})
                .chunksPerRow(), "a short row is one block's work");
    }

    @Test
    void oneLongRowSplitsIntoChunksAndATail() {
        long n = 100_003;
        Rows r = Rows.reduce(new long[] {n}, new long[] {1}, 0, new long[] {1}, 3, new int[] {0});
        long chunks = r.chunksPerRow();
        assertEquals(6, chunks);
        Rows[] passes = r.split(chunks);
        long q = n / 6;
        assertArrayEquals(expected(6, q, new long[][] {{6}, {q}, {1}}, new long[][] {{q}, {1}, {0}}, 0, 0),
                StructReader.longs(passes[0].pack()));
        assertArrayEquals(expected(1, n - 6 * q, new long[][] {{1}, {0}, {7}}, new long[][] {{n - 6 * q}, {1}, {0}},
                6 * q, 6), StructReader.longs(passes[1].pack()));
        assertArrayEquals(expected(1, 7, new long[][] {{1}, {7}, {0}}, new long[][] {{7}, {1}, {0}}, 0, 3),
                StructReader.longs(passes[2].pack()));
        assertSplitSumsLikeOnePass(r, chunks, new long[] {n}, 4);
    }

    @Test
    void fewRowsOfAStridedInputSplitWithoutATail() {
        // in: [3, 40000, 2] contiguous, summed over dims 1 and 2 into out [3, 1, 1]: rows of 80000 elements.
        long[] shape = {3, 40_000, 2};
        Rows r = Rows.reduce(shape, Shapes.contiguousStrides(shape), 0, new long[] {1, 1, 1}, 0, new int[] {1, 2});
        assertEquals(1, new StructReader(r.pack()).at(StructReader.R_RED_ND), "the row's two dims merge");
        long chunks = r.chunksPerRow();
        assertEquals(4, chunks);
        assertNull(r.split(chunks)[1], "80000 splits into 4 equal chunks");
        assertSplitSumsLikeOnePass(r, chunks, shape, 3);

        // Rows whose reduced dims do not merge: only the first one (3 entries) is split.
        long[] shape2 = {3, 2, 40_000};
        Rows strided = Rows.reduce(shape2, Shapes.contiguousStrides(shape2), 0, new long[] {1, 1, 1}, 0, new int[] {0, 2});
        assertEquals(2, strided.rows());
        assertEquals(2, new StructReader(strided.pack()).at(StructReader.R_RED_ND));
        long c2 = strided.chunksPerRow();
        assertEquals(3, c2, "rows of 120000 elements, but the first reduced dim has only 3 entries to split");
        assertSplitSumsLikeOnePass(strided, c2, shape2, 2);
    }

    @Test
    void groupsOfMoreThanEightDimensionsAreRefused() {
        long[] shape = new long[9];
        long[] stride = new long[9];
        for (int d = 0; d < 9; d++) {
            shape[d] = 2;
            stride[d] = 1L << d;
        }
        assertThrows(UnsupportedOperationException.class,
                () -> Rows.reduce(shape, stride, 0, new long[9], 0, new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8}));
    }

    /** Runs the split passes and one pass through the kernels' arithmetic on random data; the sums agree. */
    private static void assertSplitSumsLikeOnePass(Rows r, long chunks, long[] shape, int outSize) {
        SplittableRandom random = new SplittableRandom(11);
        double[] in = new double[(int) Shapes.numel(shape)];
        for (int i = 0; i < in.length; i++) {
            in[i] = random.nextDouble(-1, 1);
        }
        double[] direct = new double[outSize + 4];
        new StructReader(r.pack()).sum(in, direct);

        Rows[] passes = r.split(chunks);
        double[] partial = new double[(int) (r.rows() * r.partialsPerRow(chunks))];
        new StructReader(passes[0].pack()).sum(in, partial);
        if (passes[1] != null) {
            new StructReader(passes[1].pack()).sum(in, partial);
        }
        double[] twoPass = new double[outSize + 4];
        new StructReader(passes[2].pack()).sum(partial, twoPass);
        for (int i = 0; i < direct.length; i++) {
            assertEquals(direct[i], twoPass[i], 1e-9, "output " + i);
        }
    }
}
