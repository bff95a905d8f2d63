package dev.nabla.nn;

import dev.nabla.DType;
import dev.nabla.Device;
import dev.nabla.Tensor;
import dev.nabla.autograd.Function;
import dev.nabla.backend.Backends;
import dev.nabla.backend.Window;
import dev.nabla.internal.KeepsNoGradients;
import dev.nabla.internal.Shapes;
import dev.nabla.internal.TensorAccess;

/**
 * Unfolds the sliding windows of {@code x [N, C, H, W]} into the columns
 * {@code [C * kernelH * kernelW, N * outH * outW]} ({@link dev.nabla.backend.Backend#im2col}),
 * the matrix a convolution multiplies and a pooling reduces. Its backward folds the gradient back
 * with {@link Col2imFunction}, whose own backward is this op again, so derivatives of every order
 * work.
 */
final class Im2colFunction extends Function implements KeepsNoGradients {
    private static final TensorAccess ACCESS = TensorAccess.get();

    private final Window window;
    private final double padValue;
    private long[] imageShape;

    /** The op for {@code window}, reading {@code padValue} outside the image (0 for a convolution, -inf for max pooling). */
    Im2colFunction(Window window, double padValue) {
        this.window = window;
        this.padValue = padValue;
    }

    @Override
    public String name() {
        return "Im2ColBackward0";
    }

    @Override
    protected Tensor[] forward(Tensor[] in) {
        Tensor x = in[0];
        imageShape = x.shape();
        long rows = imageShape[1] * window.size();
        long cols = imageShape[0] * window.outH(imageShape[2]) * window.outW(imageShape[3]);
        Tensor out = fresh(new long[] {rows, cols}, x.dtype(), x.device());
        if (out.numel() > 0) {
            Backends.forDevice(x.device()).im2col(x, window, padValue, out);
        }
        return new Tensor[] {out};
    }

    @Override
    protected Tensor[] backward(Tensor[] grad) {
        return new Tensor[] {new Col2imFunction(window, imageShape).apply(grad[0])[0]};
    }

    /**
     * The op is linear in the image, so the tangent is the tangent's columns; the padding is a
     * constant whose tangent is 0 (also where max pooling reads -inf there).
     */
    @Override
    protected Tensor[] jvp(Tensor[] tangents) {
        return new Tensor[] {new Im2colFunction(window, 0).apply(tangents[0])[0]};
    }

    /** A new contiguous zero-filled tensor on {@code device}, allocated there directly. */
    static Tensor fresh(long[] shape, DType dtype, Device device) {
        return ACCESS.make(Backends.forDevice(device).allocate(dtype, Shapes.numel(shape), device), shape,
                Shapes.contiguousStrides(shape), 0);
    }
}
