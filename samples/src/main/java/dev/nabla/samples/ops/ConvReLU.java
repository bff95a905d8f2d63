package dev.nabla.samples.ops;

import dev.nabla.Tensor;
import dev.nabla.annotations.Backward;
import dev.nabla.annotations.Differentiable;
import dev.nabla.annotations.Jvp;
import dev.nabla.annotations.Saved;
import dev.nabla.annotations.Shape;
import dev.nabla.nn.Functional;

/**
 * A fused 3x3 convolution, bias and ReLU with "same" padding, written with the DSL:
 * {@code relu(conv2d(input, weight, bias, stride 1, padding 1))}. Call it as
 * {@code ConvReLUFunction.apply(input, weight, bias)}.
 *
 * <p>The backward spells out the convolution's gradients as convolutions themselves, the
 * textbook identities for stride 1: the input's gradient is the output gradient convolved with
 * the weight flipped in space and with its channel axes swapped; the weight's gradient is the
 * input convolved with the output gradient, batch and channel axes swapped. Written with
 * differentiable ops, it has a second derivative, which the generated gradgradcheck verifies.
 */
public final class ConvReLU {
    /** The one kernel size. */
    private static final int KERNEL = 3;
    /** The padding that keeps the image size. */
    private static final int PADDING = (KERNEL - 1) / 2;

    @Saved Tensor input;
    @Saved Tensor weight;
    @Saved Tensor output;

    /** The gradients of the forward's inputs. */
    record Grads(Tensor input, Tensor weight, Tensor bias) {}

    @Differentiable
    @Shape("n,o,h,w")
    Tensor forward(@Shape("n,c,h,w") Tensor input, @Shape("o,c,3,3") Tensor weight, @Shape("o") Tensor bias) {
        this.input = input;
        this.weight = weight;
        this.output = Functional.conv2d(input, weight, bias, 1, PADDING, 1, 1).relu();
        return output;
    }

    @Backward
    Grads backward(Tensor gradOutput) {
        Tensor g = gradOutput.maskedFill(output.le(0), 0);
        Tensor flipped = weight.indexSelect(2, reversed(weight)).indexSelect(3, reversed(weight)).transpose(0, 1);
        Tensor gradInput = Functional.conv2d(g, flipped, null, 1, KERNEL - 1 - PADDING, 1, 1);
        Tensor gradWeight = Functional.conv2d(input.transpose(0, 1), g.transpose(0, 1), null, 1, PADDING, 1, 1).transpose(0, 1);
        Tensor gradBias = g.sum(0, false).sum(1, false).sum(1, false);
        return new Grads(gradInput, gradWeight, gradBias);
    }

    /**
     * The convolution is linear in each argument, so its tangent is the convolution of each input
     * tangent with the other arguments' values, plus the bias tangent; the ReLU then passes it
     * where the output is positive, as the backward passes the gradient.
     */
    @Jvp
    Tensor jvp(Tensor input, Tensor weight, Tensor bias) {
        Tensor tangent = input == null ? null : Functional.conv2d(input, this.weight, null, 1, PADDING, 1, 1);
        if (weight != null) {
            tangent = plus(tangent, Functional.conv2d(this.input, weight, null, 1, PADDING, 1, 1));
        }
        if (bias != null) {
            tangent = plus(tangent, bias.reshape(1, -1, 1, 1).expandAs(output));
        }
        return tangent == null ? null : tangent.maskedFill(output.le(0), 0);
    }

    /** {@code sum + term}, where a null sum is zero. */
    private static Tensor plus(Tensor sum, Tensor term) {
        return sum == null ? term : sum.add(term);
    }

    /** The indices {@code KERNEL - 1, ..., 0} on {@code like}'s device, which reverse a kernel axis. */
    private static Tensor reversed(Tensor like) {
        long[] indices = new long[KERNEL];
        for (int i = 0; i < KERNEL; i++) {
            indices[i] = KERNEL - 1 - i;
        }
        return Tensor.of(indices).to(like.device());
    }
}
