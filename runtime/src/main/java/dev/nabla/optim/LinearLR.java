package dev.nabla.optim;

import dev.nabla.Tensor;
import java.util.Map;

/**
 * Scales each group's learning rate by a factor that moves linearly from {@code startFactor} to
 * {@code endFactor} over {@code totalIters} epochs, then stays (a warm-up, typically): PyTorch
 * 1.13's {@code torch.optim.lr_scheduler.LinearLR}, computed recursively as PyTorch does, so
 * that {@code lr(t) = baseLr * (startFactor + (endFactor - startFactor) * min(t, totalIters) /
 * totalIters)} up to rounding. State keys besides {@link LRScheduler}'s: {@code start_factor},
 * {@code end_factor} (FLOAT64) and {@code total_iters} (INT64).
 */
public final class LinearLR extends LRScheduler {
    private double startFactor;
    private double endFactor;
    private int totalIters;

    /**
     * Schedules {@code optimizer}'s learning rates and applies the first one
     * ({@code startFactor} times the groups' own).
     *
     * @throws IllegalArgumentException if {@code optimizer} is null, {@code startFactor} is not
     *     in (0, 1], {@code endFactor} not in [0, 1], or {@code totalIters} is negative
     */
    public LinearLR(Optimizer optimizer, double startFactor, double endFactor, int totalIters) {
        super(optimizer, null);
        checkFactors(startFactor, endFactor);
        Optimizer.check(totalIters >= 0, "LinearLR: totalIters must be non-negative, got " + totalIters);
        this.startFactor = startFactor;
        this.endFactor = endFactor;
        this.totalIters = totalIters;
        step();
    }

    private static void checkFactors(double startFactor, double endFactor) {
        Optimizer.check(startFactor > 0 && startFactor <= 1,
                "Starting multiplicative factor expected to be greater than 0 and less or equal to 1, got " + startFactor);
        Optimizer.check(endFactor >= 0 && endFactor <= 1, "Ending multiplicative factor expected to be between 0 and 1, got "
                + endFactor);
    }

    @Override
    double[] computeLr(long epoch) {
        double[] lrs = currentLrs();
        if (epoch == 0) {
            for (int g = 0; g < lrs.length; g++) {
                lrs[g] *= startFactor;
            }
        } else if (epoch <= totalIters) {
            double change = endFactor - startFactor;
            for (int g = 0; g < lrs.length; g++) {
                lrs[g] *= 1. + change / (totalIters * startFactor + (epoch - 1) * change);
            }
        }
        return lrs;
    }

    @Override
    void writeSettings(Map<String, Tensor> out) {
        out.put("start_factor", StateDicts.real(startFactor));
        out.put("end_factor", StateDicts.real(endFactor));
        out.put("total_iters", StateDicts.integer(totalIters));
    }

    @Override
    Runnable readSettings(StateDicts.Reader in) {
        double start = in.real("start_factor", v -> v > 0 && v <= 1, "in (0, 1]");
        double end = in.real("end_factor", v -> v >= 0 && v <= 1, "in [0, 1]");
        long total = in.integer("total_iters");
        if (total < 0 || total > Integer.MAX_VALUE) {
            throw in.error("total_iters", "must be a non-negative int, got " + total);
        }
        return () -> {
            startFactor = start;
            endFactor = end;
            totalIters = (int) total;
        };
    }
}
