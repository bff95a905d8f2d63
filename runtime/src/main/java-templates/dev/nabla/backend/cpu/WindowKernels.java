package dev.nabla.backend.cpu;

import dev.nabla.backend.Window;

/**
 * The CPU's im2col and col2im ({@link dev.nabla.backend.Backend#im2col}): one pass over the
 * column matrix, one row ({@code (c, i, j)}) at a time, the rows split across threads. Each
 * output row of a window row is written as a run of padding, a run read from the image (a bulk
 * copy when both steps are 1) and a run of padding, so no element pays a bounds check.
 *
 * <p>col2im splits by channel instead: the rows of one channel are the only ones that add into
 * that channel's image, so threads never write the same element.
 *
 * <p>A template: the build writes each float method between {@code // @twin} lines again for
 * double (runtime/src/build/TwinKernels.java), so each kernel is written once.
 */
final class WindowKernels {
    /** The image operand of a kernel: its array, offset, sizes and strides ({@code [N, C, H, W]}). */
    record Image(int offset, int n, int c, int h, int w, int sn, int sc, int sh, int sw) {}

    private WindowKernels() {}

    // @twin
    static void im2col(float[] in, Image im, Window win, float pad, float[] col) {
        int outH = (int) win.outH(im.h());
        int outW = (int) win.outW(im.w());
        int rows = im.c() * win.size();
        int cols = im.n() * outH * outW;
        Parallel.forRange(rows, grain(cols), (from, to) -> {
            for (int r = (int) from; r < to; r++) {
                int ch = r / win.size();
                int i = r / win.kernelW() % win.kernelH();
                int j = r % win.kernelW();
                int offW = j * win.dilationW() - win.padW();
                int x0 = firstInside(offW, win.strideW(), outW);
                int x1 = Math.max(x0, lastInside(offW, win.strideW(), im.w(), outW));
                int dst = r * cols;
                for (int b = 0; b < im.n(); b++) {
                    for (int y = 0; y < outH; y++, dst += outW) {
                        int iy = y * win.strideH() - win.padH() + i * win.dilationH();
                        if (iy < 0 || iy >= im.h()) {
                            java.util.Arrays.fill(col, dst, dst + outW, pad);
                            continue;
                        }
                        java.util.Arrays.fill(col, dst, dst + x0, pad);
                        int src = im.offset() + b * im.sn() + ch * im.sc() + iy * im.sh() + (x0 * win.strideW() + offW) * im.sw();
                        int step = win.strideW() * im.sw();
                        if (step == 1) {
                            System.arraycopy(in, src, col, dst + x0, x1 - x0);
                        } else {
                            for (int x = x0; x < x1; x++, src += step) {
                                col[dst + x] = in[src];
                            }
                        }
                        java.util.Arrays.fill(col, dst + x1, dst + outW, pad);
                    }
                }
            }
        });
    }
    // @twin-end

    // @twin
    /** {@code out} is contiguous {@code [N, C, H, W]} (described by {@code im}) and zero-filled; {@code col} contiguous. */
    static void col2im(float[] col, int colOffset, Window win, float[] out, Image im) {
        int outH = (int) win.outH(im.h());
        int outW = (int) win.outW(im.w());
        int cols = im.n() * outH * outW;
        Parallel.forRange(im.c(), grain((long) cols * win.size()), (from, to) -> {
            for (int ch = (int) from; ch < to; ch++) {
                for (int i = 0; i < win.kernelH(); i++) {
                    for (int j = 0; j < win.kernelW(); j++) {
                        int offW = j * win.dilationW() - win.padW();
                        int x0 = firstInside(offW, win.strideW(), outW);
                        int x1 = Math.max(x0, lastInside(offW, win.strideW(), im.w(), outW));
                        int src = colOffset + ((ch * win.kernelH() + i) * win.kernelW() + j) * cols;
                        for (int b = 0; b < im.n(); b++) {
                            for (int y = 0; y < outH; y++, src += outW) {
                                int iy = y * win.strideH() - win.padH() + i * win.dilationH();
                                if (iy < 0 || iy >= im.h()) {
                                    continue;
                                }
                                int dst = im.offset() + b * im.sn() + ch * im.sc() + iy * im.sh() + (x0 * win.strideW() + offW) * im.sw();
                                int step = win.strideW() * im.sw();
                                for (int x = x0; x < x1; x++, dst += step) {
                                    out[dst] += col[src + x];
                                }
                            }
                        }
                    }
                }
            }
        });
    }
    // @twin-end

    /** Rows of {@code work} elements each: split only when a thread gets at least {@link Parallel#ELEMENTWISE_GRAIN}. */
    private static long grain(long work) {
        return Math.max(1, Parallel.ELEMENTWISE_GRAIN / Math.max(1, work));
    }

    /** The first column {@code x} whose read {@code x * stride + offset} is at or after 0, at most {@code outW}. */
    private static int firstInside(int offset, int stride, int outW) {
        return offset >= 0 ? 0 : Math.min(outW, (-offset + stride - 1) / stride);
    }

    /** One past the last column {@code x} whose read {@code x * stride + offset} is before {@code width}, at most {@code outW}. */
    private static int lastInside(int offset, int stride, int width, int outW) {
        int last = width - 1 - offset;
        return last < 0 ? 0 : Math.min(outW, last / stride + 1);
    }
}
