package dev.nabla.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.nabla.backend.Window;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * im2col and col2im against their element-by-element definitions, for the windows of a
 * convolution (stride 1, padding 1), a 2x2 pooling (stride 2, one channel: one plane per image
 * and channel), a dilated, strided, padded one, and "same" convolutions (stride 1, output as wide
 * as the image: im2col copies whole shifted planes) that are dilated, not square, padded only
 * across, or wider than the image, on batches large enough that the kernels
 * split their work across threads. The data are small integers, so every sum is exact whatever
 * the order of its terms, and the results must match exactly. Max pooling's one-pass argmax
 * likewise against its definition.
 */
class WindowKernelsTest {
    static Stream<Arguments> windows() {
        return Stream.of(
                Arguments.of(new Window(3, 3, 1, 1, 1, 1, 1, 1), 64, 32, 8, 8),
                Arguments.of(new Window(2, 2, 2, 2, 0, 0, 1, 1), 64 * 64, 1, 8, 8),
                Arguments.of(new Window(3, 2, 2, 3, 1, 1, 2, 1), 96, 5, 9, 10),
                Arguments.of(new Window(3, 3, 1, 1, 2, 2, 2, 2), 4, 3, 6, 7),
                Arguments.of(new Window(5, 3, 1, 1, 2, 1, 1, 1), 3, 2, 4, 5),
                Arguments.of(new Window(3, 3, 1, 1, 0, 1, 1, 1), 2, 3, 5, 4),
                Arguments.of(new Window(7, 7, 1, 1, 3, 3, 1, 1), 2, 2, 2, 3));
    }

    /** The column of image {@code b}'s output position {@code (y, x)} in window row {@code (ch, i, j)}, or -1 where it reads padding. */
    private static int source(Window w, int n, int c, int h, int width, int ch, int i, int j, int b, int y, int x) {
        int iy = y * w.strideH() - w.padH() + i * w.dilationH();
        int ix = x * w.strideW() - w.padW() + j * w.dilationW();
        if (iy < 0 || iy >= h || ix < 0 || ix >= width) {
            return -1;
        }
        return ((b * c + ch) * h + iy) * width + ix;
    }

    @ParameterizedTest
    @MethodSource("windows")
    void unfoldAndFoldMatchTheirDefinitions(Window w, int n, int c, int h, int width) {
        int outH = (int) w.outH(h);
        int outW = (int) w.outW(width);
        int cols = n * outH * outW;
        int offset = 3;
        SplittableRandom random = new SplittableRandom(n + c);
        double[] image = new double[offset + n * c * h * width];
        for (int e = 0; e < image.length; e++) {
            image[e] = random.nextInt(-8, 9);
        }
        double[] col = new double[c * w.size() * cols];
        for (int e = 0; e < col.length; e++) {
            col[e] = random.nextInt(-8, 9);
        }
        WindowKernels.Image im = new WindowKernels.Image(offset, n, c, h, width, c * h * width, h * width, width, 1);

        double[] unfolded = new double[col.length];
        WindowKernels.im2col(image, im, w, -100, unfolded);
        double[] folded = new double[image.length];
        WindowKernels.col2im(col, 0, w, folded, im);

        double[] wantUnfolded = new double[col.length];
        double[] wantFolded = new double[image.length];
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < w.kernelH(); i++) {
                for (int j = 0; j < w.kernelW(); j++) {
                    int row = (ch * w.kernelH() + i) * w.kernelW() + j;
                    for (int b = 0; b < n; b++) {
                        for (int y = 0; y < outH; y++) {
                            for (int x = 0; x < outW; x++) {
                                int at = row * cols + (b * outH + y) * outW + x;
                                int src = source(w, n, c, h, width, ch, i, j, b, y, x);
                                wantUnfolded[at] = src < 0 ? -100 : image[offset + src];
                                if (src >= 0) {
                                    wantFolded[offset + src] += col[at];
                                }
                            }
                        }
                    }
                }
            }
        }
        assertArrayEquals(wantUnfolded, unfolded, "im2col of " + w);
        assertArrayEquals(wantFolded, folded, "col2im of " + w);

        float[] unfoldedFloat = new float[col.length];
        WindowKernels.im2col(floats(image), im, w, -100f, unfoldedFloat);
        float[] foldedFloat = new float[image.length];
        WindowKernels.col2im(floats(col), 0, w, foldedFloat, im);
        assertArrayEquals(floats(wantUnfolded), unfoldedFloat, "float32 im2col of " + w);
        assertArrayEquals(floats(wantFolded), foldedFloat, "float32 col2im of " + w);
    }

    static Stream<Arguments> poolings() {
        return Stream.of(
                Arguments.of(new Window(2, 2, 2, 2, 0, 0, 1, 1), 64, 32, 8, 8),
                Arguments.of(new Window(3, 3, 2, 2, 1, 1, 1, 1), 9, 4, 7, 5),
                Arguments.of(new Window(3, 3, 1, 1, 1, 1, 1, 1), 3, 2, 6, 6),
                Arguments.of(new Window(3, 2, 2, 3, 1, 1, 2, 1), 96, 5, 9, 10));
    }

    /**
     * Max pooling's one-pass argmax against the first maximum of each window in row-major order,
     * on small integers (so windows tie often), with NaNs here and there (the first NaN wins) and
     * the image stored channels-last (strides the kernel must follow).
     */
    @ParameterizedTest
    @MethodSource("poolings")
    void maxPoolIndicesFindTheFirstMaximumOfEachWindow(Window w, int n, int c, int h, int width) {
        int outH = (int) w.outH(h);
        int outW = (int) w.outW(width);
        int offset = 5;
        SplittableRandom random = new SplittableRandom(n * c + h);
        double[] image = new double[offset + n * c * h * width];
        for (int e = 0; e < image.length; e++) {
            image[e] = random.nextInt(12) == 0 ? Double.NaN : random.nextInt(-3, 4);
        }
        // Channels-last: element (b, ch, y, x) at offset + ((b * h + y) * width + x) * c + ch.
        WindowKernels.Image im = new WindowKernels.Image(offset, n, c, h, width, h * width * c, 1, width * c, c);

        long[] want = new long[n * c * outH * outW];
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < outH; y++) {
                    for (int x = 0; x < outW; x++) {
                        long at = -1;
                        double best = 0;
                        for (int i = 0; i < w.kernelH(); i++) {
                            for (int j = 0; j < w.kernelW(); j++) {
                                int iy = y * w.strideH() - w.padH() + i * w.dilationH();
                                int ix = x * w.strideW() - w.padW() + j * w.dilationW();
                                if (iy < 0 || iy >= h || ix < 0 || ix >= width) {
                                    continue;
                                }
                                double v = image[offset + ((b * h + iy) * width + ix) * c + ch];
                                boolean first = at < 0 || Double.isNaN(v) && !Double.isNaN(best);
                                if (first || !Double.isNaN(best) && v > best) {
                                    best = v;
                                    at = (long) iy * width + ix;
                                }
                            }
                        }
                        want[((b * c + ch) * outH + y) * outW + x] = at;
                    }
                }
            }
        }
        long[] got = new long[want.length];
        WindowKernels.maxPoolIndices(image, im, w, got);
        assertArrayEquals(want, got, "float64 max pooling indices of " + w);
        long[] gotFloat = new long[want.length];
        WindowKernels.maxPoolIndices(floats(image), im, w, gotFloat);
        assertArrayEquals(want, gotFloat, "float32 max pooling indices of " + w);
    }

    private static float[] floats(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            f[i] = (float) x[i];
        }
        return f;
    }
}
