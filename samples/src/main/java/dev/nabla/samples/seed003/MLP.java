package dev.nabla.samples.seed003;

import dev.nabla.Tensor;
import dev.nabla.nn.UnaryModule;

/**
 * Seed 003's {@code MLP}: two {@link LinearModule}s with a {@link ReLULayer} between them. The
 * fields are the sub-modules, named {@code linear1}, {@code relu} and {@code linear2} as in the
 * post, so the model prints as PyTorch prints it:
 *
 * <pre>
 * MLP(
 *   (linear1): LinearModule()
 *   (relu): ReLULayer()
 *   (linear2): LinearModule()
 * )</pre>
 */
public final class MLP extends UnaryModule {
    private final LinearModule linear1;
    private final ReLULayer relu;
    private final LinearModule linear2;

    /** A perceptron from {@code inputDim} through {@code hiddenDim} hidden units to {@code outputDim}. */
    public MLP(long inputDim, long hiddenDim, long outputDim) {
        this.linear1 = new LinearModule(inputDim, hiddenDim);
        this.relu = new ReLULayer();
        this.linear2 = new LinearModule(hiddenDim, outputDim);
    }

    /**
     * The forward pass.
     *
     * @param x {@code [n, inputDim]}
     * @return {@code [n, outputDim]}
     */
    @Override
    public Tensor forward(Tensor x) {
        x = linear1.forward(x);
        x = relu.forward(x);
        x = linear2.forward(x);
        return x;
    }
}
