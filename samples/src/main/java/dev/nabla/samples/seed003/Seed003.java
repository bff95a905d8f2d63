package dev.nabla.samples.seed003;

import dev.nabla.Nabla;
import dev.nabla.Tensor;
import java.util.Arrays;

/**
 * Seed 003, "PyTorch 커스텀 모듈 및 레이어 작성" (custom modules and layers), in Java.
 *
 * <p>The post defines {@link LinearModule}, {@link ReLULayer} and {@link MLP} and instantiates
 * {@code MLP(10, 20, 5)}. It prints nothing; this program shows what a user would look at
 * next: the model, its parameters, the custom layer on a few values (with its gradient), and a
 * forward pass of the whole model.
 */
public final class Seed003 {
    /** Seeds the random weights and inputs, so that every run prints the same numbers. */
    static final long SEED = 3;

    private Seed003() {}

    /** Builds the post's model and prints it, its parameters and a forward pass. */
    public static void main(String[] args) {
        Nabla.manualSeed(SEED);

        int inputDim = 10;
        int hiddenDim = 20;
        int outputDim = 5;
        MLP model = new MLP(inputDim, hiddenDim, outputDim);

        System.out.println(model);
        model.namedParameters().forEach((name, p) -> System.out.println(name + ": " + Arrays.toString(p.shape())));

        System.out.println();
        System.out.println("# ReLULayer");
        Tensor x = Tensor.of(-1.5f, 0.0f, 2.0f).requiresGrad(true);
        Tensor out = new ReLULayer().forward(x);
        System.out.println(out);
        out.sum().backward();
        // At 0 both arguments of the maximum tie and, as in PyTorch, each gets half of the gradient.
        System.out.println("x.grad = " + x.grad());

        System.out.println();
        System.out.println("# model(torch.randn(2, input_dim))");
        System.out.println(model.forward(Tensor.randn(2, inputDim)));
    }
}
