package dev.nabla.backend.cpu;

/**
 * The CPU's layer normalisation ({@link dev.nabla.backend.Backend#layerNorm}): each row's mean
 * and variance in double, then its output, in three passes over the row instead of the nine
 * whole-tensor ops (and their allocations) that composing it costs; rows split across threads.
 * The backward computes {@code dx} a row at a time the same way, and the weight's and bias's
 * column sums over the rows a block of columns per thread, accumulated in double.
 *
 * <p>A template: the build writes each float method between {@code // @twin} lines again for
 * double (runtime/src/build/TwinKernels.java), so each kernel is written once.
 */
final class LayerNormKernels {
    private LayerNormKernels() {}

    /** Rows per task: about {@link Parallel#ELEMENTWISE_GRAIN} elements. */
    private static long grain(int m) {
        return Math.max(1, Parallel.ELEMENTWISE_GRAIN / Math.max(1, m));
    }

    // @twin
    static void forward(float[] x, int xo, float[] w, int wo, float[] b, int bo, double eps, float[] out, int oo,
                        double[] mean, int mo, double[] rstd, int ro, int rows, int m) {
        Parallel.forRange(rows, grain(m), (from, to) -> {
            for (int r = (int) from; r < to; r++) {
                int in = xo + r * m;
                double sum = 0;
                for (int j = 0; j < m; j++) {
                    sum += x[in + j];
                }
                double mu = sum / m;
                double squares = 0;
                for (int j = 0; j < m; j++) {
                    double d = x[in + j] - mu;
                    squares += d * d;
                }
                double rs = 1 / Math.sqrt(squares / m + eps);
                mean[mo + r] = mu;
                rstd[ro + r] = rs;
                int o = oo + r * m;
                for (int j = 0; j < m; j++) {
                    double y = (x[in + j] - mu) * rs;
                    if (w != null) {
                        y *= w[wo + j];
                    }
                    if (b != null) {
                        y += b[bo + j];
                    }
                    out[o + j] = (float) y;
                }
            }
        });
    }
    // @twin-end

    // @twin
    static void backward(float[] g, int go, float[] x, int xo, float[] w, int wo, double[] mean, int mo,
                         double[] rstd, int ro, float[] dx, int dxo, float[] dw, int dwo, float[] db, int dbo,
                         int rows, int m) {
        if (dx != null) {
            Parallel.forRange(rows, grain(m), (from, to) -> {
                for (int r = (int) from; r < to; r++) {
                    int gi = go + r * m;
                    int xi = xo + r * m;
                    double mu = mean[mo + r];
                    double rs = rstd[ro + r];
                    double sumD = 0;
                    double sumDX = 0;
                    for (int j = 0; j < m; j++) {
                        double gj = g[gi + j];
                        double d = w == null ? gj : gj * w[wo + j];
                        sumD += d;
                        sumDX += d * ((x[xi + j] - mu) * rs);
                    }
                    double meanD = sumD / m;
                    double meanDX = sumDX / m;
                    int o = dxo + r * m;
                    for (int j = 0; j < m; j++) {
                        double gj = g[gi + j];
                        double d = w == null ? gj : gj * w[wo + j];
                        double xhat = (x[xi + j] - mu) * rs;
                        dx[o + j] = (float) (rs * (d - meanD - xhat * meanDX));
                    }
                }
            });
        }
        if (dw == null && db == null) {
            return;
        }
        // Columns split across threads, so that each sums its own: no shared accumulators.
        Parallel.forRange(m, Math.max(1, grain(rows)), (from, to) -> {
            int c0 = (int) from;
            int width = (int) (to - from);
            double[] sw = new double[width];
            double[] sb = new double[width];
            for (int r = 0; r < rows; r++) {
                int gi = go + r * m + c0;
                int xi = xo + r * m + c0;
                double mu = mean[mo + r];
                double rs = rstd[ro + r];
                for (int j = 0; j < width; j++) {
                    double gj = g[gi + j];
                    sw[j] += gj * ((x[xi + j] - mu) * rs);
                    sb[j] += gj;
                }
            }
            for (int j = 0; j < width; j++) {
                if (dw != null) {
                    dw[dwo + c0 + j] = (float) sw[j];
                }
                if (db != null) {
                    db[dbo + c0 + j] = (float) sb[j];
                }
            }
        });
    }
    // @twin-end
}
