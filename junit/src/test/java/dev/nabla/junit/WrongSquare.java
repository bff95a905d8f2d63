package dev.nabla.junit;

import dev.nabla.Tensor;
import dev.nabla.autograd.Function;

/** {@code x²} with a wrong backward, {@code 3x·g}: the subject of the failing case. */
final class WrongSquare extends Function {
    @Override
    protected Tensor[] forward(Tensor[] inputs) {
        saveForBackward(inputs[0]);
        return new Tensor[] {inputs[0].mul(inputs[0])};
    }

    @Override
    protected Tensor[] backward(Tensor[] gradOutputs) {
        Tensor x = savedTensors()[0];
        return new Tensor[] {gradOutputs[0].mul(x).mul(3.0)};
    }
}
