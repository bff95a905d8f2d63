package dev.nabla.samples.charlm;

import dev.nabla.Tensor;
import dev.nabla.annotations.Backward;
import dev.nabla.annotations.Differentiable;
import dev.nabla.annotations.Jvp;
import dev.nabla.annotations.Saved;

/**
 * Logit soft-capping, {@code cap * tanh(x / cap)}, as Gemma 2 applies to its final logits: nearly
 * the identity for {@code |x|} well below {@code cap}, it bounds every logit to
 * {@code (-cap, cap)}, so that no single character can grow an overconfident score. The
 * gradient is {@code 1 - tanh(x / cap)^2}. Call it as {@code LogitSoftcapFunction.apply(x, cap)}.
 *
 * <p>The backward recomputes {@code tanh} from the saved input instead of saving the output:
 * built from tensor ops on the input, it is itself differentiable, which the generated
 * gradgradcheck needs.
 */
public final class LogitSoftcap {
    @Saved Tensor x;
    @Saved double cap;

    /**
     * @param x logits of any shape
     * @param cap the bound, positive
     * @throws IllegalArgumentException if {@code cap} is not positive and finite
     */
    @Differentiable
    Tensor forward(Tensor x, double cap) {
        if (!(cap > 0) || Double.isInfinite(cap)) {
            throw new IllegalArgumentException("LogitSoftcap: cap must be positive and finite, got " + cap);
        }
        this.x = x;
        this.cap = cap;
        return x.div(cap).tanh().mul(cap);
    }

    @Backward
    Tensor backward(Tensor gradOut) {
        Tensor t = x.div(cap).tanh();
        return gradOut.mul(t.mul(t).neg().add(1));
    }

    /** The same derivative applied to the logits' tangent {@code x} (the saved logits are {@code this.x}). */
    @Jvp
    Tensor jvp(Tensor x) {
        Tensor t = this.x.div(cap).tanh();
        return x.mul(t.mul(t).neg().add(1));
    }
}
