package dev.nabla.nn;

import dev.nabla.Tensor;
import dev.nabla.autograd.Function;
import dev.nabla.backend.Backends;
import dev.nabla.backend.Window;
import dev.nabla.internal.KeepsNoGradients;

/**
 * Folds columns {@code [C * kernelH * kernelW, N * outH * outW]} back onto an image batch
 * {@code [N, C, H, W]}, summing where windows overlap ({@link dev.nabla.backend.Backend#col2im}):
 * the adjoint of {@link Im2colFunction}, and so its backward.
 */
final class Col2imFunction extends Function implements KeepsNoGradients {
    private final Window window;
    private final long[] imageShape;

    /** The op onto images of {@code imageShape} ({@code [N, C, H, W]}) for {@code window}. */
    Col2imFunction(Window window, long[] imageShape) {
        this.window = window;
        this.imageShape = imageShape.clone();
    }

    @Override
    public String name() {
        return "Col2ImBackward0";
    }

    @Override
    protected Tensor[] forward(Tensor[] in) {
        Tensor col = in[0].contiguous();
        Tensor out = Im2colFunction.fresh(imageShape, col.dtype(), col.device());
        if (out.numel() > 0 && col.numel() > 0) {
            Backends.forDevice(col.device()).col2im(col, window, out);
        }
        return new Tensor[] {out};
    }

    @Override
    protected Tensor[] backward(Tensor[] grad) {
        return new Tensor[] {new Im2colFunction(window, 0).apply(grad[0])[0]};
    }

    /** The op is linear, so the tangent is the tangent's columns folded the same way. */
    @Override
    protected Tensor[] jvp(Tensor[] tangents) {
        return new Tensor[] {new Col2imFunction(window, imageShape).apply(tangents[0])[0]};
    }
}
