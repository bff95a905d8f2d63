package dev.nabla.nn;

import dev.nabla.Tensor;
import dev.nabla.autograd.Function;

/**
 * {@code x W^T + b} for a 2-D {@code x} in one step: the product is computed into a new tensor
 * and the bias added to it in place, which saves the separate broadcast add (an allocation and a
 * pass) that the composite {@code x.mm(w.t()).add(b)} costs. Inputs: {@code x [n, in]},
 * {@code w [out, in]}, {@code b [out]}.
 */
final class AddmmFunction extends Function {
    @Override
    public String name() {
        return "AddmmBackward0";
    }

    @Override
    protected Tensor[] forward(Tensor[] in) {
        Tensor x = in[0];
        Tensor w = in[1];
        Tensor b = in[2];
        if (b.dtype() != x.dtype()) {
            throw new IllegalArgumentException("Linear: the bias is " + b.dtype().torchName() + " but the input is "
                    + x.dtype().torchName());
        }
        saveForBackward(x, w);
        return new Tensor[] {x.mm(w.t()).add_(b)};
    }

    @Override
    protected Tensor[] backward(Tensor[] grad) {
        Tensor g = grad[0];
        Tensor[] saved = savedTensors();
        return new Tensor[] {
            needsInputGrad(0) ? g.mm(saved[1]) : null,
            needsInputGrad(1) ? g.t().mm(saved[0]) : null,
            needsInputGrad(2) ? g.sum(0, false) : null,
        };
    }
}
