package dev.nabla.backend.cpu;

/**
 * SGD's update in one pass over contiguous arrays ({@link dev.nabla.backend.Backend#sgdStep}):
 * the arithmetic of the tensor ops it replaces, in their order and precision, so the result is
 * the same bit for bit; one loop per case, so that each stays simple enough to vectorise.
 *
 * <p>A template: the build writes each float method between {@code // @twin} lines again for
 * double (runtime/src/build/TwinKernels.java), so each kernel is written once.
 */
final class SgdKernels {
    private SgdKernels() {}

    // @twin
    static void step(float[] p, int po, float[] g, int go, float[] buf, int bo, boolean firstStep, double lr,
                     double momentum, double dampening, double weightDecay, boolean nesterov, boolean maximize,
                     int from, int to) {
        // The scalars as the tensor ops see them: rounded to the element type first.
        float negLr = (float) -lr;
        float wd = (float) weightDecay;
        float m = (float) momentum;
        float keep = (float) (1 - dampening);
        boolean damped = dampening != 0;
        for (int i = from; i < to; i++) {
            float d = maximize ? -g[go + i] : g[go + i];
            if (weightDecay != 0) {
                d = d + p[po + i] * wd;
            }
            if (buf != null) {
                float b = firstStep ? d : buf[bo + i] * m + (damped ? d * keep : d);
                buf[bo + i] = b;
                d = nesterov ? d + b * m : b;
            }
            p[po + i] = p[po + i] + d * negLr;
        }
    }
    // @twin-end
}
