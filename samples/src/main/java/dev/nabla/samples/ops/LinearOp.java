package dev.nabla.samples.ops;

import dev.nabla.Tensor;
import dev.nabla.annotations.Backward;
import dev.nabla.annotations.Differentiable;
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
}
