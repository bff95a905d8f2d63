package dev.nabla.backend.cpu;

import dev.nabla.backend.Window;

/**
 * The CPU's 2-D convolution ({@link dev.nabla.backend.Backend#convolution}) one image at a time:
 * each image's windows are unfolded into a column matrix {@code [C * kH * kW, outH * outW]} that
 * stays in the cache, multiplied by the weight {@code [O, C * kH * kW]} straight into the image's
 * {@code [O, outH * outW]} block of the NCHW output, and the images are split across threads,
 * each product on one BLAS thread.
 *
 * <p>Note [One image at a time]: the composed convolution ({@code Convolution}) unfolds the whole
 * batch into one column matrix and makes one product of it, which needs the result transposed
 * into NCHW order afterwards, keeps the columns (4.7 MB for the digits CNN's second layer) for
 * the backward, and passes each through memory several times (zeroed at allocation, written,
 * read). Here a column matrix is the size of one image's windows (73 KB there); the backward
 * unfolds it again rather than keeping it, and folds the input's gradient back from it while it
 * is still in the cache. And the images, not the product, are split across threads: on two cores
 * a product split across OpenBLAS's threads leaves a worker that spins in {@code sched_yield}
 * between products, taking a core from the rest of the step.
 *
 * <p>A template: the build writes each float method between {@code // @twin} lines again for
 * double (runtime/src/build/TwinKernels.java).
 */
final class ConvKernels {
    /** Multiply-adds below which a thread's share of images is not split further. */
    private static final long GRAIN_MACS = 1 << 18;

    /** Elements of a block's column matrix: a quarter of a core's 1 MB L2 cache, where it stays between its writing and its reading. */
    private static final int BLOCK_ELEMENTS = 1 << 16;

    private ConvKernels() {}

    // @twin
    /**
     * {@code out[n] = weight * columns(x[n]) + bias} for each image {@code n}: {@code x} is described
     * by {@code im}, {@code weight} is contiguous {@code [O, C * kH * kW]} at {@code wOff},
     * {@code bias} {@code [O]} at {@code bOff} or null, and {@code out} contiguous {@code [N, O, outH, outW]}
     * at {@code outOff}.
     */
    static void forward(float[] x, WindowKernels.Image im, Window win, float[] weight, int wOff, float[] bias, int bOff,
                        int outChannels, float[] out, int outOff) {
        int positions = (int) (win.outH(im.h()) * win.outW(im.w()));
        int k = im.c() * win.size();
        int per = imagesPerBlock(im.n(), k, positions);
        int blocks = (im.n() + per - 1) / per;
        Parallel.forRange(blocks, grain((long) outChannels * k * positions * per), (from, to) -> {
            float[] col = new float[k * positions * per];
            // A block of several images multiplies into [O, images * positions], put in NCHW order after.
            float[] rows = per > 1 ? new float[outChannels * positions * per] : null;
            for (int block = (int) from; block < to; block++) {
                int n0 = block * per;
                int images = Math.min(per, im.n() - n0);
                int cols = images * positions;
                WindowKernels.im2col(x, images(im, n0, images), win, 0f, col);
                int dst = outOff + n0 * outChannels * positions;
                if (images == 1) {
                    // The product accumulates onto rows that hold the bias.
                    if (bias != null) {
                        for (int o = 0; o < outChannels; o++) {
                            int row = dst + o * positions;
                            java.util.Arrays.fill(out, row, row + positions, bias[bOff + o]);
                        }
                    }
                    Blas.sgemm(false, false, outChannels, positions, k, weight, wOff, k, col, 0, positions, out, dst,
                            positions, bias != null);
                    continue;
                }
                Blas.sgemm(false, false, outChannels, cols, k, weight, wOff, k, col, 0, cols, rows, 0, cols);
                for (int o = 0; o < outChannels; o++) {
                    float b = bias == null ? 0f : bias[bOff + o];
                    for (int i = 0; i < images; i++) {
                        int src = o * cols + i * positions;
                        int row = dst + (i * outChannels + o) * positions;
                        for (int p = 0; p < positions; p++) {
                            out[row + p] = rows[src + p] + b;
                        }
                    }
                }
            }
        });
    }
    // @twin-end

    // @twin
    /**
     * The gradients of {@link #forward} from the output's gradient {@code g} (contiguous
     * {@code [N, O, outH, outW]} at {@code gOff}): {@code gx} (contiguous {@code [N, C, H, W]},
     * zero-filled; null when not wanted) gets each image's columns' gradient {@code weight^T g[n]}
     * folded back, and {@code gw} ({@code [O, C * kH * kW]}, zero-filled; null when not wanted) the
     * sum over images of {@code g[n] columns(x[n])^T}, and {@code gb} ({@code [O]}, zero-filled;
     * null when not wanted) the sum of {@code g} over images and positions. Each thread sums its
     * images into partials of its own, and the partials are added in the order of their images,
     * so the result does not depend on which thread ran first.
     */
    static void backward(float[] g, int gOff, float[] x, WindowKernels.Image im, Window win, float[] weight, int wOff,
                         int outChannels, float[] gx, float[] gw, float[] gb) {
        int positions = (int) (win.outH(im.h()) * win.outW(im.w()));
        int k = im.c() * win.size();
        int weights = outChannels * k;
        int per = imagesPerBlock(im.n(), k, positions);
        int blocks = (im.n() + per - 1) / per;
        int plane = im.c() * im.h() * im.w();
        float[][] partials = new float[blocks][];
        double[][] biasPartials = new double[blocks][];
        long macs = (long) weights * positions * per * ((gx != null ? 1 : 0) + (gw != null ? 1 : 0));
        boolean joined = rowsJoin(win, im.w());
        Parallel.forRange(blocks, grain(macs), (from, to) -> {
            float[] col = new float[k * positions * per];
            float[] rows = per > 1 ? new float[outChannels * positions * per] : null;
            float[] partial = gw == null ? null : new float[weights];
            double[] biasPartial = gb == null ? null : new double[outChannels];
            for (int block = (int) from; block < to; block++) {
                int n0 = block * per;
                int images = Math.min(per, im.n() - n0);
                int cols = images * positions;
                // The block's output gradient as [O, images * positions]: g itself for one image.
                float[] gRows = g;
                int gRowsOff = gOff + n0 * outChannels * positions;
                if (images > 1) {
                    for (int i = 0; i < images; i++) {
                        for (int o = 0; o < outChannels; o++) {
                            System.arraycopy(g, gRowsOff + (i * outChannels + o) * positions, rows, o * cols + i * positions,
                                    positions);
                        }
                    }
                    gRows = rows;
                    gRowsOff = 0;
                }
                if (biasPartial != null) {
                    for (int o = 0; o < outChannels; o++) {
                        double sum = 0;
                        for (int c = o * cols, end = c + cols; c < end; c++) {
                            sum += gRows[gRowsOff + c];
                        }
                        biasPartial[o] += sum;
                    }
                }
                if (gx != null) {
                    Blas.sgemm(true, false, k, cols, outChannels, weight, wOff, k, gRows, gRowsOff, cols, col, 0, cols);
                    WindowKernels.Image grads = new WindowKernels.Image(n0 * plane, images, im.c(), im.h(), im.w(), plane,
                            im.h() * im.w(), im.w(), 1);
                    if (joined) {
                        foldJoined(col, win, gx, grads);
                    } else {
                        WindowKernels.col2im(col, 0, win, gx, grads);
                    }
                }
                if (partial != null) {
                    WindowKernels.im2col(x, images(im, n0, images), win, 0f, col);
                    Blas.sgemm(false, true, outChannels, k, cols, gRows, gRowsOff, cols, col, 0, cols, partial, 0, k, true);
                }
            }
            partials[(int) from] = partial;
            biasPartials[(int) from] = biasPartial;
        });
        if (gw != null) {
            for (float[] partial : partials) {
                if (partial != null) {
                    for (int i = 0; i < weights; i++) {
                        gw[i] += partial[i];
                    }
                }
            }
        }
        if (gb != null) {
            double[] sums = new double[outChannels];
            for (double[] partial : biasPartials) {
                if (partial != null) {
                    for (int o = 0; o < outChannels; o++) {
                        sums[o] += partial[o];
                    }
                }
            }
            for (int o = 0; o < outChannels; o++) {
                gb[o] = (float) sums[o];
            }
        }
    }
    // @twin-end

    // @twin
    /**
     * col2im ({@link WindowKernels#col2im}) where the image's rows join up ({@link #rowsJoin}), and
     * so each column row of an image adds into its plane at one shift of the flat index: the
     * elements of {@code col} that read the padding are set to zero first, and then each column
     * row is added to the plane in one run (as many elements as the image has), rather than in
     * runs as long as an image row, which are too short for the vector loop (8 for the digits).
     * A zero added is no change, so the result is that of col2im. {@code col} is this kernel's
     * own: its padding entries are overwritten. {@code out} is contiguous.
     */
    private static void foldJoined(float[] col, Window win, float[] out, WindowKernels.Image im) {
        int outH = (int) win.outH(im.h());
        int width = im.w();
        int positions = outH * width;
        int cols = im.n() * positions;
        for (int ch = 0; ch < im.c(); ch++) {
            for (int i = 0; i < win.kernelH(); i++) {
                int offH = i * win.dilationH() - win.padH();
                int y0 = Math.min(outH, Math.max(0, -offH));
                int y1 = Math.max(y0, Math.min(outH, im.h() - offH));
                for (int j = 0; j < win.kernelW(); j++) {
                    int offW = j * win.dilationW() - win.padW();
                    int x0 = WindowKernels.firstInside(offW, 1, width);
                    int x1 = Math.max(x0, WindowKernels.lastInside(offW, 1, width, width));
                    if (y1 == y0 || x1 == x0) {
                        continue;
                    }
                    int row = (ch * win.kernelH() + i) * win.kernelW() + j;
                    for (int b = 0; b < im.n(); b++) {
                        int src = row * cols + b * positions;
                        for (int y = y0; y < y1; y++) {
                            int line = src + y * width;
                            for (int x = 0; x < x0; x++) {
                                col[line + x] = 0f;
                            }
                            for (int x = x1; x < width; x++) {
                                col[line + x] = 0f;
                            }
                        }
                        int shift = im.offset() + b * im.sn() + ch * im.sc() + offH * width + offW - src;
                        for (int t = src + y0 * width + x0, end = src + (y1 - 1) * width + x1; t < end; t++) {
                            out[shift + t] += col[t];
                        }
                    }
                }
            }
        }
    }
    // @twin-end

    /**
     * Whether a window's column rows are a contiguous image's rows shifted, back to back: stride 1
     * and the output as wide as the image.
     */
    private static boolean rowsJoin(Window win, int width) {
        return win.strideH() == 1 && win.strideW() == 1 && win.outW(width) == width;
    }

    /**
     * Images per block: as many as fill {@link #BLOCK_ELEMENTS} of columns (at least one), and no
     * more than leave every thread a block.
     */
    private static int imagesPerBlock(int n, int k, int positions) {
        int fit = (int) Math.max(1, BLOCK_ELEMENTS / Math.max(1L, (long) k * positions));
        int share = (n + Parallel.THREADS - 1) / Parallel.THREADS;
        return Math.max(1, Math.min(fit, share));
    }

    /** Images {@code n0} to {@code n0 + count - 1} of {@code im}, as a batch. */
    private static WindowKernels.Image images(WindowKernels.Image im, int n0, int count) {
        return new WindowKernels.Image(im.offset() + n0 * im.sn(), count, im.c(), im.h(), im.w(), im.sn(), im.sc(), im.sh(),
                im.sw());
    }

    /** Images per thread at least, so that each thread's share is worth handing over. */
    private static long grain(long macsPerImage) {
        return Math.max(1, GRAIN_MACS / Math.max(1, macsPerImage));
    }
}
