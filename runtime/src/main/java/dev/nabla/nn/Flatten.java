package dev.nabla.nn;

import dev.nabla.Tensor;
import dev.nabla.internal.Shapes;

/**
 * Flattens a range of dimensions into one, PyTorch's {@code nn.Flatten}: by default every
 * dimension but the batch's, {@code [N, C, H, W]} to {@code [N, C * H * W]}. A view when the
 * input's layout allows, else a copy (as {@code reshape}).
 */
public final class Flatten extends UnaryModule {
    private final int startDim;
    private final int endDim;

    /** Flattens dimensions 1 to the last. */
    public Flatten() {
        this(1, -1);
    }

    /** Flattens dimensions {@code startDim} to {@code endDim} (inclusive; negative counts from the end). */
    public Flatten(int startDim, int endDim) {
        this.startDim = startDim;
        this.endDim = endDim;
    }

    /**
     * The input with dimensions {@code startDim..endDim} merged.
     *
     * @throws IllegalArgumentException if a dimension is out of range or {@code startDim} comes after {@code endDim}
     */
    @Override
    public Tensor forward(Tensor input) {
        int n = Math.max(1, input.dim());
        int start = Shapes.wrapDim("flatten", startDim, n);
        int end = Shapes.wrapDim("flatten", endDim, n);
        if (start > end) {
            throw new IllegalArgumentException("flatten: flatten() has invalid args: start_dim cannot come after end_dim");
        }
        if (input.dim() == 0) {
            return input.reshape(1);
        }
        long[] shape = input.shape();
        long[] out = new long[shape.length - (end - start)];
        long merged = 1;
        for (int d = start; d <= end; d++) {
            merged *= shape[d];
        }
        System.arraycopy(shape, 0, out, 0, start);
        out[start] = merged;
        System.arraycopy(shape, end + 1, out, start + 1, shape.length - end - 1);
        return input.reshape(out);
    }

    /** {@code start_dim=1, end_dim=-1}, as PyTorch prints it. */
    @Override
    public String extraRepr() {
        return "start_dim=" + startDim + ", end_dim=" + endDim;
    }
}
