package dev.nabla.junit;

import dev.nabla.Tensor;
import dev.nabla.autograd.OpGradcheck;
import java.util.SplittableRandom;

/**
 * A failing case shaped like a generated check of an op with a {@code @Jvp} method: its gradient
 * is right, its jvp is not. Package-private on purpose, like {@link WrongSquareGradcheck}: no
 * scan runs it, tests select it explicitly.
 */
final class WrongJvpSquareGradcheck extends OpGradcheck {
    WrongJvpSquareGradcheck() {
        super(WrongJvpSquare.class.getName(), "x");
        setCheckJvp(true);
    }

    @Override
    protected Tensor[] inputs(SplittableRandom sizes) {
        return new Tensor[] {Tensor.of(-1.5, -0.25, 0.5, 2.0).requiresGrad(true)};
    }

    @Override
    protected Tensor[] outputs(Tensor[] inputs) {
        return new WrongJvpSquare().apply(inputs[0]);
    }
}
