package dev.nabla.backend;

/**
 * The geometry of a sliding window over the last two dimensions of an image batch
 * {@code [N, C, H, W]}: what a convolution or a pooling slides, and how. Each window position
 * {@code (y, x)} of the output reads the input at rows {@code y * strideH - padH + i * dilationH}
 * and columns {@code x * strideW - padW + j * dilationW} for {@code i < kernelH},
 * {@code j < kernelW}; positions outside the input read the padding value.
 *
 * @param kernelH window height, at least 1
 * @param kernelW window width, at least 1
 * @param strideH step between window rows, at least 1
 * @param strideW step between window columns, at least 1
 * @param padH implicit padding above and below, at least 0
 * @param padW implicit padding left and right, at least 0
 * @param dilationH spacing of the window's rows, at least 1
 * @param dilationW spacing of the window's columns, at least 1
 */
public record Window(int kernelH, int kernelW, int strideH, int strideW, int padH, int padW, int dilationH,
                     int dilationW) {
    /** @throws IllegalArgumentException if a size, stride or dilation is below 1 or a padding below 0 */
    public Window {
        if (kernelH < 1 || kernelW < 1 || strideH < 1 || strideW < 1 || dilationH < 1 || dilationW < 1
                || padH < 0 || padW < 0) {
            throw new IllegalArgumentException("invalid window: kernel " + kernelH + "x" + kernelW + ", stride " + strideH
                    + "x" + strideW + ", padding " + padH + "x" + padW + ", dilation " + dilationH + "x" + dilationW);
        }
    }

    /** The number of window rows over an input of {@code height} rows (PyTorch's floor rule); may be 0 or less. */
    public long outH(long height) {
        return Math.floorDiv(height + 2L * padH - (long) dilationH * (kernelH - 1) - 1, strideH) + 1;
    }

    /** The number of window columns over an input of {@code width} columns; may be 0 or less. */
    public long outW(long width) {
        return Math.floorDiv(width + 2L * padW - (long) dilationW * (kernelW - 1) - 1, strideW) + 1;
    }

    /** The elements of one window, {@code kernelH * kernelW}. */
    public int size() {
        return kernelH * kernelW;
    }
}
