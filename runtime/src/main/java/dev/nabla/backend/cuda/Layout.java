package dev.nabla.backend.cuda;

import dev.nabla.Tensor;
import dev.nabla.internal.Coalescing;
import dev.nabla.internal.Shapes;
import dev.nabla.internal.TensorAccess;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The kernels' {@code Layout} struct: an iteration space and, for up to four operands, the
 * element stride of each along every dimension and the element offset of each.
 *
 * <pre>
 * typedef struct {              // 368 bytes, every field a little-endian long long
 *     long long numel;          // size of the iteration space, &gt; 0
 *     long long nd;             // 1..8 dimensions after coalescing
 *     long long shape[8];       // row-major: the last dimension varies fastest
 *     long long stride[4][8];   // stride[k][d]: operand k's element stride along dim d (0 = broadcast)
 *     long long offset[4];      // operand k's element offset
 * } Layout;
 * </pre>
 *
 * <p>Dimensions are coalesced first, as the CPU's loops do ({@link Coalescing}), so a contiguous
 * tensor of any shape becomes one dimension and its kernel skips all index arithmetic. Operand
 * slots that are not used stay zero.
 */
final class Layout {
    /** The most dimensions a struct describes. */
    static final int MAX_DIMS = 8;
    /** The most operands a struct describes. */
    static final int MAX_OPERANDS = 4;
    /** The struct's size in bytes. */
    static final int BYTES = 8 * (2 + MAX_DIMS + MAX_OPERANDS * MAX_DIMS + MAX_OPERANDS);

    private static final TensorAccess ACCESS = TensorAccess.get();
    /** A little-endian {@code long} at a byte index of a {@code byte[]}. */
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final long numel;
    private final long[] shape;
    private final long[][] strides;
    private final long[] offsets;

    private Layout(long numel, long[] shape, long[][] strides, long[] offsets) {
        this.numel = numel;
        this.shape = shape;
        this.strides = strides;
        this.offsets = offsets;
    }

    /**
     * The layout of iterating {@code operands[0]}'s shape over the operands, each of which has
     * that shape (broadcast ones with stride 0).
     */
    static Layout of(Tensor... operands) {
        long[][] strides = new long[operands.length][];
        long[] offsets = new long[operands.length];
        for (int k = 0; k < operands.length; k++) {
            strides[k] = ACCESS.stride(operands[k]);
            offsets[k] = operands[k].storageOffset();
        }
        return of(ACCESS.shape(operands[0]), strides, offsets);
    }

    /**
     * The layout of iterating {@code shape} over operands with these strides (one array per
     * operand, each as long as {@code shape}) and element offsets.
     *
     * @throws IllegalArgumentException if the iteration space is empty, or there are more than four operands
     * @throws UnsupportedOperationException if more than 8 dimensions remain after coalescing
     */
    static Layout of(long[] shape, long[][] strides, long[] offsets) {
        if (strides.length > MAX_OPERANDS || strides.length != offsets.length) {
            throw new IllegalArgumentException("a layout takes 1 to " + MAX_OPERANDS + " operands with one offset each, got "
                    + strides.length + " and " + offsets.length);
        }
        long numel = Shapes.numel(shape);
        if (numel <= 0) {
            throw new IllegalArgumentException("no kernel is launched over the empty shape " + Shapes.format(shape));
        }
        long[][] merged = Coalescing.coalesce(shape, strides);
        checkDims(merged[0].length, shape);
        long[][] all = new long[MAX_OPERANDS][];
        for (int k = 0; k < MAX_OPERANDS; k++) {
            all[k] = k < strides.length ? merged[k + 1] : new long[merged[0].length];
        }
        return new Layout(numel, merged[0], all, Arrays.copyOf(offsets, MAX_OPERANDS));
    }

    /** @throws UnsupportedOperationException if {@code nd} exceeds what the kernels take */
    static void checkDims(int nd, long[] shape) {
        if (nd > MAX_DIMS) {
            throw new UnsupportedOperationException("the CUDA backend handles tensors of at most " + MAX_DIMS
                    + " dimensions after merging contiguous ones; shape " + Shapes.format(shape) + " with these strides has "
                    + nd);
        }
    }

    /** The number of elements iterated. */
    long numel() {
        return numel;
    }

    /** The number of dimensions after coalescing, 1 to 8. */
    int nd() {
        return shape.length;
    }

    /** The coalesced shape. */
    long[] shape() {
        return shape.clone();
    }

    /** Operand {@code k}'s strides along the coalesced dimensions. */
    long[] stride(int k) {
        return strides[k].clone();
    }

    /** Operand {@code k}'s element offset. */
    long offset(int k) {
        return offsets[k];
    }

    /**
     * The struct's bytes, as the kernel receives it by value. Written straight into the array,
     * whose zeros pad the dimensions not used: a launch packs one, and a {@link ByteBuffer}
     * costs it more than the rest of the struct.
     */
    byte[] pack() {
        byte[] b = new byte[BYTES];
        LONG_LE.set(b, 0, numel);
        LONG_LE.set(b, 8, (long) shape.length);
        int at = 16;
        put(b, at, shape);
        at += 8 * MAX_DIMS;
        for (long[] s : strides) {
            put(b, at, s);
            at += 8 * MAX_DIMS;
        }
        put(b, at, offsets);
        return b;
    }

    /** Writes {@code values} as little-endian longs from byte {@code at} of {@code b}. */
    private static void put(byte[] b, int at, long[] values) {
        for (int i = 0; i < values.length; i++) {
            LONG_LE.set(b, at + 8 * i, values[i]);
        }
    }

    /** Writes {@code values} and zeros up to {@link #MAX_DIMS} longs. */
    static void putPadded(ByteBuffer b, long[] values) {
        for (int d = 0; d < MAX_DIMS; d++) {
            b.putLong(d < values.length ? values[d] : 0);
        }
    }
}
