package dev.nabla.samples.digits;

import dev.nabla.Tensor;
import dev.nabla.nn.UnaryModule;
import dev.nabla.samples.ops.MyReLUFunction;

/** {@code max(x, 0)} through the DSL op {@link dev.nabla.samples.ops.MyReLU} (seed 004). */
public final class CustomOpReLU extends UnaryModule {
    @Override
    public Tensor forward(Tensor input) {
        return MyReLUFunction.apply(input);
    }
}
