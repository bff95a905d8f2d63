package dev.nabla.nn;

import dev.nabla.Tensor;

/**
 * Max pooling over square windows, PyTorch's {@code nn.MaxPool2d}: {@code [N, C, H, W]} (or
 * {@code [C, H, W]}) to the maximum of each window, through {@link Functional#maxPool2d}.
 */
public final class MaxPool2d extends UnaryModule {
    private final int kernelSize;
    private final int stride;
    private final int padding;

    /** Windows of {@code kernelSize x kernelSize} stepping by {@code kernelSize} (PyTorch's default stride), no padding. */
    public MaxPool2d(int kernelSize) {
        this(kernelSize, kernelSize, 0);
    }

    /**
     * Windows of {@code kernelSize x kernelSize} stepping by {@code stride}, with {@code padding} read as -inf.
     *
     * @throws IllegalArgumentException if the kernel size or stride is not positive, or the
     *     padding is negative or more than half the kernel size
     */
    public MaxPool2d(int kernelSize, int stride, int padding) {
        Pooling.checkWindow("MaxPool2d", kernelSize, stride, padding);
        this.kernelSize = kernelSize;
        this.stride = stride;
        this.padding = padding;
    }

    /**
     * The maximum of each window.
     *
     * @throws IllegalArgumentException if the input is not a non-empty 3-D or 4-D floating tensor
     *     or is smaller than a window
     */
    @Override
    public Tensor forward(Tensor input) {
        return Functional.maxPool2d(input, kernelSize, stride, padding);
    }

    /** {@code kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False}, as PyTorch prints it. */
    @Override
    public String extraRepr() {
        return "kernel_size=" + kernelSize + ", stride=" + stride + ", padding=" + padding + ", dilation=1, ceil_mode=False";
    }
}
