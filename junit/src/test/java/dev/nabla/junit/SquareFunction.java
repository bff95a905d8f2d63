package dev.nabla.junit;

import dev.nabla.Tensor;
import dev.nabla.autograd.OpGradcheck;
import dev.nabla.junit.cases.Square;
import java.lang.invoke.MethodHandles;

/**
 * Where the annotation processor puts an op's check: the static {@code gradcheck()} of
 * {@code <Op>Function}. Package-private on purpose, like {@link WrongSquareGradcheck}: tests select
 * it explicitly, and the module's own scan never runs it beside {@link dev.nabla.junit.cases.SquareGradcheck}.
 */
final class SquareFunction {
    private SquareFunction() {}

    /** A passing check, declared as the processor declares a generated one. */
    static OpGradcheck gradcheck() {
        OpGradcheck check = OpGradcheck.of(Square.class.getName(), MethodHandles.lookup(), "gradcheckOutputs");
        check.input("x", "n");
        return check;
    }

    private static Tensor[] gradcheckOutputs(Tensor[] in, int pass) {
        return new Tensor[] {new Square().apply(in)[0]};
    }
}
