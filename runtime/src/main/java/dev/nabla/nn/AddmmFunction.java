package dev.nabla.nn;

import dev.nabla.Tensor;
import dev.nabla.autograd.Function;
import dev.nabla.internal.KeepsNoGradients;

/**
 * {@code x W^T + b} for a 2-D {@code x} in one step: the product is computed into a new tensor
 * and the bias added to it in place, which saves the separate broadcast add (an allocation and a
 * pass) that the composite {@code x.mm(w.t()).add(b)} costs. Inputs: {@code x [n, in]},
 * {@code w [out, in]}, {@code b [out]}.
 */
final class AddmmFunction extends Function implements KeepsNoGradients {
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

    /** {@code dx W^T + x dW^T + db}, each term present only where its input has a tangent. */
    @Override
    protected Tensor[] jvp(Tensor[] tangents) {
        Tensor[] saved = savedTensors();
        Tensor x = saved[0];
        Tensor w = saved[1];
        Tensor out = null;
        if (tangents[0] != null) {
            out = tangents[0].mm(w.t());
        }
        if (tangents[1] != null) {
            Tensor term = x.mm(tangents[1].t());
            out = out == null ? term : out.add(term);
        }
        if (tangents[2] != null) {
            // A tangent of its own, not a stride-0 view of the bias's, as the output is not a view either.
            out = out == null ? tangents[2].expand(x.size(0), w.size(0)).contiguous() : out.add(tangents[2]);
        }
        return new Tensor[] {out};
    }
}
