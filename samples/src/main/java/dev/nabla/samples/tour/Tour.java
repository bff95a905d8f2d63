package dev.nabla.samples.tour;

import dev.nabla.Gradcheck;
import dev.nabla.DType;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import dev.nabla.nn.CrossEntropyLoss;
import dev.nabla.nn.Linear;
import dev.nabla.nn.Parameter;
import dev.nabla.nn.Sequential;
import dev.nabla.nn.UnaryModule;
import dev.nabla.optim.Adam;

/** The README's five-minute tour, as a program whose output the README shows (and a test checks). */
public final class Tour {
    private Tour() {}

    /** A module whose activation is the custom op, with a learnable {@code beta}. */
    static final class SwishLayer extends UnaryModule {
        final Parameter beta = new Parameter(Tensor.ones(1));

        @Override
        public Tensor forward(Tensor input) {
            return SwishFunction.apply(input, beta);
        }
    }

    /** Prints each step of the tour. */
    public static void main(String[] args) {
        Nabla.manualSeed(0);

        // 1. Tensors
        Tensor x = Tensor.of(new float[][] {{1, 2, 3}, {4, 5, 6}});
        System.out.println(x.matmul(x.t()));

        // 2. Autograd
        Tensor w = Tensor.of(0.5f, -1f, 2f).requiresGrad(true);
        Tensor loss = x.matmul(w).relu().sum();
        loss.backward();
        System.out.println(loss);
        System.out.println(w.grad());

        // 3. A custom op written with the DSL: the processor generated SwishFunction
        Tensor beta = Tensor.of(1.0).requiresGrad(true);
        Tensor y = SwishFunction.apply(Tensor.of(-1.0, 0.0, 2.0), beta);
        System.out.println(y);
        System.out.println(Gradcheck.check(in -> SwishFunction.apply(in[0], in[1]),
                Tensor.randn(DType.FLOAT64, 4).requiresGrad(true), Tensor.of(0.7).requiresGrad(true)));

        // 4. A module
        Sequential model = new Sequential(new Linear(4, 16), new SwishLayer(), new Linear(16, 3));
        System.out.println(model);

        // 5. Training: iris-like toy data, three classes
        Tensor inputs = Tensor.randn(60, 4);
        Tensor labels = inputs.argmax(1).clampMax(2);
        Adam optimizer = new Adam(model.parameters(), 0.05);
        CrossEntropyLoss lossFn = new CrossEntropyLoss();
        for (int step = 1; step <= 100; step++) {
            optimizer.zeroGrad();
            Tensor l = lossFn.forward(model.forward(inputs), labels);
            l.backward();
            optimizer.step();
            if (step % 25 == 0) {
                System.out.printf("step %d  loss %.4f%n", step, l.item());
            }
        }
    }
}
