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
 * the order of its terms, and the results must match exactly. Max pooling in one pass
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
        Stream.Builder<Arguments> cases = Stream.builder();
        for (boolean channelsLast : new boolean[] {false, true}) {
            for (boolean special : new boolean[] {false, true}) {
                cases.add(Arguments.of(new Window(2, 2, 2, 2, 0, 0, 1, 1), 64, 32, 8, 8, channelsLast, special));
                cases.add(Arguments.of(new Window(2, 2, 2, 2, 0, 0, 1, 1), 3, 2, 7, 9, channelsLast, special));
                cases.add(Arguments.of(new Window(3, 3, 2, 2, 1, 1, 1, 1), 9, 4, 7, 5, channelsLast, special));
                cases.add(Arguments.of(new Window(3, 3, 1, 1, 1, 1, 1, 1), 3, 2, 6, 6, channelsLast, special));
                cases.add(Arguments.of(new Window(3, 2, 2, 3, 1, 1, 2, 1), 96, 5, 9, 10, channelsLast, special));
                cases.add(Arguments.of(new Window(3, 3, 3, 3, 0, 0, 1, 1), 4, 3, 9, 7, channelsLast, special));
            }
        }
        return cases.build();
    }

    /**
     * Max pooling in one pass against the first maximum of each window in row-major order, found
     * element by element, and the value against that element bit for bit: on small integers (so
     * windows tie often) or on the values that compare oddly (-0.0 and 0.0, which tie, the
     * infinities, and NaN, of which the window's first wins), with NaNs here and there, the image
     * stored contiguously (MaxPool2d(2) takes its own path there) or channels-last (strides the
     * kernel must follow), after an offset.
     */
    @ParameterizedTest
    @MethodSource("poolings")
    void maxPoolFindsTheFirstMaximumOfEachWindow(Window w, int n, int c, int h, int width, boolean channelsLast,
                                                 boolean special) {
        int outH = (int) w.outH(h);
        int outW = (int) w.outW(width);
        int offset = 5;
        SplittableRandom random = new SplittableRandom(n * c + h + (special ? 1 : 0));
        double[] odd = {-0.0, 0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1, -1, 0.5};
        double[] image = new double[offset + n * c * h * width];
        for (int e = 0; e < image.length; e++) {
            image[e] = random.nextInt(12) == 0 ? Double.NaN
                    : special ? odd[random.nextInt(odd.length)] : random.nextInt(-3, 4);
        }
        // Channels-last: element (b, ch, y, x) at offset + ((b * h + y) * width + x) * c + ch.
        WindowKernels.Image im = channelsLast
                ? new WindowKernels.Image(offset, n, c, h, width, h * width * c, 1, width * c, c)
                : new WindowKernels.Image(offset, n, c, h, width, c * h * width, h * width, width, 1);

        long[] want = new long[n * c * outH * outW];
        double[] wantValues = new double[want.length];
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                int plane = offset + b * im.sn() + ch * im.sc();
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
                                double v = image[plane + iy * im.sh() + ix * im.sw()];
                                boolean first = at < 0 || Double.isNaN(v) && !Double.isNaN(best);
                                if (first || !Double.isNaN(best) && v > best) {
                                    best = v;
                                    at = (long) iy * width + ix;
                                }
                            }
                        }
                        int out = ((b * c + ch) * outH + y) * outW + x;
                        want[out] = at;
                        wantValues[out] = image[plane + (int) (at / width) * im.sh() + (int) (at % width) * im.sw()];
                    }
                }
            }
        }
        long[] got = new long[want.length];
        double[] gotValues = new double[want.length];
        WindowKernels.maxPool(image, im, w, gotValues, got);
        assertArrayEquals(want, got, "float64 max pooling indices of " + w);
        assertArrayEquals(bits(wantValues), bits(gotValues), "float64 max pooling values of " + w);
        long[] gotFloat = new long[want.length];
        float[] gotFloatValues = new float[want.length];
        WindowKernels.maxPool(floats(image), im, w, gotFloatValues, gotFloat);
        assertArrayEquals(want, gotFloat, "float32 max pooling indices of " + w);
        assertArrayEquals(bits(wantValues), bits(gotFloatValues), "float32 max pooling values of " + w);
    }

    /** Each element's bits, so that -0.0 differs from 0.0 and NaN equals NaN. */
    private static long[] bits(double[] x) {
        long[] b = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            b[i] = Double.doubleToRawLongBits(x[i]);
        }
        return b;
    }

    /** Each element's bits as a double's, so float and double results compare alike. */
    private static long[] bits(float[] x) {
        long[] b = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            b[i] = Double.doubleToRawLongBits(x[i]);
        }
        return b;
    }

    private static float[] floats(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            f[i] = (float) x[i];
        }
        return f;
    }
}
