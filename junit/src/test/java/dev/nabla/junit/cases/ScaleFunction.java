package dev.nabla.junit.cases;

import dev.nabla.Tensor;
import dev.nabla.autograd.OpGradcheck;
import java.lang.invoke.MethodHandles;

/**
 * A check in the form the annotation processor generates, the public static {@code gradcheck()} of
 * an op's function, public so that the scans find it: {@code x * factor}, checked with two factors.
 */
public final class ScaleFunction {
    private ScaleFunction() {}

    /**
     * The check of scaling.
     *
     * @return the check, ready to run
     */
    public static OpGradcheck gradcheck() {
        OpGradcheck check = OpGradcheck.of("dev.nabla.junit.cases.Scale", MethodHandles.lookup(), "gradcheckOutputs");
        check.input("x", "n");
        check.addValuePass("factor = -1.5");
        return check;
    }

    private static Tensor[] gradcheckOutputs(Tensor[] in, int pass) {
        double factor = pass == 1 ? -1.5 : 3.0;
        return new Tensor[] {in[0].mul(factor)};
    }
}
