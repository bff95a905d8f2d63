package dev.nabla.samples.seed002;

import dev.nabla.Nabla;
import dev.nabla.Tensor;

/**
 * Seed 002, "PyTorch 미분 가능한 프로그래밍" (differentiable programming with PyTorch), in Java.
 *
 * <ol>
 *   <li>Autograd: {@code z = x + y}, {@code loss = z.sum()}, {@code loss.backward()}; both
 *       gradients are ones.</li>
 *   <li>A model: {@link MyModel}, one {@code nn.Linear(2, 1)}, applied to {@code [[1, 2]]}.</li>
 *   <li>A custom loss: {@link CustomLoss} between a new model's prediction and {@code [[2.5]]}.</li>
 * </ol>
 * The post's {@code 0.2376} and {@code 0.7624} come from PyTorch's random initialisation; with
 * Nabla's generator (seeded here) the numbers differ, the format and the {@code grad_fn} names do
 * not (modern PyTorch, like Nabla, prints the post's {@code AddmmBackward} as {@code AddmmBackward0}).
 */
public final class Seed002 {
    /** Seeds the models' initial weights, so that every run prints the same numbers. */
    static final long SEED = 2;

    private Seed002() {}

    /** Runs the post's examples in order and prints what they print. */
    public static void main(String[] args) {
        Nabla.manualSeed(SEED);
        System.out.println("# Autograd");
        autograd();
        System.out.println();
        System.out.println("# torch.nn.Module");
        model();
        System.out.println();
        System.out.println("# custom loss");
        customLoss();
    }

    private static void autograd() {
        Tensor x = Tensor.of(1.0f, 2.0f, 3.0f).requiresGrad(true);
        Tensor y = Tensor.of(4.0f, 5.0f, 6.0f).requiresGrad(true);

        Tensor z = x.add(y);
        Tensor loss = z.sum();

        loss.backward();

        System.out.println(x.grad());
        System.out.println(y.grad());
    }

    private static void model() {
        MyModel model = new MyModel();
        Tensor x = Tensor.of(new float[][] {{1.0f, 2.0f}});

        Tensor output = model.forward(x);

        System.out.println(output);
    }

    private static void customLoss() {
        MyModel model = new MyModel();
        CustomLoss criterion = new CustomLoss();
        Tensor x = Tensor.of(new float[][] {{1.0f, 2.0f}});
        Tensor yTrue = Tensor.of(new float[][] {{2.5f}});

        Tensor output = model.forward(x);
        Tensor loss = criterion.forward(output, yTrue);

        System.out.println(loss);
    }
}
