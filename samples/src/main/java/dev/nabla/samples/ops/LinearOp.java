package dev.nabla.samples.ops;

import dev.nabla.Tensor;
import dev.nabla.annotations.Backward;
import dev.nabla.annotations.Differentiable;
import dev.nabla.annotations.Jvp;
import dev.nabla.annotations.NeedsGrad;
import dev.nabla.annotations.Saved;
import dev.nabla.annotations.Shape;

/**
 * Seed 001's {@code LinearFunction}: {@code input.mm(weight.t()) + bias}, with an optional bias
 * (pass null), computing only the gradients that are needed. Call it as
 * {@code LinearOpFunction.apply(input, weight, bias)}.
 */
public final class LinearOp {
    @Saved Tensor input;
    @Saved Tensor weight;
    @Saved Tensor bias;

    /** The gradients of the forward's inputs; null where none is needed. */
    record Grads(Tensor input, Tensor weight, Tensor bias) {}

    @Differentiable
    @Shape("n,o")
    Tensor forward(@Shape("n,i") Tensor input, @Shape("o,i") Tensor weight, @Shape("o") Tensor bias) {
        this.input = input;
        this.weight = weight;
        this.bias = bias;
        Tensor output = input.mm(weight.t());
        if (bias != null) {
            output = output.add(bias.unsqueeze(0).expandAs(output));
        }
        return output;
    }

    @Backward
    Grads backward(Tensor gradOutput, @NeedsGrad("input") boolean needsInput,
            @NeedsGrad("weight") boolean needsWeight, @NeedsGrad("bias") boolean needsBias) {
        Tensor gradInput = needsInput ? gradOutput.mm(weight) : null;
        Tensor gradWeight = needsWeight ? gradOutput.t().mm(input) : null;
        Tensor gradBias = bias != null && needsBias ? gradOutput.sum(0, false) : null;
        return new Grads(gradInput, gradWeight, gradBias);
    }

    /**
     * The product rule: {@code dInput W^T + input dW^T + dBias}, each term only where that input
     * carries a tangent (the others arrive as null). The parameters are the tangents, named like
     * the forward's inputs; the saved inputs are the fields, {@code this.input} and {@code this.weight}.
     */
    @Jvp
    Tensor jvp(Tensor input, Tensor weight, Tensor bias) {
        Tensor tangent = input == null ? null : input.mm(this.weight.t());
        if (weight != null) {
            tangent = plus(tangent, this.input.mm(weight.t()));
        }
        if (bias != null) {
            tangent = plus(tangent, bias.unsqueeze(0).expand(this.input.size(0), this.weight.size(0)));
        }
        return tangent;
    }

    /** {@code sum + term}, where a null sum is zero. */
    private static Tensor plus(Tensor sum, Tensor term) {
        return sum == null ? term : sum.add(term);
    }
}
