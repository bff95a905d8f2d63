package dev.nabla.internal;

import dev.nabla.Grad;
import dev.nabla.Tensor;
import dev.nabla.autograd.ForwardAD;

/**
 * When a backward may run a backend's fused kernel (softmax's, LayerNorm's, ReLU's, the
 * convolution's) instead of the tensor ops of its formula. A kernel's result records nothing:
 * no graph node for a double backward, and no tangent for forward mode. So it may run only where
 * no graph is being built ({@code createGraph} off, so grad mode is off in the backward) and no
 * gradient it reads carries a tangent that forward mode must propagate (forward over reverse, as
 * in a Hessian-vector product: the backward's ops carry the tangent along). Not public API.
 */
public final class FusedBackward {
    private FusedBackward() {}

    /** Whether a fused kernel may compute a backward that reads these gradients (nulls are absent ones). */
    public static boolean allowed(Tensor... grads) {
        if (Grad.isEnabled()) {
            return false;
        }
        for (Tensor g : grads) {
            if (g != null && ForwardAD.hasTangent(g)) {
                return false;
            }
        }
        return true;
    }
}
