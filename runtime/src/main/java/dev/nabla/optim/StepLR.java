package dev.nabla.optim;

import dev.nabla.Tensor;
import java.util.Map;

/**
 * Multiplies each group's learning rate by {@code gamma} every {@code stepSize} epochs: PyTorch
 * 1.13's {@code torch.optim.lr_scheduler.StepLR}, so {@code lr = baseLr * gamma^(epoch / stepSize)}
 * (integer division), computed recursively as PyTorch does. State keys besides
 * {@link LRScheduler}'s: {@code step_size} (INT64) and {@code gamma} (FLOAT64).
 */
public final class StepLR extends LRScheduler {
    private int stepSize;
    private double gamma;

    /**
     * Schedules {@code optimizer}'s learning rates and applies the first one (the groups' own).
     *
     * @param stepSize the period of the decay, in epochs
     * @param gamma the factor of the decay
     * @throws IllegalArgumentException if {@code optimizer} is null, {@code stepSize} is not
     *     positive or {@code gamma} is negative or not finite
     */
    public StepLR(Optimizer optimizer, int stepSize, double gamma) {
        super(optimizer, null);
        Optimizer.check(stepSize > 0, "StepLR: stepSize must be positive, got " + stepSize);
        Optimizer.check(gamma >= 0 && Double.isFinite(gamma), "StepLR: gamma must be non-negative and finite, got " + gamma);
        this.stepSize = stepSize;
        this.gamma = gamma;
        step();
    }

    @Override
    double[] computeLr(long epoch) {
        double[] lrs = currentLrs();
        if (epoch != 0 && epoch % stepSize == 0) {
            for (int g = 0; g < lrs.length; g++) {
                lrs[g] *= gamma;
            }
        }
        return lrs;
    }

    @Override
    void writeSettings(Map<String, Tensor> out) {
        out.put("step_size", StateDicts.integer(stepSize));
        out.put("gamma", StateDicts.real(gamma));
    }

    @Override
    Runnable readSettings(StateDicts.Reader in) {
        long size = in.integer("step_size");
        if (size <= 0 || size > Integer.MAX_VALUE) {
            throw in.error("step_size", "must be a positive int, got " + size);
        }
        double g = in.real("gamma", v -> v >= 0 && Double.isFinite(v), "non-negative and finite");
        return () -> {
            stepSize = (int) size;
            gamma = g;
        };
    }
}
