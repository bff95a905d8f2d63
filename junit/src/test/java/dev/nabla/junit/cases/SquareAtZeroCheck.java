package dev.nabla.junit.cases;

import dev.nabla.Gradcheck;
import dev.nabla.Tensor;
import dev.nabla.autograd.GradcheckCase;

/**
 * A passing case as a user's customized copy might be named: not {@code <Op>Gradcheck}, so its
 * test is displayed under its own simple name.
 */
public final class SquareAtZeroCheck implements GradcheckCase {
    /** Creates the case; the engine needs the public no-argument constructor. */
    public SquareAtZeroCheck() {}

    @Override
    public String opClassName() {
        return Square.class.getName();
    }

    @Override
    public String disabledReason() {
        return null;
    }

    @Override
    public void run() {
        Tensor x = Tensor.of(new double[][] {{0.0, 1e-3}, {-1e-3, 0.0}}).requiresGrad(true);
        Gradcheck.check(in -> new Square().apply(in)[0], x);
    }
}
