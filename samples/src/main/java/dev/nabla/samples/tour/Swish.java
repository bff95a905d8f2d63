package dev.nabla.samples.tour;

import dev.nabla.Tensor;
import dev.nabla.annotations.Backward;
import dev.nabla.annotations.Differentiable;
import dev.nabla.annotations.Jvp;
import dev.nabla.annotations.Saved;

/**
 * The README's custom op: {@code swish(x) = x * sigmoid(beta * x)} with a learnable
 * {@code beta}, so the backward returns a record with one gradient per tensor input.
 */
public final class Swish {
    @Saved Tensor x;
    @Saved Tensor beta;

    /** The gradients of {@code x} and {@code beta}, named like the forward's parameters. */
    record Grads(Tensor x, Tensor beta) {}

    @Differentiable
    Tensor forward(Tensor x, Tensor beta) {
        this.x = x;
        this.beta = beta;
        return x.mul(x.mul(beta).sigmoid());
    }

    @Backward
    Grads backward(Tensor gradOut) {
        Tensor s = x.mul(beta).sigmoid();
        Tensor ds = s.mul(s.neg().add(1));                    // sigmoid'(beta * x)
        Tensor gradX = gradOut.mul(s.add(x.mul(beta).mul(ds)));
        Tensor gradBeta = gradOut.mul(x.mul(x).mul(ds));      // summed to beta's shape by the runtime
        return new Grads(gradX, gradBeta);
    }

    /**
     * Forward mode: the same partial derivatives applied to the tangents {@code x} and
     * {@code beta} (null for one that has none); the saved values are {@code this.x} and
     * {@code this.beta}.
     */
    @Jvp
    Tensor jvp(Tensor x, Tensor beta) {
        Tensor s = this.x.mul(this.beta).sigmoid();
        Tensor ds = s.mul(s.neg().add(1));
        Tensor tangent = x == null ? null : x.mul(s.add(this.x.mul(this.beta).mul(ds)));
        if (beta != null) {
            Tensor fromBeta = beta.mul(this.x.mul(this.x).mul(ds));   // broadcast to the output's shape
            tangent = tangent == null ? fromBeta : tangent.add(fromBeta);
        }
        return tangent;
    }
}
