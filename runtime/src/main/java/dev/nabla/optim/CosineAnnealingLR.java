package dev.nabla.optim;

import dev.nabla.Tensor;
import java.util.Map;

/**
 * Anneals each group's learning rate from its base value to {@code etaMin} along half a cosine
 * over {@code tMax} epochs, then back up over the next {@code tMax}, and so on: PyTorch 1.13's
 * {@code torch.optim.lr_scheduler.CosineAnnealingLR}, with its values. As PyTorch's, it is
 * computed recursively from the group's current learning rate:
 *
 * <pre>
 * lr(t) = etaMin + (lr(t-1) - etaMin) * (1 + cos(pi t / tMax)) / (1 + cos(pi (t-1) / tMax))
 * lr(t) = lr(t-1) + (baseLr - etaMin) * (1 - cos(pi / tMax)) / 2     when (t - 1 - tMax) mod 2 tMax = 0
 * </pre>
 *
 * which is the closed form {@code etaMin + (baseLr - etaMin) (1 + cos(pi t / tMax)) / 2} up to
 * rounding, unless something else changes the learning rate in between. State keys besides
 * {@link LRScheduler}'s: {@code T_max} (INT64) and {@code eta_min} (FLOAT64).
 */
public final class CosineAnnealingLR extends LRScheduler {
    private int tMax;
    private double etaMin;

    /**
     * Schedules {@code optimizer}'s learning rates and applies the first one (the groups' own).
     *
     * @param tMax the number of epochs of half a period
     * @param etaMin the smallest learning rate
     * @throws IllegalArgumentException if {@code optimizer} is null, {@code tMax} is not
     *     positive or {@code etaMin} is negative or not finite
     */
    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin) {
        super(optimizer, null);
        Optimizer.check(tMax > 0, "CosineAnnealingLR: tMax must be positive, got " + tMax);
        Optimizer.check(etaMin >= 0 && Double.isFinite(etaMin),
                "CosineAnnealingLR: etaMin must be non-negative and finite, got " + etaMin);
        this.tMax = tMax;
        this.etaMin = etaMin;
        step();
    }

    @Override
    double[] computeLr(long epoch) {
        double[] lrs = currentLrs();
        if (epoch == 0) {
            return lrs;
        }
        if (Math.floorMod(epoch - 1 - tMax, 2L * tMax) == 0) {
            for (int g = 0; g < lrs.length; g++) {
                lrs[g] = lrs[g] + (baseLrs[g] - etaMin) * (1 - Math.cos(Math.PI / tMax)) / 2;
            }
            return lrs;
        }
        for (int g = 0; g < lrs.length; g++) {
            lrs[g] = (1 + Math.cos(Math.PI * epoch / tMax)) / (1 + Math.cos(Math.PI * (epoch - 1) / tMax))
                    * (lrs[g] - etaMin) + etaMin;
        }
        return lrs;
    }

    @Override
    void writeSettings(Map<String, Tensor> out) {
        out.put("T_max", StateDicts.integer(tMax));
        out.put("eta_min", StateDicts.real(etaMin));
    }

    @Override
    Runnable readSettings(StateDicts.Reader in) {
        long t = in.integer("T_max");
        if (t <= 0 || t > Integer.MAX_VALUE) {
            throw in.error("T_max", "must be a positive int, got " + t);
        }
        double eta = in.real("eta_min", v -> v >= 0 && Double.isFinite(v), "non-negative and finite");
        return () -> {
            tMax = (int) t;
            etaMin = eta;
        };
    }
}
