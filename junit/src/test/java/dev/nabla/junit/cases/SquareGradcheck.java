package dev.nabla.junit.cases;

import dev.nabla.Gradcheck;
import dev.nabla.Tensor;
import dev.nabla.autograd.GradcheckCase;

/**
 * A passing case shaped like a generated one: public, final, named after its op. Public, so
 * the module's own {@code mvn test} finds it by scanning and runs it.
 */
public final class SquareGradcheck implements GradcheckCase {
    /** Creates the case; the engine needs the public no-argument constructor. */
    public SquareGradcheck() {}

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
        Tensor x = Tensor.of(-1.5, -0.25, 0.5, 2.0).requiresGrad(true);
        Gradcheck.check(in -> new Square().apply(in)[0], x);
    }
}
