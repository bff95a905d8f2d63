package dev.nabla.samples.seed000;

import dev.nabla.Tensor;
import dev.nabla.nn.UnaryModule;

/**
 * Seed 000's {@code MyCustomModule}: a module with no parameters whose forward is the custom
 * function, so it can sit in a model like any layer (for example in a
 * {@link dev.nabla.nn.Sequential}).
 */
public final class MyCustomModule extends UnaryModule {
    /** The module; it has no parameters. */
    public MyCustomModule() {}

    /** {@link MyCustom} (softplus) applied elementwise; the output has {@code input}'s shape. */
    @Override
    public Tensor forward(Tensor input) {
        return MyCustomFunction.apply(input);
    }
}
