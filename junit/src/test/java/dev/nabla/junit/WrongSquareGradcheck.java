package dev.nabla.junit;

import dev.nabla.Gradcheck;
import dev.nabla.Tensor;
import dev.nabla.autograd.GradcheckCase;

/**
 * A failing case. Package-private on purpose: scanning only picks up public cases, so the
 * module's own {@code mvn test} never runs it; tests select it explicitly.
 */
final class WrongSquareGradcheck implements GradcheckCase {
    @Override
    public String opClassName() {
        return WrongSquare.class.getName();
    }

    @Override
    public String disabledReason() {
        return null;
    }

    @Override
    public void run() {
        Tensor x = Tensor.of(1.0, 2.0).requiresGrad(true);
        Gradcheck.check(in -> new WrongSquare().apply(in)[0], x);
    }
}
