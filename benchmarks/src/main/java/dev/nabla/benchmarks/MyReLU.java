package dev.nabla.benchmarks;

import dev.nabla.Tensor;
import dev.nabla.autograd.Function;

/**
 * {@code pytorch_side.py}'s MyReLU, written by hand on {@link Function}: the baseline that the
 * generated {@code dev.nabla.samples.ops.MyReLUFunction} is measured against.
 */
final class MyReLU extends Function {
    @Override
    protected Tensor[] forward(Tensor[] in) {
        saveForBackward(in[0]);
        return new Tensor[] {in[0].clampMin(0)};
    }

    @Override
    protected Tensor[] backward(Tensor[] grad) {
        Tensor x = savedTensors()[0];
        return new Tensor[] {grad[0].maskedFill(x.lt(0), 0)};
    }
}
