package dev.nabla.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nabla.DType;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import dev.nabla.nn.CrossEntropyLoss;
import dev.nabla.nn.Linear;
import dev.nabla.nn.MSELoss;
import dev.nabla.nn.Loss;
import dev.nabla.nn.ReLU;
import dev.nabla.nn.Sequential;
import dev.nabla.nn.Tanh;
import dev.nabla.nn.UnaryModule;
import org.junit.jupiter.api.Test;

/** Small models trained end to end with nn and optim: the losses must fall to what the problems allow. */
class TrainingTest {
    @Test
    void linearRegressionWithSgdMomentumRecoversTheCoefficients() {
        Nabla.manualSeed(21);
        Tensor x = Tensor.randn(DType.FLOAT64, 64, 3);
        Tensor trueW = Tensor.of(new double[][] {{2.0, -1.0, 0.5}});
        Tensor y = x.mm(trueW.t()).add(0.25);
        Linear model = new Linear(3, 1);
        model.to(DType.FLOAT64);
        SGD opt = new SGD(model.parameters(), SGD.options(0.05).momentum(0.9));
        MSELoss mse = new MSELoss();
        for (int i = 0; i < 300; i++) {
            opt.zeroGrad();
            mse.forward(model.forward(x), y).backward();
            opt.step();
        }
        assertArrayEquals(new double[] {2.0, -1.0, 0.5}, model.weight().toDoubleArray(), 1e-6);
        assertEquals(0.25, model.bias().item(), 1e-6);
    }

    @Test
    void xorIsLearnedWithAdamAndCrossEntropy() {
        Nabla.manualSeed(4);
        Tensor x = Tensor.of(new float[][] {{0, 0}, {0, 1}, {1, 0}, {1, 1}});
        Tensor labels = Tensor.of(0L, 1L, 1L, 0L);
        Sequential model = new Sequential(new Linear(2, 16), new Tanh(), new Linear(16, 2));
        Adam opt = new Adam(model.parameters(), 0.05);
        CrossEntropyLoss loss = new CrossEntropyLoss();
        double first = trainStep(model, opt, loss, x, labels);
        double last = first;
        for (int i = 0; i < 200; i++) {
            last = trainStep(model, opt, loss, x, labels);
        }
        assertTrue(last < 0.01 * first, "loss fell from " + first + " to " + last);
        model.eval();
        assertArrayEquals(new long[] {0, 1, 1, 0}, model.forward(x).argmax(1).toLongArray());
    }

    @Test
    void anMlpFitsASmoothFunctionWithAdamW() {
        Nabla.manualSeed(8);
        Tensor x = Tensor.rand(128, 1).mul(6).sub(3);
        Tensor y = x.sin();
        Sequential model = new Sequential(new Linear(1, 32), new ReLU(), new Linear(32, 32), new ReLU(), new Linear(32, 1));
        AdamW opt = new AdamW(model.parameters(), AdamW.options().lr(0.01).weightDecay(1e-4));
        MSELoss mse = new MSELoss();
        double last = Double.NaN;
        for (int i = 0; i < 400; i++) {
            last = trainStep(model, opt, mse, x, y);
        }
        assertTrue(last < 0.01, "mean squared error " + last);
    }

    private static double trainStep(UnaryModule model, Optimizer opt, Loss loss, Tensor x, Tensor target) {
        opt.zeroGrad();
        Tensor l = loss.forward(model.forward(x), target);
        l.backward();
        opt.step();
        return l.item();
    }
}
