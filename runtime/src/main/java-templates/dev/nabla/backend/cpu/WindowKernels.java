package dev.nabla.backend.cpu;

import dev.nabla.backend.Window;

/**
 * The CPU's im2col and col2im ({@link dev.nabla.backend.Backend#im2col}): one pass over the
 * column matrix, one row ({@code (c, i, j)}) at a time, the rows split across threads. Each
 * output row of a window row is written as a run of padding, a run read from the image (a
 * contiguous one when both steps are 1) and a run of padding, so no element pays a bounds check.
 *
 * <p>col2im splits by image plane {@code (n, c)} instead: only the rows of channel {@code c}
 * add into that plane, and only from the columns of image {@code n}, so threads never write the
 * same element, and a pooling's columns (one channel, one plane per image and channel) split as
 * well as a convolution's.
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
        // A "same" convolution's window rows (stride 1, as wide as the image, rows stored
        // back to back): each column row of an image is the image plane shifted, one copy.
        boolean rowsJoin = win.strideH() == 1 && win.strideW() == 1 && outW == im.w() && im.sw() == 1
                && im.sh() == im.w();
        Parallel.forRange(rows, grain(cols), (from, to) -> {
            for (int r = (int) from; r < to; r++) {
                int ch = r / win.size();
                int i = r / win.kernelW() % win.kernelH();
                int j = r % win.kernelW();
                int offW = j * win.dilationW() - win.padW();
                int x0 = firstInside(offW, win.strideW(), outW);
                int x1 = Math.max(x0, lastInside(offW, win.strideW(), im.w(), outW));
                int dst = r * cols;
                if (rowsJoin) {
                    joinedRows(in, im, win, pad, col, ch, i, offW, x0, x1, outH, dst);
                    continue;
                }
                for (int b = 0; b < im.n(); b++) {
                    for (int y = 0; y < outH; y++, dst += outW) {
                        int iy = y * win.strideH() - win.padH() + i * win.dilationH();
                        if (iy < 0 || iy >= im.h()) {
                            java.util.Arrays.fill(col, dst, dst + outW, pad);
                            continue;
                        }
                        // Loops, not Arrays.fill and System.arraycopy: the runs are a few elements
                        // long (8 for the digits), where the calls' checks cost more than the copy.
                        for (int x = 0; x < x0; x++) {
                            col[dst + x] = pad;
                        }
                        int src = im.offset() + b * im.sn() + ch * im.sc() + iy * im.sh() + (x0 * win.strideW() + offW) * im.sw();
                        int step = win.strideW() * im.sw();
                        if (step == 1) {
                            int shift = src - x0;
                            for (int x = x0; x < x1; x++) {
                                col[dst + x] = in[shift + x];
                            }
                        } else {
                            for (int x = x0; x < x1; x++, src += step) {
                                col[dst + x] = in[src];
                            }
                        }
                        for (int x = x1; x < outW; x++) {
                            col[dst + x] = pad;
                        }
                    }
                }
            }
        });
    }
    // @twin-end

    // @twin
    /**
     * One column row {@code (ch, i, j)} of im2col where the image's rows join up (see
     * {@link #im2col}): for each image, the output rows that read inside the image are one
     * shifted run of the plane, copied at once; the {@code x < x0} and {@code x >= x1} ends of
     * each such row, which that copy filled from the neighbouring image row (or left alone at the
     * run's ends, where it could leave the array), are then set to the padding, as are the rows
     * that read outside the image.
     */
    private static void joinedRows(float[] in, Image im, Window win, float pad, float[] col, int ch, int i, int offW,
                                   int x0, int x1, int outH, int dst) {
        int width = im.w();
        int offH = i * win.dilationH() - win.padH();
        int y0 = Math.min(outH, Math.max(0, -offH));
        int y1 = Math.max(y0, Math.min(outH, im.h() - offH));
        for (int b = 0; b < im.n(); b++, dst += outH * width) {
            java.util.Arrays.fill(col, dst, dst + y0 * width, pad);
            java.util.Arrays.fill(col, dst + y1 * width, dst + outH * width, pad);
            if (y1 == y0 || x1 == x0) {
                java.util.Arrays.fill(col, dst + y0 * width, dst + y1 * width, pad);
                continue;
            }
            int src = im.offset() + b * im.sn() + ch * im.sc() + (y0 + offH) * width + offW;
            int from = x0;
            int to = (y1 - y0 - 1) * width + x1;
            System.arraycopy(in, src + from, col, dst + y0 * width + from, to - from);
            for (int y = y0; y < y1; y++) {
                int row = dst + y * width;
                for (int x = 0; x < x0; x++) {
                    col[row + x] = pad;
                }
                for (int x = x1; x < width; x++) {
                    col[row + x] = pad;
                }
            }
        }
    }
    // @twin-end

    // @twin
    /** {@code out} is contiguous {@code [N, C, H, W]} (described by {@code im}) and zero-filled; {@code col} contiguous. */
    static void col2im(float[] col, int colOffset, Window win, float[] out, Image im) {
        int outH = (int) win.outH(im.h());
        int outW = (int) win.outW(im.w());
        int positions = outH * outW;
        int cols = im.n() * positions;
        int channels = im.c();
        Parallel.forRange((long) im.n() * channels, grain((long) positions * win.size()), (from, to) -> {
            for (int plane = (int) from; plane < to; plane++) {
                int b = plane / channels;
                int ch = plane % channels;
                int base = im.offset() + b * im.sn() + ch * im.sc();
                for (int i = 0; i < win.kernelH(); i++) {
                    for (int j = 0; j < win.kernelW(); j++) {
                        int offW = j * win.dilationW() - win.padW();
                        int x0 = firstInside(offW, win.strideW(), outW);
                        int x1 = Math.max(x0, lastInside(offW, win.strideW(), im.w(), outW));
                        int step = win.strideW() * im.sw();
                        int src = colOffset + ((ch * win.kernelH() + i) * win.kernelW() + j) * cols + b * positions;
                        for (int y = 0; y < outH; y++, src += outW) {
                            int iy = y * win.strideH() - win.padH() + i * win.dilationH();
                            if (iy < 0 || iy >= im.h()) {
                                continue;
                            }
                            int dst = base + iy * im.sh() + (x0 * win.strideW() + offW) * im.sw();
                            if (step == 1) {
                                int shift = dst - x0;
                                for (int x = x0; x < x1; x++) {
                                    out[shift + x] += col[src + x];
                                }
                            } else {
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

    // @twin
    /**
     * Max pooling in one pass over the image: {@code indices[n][c][y][x]} (contiguous) is the index
     * {@code iy * W + ix} within plane {@code (n, c)} of the first maximum of window {@code (y, x)},
     * in the window's row-major order and among the positions inside the image (the padding never
     * wins: its -inf would only tie), and {@code values} (contiguous, same shape) holds that element.
     * A NaN, once found, is the maximum, as {@link FloatKernels#argmaxRuns} has it: the window's
     * first NaN wins.
     *
     * <p>The selection is branch-free: the index and the element's offset move with an int
     * select on {@code v > best} (a conditional move; a branch on random data mispredicts
     * half the time) and the running maximum is {@link Math#max}, which a NaN turns into NaN, so
     * one test per window sends the rare window holding a NaN to a scan for its first NaN. A
     * tie keeps the first element, and a maximum of {@code -0.0} replaced by {@code 0.0} changes
     * no later comparison, so the index is the first maximum's.
     */
    static void maxPool(float[] in, Image im, Window win, float[] values, long[] indices) {
        if (win.kernelH() == 2 && win.kernelW() == 2 && win.strideH() == 2 && win.strideW() == 2 && win.padH() == 0
                && win.padW() == 0 && win.dilationH() == 1 && win.dilationW() == 1 && im.sw() == 1 && im.sh() == im.w()) {
            maxPool2x2(in, im, values, indices);
            return;
        }
        int outH = (int) win.outH(im.h());
        int outW = (int) win.outW(im.w());
        int positions = outH * outW;
        int channels = im.c();
        // Each window's rows i0..i1 and columns j0..j1 inside the image, the same for every plane.
        int[] rows = insideRanges(outH, win.strideH(), win.padH(), win.dilationH(), win.kernelH(), im.h());
        int[] columns = insideRanges(outW, win.strideW(), win.padW(), win.dilationW(), win.kernelW(), im.w());
        int sh = im.sh();
        int sw = im.sw();
        int width = im.w();
        int dilationW = win.dilationW();
        int stepX = dilationW * sw;
        Parallel.forRange((long) im.n() * channels, grain((long) positions * win.size()), (from, to) -> {
            for (int plane = (int) from; plane < to; plane++) {
                int base = im.offset() + plane / channels * im.sn() + plane % channels * im.sc();
                int dst = plane * positions;
                for (int y = 0; y < outH; y++) {
                    int top = y * win.strideH() - win.padH();
                    int i0 = rows[2 * y];
                    int i1 = rows[2 * y + 1];
                    for (int x = 0; x < outW; x++, dst++) {
                        int left = x * win.strideW() - win.padW();
                        int j0 = columns[2 * x];
                        int j1 = columns[2 * x + 1];
                        int firstY = top + i0 * win.dilationH();
                        int firstX = left + j0 * win.dilationW();
                        int firstSrc = base + firstY * sh + firstX * sw;
                        float best = in[firstSrc];
                        int at = firstY * width + firstX;
                        int atSrc = firstSrc;
                        for (int i = i0; i < i1; i++) {
                            int iy = top + i * win.dilationH();
                            int src = base + iy * sh + firstX * sw;
                            int idx = iy * width + firstX;
                            for (int j = j0; j < j1; j++, src += stepX, idx += dilationW) {
                                float v = in[src];
                                boolean wins = v > best;
                                at = wins ? idx : at;
                                atSrc = wins ? src : atSrc;
                                best = Math.max(best, v);
                            }
                        }
                        // best != best: the window holds a NaN (Float.isNaN's own test).
                        if (best != best) {
                            found:
                            for (int i = i0; i < i1; i++) {
                                int iy = top + i * win.dilationH();
                                int src = base + iy * sh + firstX * sw;
                                int idx = iy * width + firstX;
                                for (int j = j0; j < j1; j++, src += stepX, idx += dilationW) {
                                    if (in[src] != in[src]) {
                                        at = idx;
                                        atSrc = src;
                                        break found;
                                    }
                                }
                            }
                        }
                        indices[dst] = at;
                        values[dst] = in[atSrc];
                    }
                }
            }
        });
    }
    // @twin-end

    // @twin
    /**
     * {@link #maxPool} of MaxPool2d(2), the common layer, whose windows tile each plane (rows
     * stored back to back): straight-line code per window, a tournament of the two rows' first
     * maxima (the top row's wins a tie, as the first maximum must).
     */
    private static void maxPool2x2(float[] in, Image im, float[] values, long[] indices) {
        int outH = im.h() / 2;
        int outW = im.w() / 2;
        int positions = outH * outW;
        int channels = im.c();
        int width = im.w();
        Parallel.forRange((long) im.n() * channels, grain(4L * positions), (from, to) -> {
            for (int plane = (int) from; plane < to; plane++) {
                int base = im.offset() + plane / channels * im.sn() + plane % channels * im.sc();
                maxPool2x2Plane(in, base, width, outH, outW, values, indices, plane * positions);
            }
        });
    }

    /** One plane of {@link #maxPool2x2}, starting at {@code base}, into the outputs from {@code dst}. */
    private static void maxPool2x2Plane(float[] in, int base, int width, int outH, int outW, float[] values, long[] indices,
                                        int dst) {
        for (int y = 0; y < outH; y++) {
            int top = 2 * y * width;
            int bottom = top + width;
            for (int x = 0; x < outW; x++, dst++) {
                int ia = top + 2 * x;
                int ic = bottom + 2 * x;
                float a = in[base + ia];
                float b = in[base + ia + 1];
                float c = in[base + ic];
                float d = in[base + ic + 1];
                int upper = b > a ? ia + 1 : ia;
                int lower = d > c ? ic + 1 : ic;
                float upperMax = Math.max(a, b);
                float lowerMax = Math.max(c, d);
                int at = lowerMax > upperMax ? lower : upper;
                float best = Math.max(upperMax, lowerMax);
                if (best != best) {
                    at = a != a ? ia : b != b ? ia + 1 : c != c ? ic : ic + 1;
                }
                indices[dst] = at;
                values[dst] = in[base + at];
            }
        }
    }
    // @twin-end

    /**
     * For each of {@code out} window positions along one axis, the first and one past the last
     * kernel element that lands inside an image {@code size} long: {@code [first0, end0, first1,
     * end1, ...]}: computed once per call, not once per window of every plane.
     */
    private static int[] insideRanges(int out, int stride, int pad, int dilation, int kernel, int size) {
        int[] ranges = new int[2 * out];
        for (int p = 0; p < out; p++) {
            int start = p * stride - pad;
            ranges[2 * p] = firstInside(start, dilation, kernel);
            ranges[2 * p + 1] = Math.max(ranges[2 * p], lastInside(start, dilation, size, kernel));
        }
        return ranges;
    }

    /** Rows of {@code work} elements each: split only when a thread gets at least {@link Parallel#ELEMENTWISE_GRAIN}. */
    private static long grain(long work) {
        return Math.max(1, Parallel.ELEMENTWISE_GRAIN / Math.max(1, work));
    }

    /** The first column {@code x} whose read {@code x * stride + offset} is at or after 0, at most {@code outW}. */
    static int firstInside(int offset, int stride, int outW) {
        return offset >= 0 ? 0 : Math.min(outW, (-offset + stride - 1) / stride);
    }

    /** One past the last column {@code x} whose read {@code x * stride + offset} is before {@code width}, at most {@code outW}. */
    static int lastInside(int offset, int stride, int width, int outW) {
        int last = width - 1 - offset;
        return last < 0 ? 0 : Math.min(outW, last / stride + 1);
    }
}
