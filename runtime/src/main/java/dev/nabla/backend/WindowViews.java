package dev.nabla.backend;

import dev.nabla.Tensor;
import dev.nabla.internal.TensorAccess;
import java.util.function.BiConsumer;

/**
 * The strided views through which {@link Backend}'s default {@code im2col} and {@code col2im}
 * move data: for one kernel element {@code (i, j)}, the window positions whose read lies inside
 * the image form a rectangle of rows {@code [y0, y1)} and columns {@code [x0, x1)}, seen both in
 * the image and in the column matrix as a {@code [C, N, y1 - y0, x1 - x0]} view.
 */
final class WindowViews {
    private static final TensorAccess ACCESS = TensorAccess.get();

    private final Tensor image;
    private final Window window;

    /** Views over {@code image} ({@code [N, C, H, W]}, any strides) for {@code window}. */
    WindowViews(Tensor image, Window window) {
        this.image = image;
        this.window = window;
    }

    /**
     * Calls {@code action(columnView, imageView)} once for every kernel element whose windows
     * read inside the image; {@code col} is the contiguous column matrix.
     */
    void forEachKernelElement(Tensor col, BiConsumer<Tensor, Tensor> action) {
        long[] shape = ACCESS.shape(image);
        long[] stride = ACCESS.stride(image);
        long n = shape[0];
        long c = shape[1];
        long outH = window.outH(shape[2]);
        long outW = window.outW(shape[3]);
        long cols = n * outH * outW;
        for (int i = 0; i < window.kernelH(); i++) {
            long offH = (long) i * window.dilationH() - window.padH();
            long y0 = firstInside(offH, window.strideH());
            long y1 = Math.min(outH, lastInside(offH, window.strideH(), shape[2]) + 1);
            for (int j = 0; j < window.kernelW(); j++) {
                long offW = (long) j * window.dilationW() - window.padW();
                long x0 = firstInside(offW, window.strideW());
                long x1 = Math.min(outW, lastInside(offW, window.strideW(), shape[3]) + 1);
                if (y1 <= y0 || x1 <= x0) {
                    continue;
                }
                long[] viewShape = {c, n, y1 - y0, x1 - x0};
                Tensor imageView = ACCESS.make(image.storage(), viewShape,
                        new long[] {stride[1], stride[0], stride[2] * window.strideH(), stride[3] * window.strideW()},
                        image.storageOffset() + (y0 * window.strideH() + offH) * stride[2]
                                + (x0 * window.strideW() + offW) * stride[3]);
                long row = (long) i * window.kernelW() + j;
                Tensor colView = ACCESS.make(col.storage(), viewShape,
                        new long[] {(long) window.size() * cols, outH * outW, outW, 1},
                        col.storageOffset() + row * cols + y0 * outW + x0);
                action.accept(colView, imageView);
            }
        }
    }

    /** The first window index {@code y >= 0} with {@code y * stride + offset >= 0}. */
    private static long firstInside(long offset, int stride) {
        return offset >= 0 ? 0 : Math.floorDiv(-offset + stride - 1, stride);
    }

    /** The last window index {@code y} with {@code y * stride + offset < size} (negative when none). */
    private static long lastInside(long offset, int stride, long size) {
        return Math.floorDiv(size - 1 - offset, stride);
    }
}
