package dev.nabla.nn;

import dev.nabla.DType;
import dev.nabla.Grad;
import dev.nabla.Tensor;
import java.util.Map;

/**
 * What {@link BatchNorm1d} and {@link BatchNorm2d} share (PyTorch's {@code _BatchNorm}): the
 * affine parameters {@code weight} (ones) and {@code bias} (zeros), the buffers
 * {@code running_mean} (zeros), {@code running_var} (ones) and {@code num_batches_tracked} (an
 * INT64 scalar), under PyTorch's state-dict keys, and the switch between the batch's statistics
 * in training mode, which also updates the running ones, and the running statistics in
 * evaluation mode ({@link Module#eval()}).
 */
abstract class BatchNormNd extends UnaryModule {
    private static final String RUNNING_MEAN = "running_mean";
    private static final String RUNNING_VAR = "running_var";
    private static final String NUM_BATCHES_TRACKED = "num_batches_tracked";

    private final long numFeatures;
    private final double eps;
    private final double momentum;
    private final boolean trackRunningStats;
    private final Parameter weight;
    private final Parameter bias;

    BatchNormNd(String name, long numFeatures, double eps, double momentum, boolean affine, boolean trackRunningStats) {
        if (numFeatures <= 0) {
            throw new IllegalArgumentException(name + ": num_features must be positive, got " + numFeatures);
        }
        if (!(eps > 0) || !(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException(name + ": eps must be positive and momentum in [0, 1], got eps="
                    + eps + ", momentum=" + momentum);
        }
        this.numFeatures = numFeatures;
        this.eps = eps;
        this.momentum = momentum;
        this.trackRunningStats = trackRunningStats;
        this.weight = affine ? new Parameter(Tensor.ones(numFeatures)) : null;
        this.bias = affine ? new Parameter(Tensor.zeros(numFeatures)) : null;
        if (trackRunningStats) {
            registerBuffer(RUNNING_MEAN, Tensor.zeros(numFeatures));
            registerBuffer(RUNNING_VAR, Tensor.ones(numFeatures));
            registerBuffer(NUM_BATCHES_TRACKED, Tensor.scalar(DType.INT64, 0));
        }
    }

    /** The scale, {@code [numFeatures]}, or null without affine parameters. */
    public final Parameter weight() {
        return weight;
    }

    /** The shift, {@code [numFeatures]}, or null without affine parameters. */
    public final Parameter bias() {
        return bias;
    }

    /** The running mean, {@code [numFeatures]}, or null when running statistics are not tracked. */
    public final Tensor runningMean() {
        return trackRunningStats ? namedBuffers().get(RUNNING_MEAN) : null;
    }

    /** The running (unbiased) variance, {@code [numFeatures]}, or null when running statistics are not tracked. */
    public final Tensor runningVar() {
        return trackRunningStats ? namedBuffers().get(RUNNING_VAR) : null;
    }

    /**
     * Checks the input's number of dimensions, naming the module and the number found.
     *
     * @throws IllegalArgumentException if it is not one this module takes
     */
    abstract void checkInputDim(Tensor input);

    /**
     * The input normalized per channel (dimension 1), then scaled and shifted. In training mode
     * with tracked statistics, also updates {@code running_mean}, {@code running_var} and
     * {@code num_batches_tracked}.
     *
     * @throws IllegalArgumentException if the input's dimensions or channels do not fit, or
     *     training sees one value per channel
     */
    @Override
    public Tensor forward(Tensor input) {
        checkInputDim(input);
        if (input.size(1) != numFeatures) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": running_mean should contain "
                    + input.size(1) + " elements not " + numFeatures);
        }
        Tensor mean = null;
        Tensor var = null;
        if (trackRunningStats) {
            Map<String, Tensor> buffers = namedBuffers();
            mean = buffers.get(RUNNING_MEAN);
            var = buffers.get(RUNNING_VAR);
            if (isTraining()) {
                try (Grad.Scope off = Grad.disabled()) {
                    buffers.get(NUM_BATCHES_TRACKED).add_(1);
                }
            }
        }
        return Functional.batchNorm(input, mean, var, weight(), bias(), isTraining() || !trackRunningStats, momentum, eps);
    }

    /** {@code 16, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True}, as PyTorch prints it. */
    @Override
    public String extraRepr() {
        return numFeatures + ", eps=" + Repr.pythonFloat(eps) + ", momentum=" + Repr.pythonFloat(momentum) + ", affine="
                + (weight != null ? "True" : "False") + ", track_running_stats=" + (trackRunningStats ? "True" : "False");
    }
}
