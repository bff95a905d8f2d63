package dev.nabla.junit;

import dev.nabla.Tensor;
import dev.nabla.autograd.Function;

/** {@code x²} with a right backward, {@code 2x·g}, and a wrong jvp, {@code 3x·t}: the subject of the failing jvp case. */
final class WrongJvpSquare extends Function {
    @Override
    protected Tensor[] forward(Tensor[] inputs) {
        saveForBackward(inputs[0]);
        return new Tensor[] {inputs[0].mul(inputs[0])};
    }

    @Override
    protected Tensor[] backward(Tensor[] gradOutputs) {
        return new Tensor[] {gradOutputs[0].mul(savedTensor(0)).mul(2.0)};
    }

    @Override
    protected Tensor[] jvp(Tensor[] tangents) {
        return new Tensor[] {tangents[0].mul(savedTensor(0)).mul(3.0)};
    }
}
