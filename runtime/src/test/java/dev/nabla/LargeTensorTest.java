package dev.nabla;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nabla.backend.cpu.Blas;
import dev.nabla.backend.cpu.Parallel;
import org.junit.jupiter.api.Test;

/**
 * Tensors above the CPU backend's parallel threshold ({@link Parallel#ELEMENTWISE_GRAIN}
 * elements; work is split once it reaches twice that), checked against plain Java loops.
 */
class LargeTensorTest {
    /**
     * Rows and columns of the test matrices: about 300,000 elements, over four times the grain,
     * with sizes chosen so that the split between threads falls inside a row.
     */
    private static final int R = 601;
    private static final int C = 499;

    /** Distinct, exactly representable values that depend on the position. */
    private static double value(int i, int j) {
        return ((i * 31 + j * 17) % 1000 - 500) / 8.0;
    }

    private static double[] matrix(int rows, int cols, int salt) {
        double[] v = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                v[i * cols + j] = value(i + salt, j);
            }
        }
        return v;
    }

    private static Tensor tensor(double[] v, int rows, int cols) {
        return Tensor.of(v).reshape(rows, cols);
    }

    @Test
    void thresholdIsWhereTheTestsAssumeIt() {
        assertTrue((long) R * C >= 4 * Parallel.ELEMENTWISE_GRAIN, "tests must cross the parallel threshold");
    }

    @Test
    void addContiguous() {
        double[] a = matrix(R, C, 0);
        double[] b = matrix(R, C, 7);
        double[] want = new double[R * C];
        for (int k = 0; k < want.length; k++) {
            want[k] = a[k] + b[k];
        }
        assertArrayEquals(want, tensor(a, R, C).add(tensor(b, R, C)).toDoubleArray());
        float[] f = tensor(a, R, C).to(DType.FLOAT32).add(tensor(b, R, C).to(DType.FLOAT32)).toFloatArray();
        for (int k = 0; k < f.length; k++) {
            assertEquals((float) want[k], f[k], "element " + k);
        }
    }

    @Test
    void addBroadcastRowAndScalar() {
        double[] a = matrix(R, C, 0);
        double[] row = matrix(1, C, 3);
        double[] got = tensor(a, R, C).add(Tensor.of(row)).mul(2.0).toDoubleArray();
        for (int i = 0; i < R; i++) {
            for (int j = 0; j < C; j++) {
                assertEquals((a[i * C + j] + row[j]) * 2, got[i * C + j], 0.0);
            }
        }
    }

    @Test
    void addNonContiguous() {
        double[] a = matrix(C, R, 0);
        double[] b = matrix(R, C, 5);
        Tensor at = tensor(a, C, R).t();
        double[] got = at.add(tensor(b, R, C)).toDoubleArray();
        for (int i = 0; i < R; i++) {
            for (int j = 0; j < C; j++) {
                assertEquals(a[j * R + i] + b[i * C + j], got[i * C + j], 0.0, "element " + i + "," + j);
            }
        }
        // Both operands strided, the output written through a view too.
        Tensor out = Tensor.zeros(DType.FLOAT64, C, R + 2);
        Tensor target = out.narrow(1, 1, R).t();
        target.copy_(at).add_(tensor(b, R, C));
        double[] o = out.toDoubleArray();
        for (int i = 0; i < R; i++) {
            for (int j = 0; j < C; j++) {
                assertEquals(a[j * R + i] + b[i * C + j], o[j * (R + 2) + i + 1], 0.0);
            }
        }
        assertEquals(0.0, o[0], 0.0);
        assertEquals(0.0, o[R + 1], 0.0);
    }

    @Test
    void sumAll() {
        double[] a = matrix(R, C, 0);
        double want = 0;
        for (double v : a) {
            want += v;
        }
        assertEquals(want, tensor(a, R, C).sum().item(), 1e-9 * R * C);
        assertEquals(want, tensor(a, R, C).to(DType.FLOAT32).sum().item(), 1e-3 * Math.abs(want) + 1);
        assertEquals(want, tensor(a, R, C).t().sum().item(), 1e-9 * R * C, "non-contiguous");
        assertEquals(want / (R * C), tensor(a, R, C).mean().item(), 1e-9);
        long[] ints = new long[R * C];
        long wantInt = 0;
        for (int k = 0; k < ints.length; k++) {
            ints[k] = k % 1001 - 500;
            wantInt += ints[k];
        }
        assertEquals(wantInt, Tensor.of(ints).sum().toLongArray()[0]);
    }

    @Test
    void sumOfContiguousViewWithAnOffset() {
        double[] a = matrix(R, C, 0);
        double want = 0;
        for (int k = C; k < (R - 1) * C; k++) {
            want += a[k];
        }
        Tensor inner = tensor(a, R, C).narrow(0, 1, R - 2);
        assertTrue(inner.isContiguous());
        assertEquals(want, inner.sum().item(), 1e-9 * R * C);
        assertEquals(want, inner.to(DType.FLOAT32).narrow(1, 0, C).sum().item(), 1e-3 * Math.abs(want) + 1);
    }

    @Test
    void sumAlongDims() {
        double[] a = matrix(R, C, 0);
        double[] rows = tensor(a, R, C).sum(1, false).toDoubleArray();
        double[] cols = tensor(a, R, C).sum(0, true).toDoubleArray();
        for (int i = 0; i < R; i++) {
            double s = 0;
            for (int j = 0; j < C; j++) {
                s += a[i * C + j];
            }
            assertEquals(s, rows[i], 1e-9);
        }
        for (int j = 0; j < C; j++) {
            double s = 0;
            for (int i = 0; i < R; i++) {
                s += a[i * C + j];
            }
            assertEquals(s, cols[j], 1e-9);
        }
    }

    @Test
    void maxAndArgmax() {
        double[] a = matrix(R, C, 0);
        a[123_456] = 1e6;
        assertEquals(1e6, tensor(a, R, C).max().item());
        assertEquals(1e6, tensor(a, R, C).t().max().item());
        long[] arg = tensor(a, R, C).argmax(1).toLongArray();
        assertEquals(123_456 % C, arg[123_456 / C]);
    }

    @Test
    void softmaxAlongEitherDim() {
        double[] a = matrix(R, C, 0);
        for (int dim : new int[] {-1, 0}) {
            double[] got = tensor(a, R, C).softmax(dim).toDoubleArray();
            double[] gotLog = tensor(a, R, C).logSoftmax(dim).toDoubleArray();
            float[] got32 = tensor(a, R, C).to(DType.FLOAT32).softmax(dim).toFloatArray();
            int outer = dim == 0 ? C : R;
            int len = dim == 0 ? R : C;
            for (int o = 0; o < outer; o++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < len; k++) {
                    max = Math.max(max, a[index(dim, o, k)]);
                }
                double sum = 0;
                for (int k = 0; k < len; k++) {
                    sum += Math.exp(a[index(dim, o, k)] - max);
                }
                for (int k = 0; k < len; k++) {
                    int at = index(dim, o, k);
                    double want = Math.exp(a[at] - max) / sum;
                    assertEquals(want, got[at], 1e-12 + 1e-12 * want);
                    assertEquals(a[at] - max - Math.log(sum), gotLog[at], 1e-9);
                    assertEquals(want, got32[at], 1e-5 + 1e-5 * want);
                }
            }
        }
    }

    private static int index(int dim, int outer, int k) {
        return dim == 0 ? k * C + outer : outer * C + k;
    }

    @Test
    void softmaxOfTransposedInput() {
        double[] a = matrix(C, R, 1);
        double[] got = tensor(a, C, R).t().softmax(1).toDoubleArray();
        for (int i = 0; i < R; i += 37) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < C; j++) {
                max = Math.max(max, a[j * R + i]);
            }
            double sum = 0;
            for (int j = 0; j < C; j++) {
                sum += Math.exp(a[j * R + i] - max);
            }
            for (int j = 0; j < C; j++) {
                assertEquals(Math.exp(a[j * R + i] - max) / sum, got[i * C + j], 1e-12);
            }
        }
    }

    @Test
    void unaryComparisonAndWhere() {
        double[] a = matrix(R, C, 2);
        Tensor x = tensor(a, R, C).to(DType.FLOAT32);
        float[] relu = x.relu().toFloatArray();
        float[] exp = x.mul(0.01).exp().toFloatArray();
        boolean[] pos = x.gt(0).toBooleanArray();
        float[] where = Tensor.where(x.gt(0), x, x.neg()).toFloatArray();
        for (int k = 0; k < a.length; k++) {
            float v = (float) a[k];
            assertEquals(Math.max(v, 0f), relu[k]);
            assertEquals((float) Math.exp(v * 0.01f), exp[k], 1e-5 * Math.abs(exp[k]));
            assertEquals(v > 0, pos[k]);
            assertEquals(v > 0 ? v : -v, where[k]);
        }
    }

    /**
     * Products big enough for the native BLAS and for the pure-Java kernel's threads, with
     * operands that are narrowed (a leading dimension larger than the row) and transposed, and
     * a broadcast batch; computed both ways when OpenBLAS is loaded.
     */
    @Test
    void largeMatrixProductsNativeAndJava() {
        int n = 70;
        int k = 90;
        int m = 80;
        double[] a = matrix(n, k + 3, 0);
        double[] b = matrix(m, k, 9);
        double[] want = new double[n * m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    s += a[i * (k + 3) + p + 2] * b[j * k + p];
                }
                want[i * m + j] = s;
            }
        }
        boolean wasNative = Blas.isNative();
        try {
            for (boolean useNative : wasNative ? new boolean[] {true, false} : new boolean[] {false}) {
                Blas.setNativeEnabled(useNative);
                String how = useNative ? "native" : "java";
                Tensor x = tensor(a, n, k + 3).narrow(1, 2, k);
                Tensor y = tensor(b, m, k).t();
                for (DType dtype : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
                    double[] got = x.to(dtype).mm(y.to(dtype)).toDoubleArray();
                    double tol = dtype == DType.FLOAT64 ? 1e-9 : 1e-2;
                    for (int q = 0; q < want.length; q++) {
                        assertEquals(want[q], got[q], tol * (1 + Math.abs(want[q])), how + " " + dtype + " element " + q);
                    }
                }
                Tensor batched = x.unsqueeze(0).expand(3, n, k).matmul(Tensor.cat(0, y.unsqueeze(0), y.mul(2.0).unsqueeze(0))
                        .unsqueeze(1));
                assertArrayEquals(new long[] {2, 3, n, m}, batched.shape());
                double[] got = batched.toDoubleArray();
                for (int q = 0; q < want.length; q++) {
                    assertEquals(want[q], got[q], 1e-9 * (1 + Math.abs(want[q])), how + " batch 0");
                    assertEquals(2 * want[q], got[5 * n * m + q], 1e-9 * (1 + Math.abs(want[q])), how + " batch 5");
                }
            }
        } finally {
            Blas.setNativeEnabled(wasNative);
        }
    }
}
