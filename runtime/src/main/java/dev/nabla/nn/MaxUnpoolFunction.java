package dev.nabla.nn;

import dev.nabla.Tensor;
import dev.nabla.autograd.Function;
import dev.nabla.backend.Backends;
import dev.nabla.internal.KeepsNoGradients;

/**
 * Max pooling's backward ({@link MaxPoolFunction}): adds each element of a pooled gradient
 * {@code [N, C, outH, outW]} at its window's index into a zero image {@code [N, C, H, W]}, one
 * scatter into a fresh image (the composed {@code zeros.scatterAdd} copies the zeros once more).
 * Linear in the gradient, so its backward is the gather at the same indices and its tangent
 * the tangent unpooled.
 */
final class MaxUnpoolFunction extends Function implements KeepsNoGradients {
    private final Tensor indices;
    private final long[] imageShape;

    /** The op onto images of {@code imageShape} ({@code [N, C, H, W]}) at the pooling's {@code indices}. */
    MaxUnpoolFunction(Tensor indices, long[] imageShape) {
        this.indices = indices;
        this.imageShape = imageShape.clone();
    }

    @Override
    public String name() {
        return "MaxPool2DWithIndicesBackwardBackward0";
    }

    @Override
    protected Tensor[] forward(Tensor[] in) {
        long n = imageShape[0];
        long c = imageShape[1];
        Tensor grad = in[0];
        Tensor out = Im2colFunction.fresh(imageShape, grad.dtype(), grad.device());
        Backends.forDevice(grad.device()).scatterAdd(out.view(n, c, -1), 2, indices.view(n, c, -1), grad.reshape(n, c, -1));
        return new Tensor[] {out};
    }

    @Override
    protected Tensor[] backward(Tensor[] grad) {
        return new Tensor[] {MaxPoolFunction.gather(grad[0], indices, imageShape)};
    }

    @Override
    protected Tensor[] jvp(Tensor[] tangents) {
        return new Tensor[] {new MaxUnpoolFunction(indices, imageShape).apply(tangents[0])[0]};
    }
}
