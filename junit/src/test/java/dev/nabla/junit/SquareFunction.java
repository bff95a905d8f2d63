package dev.nabla.junit;

import dev.nabla.Tensor;
import dev.nabla.autograd.GradcheckCase;
import dev.nabla.junit.cases.Square;

/**
 * Where the annotation processor puts an op's check: nested in {@code <Op>Function}, as
 * {@code <Op>Function.Gradcheck}. Package-private on purpose, like {@link WrongSquareGradcheck}:
 * tests select it explicitly, and the module's own scan never runs it twice beside
 * {@link dev.nabla.junit.cases.SquareGradcheck}.
 */
final class SquareFunction {
    private SquareFunction() {}

    /** A passing case, named as the processor names a generated one. */
    static final class Gradcheck implements GradcheckCase {
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
            dev.nabla.Gradcheck.check(in -> new Square().apply(in)[0], x);
        }
    }
}
