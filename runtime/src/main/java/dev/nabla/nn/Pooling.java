package dev.nabla.nn;

import dev.nabla.DType;
import dev.nabla.Tensor;
import dev.nabla.backend.Backends;
import dev.nabla.backend.Window;
import dev.nabla.internal.Shapes;

/**
 * Pooling over the last two dimensions of {@code [N, C, H, W]} (or unbatched {@code [C, H, W]}):
 * each channel's windows are unfolded into the columns of {@link Im2colFunction} (window
 * elements down, positions across), then reduced down the columns. Max pooling takes the first
 * maximum of each window (its gradient goes to that element, as PyTorch's does): found in one
 * pass where the backend can, else as the {@code argmax} of the columns, with -inf read in the
 * padding, and gathered there; average pooling reads 0 there and divides by
 * the whole window (PyTorch's {@code count_include_pad=True}). Adaptive average pooling is a
 * product with an averaging matrix on each side, which gives PyTorch's uneven windows exactly.
 * All of it is differentiable to any order.
 */
final class Pooling {
    private Pooling() {}

    static Tensor maxPool2d(Tensor input, int kernelSize, int stride, int padding) {
        return pool("max_pool2d", input, kernelSize, stride, padding, true);
    }

    static Tensor avgPool2d(Tensor input, int kernelSize, int stride, int padding) {
        return pool("avg_pool2d", input, kernelSize, stride, padding, false);
    }

    private static Tensor pool(String op, Tensor input, int kernelSize, int stride, int padding, boolean max) {
        Tensor x = batched(op, input);
        checkWindow(op, kernelSize, stride, padding);
        Window window = new Window(kernelSize, kernelSize, stride, stride, padding, padding, 1, 1);
        long n = x.size(0);
        long c = x.size(1);
        long outH = window.outH(x.size(2));
        long outW = window.outW(x.size(3));
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException(op + ": Given input size: (" + c + "x" + x.size(2) + "x" + x.size(3)
                    + "). Calculated output size: (" + c + "x" + outH + "x" + outW + "). Output size is too small");
        }
        Tensor out = max ? maxPooled(x, window) : null;
        if (out == null) {
            Tensor col = new Im2colFunction(window, max ? Double.NEGATIVE_INFINITY : 0)
                    .apply(x.reshape(n * c, 1, x.size(2), x.size(3)))[0];
            Tensor pooled = max ? col.gather(0, col.argmax(0).unsqueeze(0)) : col.mean(0, false);
            out = pooled.reshape(n, c, outH, outW);
        }
        return input.dim() == 4 ? out : out.squeeze(0);
    }

    /**
     * Max pooling where the backend pools in one pass ({@link dev.nabla.backend.Backend#maxPool}),
     * or null where it cannot; {@link MaxPoolFunction} is its graph node, whose gradient is one
     * scatter back onto the image. On the digits CNN this replaced an unfolding, an argmax over it,
     * a gather, and in the backward a scatter onto the unfolded windows and their folding back,
     * which together cost as much as the convolution's own unfolding.
     */
    private static Tensor maxPooled(Tensor x, Window window) {
        Tensor[] pooled = Backends.forDevice(x.device()).maxPool(x.detach(), window);
        return pooled == null ? null : new MaxPoolFunction(pooled[0], pooled[1], x.shape()).apply(x)[0];
    }

    /** PyTorch's checks of a pooling window, with its messages. */
    static void checkWindow(String op, int kernelSize, int stride, int padding) {
        if (kernelSize <= 0) {
            throw new IllegalArgumentException(op + ": kernel size should be greater than zero, but got " + kernelSize);
        }
        if (stride <= 0) {
            throw new IllegalArgumentException(op + ": stride should be greater than zero, but got " + stride);
        }
        if (padding < 0 || padding > kernelSize / 2) {
            throw new IllegalArgumentException(op + ": pad should be at most half of kernel size, but got pad=" + padding
                    + " and kernel_size=" + kernelSize);
        }
    }

    static Tensor adaptiveAvgPool2d(Tensor input, int outH, int outW) {
        String op = "adaptive_avg_pool2d";
        Tensor x = batched(op, input);
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException(op + ": output size must be positive, got (" + outH + ", " + outW + ")");
        }
        Tensor rows = averaging(outH, x.size(2), x.dtype()).to(x.device());
        Tensor cols = averaging(outW, x.size(3), x.dtype()).to(x.device());
        Tensor out = rows.matmul(x).matmul(cols.t());
        return input.dim() == 4 ? out : out.squeeze(0);
    }

    /**
     * The {@code [out, in]} matrix whose row {@code i} averages PyTorch's adaptive window
     * {@code [floor(i * in / out), ceil((i + 1) * in / out))}.
     */
    private static Tensor averaging(int out, long in, DType dtype) {
        double[][] m = new double[out][(int) in];
        for (int i = 0; i < out; i++) {
            long start = Math.floorDiv(i * in, out);
            long end = -Math.floorDiv(-(i + 1) * in, out);
            for (long j = start; j < end; j++) {
                m[i][(int) j] = 1.0 / (end - start);
            }
        }
        return Tensor.of(m).to(dtype);
    }

    /** {@code input} as {@code [N, C, H, W]}, after PyTorch's check of its dimensions and dtype. */
    private static Tensor batched(String op, Tensor input) {
        if (input.dim() != 3 && input.dim() != 4 || input.numel() == 0) {
            throw new IllegalArgumentException(op + ": non-empty 3D or 4D (batch mode) tensor expected for input, got "
                    + Shapes.format(input.shape()));
        }
        if (!input.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": expected a floating point input (float32 or float64), got "
                    + input.dtype().torchName());
        }
        return input.dim() == 4 ? input : input.unsqueeze(0);
    }
}
