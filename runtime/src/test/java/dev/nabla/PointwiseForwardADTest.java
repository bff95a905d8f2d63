package dev.nabla;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nabla.autograd.ForwardAD;
import dev.nabla.backend.BinaryOp;
import dev.nabla.backend.UnaryOp;
import dev.nabla.internal.TensorAccess;
import dev.nabla.nn.Functional;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Forward mode (and, beside it, the backward) of every elementwise op, driven by the ops'
 * declarations ({@link UnaryOp}, {@link BinaryOp}): each is reached through the {@link Tensor}
 * method its declaration names, and checked in float64 by {@link Gradcheck} with
 * {@code check_forward_ad} (the jvp against finite differences and against the backward, with the
 * default tolerances atol 1e-5, rtol 1e-3), with broadcasting and scalar operands; and the
 * in-place ops' tangents under an open {@link ForwardAD} level.
 */
class PointwiseForwardADTest {
    private static final Gradcheck.Options FORWARD = Gradcheck.Options.defaults().withCheckForwardAD(true);

    private static Tensor leaf(double[] values, long... shape) {
        return Tensor.of(values).reshape(shape).requiresGrad(true);
    }

    /** Values away from 0 (where abs, relu and sign have kinks), positive for the ops defined on positives only. */
    private static double[] valuesFor(UnaryOp op) {
        switch (op) {
            case LOG:
            case SQRT:
            case RSQRT:
            case LOG1P:
                return new double[] {0.3, 0.9, 1.7, 2.4, 0.6, 3.1};
            default:
                return new double[] {-1.3, -0.4, 0.6, 1.7, -2.2, 0.25};
        }
    }

    private static Tensor call(String name, Class<?>[] types, Object target, Object... args) {
        try {
            Method m = Tensor.class.getMethod(name, types);
            return (Tensor) m.invoke(target, args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException) {
                throw (RuntimeException) e.getCause();
            }
            throw new AssertionError(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("Tensor has no method " + name + Arrays.toString(types) + " named by the declaration", e);
        }
    }

    /**
     * {@code op(x)} through the public method the declaration names: {@link Tensor}'s, or for an op
     * PyTorch offers only as a function (gelu), {@link Functional}'s static one; an op with neither
     * (gelu_slope, GELU's derivative) as the runtime applies it.
     */
    private static Tensor unary(UnaryOp op, Tensor x) {
        if (onTensor(op)) {
            return call(op.opName(), new Class<?>[0], x);
        }
        return onFunctional(op) ? functional(op.opName(), x) : TensorAccess.get().unary(op, x);
    }

    private static boolean onTensor(UnaryOp op) {
        return Arrays.stream(Tensor.class.getMethods()).anyMatch(m -> m.getName().equals(op.opName()) && m.getParameterCount() == 0);
    }

    private static boolean onFunctional(UnaryOp op) {
        return Arrays.stream(Functional.class.getMethods()).anyMatch(m -> m.getName().equals(op.opName())
                && Arrays.equals(m.getParameterTypes(), new Class<?>[] {Tensor.class}));
    }

    private static Tensor functional(String name, Tensor x) {
        try {
            return (Tensor) Functional.class.getMethod(name, Tensor.class).invoke(null, x);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException) {
                throw (RuntimeException) e.getCause();
            }
            throw new AssertionError(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("neither Tensor nor Functional has a method " + name + " named by the declaration", e);
        }
    }

    private static Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        return call(op.opName(), new Class<?>[] {Tensor.class}, a, b);
    }

    private static Tensor binary(BinaryOp op, Tensor a, double b) {
        return call(op.opName(), new Class<?>[] {double.class}, a, b);
    }

    // ---------------------------------------------------------------- unary

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void unaryOpsJvpAndBackwardAgreeWithFiniteDifferences(UnaryOp op) {
        Tensor x = leaf(valuesFor(op), 2, 3);
        assertTrue(Gradcheck.check(in -> unary(op, in[0]), FORWARD, x));
        assertTrue(Gradcheck.gradgradcheck(in -> unary(op, in[0]), x));
    }

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void unaryOpsJvpThroughAStridedView(UnaryOp op) {
        Tensor x = Tensor.of(valuesFor(op)).reshape(2, 3).t().requiresGrad(true);
        assertTrue(Gradcheck.check(in -> unary(op, in[0]), FORWARD, x));
    }

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void integerAndBoolInputsFollowTheDeclaredDomain(UnaryOp op) {
        Tensor ints = Tensor.of(new long[] {1, 2, 3});
        Tensor bools = Tensor.of(true, false, true);
        if (op.accepts(DType.INT64)) {
            assertEquals(DType.INT64, unary(op, ints).dtype());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> unary(op, bools));
            assertTrue(e.getMessage().startsWith(op.opName() + ": "), e.getMessage());
        } else if (!onFunctional(op)) {
            assertEquals(DType.FLOAT32, unary(op, ints).dtype());
            assertEquals(DType.FLOAT32, unary(op, bools).dtype());
        } else {
            // torch.nn.functional's activations refuse integer and bool inputs instead of converting them.
            for (Tensor notFloating : new Tensor[] {ints, bools}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> unary(op, notFloating));
                assertTrue(e.getMessage().startsWith(op.opName() + ": "), e.getMessage());
            }
        }
        assertEquals(DType.FLOAT64, unary(op, Tensor.of(valuesFor(op))).dtype());
    }

    @Test
    void boolRejectionsUsePyTorchsWording() {
        Tensor bools = Tensor.of(true, false);
        assertTrue(assertThrows(IllegalArgumentException.class, bools::neg).getMessage()
                .contains("Negation, the `-` operator, on a bool tensor is not supported"));
        assertTrue(assertThrows(IllegalArgumentException.class, bools::relu).getMessage()
                .contains("Boolean inputs not supported for relu"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> bools.sub(bools)).getMessage()
                .contains("Subtraction, the `-` operator, with a bool tensor is not supported"));
    }

    @Test
    void signGivesTheSignAndAZeroDerivative() {
        Tensor x = Tensor.of(-2.5, 0.0, 3.0, Double.NaN);
        double[] s = x.sign().toDoubleArray();
        assertArrayEquals(new double[] {-1, 0, 1}, Arrays.copyOf(s, 3));
        assertTrue(Double.isNaN(s[3]));
        assertArrayEquals(new long[] {-1, 0, 1}, Tensor.of(new long[] {-7, 0, 9}).sign().toLongArray());
        Tensor[] jvp = Autograd.jvp(in -> in[0].sign(), new Tensor[] {Tensor.of(-1.0, 2.0)}, new Tensor[] {Tensor.of(1.0, 1.0)});
        assertArrayEquals(new double[] {0, 0}, jvp[1].toDoubleArray());
    }

    // ---------------------------------------------------------------- binary

    static List<BinaryOp> arithmetic() {
        List<BinaryOp> ops = new ArrayList<>();
        for (BinaryOp op : BinaryOp.values()) {
            if (!op.isComparison()) {
                ops.add(op);
            }
        }
        return ops;
    }

    /** Operands that avoid ties (maximum/minimum) and non-positive bases (pow). */
    private static Tensor first(long... shape) {
        int n = (int) Arrays.stream(shape).reduce(1, (p, q) -> p * q);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = 0.4 + 0.31 * i + 0.05 * Math.sin(i);
        }
        return leaf(v, shape);
    }

    private static Tensor second(long... shape) {
        int n = (int) Arrays.stream(shape).reduce(1, (p, q) -> p * q);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = 1.9 - 0.27 * i + 0.03 * Math.cos(i);
        }
        return leaf(v, shape);
    }

    static Stream<Object[]> shapePairs() {
        long[][][] pairs = {
            {{2, 3}, {2, 3}}, {{2, 3}, {3}}, {{2, 1}, {1, 3}}, {{3}, {2, 3}}, {{2, 3}, {}}, {{}, {2, 3}}};
        List<Object[]> cases = new ArrayList<>();
        for (BinaryOp op : arithmetic()) {
            for (long[][] p : pairs) {
                cases.add(new Object[] {op, p[0], p[1]});
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("shapePairs")
    void binaryOpsJvpWithBroadcastingAgreesWithFiniteDifferences(BinaryOp op, long[] shapeA, long[] shapeB) {
        Tensor a = first(shapeA);
        Tensor b = second(shapeB);
        assertTrue(Gradcheck.check(in -> binary(op, in[0], in[1]), FORWARD, a, b));
        assertTrue(Gradcheck.gradgradcheck(in -> binary(op, in[0], in[1]), a, b));
    }

    @ParameterizedTest
    @MethodSource("arithmetic")
    void binaryOpsJvpWithOneOperandConstant(BinaryOp op) {
        Tensor constant = second(3).detach();
        assertTrue(Gradcheck.check(in -> binary(op, in[0], constant), FORWARD, first(2, 3)));
        Tensor base = first(2, 3).detach();
        assertTrue(Gradcheck.check(in -> binary(op, base, in[0]), FORWARD, second(3)));
    }

    @ParameterizedTest
    @MethodSource("arithmetic")
    void binaryOpsJvpWithAScalarOperand(BinaryOp op) {
        assertTrue(Gradcheck.check(in -> binary(op, in[0], 1.3), FORWARD, first(2, 3)));
        assertTrue(Gradcheck.gradgradcheck(in -> binary(op, in[0], 1.3), first(2, 3)));
    }

    @Test
    void powBackwardNodesAreNamedAsPyTorchs() {
        Tensor x = first(2);
        assertEquals("PowBackward0", x.pow(2).gradFn().name());
        assertEquals("PowBackward1", x.pow(Tensor.of(2.0, 3.0)).gradFn().name());
        assertEquals("MulBackward0", x.mul(2).gradFn().name());
    }

    @Test
    void tiesOfMaximumAndMinimumShareTheTangent() {
        Tensor a = Tensor.of(1.0, 2.0);
        Tensor b = Tensor.of(1.0, 3.0);
        Tensor[] max = Autograd.jvp(in -> in[0].maximum(in[1]), new Tensor[] {a, b},
                new Tensor[] {Tensor.of(4.0, 4.0), Tensor.of(2.0, 2.0)});
        assertArrayEquals(new double[] {3, 2}, max[1].toDoubleArray());
        Tensor[] min = Autograd.jvp(in -> in[0].minimum(in[1]), new Tensor[] {a, b},
                new Tensor[] {Tensor.of(4.0, 4.0), Tensor.of(2.0, 2.0)});
        assertArrayEquals(new double[] {3, 4}, min[1].toDoubleArray());
    }

    // ---------------------------------------------------------------- clamp, where, maskedFill, copies

    @Test
    void clampWhereAndMaskedFillJvpAgreeWithFiniteDifferences() {
        Tensor x = leaf(new double[] {-1.3, -0.4, 0.6, 1.7, -2.2, 0.25}, 2, 3);
        assertTrue(Gradcheck.check(in -> in[0].clamp(-1, 1), FORWARD, x));
        assertTrue(Gradcheck.check(in -> in[0].clampMin(0.1), FORWARD, x));
        assertTrue(Gradcheck.check(in -> in[0].clampMax(0.1), FORWARD, x));
        Tensor cond = Tensor.of(true, false, true);
        assertTrue(Gradcheck.check(in -> Tensor.where(cond, in[0], in[1]), FORWARD, x, second(2, 1)));
        assertTrue(Gradcheck.check(in -> Tensor.where(cond, in[0], in[1]), FORWARD, first(3), second(2, 1)));
        Tensor mask = Tensor.of(false, true, false);
        assertTrue(Gradcheck.check(in -> in[0].maskedFill(mask, 7), FORWARD, x));
    }

    @Test
    void whereWithOneOperandConstantExpandsTheTangentToTheOutput() {
        Tensor cond = Tensor.of(true, false);
        Tensor other = Tensor.of(new double[] {5, 6, 7, 8}).reshape(2, 2);
        Tensor[] r = Autograd.jvp(in -> Tensor.where(cond, in[0], other), new Tensor[] {Tensor.of(1.0, 2.0)},
                new Tensor[] {Tensor.of(10.0, 20.0)});
        assertArrayEquals(new long[] {2, 2}, r[1].shape());
        assertArrayEquals(new double[] {10, 0, 10, 0}, r[1].toDoubleArray());
    }

    @Test
    void outFormsRefuseTangents() {
        try (ForwardAD.DualLevel level = ForwardAD.dualLevel()) {
            Tensor x = ForwardAD.makeDual(Tensor.of(1.0, 2.0), Tensor.of(1.0, 1.0));
            Tensor out = Tensor.zeros(DType.FLOAT64, 2);
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> x.add(x, out));
            assertTrue(e.getMessage().startsWith("add(..., out)"), e.getMessage());
        }
    }

    // ---------------------------------------------------------------- in place

    /** The tangent {@code inPlace} leaves on a fresh dual copy of {@code self}, with {@code other} dual too when given. */
    private static Tensor inPlaceTangent(Tensor self, Tensor selfTangent, Tensor other, Tensor otherTangent,
                                         java.util.function.BinaryOperator<Tensor> inPlace) {
        try (ForwardAD.DualLevel level = ForwardAD.dualLevel()) {
            Tensor s = selfTangent == null ? self.mul(1) : ForwardAD.makeDual(self, selfTangent).mul(1);
            Tensor o = otherTangent == null ? other : ForwardAD.makeDual(other, otherTangent);
            Tensor r = inPlace.apply(s, o);
            assertTrue(r == s, "an in-place op returns self");
            Tensor t = ForwardAD.tangent(s);
            return t == null ? null : t.detach();
        }
    }

    /** The tangent of the out-of-place {@code op} on the same duals. */
    private static Tensor outOfPlaceTangent(Tensor self, Tensor selfTangent, Tensor other, Tensor otherTangent,
                                            java.util.function.BinaryOperator<Tensor> op) {
        Tensor[] inputs = otherTangent == null ? new Tensor[] {self} : new Tensor[] {self, other};
        Tensor[] tangents = otherTangent == null ? new Tensor[] {selfTangent} : new Tensor[] {selfTangent, otherTangent};
        Gradcheck.Fn fn = otherTangent == null ? in -> op.apply(in[0], other) : in -> op.apply(in[0], in[1]);
        return Autograd.jvp(fn, inputs, tangents)[1];
    }

    static Stream<Object[]> inPlaceCases() {
        java.util.function.BinaryOperator<Tensor> add = Tensor::add;
        java.util.function.BinaryOperator<Tensor> sub = Tensor::sub;
        java.util.function.BinaryOperator<Tensor> mul = Tensor::mul;
        java.util.function.BinaryOperator<Tensor> add_ = Tensor::add_;
        java.util.function.BinaryOperator<Tensor> sub_ = Tensor::sub_;
        java.util.function.BinaryOperator<Tensor> mul_ = Tensor::mul_;
        return Stream.of(new Object[] {"add_", add_, add}, new Object[] {"sub_", sub_, sub}, new Object[] {"mul_", mul_, mul});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inPlaceCases")
    void inPlaceArithmeticGivesSelfTheRulesTangent(String name, java.util.function.BinaryOperator<Tensor> inPlace,
                                                   java.util.function.BinaryOperator<Tensor> outOfPlace) {
        Tensor self = Tensor.of(new double[] {0.5, -1.5, 2.0, 3.0, -0.25, 1.0}).reshape(2, 3);
        Tensor selfTangent = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}).reshape(2, 3);
        Tensor other = Tensor.of(0.7, -1.1, 2.3);
        Tensor otherTangent = Tensor.of(-3.0, 0.5, 2.0);
        // both dual, other broadcast along the rows
        assertArrayEquals(outOfPlaceTangent(self, selfTangent, other, otherTangent, outOfPlace).toDoubleArray(),
                inPlaceTangent(self, selfTangent, other, otherTangent, inPlace).toDoubleArray(), 1e-15, name);
        // only self dual
        assertArrayEquals(outOfPlaceTangent(self, selfTangent, other, null, outOfPlace).toDoubleArray(),
                inPlaceTangent(self, selfTangent, other, null, inPlace).toDoubleArray(), 1e-15, name);
        // only other dual: self gets a tangent of its own shape
        Tensor onlyOther = inPlaceTangent(self, null, other, otherTangent, inPlace);
        assertNotNull(onlyOther, name);
        assertArrayEquals(new long[] {2, 3}, onlyOther.shape());
        Tensor expected = outOfPlaceTangent(other, otherTangent, self, null, (o, s) -> outOfPlace.apply(s, o));
        assertArrayEquals(expected.toDoubleArray(), onlyOther.toDoubleArray(), 1e-15, name);
    }

    static Stream<Object[]> scalarInPlaceCases() {
        UnaryOperator<Tensor> add = t -> t.add_(1.5);
        UnaryOperator<Tensor> sub = t -> t.sub_(1.5);
        UnaryOperator<Tensor> mul = t -> t.mul_(1.5);
        return Stream.of(new Object[] {"add_", add, 1.0}, new Object[] {"sub_", sub, 1.0}, new Object[] {"mul_", mul, 1.5});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scalarInPlaceCases")
    void inPlaceWithAScalarScalesOrKeepsTheTangent(String name, UnaryOperator<Tensor> inPlace, double factor) {
        try (ForwardAD.DualLevel level = ForwardAD.dualLevel()) {
            Tensor s = ForwardAD.makeDual(Tensor.of(0.5, -2.0), Tensor.of(2.0, 4.0)).mul(1);
            inPlace.apply(s);
            assertArrayEquals(new double[] {2 * factor, 4 * factor}, ForwardAD.tangent(s).toDoubleArray(), 1e-15, name);
        }
    }

    @Test
    void inPlaceArithmeticIsCheckedAgainstFiniteDifferencesAndTheBackward() {
        Tensor a = first(2, 3);
        Tensor b = second(3);
        assertTrue(Gradcheck.check(in -> in[0].mul(1).mul_(in[1]), FORWARD, a, b));
        assertTrue(Gradcheck.check(in -> in[0].mul(1).add_(in[1]).mul_(in[0]), FORWARD, a, b));
        assertTrue(Gradcheck.check(in -> in[0].mul(1).sub_(in[1]).mul_(2.5), FORWARD, a, b));
    }

    @Test
    void fillsAndRandomFillsDropTheTangent() {
        List<UnaryOperator<Tensor>> writes = List.of(t -> t.fill_(2), Tensor::zero_, t -> t.uniform_(0, 1), t -> t.normal_(0, 1));
        for (UnaryOperator<Tensor> write : writes) {
            try (ForwardAD.DualLevel level = ForwardAD.dualLevel()) {
                Tensor s = ForwardAD.makeDual(Tensor.of(1.0, 2.0), Tensor.of(1.0, 1.0)).mul(1);
                write.apply(s);
                assertNull(ForwardAD.tangent(s));
                assertNull(ForwardAD.tangent(s.exp()));
            }
        }
    }

    @Test
    void copyTakesTheSourcesTangent() {
        try (ForwardAD.DualLevel level = ForwardAD.dualLevel()) {
            Tensor dst = Tensor.zeros(DType.FLOAT64, 2, 2);
            Tensor src = ForwardAD.makeDual(Tensor.of(1.0, 2.0), Tensor.of(3.0, 4.0));
            dst.copy_(src);
            assertArrayEquals(new long[] {2, 2}, ForwardAD.tangent(dst).shape());
            assertArrayEquals(new double[] {3, 4, 3, 4}, ForwardAD.tangent(dst).toDoubleArray());
            dst.copy_(Tensor.ones(DType.FLOAT64, 2, 2));
            assertNull(ForwardAD.tangent(dst), "a source without a tangent replaces the tangent by zero");
        }
        Tensor src = first(3);
        assertTrue(Gradcheck.check(in -> Tensor.zeros(DType.FLOAT64, 2, 3).copy_(in[0]).mul(in[0]), FORWARD, src));
    }

    @Test
    void anInPlaceWriteIntoAViewOfADualTensorIsRefusedNamingTheOp() {
        Tensor base = Tensor.zeros(DType.FLOAT64, 4);
        Tensor view = base.narrow(0, 1, 2);
        try (ForwardAD.DualLevel level = ForwardAD.dualLevel()) {
            base.add_(ForwardAD.makeDual(Tensor.of(1.0, 2.0, 3.0, 4.0), Tensor.ones(DType.FLOAT64, 4)));
            assertNotNull(ForwardAD.tangent(base));
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> view.mul_(2));
            assertTrue(e.getMessage().startsWith("mul_: forward-mode AD does not support"), e.getMessage());
            assertArrayEquals(new double[] {1, 2, 3, 4}, base.toDoubleArray(), "the refused write changed nothing");
        }
    }

    @Test
    void inPlaceOpsWithoutTangentsLeaveNoTangent() {
        try (ForwardAD.DualLevel level = ForwardAD.dualLevel()) {
            Tensor s = Tensor.of(1.0, 2.0);
            s.add_(Tensor.of(1.0, 1.0)).mul_(3).fill_(1);
            assertNull(ForwardAD.tangent(s));
        }
    }
}
