package dev.nabla.nn;

import dev.nabla.Tensor;
import dev.nabla.autograd.Function;
import dev.nabla.internal.KeepsNoGradients;

/**
 * Max pooling's graph node where the backend pooled in one pass
 * ({@link dev.nabla.backend.Backend#maxPool}): the output is the input's element at each window's
 * index, so the gradient is the output gradient put back at those indices
 * ({@link MaxUnpoolFunction}, whose own backward gathers at them again) and the tangent is the
 * input tangent gathered there; derivatives of every order work.
 *
 * <p>The kernel runs before {@link #apply}, because only its result says whether the backend
 * pools at all (else {@link Pooling} unfolds the windows instead); the forward hands over its
 * values.
 */
final class MaxPoolFunction extends Function implements KeepsNoGradients {
    /** The kernel's output until forward hands it over; then null, so that the node does not hold its own output. */
    private Tensor values;
    private final Tensor indices;
    private final long[] imageShape;

    /**
     * The node of a pooling of an image of {@code imageShape} ({@code [N, C, H, W]}) whose
     * {@code values} and {@code indices} ({@code [N, C, outH, outW]}, contiguous) the kernel found.
     */
    MaxPoolFunction(Tensor values, Tensor indices, long[] imageShape) {
        this.values = values;
        this.indices = indices;
        this.imageShape = imageShape.clone();
    }

    @Override
    public String name() {
        return "MaxPool2DWithIndicesBackward0";
    }

    @Override
    protected Tensor[] forward(Tensor[] in) {
        Tensor out = values;
        values = null;
        return new Tensor[] {out};
    }

    @Override
    protected Tensor[] backward(Tensor[] grad) {
        return new Tensor[] {new MaxUnpoolFunction(indices, imageShape).apply(grad[0])[0]};
    }

    @Override
    protected Tensor[] jvp(Tensor[] tangents) {
        return new Tensor[] {gather(tangents[0], indices, imageShape)};
    }

    /** {@code image [N, C, H, W]}'s elements at {@code indices} (within each plane), a differentiable gather. */
    static Tensor gather(Tensor image, Tensor indices, long[] imageShape) {
        long n = imageShape[0];
        long c = imageShape[1];
        return image.reshape(n, c, -1).gather(2, indices.reshape(n, c, -1)).reshape(indices.shape());
    }
}
