package dev.nabla.nn;

import dev.nabla.Grad;
import dev.nabla.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Gradient utilities for training loops, as PyTorch's {@code torch.nn.utils}: clipping the
 * gradients of parameters in place between {@code backward()} and the optimizer's
 * {@code step()}. Both skip parameters without a gradient and work on any device (the
 * gradients are changed where they are, with in-place tensor ops).
 */
public final class Utils {
    /** Added to the total norm before dividing, as PyTorch does, so that a zero norm does not divide by zero. */
    private static final double NORM_EPS = 1e-6;

    private Utils() {}

    /**
     * Scales the gradients of {@code params} so that their total 2-norm (the norm of all of them
     * concatenated) is at most {@code maxNorm}: PyTorch 1.13's {@code clip_grad_norm_} with
     * {@code norm_type=2} and {@code error_if_nonfinite=False}. When the clip coefficient
     * {@code maxNorm / (total + 1e-6)} is below 1, every gradient is multiplied by it in place;
     * otherwise the gradients are left as they are. As in PyTorch, a non-finite total norm is
     * not an error: an infinite norm scales the gradients by 0 (so an infinite element becomes
     * NaN), and a NaN norm makes every gradient NaN.
     *
     * @param params the parameters; those whose {@link Tensor#grad()} is null are skipped
     * @param maxNorm the largest total norm allowed
     * @return the total 2-norm of the gradients before clipping (0 if no parameter has one)
     * @throws IllegalArgumentException if {@code params} is or holds null, or {@code maxNorm} is
     *     negative or NaN
     */
    public static double clipGradNorm(Iterable<? extends Tensor> params, double maxNorm) {
        if (!(maxNorm >= 0)) {
            throw new IllegalArgumentException("clipGradNorm: maxNorm must be non-negative, got " + maxNorm);
        }
        List<Tensor> grads = grads("clipGradNorm", params);
        if (grads.isEmpty()) {
            return 0;
        }
        try (Grad.Scope off = Grad.disabled()) {
            double sumOfSquares = 0;
            for (Tensor g : grads) {
                // Each gradient's norm in its own dtype, then the norm of those norms, as PyTorch
                // stacks the per-tensor norms.
                double norm = Math.sqrt(g.mul(g).sum().item());
                sumOfSquares += norm * norm;
            }
            double total = Math.sqrt(sumOfSquares);
            double coefficient = maxNorm / (total + NORM_EPS);
            // Also taken when the coefficient is NaN, as PyTorch's clamp(max=1) keeps a NaN.
            if (!(coefficient >= 1)) {
                for (Tensor g : grads) {
                    g.detach().mul_(coefficient);
                }
            }
            return total;
        }
    }

    /**
     * Clamps every gradient element of {@code params} into {@code [-clip, clip]} in place:
     * PyTorch's {@code clip_grad_value_}. NaN elements stay NaN.
     *
     * @param params the parameters; those whose {@link Tensor#grad()} is null are skipped
     * @param clip the largest magnitude allowed
     * @throws IllegalArgumentException if {@code params} is or holds null, or {@code clip} is
     *     negative or NaN
     */
    public static void clipGradValue(Iterable<? extends Tensor> params, double clip) {
        if (!(clip >= 0)) {
            throw new IllegalArgumentException("clipGradValue: clip must be non-negative, got " + clip);
        }
        List<Tensor> grads = grads("clipGradValue", params);
        try (Grad.Scope off = Grad.disabled()) {
            for (Tensor g : grads) {
                Tensor data = g.detach();
                data.copy_(data.clamp(-clip, clip));
            }
        }
    }

    /** The gradients of {@code params} that exist, checking for nulls. */
    private static List<Tensor> grads(String op, Iterable<? extends Tensor> params) {
        if (params == null) {
            throw new IllegalArgumentException(op + ": params is null");
        }
        List<Tensor> grads = new ArrayList<>();
        int i = 0;
        for (Tensor p : params) {
            if (p == null) {
                throw new IllegalArgumentException(op + ": parameter " + i + " is null");
            }
            if (p.grad() != null) {
                grads.add(p.grad());
            }
            i++;
        }
        return grads;
    }
}
