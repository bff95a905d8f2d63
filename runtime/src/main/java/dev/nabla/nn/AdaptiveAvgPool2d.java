package dev.nabla.nn;

import dev.nabla.Tensor;

/**
 * Average pooling to a fixed output size, PyTorch's {@code nn.AdaptiveAvgPool2d}:
 * {@code [N, C, H, W]} (or {@code [C, H, W]}) to {@code [N, C, h, w]} whatever {@code H} and
 * {@code W}, through {@link Functional#adaptiveAvgPool2d}.
 */
public final class AdaptiveAvgPool2d extends UnaryModule {
    private final int h;
    private final int w;

    /**
     * Pooling to {@code h x w}.
     *
     * @throws IllegalArgumentException if a size is not positive
     */
    public AdaptiveAvgPool2d(int h, int w) {
        if (h < 1 || w < 1) {
            throw new IllegalArgumentException("AdaptiveAvgPool2d: output size must be positive, got (" + h + ", " + w + ")");
        }
        this.h = h;
        this.w = w;
    }

    /**
     * The input averaged down to {@code h x w}.
     *
     * @throws IllegalArgumentException if the input is not a non-empty 3-D or 4-D floating tensor
     */
    @Override
    public Tensor forward(Tensor input) {
        return Functional.adaptiveAvgPool2d(input, h, w);
    }

    /** {@code output_size=(5, 7)}, as PyTorch prints it. */
    @Override
    public String extraRepr() {
        return "output_size=(" + h + ", " + w + ")";
    }
}
