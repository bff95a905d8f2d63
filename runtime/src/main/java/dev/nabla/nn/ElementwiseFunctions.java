package dev.nabla.nn;

import dev.nabla.DType;
import dev.nabla.Tensor;

/** The element-wise functions of {@link Functional}: leaky ReLU, dropout and one-hot encoding. */
final class ElementwiseFunctions {
    private ElementwiseFunctions() {}

    /** {@code x} where {@code x > 0}, else {@code slope * x}; the gradient at 0 is {@code slope}, as PyTorch's. */
    static Tensor leakyRelu(Tensor input, double slope) {
        if (!input.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("leaky_relu: expected a floating point input (float32 or float64), got "
                    + input.dtype().torchName());
        }
        return Tensor.where(input.gt(0), input, input.mul(slope));
    }

    static Tensor dropout(Tensor input, double p, boolean training) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("dropout: dropout probability has to be between 0 and 1, but got " + p);
        }
        if (!input.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("dropout: expected a floating point input, got " + input.dtype().torchName());
        }
        if (!training || p == 0 || input.numel() == 0) {
            return input;
        }
        if (p == 1) {
            return input.mul(0);
        }
        // One factor tensor (0 or 1/(1-p)) and one product, rather than a mask, a product and a scaling.
        Tensor factor = Tensor.rand(input.dtype(), input.shape()).ge(p).to(input.dtype()).mul_(1 / (1 - p));
        return input.mul(factor.to(input.device()));
    }

    static Tensor oneHot(Tensor indices, int classes) {
        String op = "one_hot";
        if (indices.dtype() != DType.INT64) {
            throw new IllegalArgumentException(op + ": one_hot is only applicable to index tensor, got "
                    + indices.dtype().torchName());
        }
        if (indices.numel() > 0 && indices.lt(0).to(DType.INT64).sum().item() > 0) {
            throw new IllegalArgumentException(op + ": Class values must be non-negative.");
        }
        int n = classes;
        if (n < 0) {
            if (classes != -1) {
                throw new IllegalArgumentException(op + ": num_classes must be -1 (inferred) or positive, got " + classes);
            }
            if (indices.numel() == 0) {
                throw new IllegalArgumentException(op + ": Can not infer total number of classes from empty tensor.");
            }
            n = (int) indices.to(DType.FLOAT64).max().item() + 1;
        } else if (indices.numel() > 0 && indices.ge(n).to(DType.INT64).sum().item() > 0) {
            throw new IllegalArgumentException(op + ": Class values must be smaller than num_classes.");
        }
        Tensor classIds = Tensor.arange(n).to(indices.device());
        return indices.unsqueeze(-1).eq(classIds).to(DType.INT64);
    }
}
