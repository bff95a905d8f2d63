package dev.nabla.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nabla.Tensor;
import dev.nabla.internal.Shapes;
import dev.nabla.internal.TensorAccess;
import org.junit.jupiter.api.Test;

/** The Layout struct: its bytes, checked against hand-computed longs, and its coalescing. No GPU needed. */
class LayoutTest {
    private static final TensorAccess ACCESS = TensorAccess.get();

    /** The 46 longs of a Layout: numel, nd, shape[8], stride[4][8], offset[4]. */
    private static long[] expected(long numel, long[] shape, long[][] strides, long[] offsets) {
        long[] e = new long[46];
        e[0] = numel;
        e[1] = shape.length;
        System.arraycopy(shape, 0, e, 2, shape.length);
        for (int k = 0; k < strides.length; k++) {
            System.arraycopy(strides[k], 0, e, 10 + 8 * k, strides[k].length);
        }
        System.arraycopy(offsets, 0, e, 42, offsets.length);
        return e;
    }

    @Test
    void isThreeHundredSixtyEightLittleEndianBytes() {
        byte[] packed = Layout.of(Tensor.zeros(3)).pack();
        assertEquals(368, packed.length);
        assertEquals(368, Layout.BYTES);
        // numel = 3 in the first eight bytes, least significant first.
        assertArrayEquals(new byte[] {3, 0, 0, 0, 0, 0, 0, 0}, java.util.Arrays.copyOf(packed, 8));
    }

    @Test
    void contiguousTensorsOfAnyShapeAreOneDimension() {
        Tensor out = Tensor.zeros(2, 3, 4);
        Tensor in = Tensor.zeros(2, 3, 4);
        assertArrayEquals(expected(24, new long[] {24}, new long[][] {{1}, {1}}, new long[] {0, 0}),
                StructReader.longs(Layout.of(out, in).pack()));
    }

    @Test
    void sizeOneDimensionsAreDroppedBeforeMerging() {
        Tensor t = Tensor.zeros(1, 4, 1, 6);
        Layout l = Layout.of(t);
        assertEquals(1, l.nd());
        assertArrayEquals(new long[] {24}, l.shape());
        assertArrayEquals(new long[] {1}, l.stride(0));
    }

    @Test
    void aTransposedOperandKeepsTwoDimensions() {
        Tensor out = Tensor.zeros(3, 2);
        Tensor in = Tensor.zeros(2, 3).t();
        assertArrayEquals(expected(6, new long[] {3, 2}, new long[][] {{2, 1}, {1, 3}}, new long[] {0, 0}),
                StructReader.longs(Layout.of(out, in).pack()));
    }

    @Test
    void broadcastOperandsHaveStrideZeroAndOffsetsAreKept() {
        Tensor out = Tensor.zeros(2, 5);
        Tensor a = Tensor.zeros(4, 5).narrow(0, 1, 2);
        Tensor b = Tensor.zeros(5).expand(2, 5);
        assertArrayEquals(expected(10, new long[] {2, 5}, new long[][] {{5, 1}, {5, 1}, {0, 1}}, new long[] {0, 5, 0}),
                StructReader.longs(Layout.of(out, a, b).pack()));
    }

    @Test
    void aFourOperandLayoutFillsEverySlot() {
        Tensor out = Tensor.zeros(4, 3).narrow(1, 1, 2);
        long[][] strides = {{3, 1}, {2, 1}, {0, 1}, {1, 0}};
        long[] offsets = {1, 7, 11, 13};
        assertArrayEquals(expected(8, new long[] {4, 2}, strides, offsets),
                StructReader.longs(Layout.of(ACCESS.shape(out), strides, offsets).pack()));
    }

    @Test
    void aScalarIsOneElementWithStrideZero() {
        Tensor s = Tensor.scalar(2.5);
        assertArrayEquals(expected(1, new long[] {1}, new long[][] {{0}}, new long[] {0}),
                StructReader.longs(Layout.of(s).pack()));
    }

    @Test
    void coalescingAddressesTheSameElementsInTheSameOrder() {
        // out [2, 3, 4, 5] contiguous; in a permuted, narrowed view whose inner two dims stay contiguous.
        Tensor base = Tensor.zeros(4, 2, 4, 5).narrow(0, 1, 3);
        Tensor in = base.transpose(0, 1);
        Tensor out = Tensor.zeros(2, 3, 4, 5);
        Layout l = Layout.of(out, in);
        assertEquals(3, l.nd(), "the last two dims merge in both operands");
        StructReader r = new StructReader(l.pack());
        long[] shape = ACCESS.shape(out);
        long[] inStride = ACCESS.stride(in);
        long i = 0;
        for (long a = 0; a < shape[0]; a++) {
            for (long b = 0; b < shape[1]; b++) {
                for (long c = 0; c < shape[2]; c++) {
                    for (long d = 0; d < shape[3]; d++, i++) {
                        long expectedIn = in.storageOffset() + a * inStride[0] + b * inStride[1] + c * inStride[2]
                                + d * inStride[3];
                        assertEquals(expectedIn, r.layoutElement(1, i), "element " + i);
                        assertEquals(i, r.layoutElement(0, i));
                    }
                }
            }
        }
    }

    @Test
    void eightDimensionsFitAndNineAreRefused() {
        long[] shape8 = {2, 2, 2, 2, 2, 2, 2, 2};
        long[] reversed8 = reversedStrides(shape8);
        Layout l = Layout.of(shape8, new long[][] {Shapes.contiguousStrides(shape8), reversed8}, new long[2]);
        assertEquals(8, l.nd());

        long[] shape9 = {2, 2, 2, 2, 2, 2, 2, 2, 2};
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> Layout.of(shape9,
                new long[][] {Shapes.contiguousStrides(shape9), reversedStrides(shape9)}, new long[2]));
        assertTrue(e.getMessage().contains("at most 8 dimensions"), e.getMessage());
        assertTrue(e.getMessage().contains("[2, 2, 2, 2, 2, 2, 2, 2, 2]"), e.getMessage());

        // Nine dimensions that merge are fine: a contiguous 9-D tensor is one dimension.
        assertEquals(1, Layout.of(Tensor.zeros(shape9)).nd());
    }

    @Test
    void anEmptyIterationSpaceHasNoLayout() {
        assertThrows(IllegalArgumentException.class, () -> Layout.of(Tensor.zeros(3, 0)));
    }

    /** Strides of a tensor stored with its dimensions in reverse order: no two neighbours merge. */
    private static long[] reversedStrides(long[] shape) {
        long[] s = new long[shape.length];
        long step = 1;
        for (int d = 0; d < shape.length; d++) {
            s[d] = step;
            step *= shape[d];
        }
        return s;
    }
}
