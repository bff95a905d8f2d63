package dev.nabla;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nabla.autograd.ForwardAD;
import dev.nabla.autograd.Function;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The forward-mode custom-Function cases of PyTorch's {@code test_autograd.py}
 * ({@code test_custom_function_forward_mode_*}, {@code test_custom_function_save_for_forward}),
 * each Python {@code Function} ported to a {@link Function} overriding {@code jvp}, against what torch
 * computed for the same inputs ({@code reference/jvp_functions.json}, written by
 * {@code reference/make_jvp_functions.py}). Values and tangents agree within
 * {@value JvpReferenceTest#TOL} absolute plus relative; where upstream runs gradcheck with
 * {@code check_forward_ad=True}, {@link Gradcheck} with {@code withCheckForwardAD(true)} gives the same verdict.
 *
 * <p>Not ported, and why:
 * <ul>
 *   <li>{@code view_checks} and {@code inplace_checks} with their error flags ("jvp is not returning a
 *       view", "not modifying the forward mode gradients inplace"): torch's tangent of a view or of a
 *       dirty input shares storage with the input's tangent, and it checks that a jvp keeps that
 *       aliasing. A Nabla tangent is a value attached to one output tensor, so a jvp returning a copy
 *       is correct there; the flag-"ok" paths are ported.</li>
 *   <li>{@code save_for_forward}'s second half asserts {@code len(ctx.saved_tensors) == 0} in a jvp when
 *       forward saved for backward only: Nabla has one {@code saveForBackward}, whose tensors the jvp
 *       may read; the values of that case are ported.</li>
 *   <li>{@code non_differentiable}'s Function returning {@code object()}: Java outputs are tensors.
 *       The rest of that test has no stored values: torch 1.13 cannot run it (an internal assert on
 *       forward grads of non-differentiable outputs, fixed later), so the ported test checks
 *       upstream's own assertions: a {@code null} tangent for the non-differentiable and the integer
 *       output, the input's tangent for the cloned one, and an error when jvp gives a tangent to an
 *       output marked non-differentiable.</li>
 *   <li>{@code setup_context} forms (torch 2.0's split of forward and context setup) are a Python
 *       calling convention with no Java counterpart: a Nabla Function's forward sets its own state.</li>
 * </ul>
 */
class CustomFunctionJvpTest {
    private static final Map<String, JsonNode> CASES = cases();

    private static Map<String, JsonNode> cases() {
        Map<String, JsonNode> m = new HashMap<>();
        for (JsonNode c : OpReferenceTest.load("/reference/jvp_functions.json").get("cases")) {
            m.put(c.get("name").asText(), c);
        }
        return m;
    }

    private static JsonNode reference(String name) {
        JsonNode c = CASES.get(name);
        assertNotNull(c, "no reference case " + name);
        return c;
    }

    private static Tensor[] inputs(JsonNode c) {
        Tensor[] out = new Tensor[c.get("inputs").size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = OpReferenceTest.build(c.get("inputs").get(i));
        }
        return out;
    }

    /** Applies a fresh Function to the case's inputs made dual where the case gives a tangent; checks every output. */
    private static void assertMatchesTorch(JsonNode c, Supplier<Function> fn) {
        Tensor[] in = inputs(c);
        JsonNode outputs = c.get("outputs");
        try (ForwardAD.DualLevel level = ForwardAD.dualLevel()) {
            Tensor[] duals = new Tensor[in.length];
            for (int i = 0; i < in.length; i++) {
                JsonNode t = c.get("tangents").get(i);
                duals[i] = t.isNull() ? in[i] : ForwardAD.makeDual(in[i], OpReferenceTest.build(t));
            }
            Tensor[] out = fn.get().apply(duals);
            assertEquals(outputs.size(), out.length, "number of outputs");
            for (int k = 0; k < out.length; k++) {
                assertClose(outputs.get(k).get("value"), out[k], "output " + k);
                JsonNode tangent = outputs.get(k).get("tangent");
                if (tangent.isNull()) {
                    assertNull(ForwardAD.tangent(out[k]), "output " + k + " has no tangent in torch");
                } else {
                    Tensor got = ForwardAD.tangent(out[k]);
                    assertNotNull(got, "tangent of output " + k);
                    assertClose(tangent, got, "tangent of output " + k);
                }
            }
        }
    }

    private static void assertClose(JsonNode expected, Tensor actual, String what) {
        assertEquals(OpReferenceTest.dtype(expected.get("dtype").asText()), actual.dtype(), what + " dtype");
        double[] got = actual.toDoubleArray();
        JsonNode values = expected.get("values");
        assertEquals(values.size(), got.length, what + " numel");
        for (int i = 0; i < got.length; i++) {
            double want = values.get(i).asDouble();
            assertTrue(Math.abs(got[i] - want) <= JvpReferenceTest.TOL * (1 + Math.abs(want)),
                    what + " element " + i + ": torch " + want + ", Nabla " + got[i]);
        }
    }

    /** Gradcheck with forward mode on, at the case's inputs (all float64, all requiring grad). */
    private static boolean gradcheck(JsonNode c, Gradcheck.Fn fn) {
        Tensor[] in = inputs(c);
        for (Tensor t : in) {
            t.requiresGrad(true);
        }
        return Gradcheck.check(fn, Gradcheck.Options.defaults().withCheckForwardAD(true).withRaiseException(false), in);
    }

    private static Tensor plus(Tensor a, Tensor b) {
        return a == null ? b : b == null ? a : a.add(b);
    }

    // ---------------------------------------------------------------- view_checks ("ok")

    /** A narrow view of rows 0 and 1; its jvp is the same view of the tangent. */
    static final class ViewFn extends Function {
        private long[] size;

        @Override
        protected Tensor[] forward(Tensor[] in) {
            size = in[0].shape();
            return new Tensor[] {in[0].narrow(0, 0, 2)};
        }

        @Override
        protected Tensor[] backward(Tensor[] grad) {
            Tensor g = Tensor.zeros(grad[0].dtype(), size);
            g.narrow(0, 0, 2).copy_(grad[0]);
            return new Tensor[] {g};
        }

        @Override
        protected Tensor[] jvp(Tensor[] tangents) {
            return new Tensor[] {tangents[0].narrow(0, 0, 2)};
        }
    }

    @Test
    void viewFunctionJvpIsTheSameViewOfTheTangent() {
        JsonNode c = reference("viewFunctionJvpIsTheSameViewOfTheTangent");
        assertMatchesTorch(c, ViewFn::new);
        assertEquals(c.get("gradcheck").asBoolean(), gradcheck(c, in -> new ViewFn().apply(in[0])[0]));
    }

    // ---------------------------------------------------------------- inplace_checks (flag False)

    /** Doubles its input in place and returns it (mark dirty); the jvp doubles the tangent in place. */
    static final class InplaceFn extends Function {
        @Override
        protected Tensor[] forward(Tensor[] in) {
            markDirty(in[0]);
            in[0].mul_(2);
            return new Tensor[] {in[0]};
        }

        @Override
        protected Tensor[] backward(Tensor[] grad) {
            return new Tensor[] {grad[0].mul(2)};
        }

        @Override
        protected Tensor[] jvp(Tensor[] tangents) {
            tangents[0].mul_(2);
            return new Tensor[] {tangents[0]};
        }
    }

    @Test
    void inPlaceFunctionDoublesTheTangent() {
        JsonNode c = reference("inPlaceFunctionDoublesTheTangent");
        // upstream's test_fn clones first, so the user's input stays as it was
        Tensor[] in = inputs(c);
        Tensor tangent = OpReferenceTest.build(c.get("tangents").get(0));
        Tensor[] r = Autograd.jvp(x -> new InplaceFn().apply(x[0].clone())[0], in, new Tensor[] {tangent});
        assertClose(c.get("outputs").get(0).get("value"), r[0], "output");
        assertClose(c.get("outputs").get(0).get("tangent"), r[1], "tangent");
        assertClose(c.get("tangents").get(0), tangent, "the caller's tangent, unchanged");
        assertEquals(c.get("gradcheck").asBoolean(), gradcheck(c, x -> new InplaceFn().apply(x[0].clone())[0]));
    }

    // ---------------------------------------------------------------- wrong_formula

    /** 2x, with a right (2t) or a wrong (3t) jvp. */
    static final class UserFn extends Function {
        private final boolean wrong;

        UserFn(boolean wrong) {
            this.wrong = wrong;
        }

        @Override
        protected Tensor[] forward(Tensor[] in) {
            return new Tensor[] {in[0].mul(2)};
        }

        @Override
        protected Tensor[] backward(Tensor[] grad) {
            return new Tensor[] {grad[0].mul(2)};
        }

        @Override
        protected Tensor[] jvp(Tensor[] tangents) {
            return new Tensor[] {tangents[0].mul(wrong ? 3 : 2)};
        }
    }

    @Test
    void rightFormulaPassesGradcheck() {
        JsonNode c = reference("rightFormulaPassesGradcheck");
        assertMatchesTorch(c, () -> new UserFn(false));
        assertTrue(c.get("gradcheck").asBoolean());
        assertTrue(gradcheck(c, in -> new UserFn(false).apply(in[0])[0]));
    }

    @Test
    void wrongFormulaFailsGradcheck() {
        JsonNode c = reference("wrongFormulaFailsGradcheck");
        assertMatchesTorch(c, () -> new UserFn(true));
        assertFalse(c.get("gradcheck").asBoolean());
        assertFalse(gradcheck(c, in -> new UserFn(true).apply(in[0])[0]));
        Tensor x = inputs(c)[0].requiresGrad(true);
        Gradcheck.GradcheckException e = assertThrows(Gradcheck.GradcheckException.class, () -> Gradcheck.check(
                in -> new UserFn(true).apply(in[0])[0], Gradcheck.Options.defaults().withCheckForwardAD(true), x));
        // torch: "Jacobian computed with forward mode mismatch for output 0 with respect to input 0"
        assertTrue(e.getMessage().contains("forward-mode Jacobian mismatch for output 0 with respect to input 0"),
                e.getMessage());
    }

    // ---------------------------------------------------------------- non_tensor_before_tensor_args

    /**
     * x * 2 + y * 3. Upstream passes (1, x, 1, y) and checks that the jvp gets no tangent for the
     * numbers; a Java Function takes tensors only (numbers go to its constructor, and these are
     * unused), so what remains to check is one tangent per tensor input, null for y, which has none.
     */
    static final class NonTensorFirst extends Function {
        @Override
        protected Tensor[] forward(Tensor[] in) {
            return new Tensor[] {in[0].mul(2).add(in[1].mul(3))};
        }

        @Override
        protected Tensor[] backward(Tensor[] grad) {
            return new Tensor[] {grad[0].mul(2), grad[0].mul(3)};
        }

        @Override
        protected Tensor[] jvp(Tensor[] tangents) {
            assertEquals(2, tangents.length, "one tangent per tensor input");
            return new Tensor[] {plus(tangents[0] == null ? null : tangents[0].mul(2),
                    tangents[1] == null ? null : tangents[1].mul(3))};
        }
    }

    @Test
    void nonTensorArgumentsBeforeTensors() {
        JsonNode c = reference("nonTensorArgumentsBeforeTensors");
        assertMatchesTorch(c, () -> new NonTensorFirst());
        assertEquals(c.get("gradcheck").asBoolean(), gradcheck(c, in -> new NonTensorFirst().apply(in)[0]));
    }

    // ---------------------------------------------------------------- forward_is_no_op

    /** (x + y, x): the second output is the input x itself; the jvp gives it x's tangent, or twice it. */
    static final class ReturnsInput extends Function {
        private final boolean doubled;

        ReturnsInput(boolean doubled) {
            this.doubled = doubled;
        }

        @Override
        protected Tensor[] forward(Tensor[] in) {
            return new Tensor[] {in[0].add(in[1]), in[0]};
        }

        @Override
        protected Tensor[] backward(Tensor[] grad) {
            return new Tensor[] {grad[0].add(grad[1]), grad[0]};
        }

        @Override
        protected Tensor[] jvp(Tensor[] tangents) {
            // upstream's view_as(x_t): the same values as x's tangent; none when x has none
            Tensor x = tangents[0];
            Tensor second = x == null ? null : doubled ? x.mul(2) : x.view(x.shape());
            return new Tensor[] {plus(tangents[0], tangents[1]), second};
        }
    }

    @Test
    void returningAnInputAsIsKeepsItsTangent() {
        JsonNode c = reference("returningAnInputAsIsKeepsItsTangent");
        assertMatchesTorch(c, () -> new ReturnsInput(false));
        assertEquals(c.get("gradcheck").asBoolean(), gradcheck(c, in -> new ReturnsInput(false).apply(in)[1]));
    }

    @Test
    void returningAnInputAsIsWithAnotherTangentIsAnError() {
        JsonNode c = reference("returningAnInputAsIsWithAnotherTangentIsAnError");
        Tensor[] in = inputs(c);
        try (ForwardAD.DualLevel level = ForwardAD.dualLevel()) {
            Tensor tangent = OpReferenceTest.build(c.get("tangents").get(0));
            Tensor x = ForwardAD.makeDual(in[0], tangent);
            // torch refuses: the output is x itself, whose tangent cannot be anything but x's; either
            // way x's own tangent must survive the call
            RuntimeException thrown = null;
            try {
                new ReturnsInput(true).apply(x, in[1]);
            } catch (RuntimeException e) {
                thrown = e;
            }
            RuntimeException e = thrown;
            assertAll(() -> assertClose(c.get("tangents").get(0), ForwardAD.tangent(x), "x's tangent after the call"),
                    () -> assertTrue(e instanceof IllegalStateException || e instanceof IllegalArgumentException,
                            "expected an error, as torch's \"" + c.get("error").asText() + "\", got " + e));
        }
    }

    // ---------------------------------------------------------------- save_for_forward

    /** z * x * y; the jvp reads x and y as forward saved them. */
    static final class SaveForForward extends Function {
        private final double z;

        SaveForForward(double z) {
            this.z = z;
        }

        @Override
        protected Tensor[] forward(Tensor[] in) {
            saveForBackward(in[0], in[1]);
            return new Tensor[] {in[0].mul(in[1]).mul(z)};
        }

        @Override
        protected Tensor[] jvp(Tensor[] tangents) {
            Tensor x = savedTensor(0);
            Tensor y = savedTensor(1);
            return new Tensor[] {plus(tangents[0] == null ? null : y.mul(tangents[0]),
                    tangents[1] == null ? null : x.mul(tangents[1])).mul(z)};
        }

        @Override
        protected Tensor[] backward(Tensor[] grad) {
            Tensor[] s = savedTensors();
            return new Tensor[] {grad[0].mul(s[1]).mul(z), grad[0].mul(s[0]).mul(z)};
        }
    }

    /** A clone that saves its input for backward only; its jvp passes the tangent through. */
    static final class SavedForBackwardOnly extends Function {
        @Override
        protected Tensor[] forward(Tensor[] in) {
            saveForBackward(in[0]);
            return new Tensor[] {in[0].clone()};
        }

        @Override
        protected Tensor[] jvp(Tensor[] tangents) {
            return new Tensor[] {tangents[0]};
        }

        @Override
        protected Tensor[] backward(Tensor[] grad) {
            return new Tensor[] {grad[0]};
        }
    }

    /** Backward inside a dual level, from a dual made of a leaf that requires grad, as upstream does. */
    private static void assertBackwardThroughDual(JsonNode c, Supplier<Function> fn) {
        Tensor[] leaves = inputs(c);
        for (Tensor t : leaves) {
            t.requiresGrad(true);
        }
        try (ForwardAD.DualLevel level = ForwardAD.dualLevel()) {
            Tensor[] in = leaves.clone();
            in[0] = ForwardAD.makeDual(leaves[0], OpReferenceTest.build(c.get("tangents").get(0)));
            fn.get().apply(in)[0].backward();
        }
        for (int i = 0; i < leaves.length; i++) {
            assertNotNull(leaves[i].grad(), "gradient of input " + i);
            assertClose(c.get("grads").get(i), leaves[i].grad(), "gradient of input " + i);
        }
    }

    @Test
    void jvpReadsWhatForwardSaved() {
        JsonNode c = reference("jvpReadsWhatForwardSaved");
        assertMatchesTorch(c, () -> new SaveForForward(4));
        assertBackwardThroughDual(c, () -> new SaveForForward(4));
        assertEquals(c.get("gradcheck").asBoolean(), gradcheck(c, in -> new SaveForForward(4).apply(in)[0]));
    }

    @Test
    void savedForBackwardOnly() {
        JsonNode c = reference("savedForBackwardOnly");
        assertMatchesTorch(c, SavedForBackwardOnly::new);
        assertBackwardThroughDual(c, SavedForBackwardOnly::new);
        assertEquals(c.get("gradcheck").asBoolean(), gradcheck(c, in -> new SavedForBackwardOnly().apply(in)[0]));
    }

    // ---------------------------------------------------------------- non_differentiable (upstream's assertions)

    /** (x.clone(), y.clone()) with the second marked non-differentiable; the jvp gives it none, or wrongly one. */
    static final class MarkedNonDifferentiable extends Function {
        private final boolean tangentForSecond;

        MarkedNonDifferentiable(boolean tangentForSecond) {
            this.tangentForSecond = tangentForSecond;
        }

        @Override
        protected Tensor[] forward(Tensor[] in) {
            Tensor out = in[1].clone();
            markNonDifferentiable(out);
            return new Tensor[] {in[0].clone(), out};
        }

        @Override
        protected Tensor[] backward(Tensor[] grad) {
            return new Tensor[] {grad[0], null};
        }

        @Override
        protected Tensor[] jvp(Tensor[] tangents) {
            return new Tensor[] {tangents[0], tangentForSecond ? tangents[0].clone() : null};
        }
    }

    /** (x.clone(), n.clone()) for an INT64 n, not marked non-differentiable: integers have no tangent anyway. */
    static final class IntegerOutput extends Function {
        @Override
        protected Tensor[] forward(Tensor[] in) {
            return new Tensor[] {in[0].clone(), in[1].clone()};
        }

        @Override
        protected Tensor[] backward(Tensor[] grad) {
            return new Tensor[] {grad[0], null};
        }

        @Override
        protected Tensor[] jvp(Tensor[] tangents) {
            return new Tensor[] {tangents[0], null};
        }
    }

    @Test
    void nonDifferentiableOutputsHaveNoTangent() {
        Tensor x = Tensor.scalar(DType.FLOAT64, 2);
        Tensor t = Tensor.scalar(DType.FLOAT64, 1);
        try (ForwardAD.DualLevel level = ForwardAD.dualLevel()) {
            Tensor[] out = new MarkedNonDifferentiable(false).apply(ForwardAD.makeDual(x, t), Tensor.scalar(DType.FLOAT64, 3));
            assertArrayEquals(t.toDoubleArray(), ForwardAD.tangent(out[0]).toDoubleArray());
            assertNull(ForwardAD.tangent(out[1]), "a non-differentiable output carries no tangent");
            Tensor[] ints = new IntegerOutput().apply(ForwardAD.makeDual(x, t), Tensor.scalar(DType.INT64, 3));
            assertArrayEquals(t.toDoubleArray(), ForwardAD.tangent(ints[0]).toDoubleArray());
            assertEquals(DType.INT64, ints[1].dtype());
            assertNull(ForwardAD.tangent(ints[1]), "an integer output carries no tangent");
            // torch: "You should return None at that position instead"
            RuntimeException e = assertThrows(RuntimeException.class,
                    () -> new MarkedNonDifferentiable(true).apply(ForwardAD.makeDual(x, t), Tensor.scalar(DType.FLOAT64, 3)));
            assertTrue(e instanceof IllegalStateException || e instanceof IllegalArgumentException, e.toString());
        }
    }
}
