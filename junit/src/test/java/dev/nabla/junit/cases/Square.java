package dev.nabla.junit.cases;

import dev.nabla.Tensor;
import dev.nabla.autograd.Function;

/** A hand-written op, {@code x²}, with a correct backward {@code 2x·g}: the subject of the passing cases. */
public final class Square extends Function {
    @Override
    protected Tensor[] forward(Tensor[] inputs) {
        saveForBackward(inputs[0]);
        return new Tensor[] {inputs[0].mul(inputs[0])};
    }

    @Override
    protected Tensor[] backward(Tensor[] gradOutputs) {
        Tensor x = savedTensors()[0];
        return new Tensor[] {gradOutputs[0].mul(x).mul(2.0)};
    }
}
