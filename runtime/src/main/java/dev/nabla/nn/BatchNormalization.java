package dev.nabla.nn;

import dev.nabla.Grad;
import dev.nabla.Tensor;
import dev.nabla.internal.Shapes;

/**
 * Batch normalization ({@link Functional#batchNorm}) written with differentiable tensor ops, so
 * that its gradients of every order come from autograd: per channel (dimension 1), the input is
 * centred on its mean and divided by {@code sqrt(var + eps)} (the batch's statistics when
 * training, the running ones otherwise), then scaled and shifted.
 *
 * <p>The running statistics are updated in place, outside the graph, as PyTorch does:
 * {@code running = (1 - momentum) * running + momentum * batch}, where the batch variance put
 * into {@code runningVar} is the unbiased one ({@code n / (n - 1)} times the biased one used to
 * normalize).
 */
final class BatchNormalization {
    private BatchNormalization() {}

    static Tensor batchNorm(Tensor input, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
            boolean training, double momentum, double eps) {
        String op = "batch_norm";
        if (input.dim() < 2) {
            throw new IllegalArgumentException(op + ": expected an input of at least 2 dimensions [N, C, ...], got "
                    + Shapes.format(input.shape()));
        }
        if (!input.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": expected a floating point input (float32 or float64), got "
                    + input.dtype().torchName());
        }
        long channels = input.size(1);
        checkPerChannel(op, "running_mean", runningMean, channels);
        checkPerChannel(op, "running_var", runningVar, channels);
        checkPerChannel(op, "weight", weight, channels);
        checkPerChannel(op, "bias", bias, channels);
        long[] perChannel = new long[input.dim()];
        java.util.Arrays.fill(perChannel, 1);
        perChannel[1] = channels;
        Tensor normalized;
        if (training) {
            long count = input.numel() / Math.max(1, channels);
            if (count <= 1) {
                throw new IllegalArgumentException(op + ": Expected more than 1 value per channel when training, got input"
                        + " size " + Shapes.format(input.shape()));
            }
            Tensor mean = channelMean(input);
            Tensor centered = input.sub(mean);
            Tensor var = channelMean(centered.mul(centered));
            normalized = centered.div(var.add(eps).sqrt());
            if (runningMean != null || runningVar != null) {
                updateRunning(runningMean, runningVar, mean, var, count, momentum, channels);
            }
        } else {
            if (runningMean == null || runningVar == null) {
                throw new IllegalArgumentException(op + ": " + (runningMean == null ? "running_mean" : "running_var")
                        + " must be defined in evaluation mode");
            }
            Tensor mean = runningMean.to(input.dtype()).reshape(perChannel);
            Tensor var = runningVar.to(input.dtype()).reshape(perChannel);
            normalized = input.sub(mean).div(var.add(eps).sqrt());
        }
        if (weight != null) {
            normalized = normalized.mul(weight.reshape(perChannel));
        }
        if (bias != null) {
            normalized = normalized.add(bias.reshape(perChannel));
        }
        return normalized;
    }

    /** The mean over every dimension but the channels', kept as size-1 dimensions. */
    private static Tensor channelMean(Tensor t) {
        Tensor m = t.mean(0, true);
        for (int d = 2; d < t.dim(); d++) {
            m = m.mean(d, true);
        }
        return m;
    }

    private static void updateRunning(Tensor runningMean, Tensor runningVar, Tensor mean, Tensor var, long count,
            double momentum, long channels) {
        // Disabling grad does not stop forward mode: the statistics are detached as well, so that
        // under a ForwardAD level the buffers do not take the batch's tangent (as PyTorch's do not).
        try (Grad.Scope off = Grad.disabled()) {
            if (runningMean != null) {
                Tensor batch = mean.detach().reshape(channels).mul(momentum).to(runningMean.dtype());
                runningMean.mul_(1 - momentum).add_(batch);
            }
            if (runningVar != null) {
                Tensor batch = var.detach().reshape(channels).mul(momentum * count / (count - 1)).to(runningVar.dtype());
                runningVar.mul_(1 - momentum).add_(batch);
            }
        }
    }

    private static void checkPerChannel(String op, String name, Tensor t, long channels) {
        if (t != null && (t.dim() != 1 || t.size(0) != channels)) {
            throw new IllegalArgumentException(op + ": " + name + " should contain " + channels + " elements not "
                    + (t.dim() == 1 ? Long.toString(t.size(0)) : Shapes.format(t.shape())));
        }
        if (t != null && !t.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": " + name + " must be floating point, got " + t.dtype().torchName());
        }
    }
}
