package dev.nabla.processor;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nabla.Autograd;
import dev.nabla.DType;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import dev.nabla.autograd.ForwardAD;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Forward-mode AD through generated ops: the {@code @Jvp} method gets the input tangents (null
 * where an input has none) and the forward's saved state, its result becomes the output tangents,
 * an op without one fails naming itself, and the generated check catches a wrong jvp. Expected
 * tangents are computed with tensor ops from the Jacobian's formula; tolerance 1e-12 (float64,
 * the same arithmetic in another order).
 */
class GeneratedJvpTest {
    @BeforeEach
    void seed() {
        Nabla.manualSeed(11);
    }

    private static Tensor randn(long... shape) {
        return Tensor.randn(DType.FLOAT64, shape);
    }

    @Test
    void linearOpTangentIsTheJacobianAppliedToEveryInputTangent() {
        Compiled ops = Compiled.compile("test.LinearOp", TestOps.LINEAR_OP);
        Tensor x = randn(3, 4);
        Tensor w = randn(2, 4);
        Tensor b = randn(2);
        Tensor tx = randn(3, 4);
        Tensor tw = randn(2, 4);
        Tensor tb = randn(2);

        Tensor[] result = Autograd.jvp(in -> (Tensor) ops.apply("test.LinearOpFunction", in[0], in[1], in[2]),
                new Tensor[] {x, w, b}, new Tensor[] {tx, tw, tb});

        Tensor expected = tx.mm(w.t()).add(x.mm(tw.t())).add(tb.unsqueeze(0));
        assertArrayEquals(x.mm(w.t()).add(b.unsqueeze(0)).toDoubleArray(), result[0].toDoubleArray(), 1e-12);
        assertArrayEquals(expected.toDoubleArray(), result[1].toDoubleArray(), 1e-12);
    }

    @Test
    void inputWithoutATangentReachesTheJvpAsNullAndBackwardStillWorks() {
        Compiled ops = Compiled.compile("test.LinearOp", TestOps.LINEAR_OP);
        Tensor x = randn(3, 4).requiresGrad(true);
        Tensor w = randn(2, 4).requiresGrad(true);
        Tensor tw = randn(2, 4);
        Tensor y;
        try (ForwardAD.DualLevel level = ForwardAD.dualLevel()) {
            // Only the weight carries a tangent, and the optional bias is absent: the jvp gets
            // (null, tw, null) and must not touch the inputs without one.
            y = (Tensor) ops.apply("test.LinearOpFunction", x, ForwardAD.makeDual(w, tw), null);
            assertArrayEquals(x.mm(tw.t()).toDoubleArray(), ForwardAD.tangent(y).toDoubleArray(), 1e-12);
        }
        // The jvp read the saved tensors and released them again: the backward finds them intact.
        y.sum().backward();
        assertArrayEquals(Tensor.onesLike(y).mm(w).toDoubleArray(), x.grad().toDoubleArray(), 1e-12);
    }

    @Test
    void recordOutputsGetOneTangentEachAndNoneForANonDiffOutput() {
        Compiled ops = Compiled.compile("test.ScaledSign", TestOps.SCALED_SIGN);
        Tensor x = randn(5);
        Tensor mask = randn(5);
        Tensor tx = randn(5);
        try (ForwardAD.DualLevel level = ForwardAD.dualLevel()) {
            Object out = ops.apply("test.ScaledSignFunction", ForwardAD.makeDual(x, tx), mask, 0.5);
            Tensor scaled = (Tensor) Compiled.component(out, "scaled");
            Tensor expected = tx.mul(mask).mul(0.5).mul(x.mul(mask).mul(0.5).exp());
            assertArrayEquals(expected.toDoubleArray(), ForwardAD.tangent(scaled).toDoubleArray(), 1e-12);
            assertNull(ForwardAD.tangent((Tensor) Compiled.component(out, "sign")));
        }
    }

    @Test
    void opWithoutJvpFailsUnderForwardModeNamingItselfAndTheRemedy() {
        Compiled ops = Compiled.compile("test.MyReLU", TestOps.MY_RELU);
        try (ForwardAD.DualLevel level = ForwardAD.dualLevel()) {
            Tensor x = ForwardAD.makeDual(randn(3), randn(3));
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> ops.apply("test.MyReLUFunction", x));
            assertThat(e).hasMessageThat().startsWith("MyReLU: no forward-mode (jvp) rule");
            assertThat(e).hasMessageThat().contains("add a @Jvp method");
        }
    }

    @Test
    void jvpReturningNullRecordNamesTheOpAndWhatToReturn() {
        Compiled ops = Compiled.compile("test.ScaledSign",
                TestOps.SCALED_SIGN.replace("return new Out(x.mul(mask).mul(factor).mul(scaled), null);", "return null;"));
        try (ForwardAD.DualLevel level = ForwardAD.dualLevel()) {
            Tensor x = ForwardAD.makeDual(randn(2), randn(2));
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> ops.apply("test.ScaledSignFunction", x, randn(2), 0.5));
            assertThat(e).hasMessageThat().isEqualTo("ScaledSign.jvp returned null; return a test.ScaledSign.Out of"
                    + " the output tangents, with null components for outputs whose tangent is zero");
        }
    }

    /** MyReLU with a jvp that forgets the mask: the tangent of the identity. */
    private static final String RELU_WRONG_JVP = TestOps.MY_RELU.replace("MyReLU", "WrongJvp")
            .replace("import dev.nabla.annotations.Differentiable;",
                    "import dev.nabla.annotations.Differentiable;\nimport dev.nabla.annotations.Jvp;")
            .replace("    @Backward", "    @Jvp\n    Tensor jvp(Tensor x) {\n        return x;\n    }\n\n    @Backward");

    @Test
    void generatedCheckFailsForAWrongJvpShowingTheWorstEntries() {
        Compiled ops = Compiled.compile("test.WrongJvp", RELU_WRONG_JVP);
        AssertionError e = assertThrows(AssertionError.class, () -> ops.gradcheck("test.WrongJvpFunction").run());
        assertThat(e).hasMessageThat().startsWith("WrongJvp: the jvp disagrees (seed 20261122): forward-mode Jacobian"
                + " mismatch for output 0 with respect to input 0");
        assertThat(e).hasMessageThat().contains("numerical 0.0 jvp 1.0");
    }

    @Test
    void generatedCheckNamesTheOutputWhoseTangentIsWrong() {
        Compiled ops = Compiled.compile("test.ScaledSign",
                TestOps.SCALED_SIGN.replace("x.mul(mask).mul(factor).mul(scaled)", "x.mul(mask).mul(scaled)"));
        AssertionError e = assertThrows(AssertionError.class, () -> ops.gradcheck("test.ScaledSignFunction").run());
        assertThat(e).hasMessageThat().startsWith("ScaledSign: the jvp of output 'scaled' disagrees (seed 20261122):"
                + " forward-mode Jacobian mismatch");
    }

    @Test
    void generatedCheckComparesTheJvpWithTheBackwardInFastMode() {
        // In fast mode one random direction: <v, J u> from the jvp against <J^T v, u> from the backward.
        Compiled ops = Compiled.compile("test.WrongJvp", RELU_WRONG_JVP.replace("    @Differentiable",
                "    @Differentiable\n    @dev.nabla.annotations.Gradcheck(fast = true)"));
        AssertionError e = assertThrows(AssertionError.class, () -> ops.gradcheck("test.WrongJvpFunction").run());
        assertThat(e).hasMessageThat().startsWith("WrongJvp: the jvp disagrees (seed 20261122): forward-mode mismatch"
                + " (fast mode): <v, J u> is ");
        assertThat(e).hasMessageThat().contains("as <J^T v, u> from the backward");
    }
}
