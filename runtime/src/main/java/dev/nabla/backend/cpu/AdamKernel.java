package dev.nabla.backend.cpu;

/**
 * Adam's update in one pass over contiguous arrays (see {@link dev.nabla.backend.Backend#adamStep}).
 * Arithmetic is in double whatever the storage type, as PyTorch's scalar arguments are.
 */
final class AdamKernel {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final boolean decoupled;
    private final boolean maximize;
    private final double decay;
    private final double stepSize;
    private final double biasCorrection2Sqrt;

    AdamKernel(double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled,
               boolean maximize, double biasCorrection1, double biasCorrection2) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
        this.maximize = maximize;
        this.decay = 1 - lr * weightDecay;
        this.stepSize = lr / biasCorrection1;
        this.biasCorrection2Sqrt = Math.sqrt(biasCorrection2);
    }

    void run(float[] p, int po, float[] g, int go, float[] m, int mo, float[] v, int vo, float[] max, int xo,
             int from, int to) {
        for (int i = from; i < to; i++) {
            double grad = maximize ? -g[go + i] : g[go + i];
            double param = p[po + i];
            if (decoupled) {
                param = (float) (param * decay);
            } else if (weightDecay != 0) {
                grad += weightDecay * param;
            }
            float mi = (float) (beta1 * m[mo + i] + (1 - beta1) * grad);
            float vi = (float) (beta2 * v[vo + i] + (1 - beta2) * grad * grad);
            m[mo + i] = mi;
            v[vo + i] = vi;
            float second = vi;
            if (max != null) {
                second = Math.max(max[xo + i], vi);
                max[xo + i] = second;
            }
            p[po + i] = (float) (param - stepSize * mi / (Math.sqrt(second) / biasCorrection2Sqrt + eps));
        }
    }

    void run(double[] p, int po, double[] g, int go, double[] m, int mo, double[] v, int vo, double[] max, int xo,
             int from, int to) {
        for (int i = from; i < to; i++) {
            double grad = maximize ? -g[go + i] : g[go + i];
            double param = p[po + i];
            if (decoupled) {
                param *= decay;
            } else if (weightDecay != 0) {
                grad += weightDecay * param;
            }
            double mi = beta1 * m[mo + i] + (1 - beta1) * grad;
            double vi = beta2 * v[vo + i] + (1 - beta2) * grad * grad;
            m[mo + i] = mi;
            v[vo + i] = vi;
            double second = vi;
            if (max != null) {
                second = Math.max(max[xo + i], vi);
                max[xo + i] = second;
            }
            p[po + i] = param - stepSize * mi / (Math.sqrt(second) / biasCorrection2Sqrt + eps);
        }
    }
}
