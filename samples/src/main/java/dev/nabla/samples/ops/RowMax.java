package dev.nabla.samples.ops;

import dev.nabla.DType;
import dev.nabla.Tensor;
import dev.nabla.annotations.Backward;
import dev.nabla.annotations.Differentiable;
import dev.nabla.annotations.Jvp;
import dev.nabla.annotations.NonDiff;
import dev.nabla.annotations.Saved;
import dev.nabla.annotations.Shape;

/**
 * The maximum of each row of a matrix and where it is: two outputs, of which only the values are
 * differentiable (the indices are int64 and {@link NonDiff}), as PyTorch's {@code max(dim)}.
 * The gradient of a row's maximum goes to the element that holds it. Call it as
 * {@code RowMaxFunction.apply(x)}.
 */
public final class RowMax {
    @Saved Tensor indices;
    @Saved long columns;

    /**
     * The outputs.
     *
     * @param values the largest element of each row
     * @param indices the column of that element (int64)
     */
    public record Result(@Shape("n") Tensor values, @NonDiff @Shape("n") Tensor indices) {}

    @Differentiable
    Result forward(@Shape("n,m") Tensor x) {
        Tensor indices = x.argmax(1);
        this.indices = indices;
        this.columns = x.size(1);
        return new Result(x.gather(1, indices.unsqueeze(1)).squeeze(1), indices);
    }

    @Backward
    Tensor backward(Tensor gradValues) {
        // A one-hot row per maximum: multiplying by it keeps the backward differentiable in gradValues.
        Tensor oneHot = indices.unsqueeze(1).eq(Tensor.arange(DType.INT64, columns).unsqueeze(0)).to(gradValues.dtype());
        return oneHot.mul(gradValues.unsqueeze(1));
    }

    /** Each row's maximum moves with the element that holds it; the indices have no tangent. */
    @Jvp
    Result jvp(Tensor x) {
        return new Result(x.gather(1, indices.unsqueeze(1)).squeeze(1), null);
    }
}
