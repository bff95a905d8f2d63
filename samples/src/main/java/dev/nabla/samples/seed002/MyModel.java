package dev.nabla.samples.seed002;

import dev.nabla.Tensor;
import dev.nabla.nn.Linear;
import dev.nabla.nn.UnaryModule;

/**
 * Seed 002's {@code MyModel}: one {@code nn.Linear(2, 1)}, registered as the sub-module
 * {@code linear} by being a field.
 */
public final class MyModel extends UnaryModule {
    private final Linear linear = new Linear(2, 1);

    /** The model, its layer initialised as {@code nn.Linear} is. */
    public MyModel() {}

    /** The layer, {@code in_features=2, out_features=1}. */
    public Linear linear() {
        return linear;
    }

    /**
     * The prediction for each row of {@code x}.
     *
     * @param x {@code [n, 2]}
     * @return {@code [n, 1]}; for a batch it comes from PyTorch's fused {@code addmm}, so its
     *     {@code grad_fn} is {@code AddmmBackward0}
     */
    @Override
    public Tensor forward(Tensor x) {
        return linear.forward(x);
    }
}
