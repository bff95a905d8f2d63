package dev.nabla.optim;

import dev.nabla.Tensor;
import java.util.Arrays;
import java.util.Map;

/**
 * The one-cycle policy: PyTorch 1.13's {@code torch.optim.lr_scheduler.OneCycleLR} with its
 * defaults, and its values. Over the first 30% of {@code totalSteps} the learning rate rises
 * along half a cosine from {@code maxLr / 25} to {@code maxLr} while the momentum term falls
 * from 0.95 to 0.85; over the rest the learning rate falls to {@code maxLr / 25 / 1e4} while
 * the momentum rises back to 0.95. The momentum term is SGD's momentum or Adam's and AdamW's
 * {@code beta1} ({@link ParamGroup#momentum()}), as PyTorch's {@code cycle_momentum}; for SGD
 * created without momentum this turns momentum on, as it does in PyTorch.
 *
 * <p>The schedule has {@code totalSteps + 1} values: the one set at construction and one per
 * {@link #step()}, of which at most {@code totalSteps} are allowed. State keys besides
 * {@link LRScheduler}'s: {@code total_steps} (INT64) and {@code max_lr} (FLOAT64).
 */
public final class OneCycleLR extends LRScheduler {
    private static final double PCT_START = 0.3;
    private static final double DIV_FACTOR = 25.;
    private static final double FINAL_DIV_FACTOR = 1e4;
    private static final double BASE_MOMENTUM = 0.85;
    private static final double MAX_MOMENTUM = 0.95;

    private int totalSteps;
    private double maxLr;

    /**
     * Schedules {@code optimizer}'s learning rates and momentum terms and applies the first
     * values ({@code maxLr / 25} and 0.95).
     *
     * @param maxLr the peak learning rate, for every group
     * @param totalSteps the number of steps in the cycle
     * @throws IllegalArgumentException if {@code optimizer} is null or has no momentum term,
     *     {@code maxLr} is negative or not finite, or {@code totalSteps} is not positive
     */
    public OneCycleLR(Optimizer optimizer, double maxLr, int totalSteps) {
        super(optimizer, initialLrs(optimizer, maxLr));
        Optimizer.check(totalSteps > 0, "Expected positive integer total_steps, but got " + totalSteps);
        for (ParamGroup group : groups) {
            Optimizer.check(group.hasMomentum(), "OneCycleLR: optimizer must support momentum with `cycle_momentum` option"
                    + " enabled; " + optimizer.getClass().getSimpleName() + " has none");
        }
        this.totalSteps = totalSteps;
        this.maxLr = maxLr;
        step();
    }

    private static double[] initialLrs(Optimizer optimizer, double maxLr) {
        Optimizer.check(optimizer != null, "OneCycleLR: the optimizer is null");
        Optimizer.check(maxLr >= 0 && Double.isFinite(maxLr), "OneCycleLR: maxLr must be non-negative and finite, got "
                + maxLr);
        double[] lrs = new double[optimizer.paramGroups().size()];
        Arrays.fill(lrs, maxLr / DIV_FACTOR);
        return lrs;
    }

    @Override
    double[] computeLr(long epoch) {
        if (epoch > totalSteps) {
            throw new IllegalStateException("Tried to step " + (epoch + 1) + " times. The specified number of total steps is "
                    + totalSteps);
        }
        double warmupEnd = PCT_START * totalSteps - 1;
        double end = totalSteps - 1;
        double[] lrs = new double[groups.size()];
        double[] momenta = new double[groups.size()];
        for (int g = 0; g < lrs.length; g++) {
            double initialLr = baseLrs[g];
            double minLr = initialLr / FINAL_DIV_FACTOR;
            if (epoch <= warmupEnd) {
                double pct = epoch / warmupEnd;
                lrs[g] = anneal(initialLr, maxLr, pct);
                momenta[g] = anneal(MAX_MOMENTUM, BASE_MOMENTUM, pct);
            } else {
                double pct = (epoch - warmupEnd) / (end - warmupEnd);
                lrs[g] = anneal(maxLr, minLr, pct);
                momenta[g] = anneal(BASE_MOMENTUM, MAX_MOMENTUM, pct);
            }
        }
        for (int g = 0; g < lrs.length; g++) {
            groups.get(g).setMomentum(momenta[g]);
        }
        return lrs;
    }

    /** Half a cosine from {@code start} (at 0) to {@code end} (at 1). */
    private static double anneal(double start, double end, double pct) {
        double cosOut = Math.cos(Math.PI * pct) + 1;
        return end + (start - end) / 2.0 * cosOut;
    }

    @Override
    void writeSettings(Map<String, Tensor> out) {
        out.put("total_steps", StateDicts.integer(totalSteps));
        out.put("max_lr", StateDicts.real(maxLr));
    }

    @Override
    Runnable readSettings(StateDicts.Reader in) {
        long total = in.integer("total_steps");
        if (total <= 0 || total > Integer.MAX_VALUE) {
            throw in.error("total_steps", "must be a positive int, got " + total);
        }
        double max = in.real("max_lr", v -> v >= 0 && Double.isFinite(v), "non-negative and finite");
        return () -> {
            totalSteps = (int) total;
            maxLr = max;
        };
    }
}
