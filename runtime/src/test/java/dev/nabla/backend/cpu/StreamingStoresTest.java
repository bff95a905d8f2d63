package dev.nabla.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nabla.DType;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import dev.nabla.backend.BinaryOp;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The streaming-store kernels against Java's own arithmetic, element for element and bit for
 * bit (NaN, infinities, signed zeros and subnormals included), and the rows they must refuse.
 */
class StreamingStoresTest {
    private static final boolean AVAILABLE_AT_START = StreamingStores.status().isEmpty();

    private static void assumeStreaming() {
        Assumptions.assumeTrue(AVAILABLE_AT_START, () -> "streaming stores not in use: " + StreamingStores.status());
    }

    @AfterEach
    void restore() {
        if (AVAILABLE_AT_START) {
            StreamingStores.setEnabled(true);
        }
    }

    /** Where the build made the library and the CPU has AVX, streaming must be on: a silent fallback would only show as lost speed. */
    @Test
    void availableWhereTheLibraryWasBuilt() {
        Assumptions.assumeTrue(NativeCpu.class.getResource(NativeCpu.resource()) != null,
                "libnablacpu was not built (no C compiler at build time)");
        String status = StreamingStores.status();
        assertTrue(status.isEmpty() || status.equals("this CPU has no AVX") || status.contains("-Dnabla.streaming=off"), status);
    }

    /** Values that exercise every IEEE corner: NaN, infinities, signed zeros, subnormals, and ordinary numbers. */
    private static float[] floats(int n, long seed) {
        float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f,
            Float.MIN_VALUE, -Float.MIN_NORMAL / 3, Float.MAX_VALUE, 1f, -1f};
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = random.nextInt(8) == 0 ? special[random.nextInt(special.length)] : (float) (random.nextGaussian() * 100);
        }
        return x;
    }

    private static double[] doubles(int n, long seed) {
        double[] special = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0d, -0d,
            Double.MIN_VALUE, -Double.MIN_NORMAL / 3, Double.MAX_VALUE, 1d, -1d};
        SplittableRandom random = new SplittableRandom(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = random.nextInt(8) == 0 ? special[random.nextInt(special.length)] : random.nextGaussian() * 100;
        }
        return x;
    }

    /** Java's result, element by element; {@code bs == 0} broadcasts {@code b[bo]}. */
    private static float[] expected(BinaryOp op, float[] a, int ao, float[] b, int bo, int bs, float[] c, int co, int n) {
        float[] out = c.clone();
        for (int i = 0; i < n; i++) {
            out[co + i] = FloatKernels.binary(op, a[ao + i], b[bo + i * bs]);
        }
        return out;
    }

    private static double[] expected(BinaryOp op, double[] a, int ao, double[] b, int bo, int bs, double[] c, int co, int n) {
        double[] out = c.clone();
        for (int i = 0; i < n; i++) {
            out[co + i] = DoubleKernels.binary(op, a[ao + i], b[bo + i * bs]);
        }
        return out;
    }

    private static void assertBits(float[] expected, float[] actual) {
        for (int i = 0; i < expected.length; i++) {
            int e = Float.floatToIntBits(expected[i]);
            int a = Float.floatToIntBits(actual[i]);
            if (e != a) {
                throw new AssertionError("element " + i + ": expected " + expected[i] + ", got " + actual[i]);
            }
        }
    }

    private static void assertBits(double[] expected, double[] actual) {
        for (int i = 0; i < expected.length; i++) {
            long e = Double.doubleToLongBits(expected[i]);
            long a = Double.doubleToLongBits(actual[i]);
            if (e != a) {
                throw new AssertionError("element " + i + ": expected " + expected[i] + ", got " + actual[i]);
            }
        }
    }

    /** Lengths and offsets that leave unaligned heads and ragged tails around the vector loop. */
    @ParameterizedTest
    @CsvSource({"ADD,1024,0,0,0,1", "SUB,1031,1,3,2,1", "MUL,4099,3,0,7,1", "DIV,2053,5,5,1,1", "ADD,1025,7,2,5,1", "DIV,1024,0,1,3,1",
        "ADD,1031,1,4,2,0", "SUB,4099,3,0,7,0", "MUL,2053,5,9,1,0", "DIV,1025,7,2,5,0"})
    void floatRowsMatchJava(BinaryOp op, int n, int ao, int bo, int co, int bs) {
        assumeStreaming();
        float[] a = floats(n + ao + 5, 1);
        float[] b = floats(n + bo + 5, 2);
        float[] c = floats(n + co + 5, 3);
        float[] want = expected(op, a, ao, b, bo, bs, c, co, n);
        assertTrue(StreamingStores.binary(op, a, ao, 1, b, bo, bs, c, co, 1, n));
        assertBits(want, c);
    }

    @ParameterizedTest
    @CsvSource({"ADD,1024,0,0,0,1", "SUB,1031,1,3,2,1", "MUL,4099,3,0,7,1", "DIV,2053,5,5,1,1", "ADD,1025,7,2,5,1", "DIV,1024,0,1,3,1",
        "ADD,1031,1,4,2,0", "SUB,4099,3,0,7,0", "MUL,2053,5,9,1,0", "DIV,1025,7,2,5,0"})
    void doubleRowsMatchJava(BinaryOp op, int n, int ao, int bo, int co, int bs) {
        assumeStreaming();
        double[] a = doubles(n + ao + 5, 1);
        double[] b = doubles(n + bo + 5, 2);
        double[] c = doubles(n + co + 5, 3);
        double[] want = expected(op, a, ao, b, bo, bs, c, co, n);
        assertTrue(StreamingStores.binary(op, a, ao, 1, b, bo, bs, c, co, 1, n));
        assertBits(want, c);
    }

    /** {@code a.add_(b)} and {@code a.mul_(a)}: the result lands exactly on an operand. */
    @ParameterizedTest
    @EnumSource(value = BinaryOp.class, names = {"ADD", "SUB", "MUL", "DIV"})
    void inPlace(BinaryOp op) {
        assumeStreaming();
        float[] a = floats(3000, 4);
        float[] b = floats(3000, 5);
        float[] want = expected(op, a, 1, b, 1, 1, a, 1, 2998);
        assertTrue(StreamingStores.binary(op, a, 1, 1, b, 1, 1, a, 1, 1, 2998));
        assertBits(want, a);

        double[] d = doubles(3000, 6);
        double[] wantSquare = expected(op, d, 0, d, 0, 1, d, 0, 3000);
        assertTrue(StreamingStores.binary(op, d, 0, 1, d, 0, 1, d, 0, 1, 3000));
        assertBits(wantSquare, d);

        // x.mul_(x[5]): the value is read once, before any element is written, as in Java.
        float[] x = floats(3000, 7);
        float[] wantScaled = expected(op, x, 0, x, 5, 0, x, 0, 3000);
        assertTrue(StreamingStores.binary(op, x, 0, 1, x, 5, 0, x, 0, 1, 3000));
        assertBits(wantScaled, x);
    }

    /** Rows it must leave to the Java loops, touching nothing. */
    @Test
    void refusesRowsItCannotWriteLikeJava() {
        assumeStreaming();
        float[] a = floats(5000, 7);
        float[] b = floats(5000, 8);
        float[] c = floats(5000, 9);
        float[] before = c.clone();
        float[] aBefore = a.clone();
        // The result overlapping an operand one element ahead: Java's loop reads what it wrote.
        assertFalse(StreamingStores.binary(BinaryOp.ADD, a, 0, 1, b, 0, 1, a, 1, 1, 4000));
        assertArrayEquals(aBefore, a);
        // Strided operands, a broadcast left operand, short rows, and ops other than + - * /.
        assertFalse(StreamingStores.binary(BinaryOp.ADD, a, 0, 2, b, 0, 1, c, 0, 1, 2000));
        assertFalse(StreamingStores.binary(BinaryOp.ADD, a, 0, 1, b, 0, 2, c, 0, 1, 2000));
        assertFalse(StreamingStores.binary(BinaryOp.SUB, a, 0, 0, b, 0, 1, c, 0, 1, 2000));
        assertFalse(StreamingStores.binary(BinaryOp.ADD, a, 0, 1, b, 0, 1, c, 0, 2, 2000));
        assertFalse(StreamingStores.binary(BinaryOp.ADD, a, 0, 1, b, 0, 1, c, 0, 1, StreamingStores.MIN_ROW - 1));
        assertFalse(StreamingStores.binary(BinaryOp.POW, a, 0, 1, b, 0, 1, c, 0, 1, 2000));
        assertFalse(StreamingStores.binary(BinaryOp.MAXIMUM, a, 0, 1, b, 0, 1, c, 0, 1, 2000));
        assertFalse(StreamingStores.binary(BinaryOp.GT, a, 0, 1, b, 0, 1, c, 0, 1, 2000));
        // Turned off.
        StreamingStores.setEnabled(false);
        assertFalse(StreamingStores.binary(BinaryOp.ADD, a, 0, 1, b, 0, 1, c, 0, 1, 2000));
        assertArrayEquals(before, c);
    }

    /** Spans past an array's end are refused before any native code runs. */
    @Test
    void refusesSpansOutsideTheArrays() {
        assumeStreaming();
        float[] a = new float[2000];
        float[] b = new float[2000];
        float[] c = new float[2000];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StreamingStores.binary(BinaryOp.ADD, a, 1000, 1, b, 0, 1, c, 0, 1, 1500));
        assertEquals("streaming stores: span [1000, 2500) outside an array of length 2000", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> StreamingStores.binary(BinaryOp.ADD, a, 0, 1, b, 0, 1, c, -1, 1, 1500));
        double[] d = new double[1500];
        assertThrows(IllegalArgumentException.class,
                () -> StreamingStores.binary(BinaryOp.MUL, d, 0, 1, d, 0, 1, new double[1499], 0, 1, 1500));
    }

    /**
     * Through the tensor API, at sizes where the backend streams: contiguous, broadcast rows,
     * a transposed operand (strided, so the Java loops), an offset view, and in-place, each
     * equal to the same op with streaming off.
     */
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void tensorOpsEqualTheJavaLoops(DType dtype) {
        assumeStreaming();
        Nabla.manualSeed(11);
        int rows = 1024;
        int cols = dtype == DType.FLOAT32 ? 4100 : 2050; // 16.0 MiB of result either way, rows not a multiple of 8
        Tensor a = Tensor.randn(dtype, rows, cols);
        Tensor b = Tensor.randn(dtype, rows, cols);
        Tensor bias = Tensor.randn(dtype, cols);
        Tensor square = Tensor.randn(dtype, cols, cols);
        Tensor wide = Tensor.randn(dtype, rows, cols + 9).narrow(1, 9, cols);
        assertTrue(StreamingStores.worthIt((long) rows * cols * (dtype == DType.FLOAT32 ? 4 : 8)));

        Tensor[] streamed = compute(a, b, bias, square, wide);
        StreamingStores.setEnabled(false);
        Tensor[] plain = compute(a, b, bias, square, wide);
        for (int i = 0; i < plain.length; i++) {
            assertTrue(Arrays.equals(plain[i].toDoubleArray(), streamed[i].toDoubleArray()), "result " + i);
        }
    }

    private static Tensor[] compute(Tensor a, Tensor b, Tensor bias, Tensor square, Tensor wide) {
        Tensor inPlace = a.clone();
        inPlace.mul_(b);
        Tensor scaledInPlace = a.clone();
        scaledInPlace.mul_(1.0 / 3);
        Tensor value = Tensor.scalar(a.dtype(), 0.25);
        return new Tensor[] {a.add(b), a.sub(bias), square.div(square.t()), wide.mul(a), inPlace,
            a.mul(2.5), a.sub(value), wide.add(-1.5), scaledInPlace};
    }
}
