package dev.nabla;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Views share their base's storage: layouts (strides, offsets), writes through views, and when a copy is made. */
class ViewsTest {
    /** {@code [[0, 1, 2], [3, 4, 5]]} as FLOAT32. */
    private static Tensor base() {
        return Tensor.arange(DType.FLOAT32, 6).reshape(2, 3);
    }

    @Test
    void contiguousTensorHasRowMajorStrides() {
        Tensor x = Tensor.zeros(2, 3, 4);
        assertArrayEquals(new long[] {12, 4, 1}, x.stride());
        assertEquals(0, x.storageOffset());
        assertTrue(x.isContiguous());
    }

    @Test
    void transposeSwapsStridesWithoutCopying() {
        Tensor x = base();
        Tensor t = x.t();
        assertSame(x.storage(), t.storage());
        assertArrayEquals(new long[] {3, 2}, t.shape());
        assertArrayEquals(new long[] {1, 3}, t.stride());
        assertFalse(t.isContiguous());
        assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, t.toFloatArray());

        Tensor y = Tensor.zeros(2, 3, 4).transpose(0, -1);
        assertArrayEquals(new long[] {4, 3, 2}, y.shape());
        assertArrayEquals(new long[] {1, 4, 12}, y.stride());
    }

    @Test
    void writeThroughTransposeIsSeenByBase() {
        Tensor x = base();
        x.t().narrow(0, 0, 1).fill_(-1);
        assertArrayEquals(new float[] {-1, 1, 2, -1, 4, 5}, x.toFloatArray());
    }

    @Test
    void narrowViewsWithAnOffset() {
        Tensor x = base();
        Tensor n = x.narrow(1, 1, 2);
        assertSame(x.storage(), n.storage());
        assertEquals(1, n.storageOffset());
        assertArrayEquals(new long[] {3, 1}, n.stride());
        assertFalse(n.isContiguous());
        assertArrayEquals(new float[] {1, 2, 4, 5}, n.toFloatArray());

        Tensor row = x.narrow(0, -1, 1);
        assertEquals(3, row.storageOffset());
        assertTrue(row.isContiguous());
        assertArrayEquals(new float[] {3, 4, 5}, row.toFloatArray());
    }

    @Test
    void writeThroughNarrowIsSeenByBase() {
        Tensor x = base();
        x.narrow(1, 1, 2).add_(10);
        assertArrayEquals(new float[] {0, 11, 12, 3, 14, 15}, x.toFloatArray());
        x.narrow(0, 1, 1).narrow(1, 0, 2).copy_(Tensor.of(7f, 8f));
        assertArrayEquals(new float[] {0, 11, 12, 7, 8, 15}, x.toFloatArray());
    }

    @Test
    void writeThroughViewIsSeenByBaseAndBack() {
        Tensor x = base();
        Tensor flat = x.view(6);
        assertSame(x.storage(), flat.storage());
        flat.mul_(2);
        assertArrayEquals(new float[] {0, 2, 4, 6, 8, 10}, x.toFloatArray());
        x.fill_(1);
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1}, flat.toFloatArray());
    }

    @Test
    void unsqueezeAndSqueezeShareStorage() {
        Tensor x = base();
        Tensor u = x.unsqueeze(1);
        assertArrayEquals(new long[] {2, 1, 3}, u.shape());
        assertArrayEquals(new long[] {3, 3, 1}, u.stride());
        Tensor s = u.squeeze(1);
        assertArrayEquals(new long[] {2, 3}, s.shape());
        s.zero_();
        assertArrayEquals(new float[6], x.toFloatArray());
        assertSame(x, x.squeeze(0), "squeezing a dimension of size 2 returns the tensor itself");
    }

    @Test
    void viewOfNonContiguousTensorFailsPointingToReshape() {
        Tensor t = base().t();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.view(6));
        assertTrue(e.getMessage().contains("reshape"), e.getMessage());
        assertTrue(e.getMessage().startsWith("view:"), e.getMessage());
    }

    @Test
    void viewOfNonContiguousTensorWorksWhenDimensionsStayWhole() {
        Tensor t = Tensor.arange(DType.FLOAT64, 24).reshape(4, 6).t();
        Tensor v = t.view(2, 3, 4);
        assertSame(t.storage(), v.storage());
        assertArrayEquals(new long[] {3, 1, 6}, v.stride());
        assertArrayEquals(t.toDoubleArray(), v.toDoubleArray());
    }

    @Test
    void reshapeViewsWhenItCanAndCopiesOnlyWhenItMust() {
        Tensor x = base();
        Tensor same = x.reshape(3, -1);
        assertSame(x.storage(), same.storage(), "a contiguous tensor reshapes to a view");
        assertArrayEquals(new long[] {3, 2}, same.shape());

        Tensor rows = Tensor.zeros(4, 3).narrow(0, 1, 2);
        assertSame(rows.storage(), rows.reshape(6).storage(), "whole rows reshape to a view");

        Tensor t = x.t();
        Tensor copy = t.reshape(6);
        assertNotSame(t.storage(), copy.storage(), "a transpose cannot be flattened without a copy");
        assertTrue(copy.isContiguous());
        assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, copy.toFloatArray());
        copy.fill_(9);
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, x.toFloatArray(), "the copy does not write back");
    }

    @Test
    void expandGivesStrideZeroAndSeesBaseWrites() {
        Tensor col = Tensor.of(1f, 2f, 3f).reshape(3, 1);
        Tensor e = col.expand(2, 3, 4);
        assertSame(col.storage(), e.storage());
        assertArrayEquals(new long[] {2, 3, 4}, e.shape());
        assertArrayEquals(new long[] {0, 1, 0}, e.stride());
        assertFalse(e.isContiguous());
        col.add_(10);
        float[] v = e.toFloatArray();
        assertEquals(24, v.length);
        assertEquals(11f, v[0]);
        assertEquals(13f, v[23]);
        assertArrayEquals(new long[] {3, 4}, col.expandAs(Tensor.zeros(3, 4)).shape());
    }

    @Test
    void inPlaceWriteIntoExpandedViewIsAnError() {
        Tensor e = Tensor.zeros(3, 1).expand(3, 4);
        for (Runnable write : new Runnable[] {
            () -> e.add_(1), () -> e.sub_(Tensor.ones(3, 4)), () -> e.mul_(2), () -> e.zero_(),
            () -> e.fill_(1), () -> e.copy_(Tensor.ones(3, 4)), () -> e.uniform_(0, 1), () -> e.normal_(0, 1),
        }) {
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, write::run);
            assertTrue(ex.getMessage().contains("expanded"), ex.getMessage());
        }
        assertEquals(0, e.version(), "a rejected write does not count as a write");
    }

    @Test
    void expandOfSizeOneToSizeOneIsWritable() {
        Tensor x = Tensor.zeros(1, 3);
        Tensor e = x.expand(1, 1, 3);
        e.fill_(2);
        assertArrayEquals(new float[] {2, 2, 2}, x.toFloatArray());
    }

    @Test
    void cloneAndContiguousCopyOnlyWhenNeeded() {
        Tensor x = base();
        assertSame(x, x.contiguous());
        Tensor c = x.clone();
        assertNotSame(x.storage(), c.storage());
        c.fill_(0);
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, x.toFloatArray());
        Tensor tc = x.t().contiguous();
        assertNotSame(x.storage(), tc.storage());
        assertArrayEquals(new long[] {2, 1}, tc.stride());
        assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, tc.toFloatArray());
    }

    @Test
    void toSameDTypeReturnsTheTensorAndOtherDTypesCopy() {
        Tensor x = base();
        assertSame(x, x.to(DType.FLOAT32));
        Tensor d = x.to(DType.FLOAT64);
        assertNotSame(x.storage(), d.storage());
        assertEquals(DType.FLOAT64, d.dtype());
    }

    @Test
    void viewsOfViewsComposeOffsetsAndStrides() {
        Tensor x = Tensor.arange(DType.FLOAT64, 60).reshape(3, 4, 5);
        Tensor v = x.narrow(0, 1, 2).transpose(0, 2).narrow(1, 1, 2).narrow(0, 2, 3);
        assertArrayEquals(new long[] {3, 2, 2}, v.shape());
        assertArrayEquals(new long[] {1, 5, 20}, v.stride());
        assertEquals(20 + 5 + 2, v.storageOffset());
        double[] got = v.toDoubleArray();
        int k = 0;
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 2; j++) {
                for (int l = 0; l < 2; l++) {
                    assertEquals(20 * (1 + l) + 5 * (1 + j) + (2 + i), got[k++], 0.0);
                }
            }
        }
        v.fill_(-1);
        assertEquals(-1, x.toDoubleArray()[27], 0.0);
        assertEquals(26, x.toDoubleArray()[26], 0.0);
    }

    @Test
    void copyConvertsAndBroadcastsIntoAView() {
        Tensor x = Tensor.zeros(DType.FLOAT64, 3, 4);
        x.narrow(1, 1, 2).copy_(Tensor.of(7L, -2L));
        x.narrow(0, 2, 1).copy_(Tensor.scalar(DType.BOOL, 1));
        assertArrayEquals(new double[] {0, 7, -2, 0, 0, 7, -2, 0, 1, 1, 1, 1}, x.toDoubleArray());
        Tensor i = Tensor.zeros(DType.INT64, 2, 2);
        i.t().copy_(Tensor.of(new float[][] {{1.9f, -1.9f}, {2.5f, 0.2f}}));
        assertArrayEquals(new long[] {1, 2, -1, 0}, i.toLongArray(), "truncated toward zero, written transposed");
    }

    @Test
    void copyIntoOverlappingViewOfItselfUsesTheOldValues() {
        Tensor x = Tensor.of(1.0, 2.0, 3.0, 4.0);
        x.narrow(0, 1, 3).copy_(x.narrow(0, 0, 3));
        assertArrayEquals(new double[] {1, 1, 2, 3}, x.toDoubleArray());
        Tensor y = Tensor.of(1.0, 2.0, 3.0, 4.0);
        y.narrow(0, 0, 3).add_(y.narrow(0, 1, 3));
        assertArrayEquals(new double[] {3, 5, 7, 4}, y.toDoubleArray());
    }
    /** A contiguous operand with a transposed one at the same storage offset: the kernels must honour the stride. */
    @Test
    void binaryOpsWithATransposedOperand() {
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor a = Tensor.arange(dtype, 9).reshape(3, 3).add(1);
            Tensor b = Tensor.arange(dtype, 9).reshape(3, 3).add(2).t();
            double[] x = a.toDoubleArray();
            double[] y = b.contiguous().toDoubleArray();
            double[] sum = a.add(b).toDoubleArray();
            double[] difference = a.sub(b).toDoubleArray();
            double[] product = a.mul(b).toDoubleArray();
            double[] quotient = a.div(b).toDoubleArray();
            for (int i = 0; i < 9; i++) {
                assertEquals(x[i] + y[i], sum[i], 1e-6, dtype + " add " + i);
                assertEquals(x[i] - y[i], difference[i], 1e-6, dtype + " sub " + i);
                assertEquals(x[i] * y[i], product[i], 1e-6, dtype + " mul " + i);
                assertEquals(x[i] / y[i], quotient[i], 1e-6, dtype + " div " + i);
            }
        }
    }
}
