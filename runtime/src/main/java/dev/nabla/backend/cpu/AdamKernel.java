package dev.nabla.backend.cpu;

/**
 * Adam's update in one pass over contiguous arrays (see {@link dev.nabla.backend.Backend#adamStep}).
 * The common case (no AMSGrad, no maximize, no L2 decay folded into the gradient) runs a loop simple
 * enough for the JIT to vectorise, in the storage's precision; the general loop computes in double.
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

    /** Whether the update needs none of the per-element options, so that the simple loop (which the JIT vectorises) applies. */
    private boolean plain(Object max) {
        return max == null && !maximize && (decoupled || weightDecay == 0);
    }

    void run(float[] p, int po, float[] g, int go, float[] m, int mo, float[] v, int vo, float[] max, int xo,
             int from, int to) {
        if (plain(max)) {
            // Float arithmetic, as PyTorch's float32 kernels do; decay is 1 without decoupled decay.
            float b1 = (float) beta1;
            float c1 = (float) (1 - beta1);
            float b2 = (float) beta2;
            float c2 = (float) (1 - beta2);
            float d = (float) decay;
            float step = (float) stepSize;
            float inv = (float) (1 / biasCorrection2Sqrt);
            float e = (float) eps;
            for (int i = from; i < to; i++) {
                float gi = g[go + i];
                float mi = b1 * m[mo + i] + c1 * gi;
                float vi = b2 * v[vo + i] + c2 * gi * gi;
                m[mo + i] = mi;
                v[vo + i] = vi;
                p[po + i] = p[po + i] * d - step * mi / ((float) Math.sqrt(vi) * inv + e);
            }
            return;
        }
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
        if (plain(max)) {
            double c1 = 1 - beta1;
            double c2 = 1 - beta2;
            for (int i = from; i < to; i++) {
                double gi = g[go + i];
                double mi = beta1 * m[mo + i] + c1 * gi;
                double vi = beta2 * v[vo + i] + c2 * gi * gi;
                m[mo + i] = mi;
                v[vo + i] = vi;
                p[po + i] = p[po + i] * decay - stepSize * mi / (Math.sqrt(vi) / biasCorrection2Sqrt + eps);
            }
            return;
        }
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
