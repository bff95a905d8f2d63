package dev.nabla.processor;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nabla.Autograd;
import dev.nabla.DType;
import dev.nabla.Device;
import dev.nabla.Gradcheck;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import dev.nabla.autograd.GradcheckCase;
import dev.nabla.backend.cuda.Cuda;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Ops compiled in memory with the processor and run: gradients against finite differences
 * (float64, gradcheck's tolerances eps 1e-6, atol 1e-5, rtol 1e-3), and each feature of the DSL
 * as a user sees it at run time.
 */
class GeneratedOpsTest {
    @BeforeEach
    void seed() {
        Nabla.manualSeed(7);
    }

    private static Tensor leaf(long... shape) {
        return Tensor.randn(DType.FLOAT64, shape).requiresGrad(true);
    }

    @Test
    void myReluMatchesFiniteDifferencesAndNamesItsNode() {
        Compiled ops = Compiled.compile("test.MyReLU", TestOps.MY_RELU);
        Tensor x = leaf(8);
        assertTrue(Gradcheck.check(in -> (Tensor) ops.apply("test.MyReLUFunction", in[0]), x));
        Tensor y = (Tensor) ops.apply("test.MyReLUFunction", Tensor.of(-1.5, 0.5, 2.0).requiresGrad(true));
        assertEquals("MyReLUBackward", y.gradFn().name());
        Tensor v = Tensor.of(-1.5, 0.5, 2.0, -0.1).requiresGrad(true);
        ((Tensor) ops.apply("test.MyReLUFunction", v)).sum().backward();
        assertArrayEquals(new double[] {0, 1, 1, 0}, v.grad().toDoubleArray());
    }

    @Test
    void cpuTensorsTakeThePortableMethodsOfAnOpWithCudaVersions() {
        Compiled ops = Compiled.compile("test.CudaMul", TestOps.CUDA_MUL);
        Tensor a = Tensor.of(1.0, -2.0).requiresGrad(true);
        Tensor b = Tensor.of(3.0, 0.5).requiresGrad(true);
        Tensor y = (Tensor) ops.apply("test.CudaMulFunction", a, b);
        assertArrayEquals(new double[] {3, -1}, y.toDoubleArray());
        y.sum().backward();
        assertArrayEquals(new double[] {3, 0.5}, a.grad().toDoubleArray());
        assertArrayEquals(new double[] {1, -2}, b.grad().toDoubleArray());
        GradcheckCase check = ops.gradcheck("test.CudaMulFunction");
        assertNull(check.disabledReason());
        if (Cuda.isAvailable()) {
            // With a GPU the check runs the CUDA versions too, which here throw.
            Throwable e = assertThrows(Throwable.class, check::run);
            assertTrue(String.valueOf(e).contains("CUDA forward called") || causes(e).contains("CUDA forward called"),
                    String.valueOf(e));
        } else {
            check.run();
        }
    }

    @Test
    void cudaTensorsTakeTheCudaVersions() {
        assumeTrue(Cuda.isAvailable(), () -> "no CUDA here: " + Cuda.unavailableReason());
        Compiled ops = Compiled.compile("test.CudaMul", TestOps.CUDA_MUL);
        Tensor a = Tensor.of(1.0, -2.0).to(Device.CUDA);
        Tensor b = Tensor.of(3.0, 0.5).to(Device.CUDA);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ops.apply("test.CudaMulFunction", a, b));
        assertEquals("CUDA forward called", e.getMessage());
    }

    /** The messages of {@code e}'s causes, one a line. */
    private static String causes(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            sb.append(c).append('\n');
        }
        return sb.toString();
    }

    @Test
    void noGraphWhenNothingRequiresGrad() {
        Compiled ops = Compiled.compile("test.MyReLU", TestOps.MY_RELU);
        Tensor y = (Tensor) ops.apply("test.MyReLUFunction", Tensor.of(1.0, -1.0));
        assertNull(y.gradFn());
        assertArrayEquals(new double[] {1, 0}, y.toDoubleArray());
    }

    @Test
    void linearOpMatchesFiniteDifferencesWithAndWithoutBias() {
        Compiled ops = Compiled.compile("test.LinearOp", TestOps.LINEAR_OP);
        Tensor x = leaf(5, 3);
        Tensor w = leaf(4, 3);
        Tensor b = leaf(4);
        assertTrue(Gradcheck.check(in -> (Tensor) ops.apply("test.LinearOpFunction", in[0], in[1], in[2]), x, w, b));
        assertTrue(Gradcheck.gradgradcheck(in -> (Tensor) ops.apply("test.LinearOpFunction", in[0], in[1], in[2]),
                x, w, b));
        assertTrue(Gradcheck.check(in -> (Tensor) ops.apply("test.LinearOpFunction", in[0], in[1], null), x, w));
    }

    @Test
    void needsGradSkipsInputsThatNeedNone() {
        Compiled ops = Compiled.compile("test.LinearOp", TestOps.LINEAR_OP);
        Tensor x = Tensor.randn(DType.FLOAT64, 2, 3);
        Tensor w = leaf(4, 3);
        ((Tensor) ops.apply("test.LinearOpFunction", x, w, null)).sum().backward();
        assertNull(x.grad());
        assertArrayEquals(new long[] {4, 3}, w.grad().shape());
    }

    @Test
    void shapeMismatchNamesOpParameterExpectedAndActual() {
        Compiled ops = Compiled.compile("test.LinearOp", TestOps.LINEAR_OP);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ops.apply("test.LinearOpFunction", leaf(5, 3), leaf(4, 2), null));
        assertEquals("LinearOp: parameter 'weight' has shape [4, 2] but @Shape(\"o,i\") expects [o, 3]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ops.apply("test.LinearOpFunction", leaf(5, 3), leaf(4, 3), leaf(3)));
        assertEquals("LinearOp: parameter 'bias' has shape [3] but @Shape(\"o\") expects [4]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ops.apply("test.LinearOpFunction", leaf(5), leaf(4, 3), null));
        assertEquals("LinearOp: parameter 'input' has shape [5] but @Shape(\"n,i\") expects [n, i]", e.getMessage());
    }

    private static final String SUM_OF_PRODUCT = """
            package test;

            import dev.nabla.Tensor;
            import dev.nabla.annotations.*;

            final class SumOfProduct {
                @Saved Tensor m;
                @Saved Tensor v;

                record Grads(Tensor m, Tensor v) {}

                @Differentiable
                @Shape("")
                Tensor forward(@Shape("n,n") Tensor m, @Shape("n,2") Tensor v,
                        @NonDiff @Shape("a,b,1,c,n") Tensor unused) {
                    this.m = m;
                    this.v = v;
                    return m.mm(v).sum();
                }

                @Backward
                Grads backward(Tensor gradOut) {
                    return new Grads(Tensor.onesLike(v).mm(v.t()).mul(gradOut),
                            m.t().mm(Tensor.onesLike(v)).mul(gradOut));
                }
            }
            """;

    @Test
    void repeatedSymbolsFixedSizesScalarsAndHighRanksAreChecked() {
        Compiled ops = Compiled.compile("test.SumOfProduct", SUM_OF_PRODUCT);
        Tensor big = Tensor.zeros(DType.FLOAT64, 1, 1, 1, 1, 3);
        Tensor y = (Tensor) ops.apply("test.SumOfProductFunction", leaf(3, 3), leaf(3, 2), big);
        assertEquals(0, y.dim());
        assertTrue(Gradcheck.check(in -> (Tensor) ops.apply("test.SumOfProductFunction", in[0], in[1], null),
                leaf(2, 2), leaf(2, 2)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ops.apply("test.SumOfProductFunction", leaf(3, 2), leaf(3, 2), null));
        assertEquals("SumOfProduct: parameter 'm' has shape [3, 2] but @Shape(\"n,n\") expects [n, n]",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ops.apply("test.SumOfProductFunction", leaf(3, 3), leaf(3, 3), null));
        assertEquals("SumOfProduct: parameter 'v' has shape [3, 3] but @Shape(\"n,2\") expects [3, 2]",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ops.apply("test.SumOfProductFunction", null, leaf(4, 2), big));
        assertEquals("SumOfProduct: parameter 'unused' has shape [1, 1, 1, 1, 3] but @Shape(\"a,b,1,c,n\")"
                + " expects [a, b, 1, c, 4]", e.getMessage());
        ops.gradcheck("test.SumOfProductFunction").run();
    }

    @Test
    void savedTensorModifiedBeforeBackwardNamesOpAndField() {
        Compiled ops = Compiled.compile("test.MyReLU", TestOps.MY_RELU);
        Tensor a = leaf(3).mul(1);
        Tensor y = (Tensor) ops.apply("test.MyReLUFunction", a);
        a.add_(1);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.sum().backward());
        assertThat(e).hasMessageThat().contains("the tensor 'x'");
        assertThat(e).hasMessageThat().contains("saved by MyReLUBackward");
    }

    @Test
    void savedTensorsAreReleasedAfterBackwardUnlessRetained() {
        Compiled ops = Compiled.compile("test.MyReLU", TestOps.MY_RELU);
        Tensor x = leaf(3);
        Tensor y = ((Tensor) ops.apply("test.MyReLUFunction", x)).sum();
        y.backward(Tensor.onesLike(y), true, false);
        y.backward();
        assertArrayEquals(new long[] {3}, x.grad().shape());
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertThat(e).hasMessageThat().contains("MyReLUBackward");
        assertThat(e).hasMessageThat().contains("second time");
    }

    @Test
    void recordOutputsWithNonDiffComponentAndNonTensorParameter() {
        Compiled ops = Compiled.compile("test.ScaledSign", TestOps.SCALED_SIGN);
        Tensor x = leaf(4);
        Tensor mask = Tensor.of(1.0, 0.0, 1.0, 1.0).requiresGrad(true);
        Object out = ops.apply("test.ScaledSignFunction", x, mask, 0.5);
        Tensor sign = (Tensor) Compiled.component(out, "sign");
        assertFalse(sign.requiresGrad());
        Tensor scaled = (Tensor) Compiled.component(out, "scaled");
        assertEquals("ScaledSignBackward", scaled.gradFn().name());
        scaled.sum().backward();
        assertNull(mask.grad(), "a @NonDiff input gets no gradient");
        assertTrue(Gradcheck.check(in -> (Tensor) Compiled.component(
                ops.apply("test.ScaledSignFunction", in[0], mask.detach(), 0.5), "scaled"), leaf(4)));
    }

    private static final String ADD_ROW = """
            package test;

            import dev.nabla.Tensor;
            import dev.nabla.annotations.*;

            final class AddRow {
                record Grads(Tensor x, Tensor row) {}

                @Differentiable
                Tensor forward(Tensor x, Tensor row) {
                    return x.add(row);
                }

                @Backward
                Grads backward(Tensor gradOut) {
                    return new Grads(gradOut, gradOut);
                }
            }
            """;

    @Test
    void broadcastGradientIsSummedToTheInputShape() {
        Compiled ops = Compiled.compile("test.AddRow", ADD_ROW);
        Tensor x = leaf(3, 2);
        Tensor row = leaf(2);
        ((Tensor) ops.apply("test.AddRowFunction", x, row)).sum().backward();
        assertArrayEquals(new double[] {3, 3}, row.grad().toDoubleArray());
        assertTrue(Gradcheck.check(in -> (Tensor) ops.apply("test.AddRowFunction", in[0], in[1]), x, row));
    }

    private static final String BAD_GRADIENT = """
            package test;

            import dev.nabla.DType;
            import dev.nabla.Tensor;
            import dev.nabla.annotations.*;

            final class Bad {
                @Differentiable
                Tensor forward(Tensor x) {
                    return x.mul(2);
                }

                @Backward
                Tensor backward(Tensor gradOut) {
                    return Tensor.ones(DType.FLOAT64, 3);
                }
            }
            """;

    @Test
    void incompatibleGradientNamesOpAndInput() {
        Compiled ops = Compiled.compile("test.Bad", BAD_GRADIENT);
        Tensor y = (Tensor) ops.apply("test.BadFunction", leaf(2, 2));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.sum().backward());
        assertEquals("function BadBackward returned an invalid gradient for input 'x' (index 0) - got [3] but expected"
                + " shape compatible with [2, 2]", e.getMessage());
    }

    private static final String SPLIT = """
            package test;

            import dev.nabla.Tensor;
            import dev.nabla.annotations.*;

            final class Split {
                static int nullsSeen;

                record Out(Tensor twice, Tensor thrice) {}

                @Differentiable(materializeGrads = false)
                Out forward(Tensor x) {
                    return new Out(x.mul(2), x.mul(3));
                }

                @Backward
                Tensor backward(Tensor gradTwice, Tensor gradThrice) {
                    Tensor g = null;
                    if (gradTwice == null) { nullsSeen++; } else { g = gradTwice.mul(2); }
                    if (gradThrice == null) { nullsSeen++; } else { g = g == null ? gradThrice.mul(3) : g.add(gradThrice.mul(3)); }
                    return g;
                }
            }
            """;

    @Test
    void unmaterializedGradientsReachBackwardAsNull() throws Exception {
        Compiled ops = Compiled.compile("test.Split", SPLIT);
        Tensor x = leaf(3);
        Object out = ops.apply("test.SplitFunction", x);
        ((Tensor) Compiled.component(out, "twice")).sum().backward();
        assertArrayEquals(new double[] {2, 2, 2}, x.grad().toDoubleArray());
        java.lang.reflect.Field nullsSeen = ops.type("test.Split").getDeclaredField("nullsSeen");
        nullsSeen.setAccessible(true);
        assertEquals(1, nullsSeen.getInt(null));
        ops.gradcheck("test.SplitFunction").run();
    }

    private static final String SPLIT_NO_NULLS = SPLIT.replace("Split", "Fragile")
            .replace("if (gradThrice == null) { nullsSeen++; } else {", "{");

    @Test
    void generatedCheckCatchesBackwardThatRejectsNullGradients() {
        Compiled ops = Compiled.compile("test.Fragile", SPLIT_NO_NULLS);
        AssertionError e = assertThrows(AssertionError.class, () -> ops.gradcheck("test.FragileFunction").run());
        assertThat(e).hasMessageThat().contains("Fragile: backward failed when only output 'twice' has a gradient");
    }

    private static final String MUL_IN_PLACE = """
            package test;

            import dev.nabla.Tensor;
            import dev.nabla.annotations.*;

            final class MulInPlace {
                @Saved double k;

                @Differentiable
                Tensor forward(@Dirty Tensor x, double k) {
                    this.k = k;
                    return x.mul_(k);
                }

                @Backward
                Tensor backward(Tensor gradOut) {
                    return gradOut.mul(k);
                }
            }
            """;

    @Test
    void dirtyInputIsReturnedWithTheOpAsHistory() {
        Compiled ops = Compiled.compile("test.MulInPlace", MUL_IN_PLACE);
        Tensor leaf = leaf(3);
        Tensor a = leaf.mul(1);
        Tensor y = (Tensor) ops.apply("test.MulInPlaceFunction", a, 3.0);
        assertSame(a, y);
        assertEquals("MulInPlaceBackward", y.gradFn().name());
        y.sum().backward();
        assertArrayEquals(new double[] {3, 3, 3}, leaf.grad().toDoubleArray());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ops.apply("test.MulInPlaceFunction", leaf(2), 2.0));
        assertThat(e).hasMessageThat().contains("MulInPlaceBackward: a leaf tensor that requires grad was modified");
        ops.gradcheck("test.MulInPlaceFunction").run();
    }

    private static final String ONCE = """
            package test;

            import dev.nabla.Tensor;
            import dev.nabla.annotations.*;

            final class Cube {
                @Saved Tensor x;

                @Differentiable
                Tensor forward(Tensor x) {
                    this.x = x;
                    return x.mul(x).mul(x);
                }

                @Backward
                @OnceDifferentiable
                Tensor backward(Tensor gradOut) {
                    return gradOut.mul(x).mul(x).mul(3);
                }
            }
            """;

    @Test
    void onceDifferentiableBackwardRefusesDoubleBackward() {
        Compiled ops = Compiled.compile("test.Cube", ONCE);
        Tensor x = leaf(3);
        assertTrue(Gradcheck.check(in -> (Tensor) ops.apply("test.CubeFunction", in[0]), x));
        Tensor y = ((Tensor) ops.apply("test.CubeFunction", x)).sum();
        Tensor g = Autograd.grad(y, new Tensor[] {x}, null, true, true)[0];
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> g.sum().backward());
        assertThat(e).hasMessageThat().contains("marked as once differentiable: DelayedError(CubeBackward)");
        ops.gradcheck("test.CubeFunction").run();
    }

    private static final String SCRIBBLER = """
            package test;

            import dev.nabla.Tensor;
            import dev.nabla.annotations.*;

            final class Scribbler {
                @Saved Tensor y;

                @Differentiable
                Tensor forward(Tensor x) {
                    Tensor y = x.exp();
                    this.y = y;
                    return y;
                }

                @Backward
                Tensor backward(Tensor gradOut) {
                    return gradOut.mul(y.mul_(1));
                }
            }
            """;

    @Test
    void backwardThatModifiesASavedTensorFailsNamingTheField() {
        Compiled ops = Compiled.compile("test.Scribbler", SCRIBBLER);
        Tensor y = (Tensor) ops.apply("test.ScribblerFunction", leaf(3));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.sum().backward());
        assertThat(e).hasMessageThat().startsWith("ScribblerBackward: backward modified the saved tensor 'y' in place");
        assertThrows(IllegalStateException.class, () -> ops.gradcheck("test.ScribblerFunction").run());
    }

    private static final String INTERMEDIATE = """
            package test;

            import dev.nabla.Tensor;
            import dev.nabla.annotations.*;

            final class Square {
                @Saved Tensor twoX;

                @Differentiable
                Tensor forward(Tensor x) {
                    this.twoX = x.mul(2);
                    return x.mul(x);
                }

                @Backward
                Tensor backward(Tensor gradOut) {
                    return gradOut.mul(twoX);
                }
            }
            """;

    @Test
    void generatedCheckReportsSavedIntermediateInDoubleBackward() {
        Compiled ops = Compiled.compile("test.Square", INTERMEDIATE);
        assertTrue(Gradcheck.check(in -> (Tensor) ops.apply("test.SquareFunction", in[0]), leaf(4)));
        AssertionError e = assertThrows(AssertionError.class, () -> ops.gradcheck("test.SquareFunction").run());
        assertThat(e).hasMessageThat().contains("Square: gradgradcheck failed (seed ");
        assertThat(e).hasMessageThat().contains("note: @Saved twoX of Square holds an intermediate");
    }

    @Test
    void generatedChecksPassForCorrectOps() {
        Compiled linear = Compiled.compile("test.LinearOp", TestOps.LINEAR_OP);
        GradcheckCase c = linear.gradcheck("test.LinearOpFunction");
        assertEquals("test.LinearOp", c.opClassName());
        assertNull(c.disabledReason());
        c.run();
        Compiled.compile("test.MyReLU", TestOps.MY_RELU).gradcheck("test.MyReLUFunction").run();
        Compiled.compile("test.ScaledSign", TestOps.SCALED_SIGN).gradcheck("test.ScaledSignFunction").run();
        Compiled.compile("test.AddRow", ADD_ROW).gradcheck("test.AddRowFunction").run();
    }

    @Test
    void generatedCheckFailsForAWrongGradient() {
        Compiled ops = Compiled.compile("test.Wrong", MY_RELU_WRONG);
        AssertionError e = assertThrows(AssertionError.class, () -> ops.gradcheck("test.WrongFunction").run());
        assertThat(e).hasMessageThat().contains("Wrong: gradcheck failed (seed 20261122): Jacobian mismatch");
    }

    private static final String MY_RELU_WRONG = TestOps.MY_RELU.replace("MyReLU", "Wrong")
            .replace("maskedFill(x.lt(0), 0)", "mul(2)");

    private static final String STE = """
            package test;

            import dev.nabla.Tensor;
            import dev.nabla.annotations.*;

            final class Ste {
                @Differentiable
                @Gradcheck(enabled = false, reason = "straight-through: deliberately not the true gradient")
                Tensor forward(Tensor x) {
                    return x.gt(0).to(x.dtype());
                }

                @Backward
                Tensor backward(Tensor gradOut) {
                    return gradOut;
                }
            }
            """;

    private static final String NO_DEFAULT = """
            package test;

            import dev.nabla.Tensor;
            import dev.nabla.annotations.*;

            final class Pick {
                @Differentiable
                Tensor forward(Tensor x, int[] order) {
                    return x.mul(order.length);
                }

                @Backward
                Tensor backward(Tensor gradOut) {
                    return gradOut;
                }
            }
            """;

    @Test
    void disabledChecksSayWhy() {
        GradcheckCase ste = Compiled.compile("test.Ste", STE).gradcheck("test.SteFunction");
        assertEquals("straight-through: deliberately not the true gradient", ste.disabledReason());
        assertThrows(AssertionError.class, ste::run, "the disabled check would fail: its gradient is not the true one");
        GradcheckCase pick = Compiled.compile("test.Pick", NO_DEFAULT).gradcheck("test.PickFunction");
        assertThat(pick.disabledReason()).contains("parameter 'order' of type int[] has no default value");
    }

    private static final String MODE = """
            package test;

            import dev.nabla.Tensor;
            import dev.nabla.annotations.*;

            final class Power {
                enum Mode { SQUARE, CUBE }

                @Saved Tensor x;
                @Saved Mode mode;

                @Differentiable
                Tensor forward(Tensor x, Mode mode, int unused, long alsoUnused) {
                    this.x = x;
                    this.mode = mode;
                    return mode == Mode.SQUARE ? x.mul(x) : x.mul(x).mul(x);
                }

                @Backward
                Tensor backward(Tensor gradOut) {
                    return mode == Mode.SQUARE ? gradOut.mul(x).mul(2) : gradOut.mul(x).mul(x).mul(3);
                }
            }
            """;

    @Test
    void nonTensorParametersReachTheOpAndGetDefaultsInTheCheck() throws Exception {
        Compiled ops = Compiled.compile("test.Power", MODE);
        Object cube = ops.type("test.Power$Mode").getEnumConstants()[1];
        Tensor x = Tensor.of(2.0).requiresGrad(true);
        ((Tensor) ops.apply("test.PowerFunction", x, cube, 0, 0L)).sum().backward();
        assertEquals(12.0, x.grad().item(), 0.0);
        ops.gradcheck("test.PowerFunction").run();
    }

    /** Parameters named as the generated check's own variables: {@code in}, {@code pass}, {@code check}. */
    private static final String NAMES_OF_THE_CHECK = """
            package test;

            import dev.nabla.Tensor;
            import dev.nabla.annotations.*;

            final class Clash {
                @Saved Tensor in;
                @Saved double pass;

                @Differentiable
                Tensor forward(Tensor in, double pass, Tensor check) {
                    this.in = in;
                    this.pass = pass;
                    return in.mul(pass).add(check);
                }

                record Grads(Tensor in, Tensor check) {}

                @Backward
                Grads backward(Tensor gradOut) {
                    return new Grads(gradOut.mul(pass), gradOut);
                }
            }
            """;

    @Test
    void parametersNamedAsTheChecksVariablesKeepTheirOwnValues() {
        Compiled ops = Compiled.compile("test.Clash", NAMES_OF_THE_CHECK);
        GradcheckCase check = ops.gradcheck("test.ClashFunction");
        assertNull(check.disabledReason());
        check.run();
    }
}
