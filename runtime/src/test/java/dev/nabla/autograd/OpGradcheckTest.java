package dev.nabla.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nabla.DType;
import dev.nabla.Gradcheck;
import dev.nabla.Tensor;
import java.lang.invoke.MethodHandles;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Hand-written checks on {@link OpGradcheck}: each of its checks passes a correct op and names a wrong one's fault. */
class OpGradcheckTest {
    /** {@code x * x}, its backward scaled by {@code factor} (2 is right), saving {@code 2x} when asked to. */
    static final class Square extends Function {
        private final double factor;
        private final boolean saveIntermediate;

        Square(double factor, boolean saveIntermediate) {
            this.factor = factor;
            this.saveIntermediate = saveIntermediate;
        }

        @Override
        protected Tensor[] forward(Tensor[] in) {
            // The forward runs without a graph: a saved 2x is a constant to a double backward.
            saveForBackward(saveIntermediate ? in[0].mul(2) : in[0]);
            return new Tensor[] {in[0].mul(in[0])};
        }

        @Override
        protected Tensor[] backward(Tensor[] grad) {
            Tensor saved = savedTensor(0);
            return new Tensor[] {saveIntermediate ? grad[0].mul(saved) : grad[0].mul(saved).mul(factor)};
        }
    }

    /** A check of {@link Square} on five float64 elements. */
    static class SquareCheck extends OpGradcheck {
        private final double factor;
        private final boolean saveIntermediate;

        SquareCheck(double factor, boolean saveIntermediate) {
            super("com.example.Square", "x");
            this.factor = factor;
            this.saveIntermediate = saveIntermediate;
        }

        @Override
        protected Tensor[] inputs(SplittableRandom sizes) {
            return new Tensor[] {Tensor.randn(DType.FLOAT64, 2 + sizes.nextInt(3)).requiresGrad(true)};
        }

        @Override
        protected Tensor[] outputs(Tensor[] in) {
            return new Tensor[] {new Square(factor, saveIntermediate).apply(in)[0]};
        }
    }

    /**
     * {@link Square} whose backward factor is 2 on the first pass and {@code laterFactor} on the one
     * pass declared as {@code change}; with {@code valuePass}, a factor of 0 is a value the op rejects.
     */
    static final class TwoPassSquareCheck extends OpGradcheck {
        private final double laterFactor;

        TwoPassSquareCheck(String change, boolean valuePass, double laterFactor) {
            super("com.example.Square", "x");
            this.laterFactor = laterFactor;
            if (valuePass) {
                addValuePass(change);
            } else {
                addPass(change);
            }
        }

        @Override
        protected Tensor[] inputs(SplittableRandom sizes) {
            return new Tensor[] {Tensor.randn(DType.FLOAT64, 3).requiresGrad(true)};
        }

        @Override
        protected Tensor[] outputs(Tensor[] in) {
            double factor = pass() == 1 ? laterFactor : 2;
            if (factor == 0) {
                throw new IllegalArgumentException("Square: factor must not be 0");
            }
            return new Tensor[] {new Square(factor, false).apply(in)[0]};
        }
    }

    @Test
    void aFailureInADeclaredPassNamesItsChange() {
        AssertionError e = assertThrows(AssertionError.class, () -> new TwoPassSquareCheck("factor = 3", false, 3).run());

        assertTrue(e.getMessage().startsWith("Square, checked with factor = 3: Square: gradcheck failed"), e.getMessage());
    }

    @Test
    void everyPassRunsAndTheFirstIsCurrentAfterwards() {
        TwoPassSquareCheck check = new TwoPassSquareCheck("factor = 2 again", false, 2);

        check.run();

        assertEquals(0, check.pass());
    }

    @Test
    void aValuePassTheOpRejectsIsSkippedButAPassOfATensorIsNot() {
        new TwoPassSquareCheck("factor = 0", true, 0).run();
        AssertionError e = assertThrows(AssertionError.class, () -> new TwoPassSquareCheck("x = null", false, 0).run());

        assertEquals("Square, checked with x = null: Square: factor must not be 0", e.getMessage());
    }

    @Test
    void aShapeErrorOnUnshapedInputsSaysWhatToDeclare() {
        SquareCheck check = new SquareCheck(2, false) {
            {
                setUnshapedInputs(5, "x");
            }

            @Override
            protected Tensor[] outputs(Tensor[] in) {
                throw new IndexOutOfBoundsException("argmax: dimension out of range");
            }
        };

        AssertionError e = assertThrows(AssertionError.class, check::run);

        assertTrue(e.getMessage().startsWith("Square: java.lang.IndexOutOfBoundsException: argmax"), e.getMessage());
        assertTrue(e.getMessage().endsWith("note: the check built x without @Shape, as a vector of 5 elements; if the"
                + " forward needs other shapes, declare them, e.g. @Shape(\"n,m\") Tensor x"), e.getMessage());
    }

    /** {@code x²} and {@code x³}, with a jvp whose tangent of {@code x³} is scaled by {@code cubeFactor} (3 is right). */
    static final class Powers extends Function {
        private final double cubeFactor;

        Powers(double cubeFactor) {
            this.cubeFactor = cubeFactor;
        }

        @Override
        protected Tensor[] forward(Tensor[] in) {
            saveForBackward(in[0]);
            return new Tensor[] {in[0].mul(in[0]), in[0].mul(in[0]).mul(in[0])};
        }

        @Override
        protected Tensor[] backward(Tensor[] grad) {
            Tensor x = savedTensor(0);
            return new Tensor[] {grad[0].mul(x).mul(2).add(grad[1].mul(x).mul(x).mul(3))};
        }

        @Override
        protected Tensor[] jvp(Tensor[] tangents) {
            Tensor x = savedTensor(0);
            return new Tensor[] {tangents[0].mul(x).mul(2), tangents[0].mul(x).mul(x).mul(cubeFactor)};
        }
    }

    /** A check of {@link Powers} and its jvp on four float64 elements, in full or fast mode. */
    static final class PowersCheck extends OpGradcheck {
        private final double cubeFactor;

        PowersCheck(double cubeFactor, boolean fast) {
            super("com.example.Powers", "x");
            this.cubeFactor = cubeFactor;
            setOutputNames("square", "cube");
            setCheckJvp(true);
            setOptions(Gradcheck.Options.defaults().withFastMode(fast));
        }

        @Override
        protected Tensor[] inputs(SplittableRandom sizes) {
            return new Tensor[] {Tensor.randn(DType.FLOAT64, 4).requiresGrad(true)};
        }

        @Override
        protected Tensor[] outputs(Tensor[] in) {
            return new Powers(cubeFactor).apply(in);
        }
    }

    @Test
    void jvpIsCheckedOutputByOutputAgainstFiniteDifferencesAndTheBackward() {
        new PowersCheck(3, false).run();
        new PowersCheck(3, true).run();
        // Full mode: the worst entry of the forward-mode Jacobian against finite differences.
        AssertionError e = assertThrows(AssertionError.class, () -> new PowersCheck(4, false).run());
        assertTrue(e.getMessage().startsWith("Powers: the jvp of output 'cube' disagrees (seed 20261122): forward-mode"
                + " Jacobian mismatch for output 0 with respect to input 0 (shape [4])"), e.getMessage());
        // Fast mode: <v, J u> from the jvp against finite differences and <J^T v, u> from the backward.
        e = assertThrows(AssertionError.class, () -> new PowersCheck(4, true).run());
        assertTrue(e.getMessage().startsWith("Powers: the jvp of output 'cube' disagrees (seed 20261122): forward-mode"
                + " mismatch (fast mode): <v, J u> is "), e.getMessage());
        assertTrue(e.getMessage().contains(" as <J^T v, u> from the backward"), e.getMessage());
    }

    @Test
    void correctOpPassesAndNamesItself() {
        SquareCheck check = new SquareCheck(2, false);
        check.run();
        assertEquals("com.example.Square", check.opClassName());
        assertNull(check.disabledReason());
    }

    @Test
    void wrongGradientFailsNamingOpAndSeed() {
        AssertionError e = assertThrows(AssertionError.class, () -> new SquareCheck(3, false).run());
        assertTrue(e.getMessage().startsWith("Square: gradcheck failed (seed 20261122): Jacobian mismatch"),
                e.getMessage());
        SquareCheck reseeded = new SquareCheck(3, false);
        reseeded.setSeed(7);
        e = assertThrows(AssertionError.class, reseeded::run);
        assertTrue(e.getMessage().startsWith("Square: gradcheck failed (seed 7): "), e.getMessage());
    }

    @Test
    void aWrongGradientFailsEvenWithOptionsThatDoNotRaise() {
        SquareCheck quiet = new SquareCheck(3, false);
        quiet.setOptions(Gradcheck.Options.defaults().withRaiseException(false));
        AssertionError e = assertThrows(AssertionError.class, quiet::run);
        assertTrue(e.getMessage().startsWith("Square: gradcheck failed"), e.getMessage());
    }

    @Test
    void optionsReachTheChecks() {
        // A gradient 0.5% off: beyond the default rtol of 1e-3, within 1e-2.
        SquareCheck slightlyOff = new SquareCheck(2.01, false);
        assertThrows(AssertionError.class, slightlyOff::run);
        slightlyOff.setOptions(Gradcheck.Options.defaults().withRtol(1e-2));
        slightlyOff.run();
    }

    @Test
    void savedIntermediateIsNamedWhenGradgradcheckFails() {
        SquareCheck check = new SquareCheck(2, true);
        check.setSavedIntermediates("twoX");
        AssertionError e = assertThrows(AssertionError.class, check::run);
        assertTrue(e.getMessage().startsWith("Square: gradgradcheck failed (seed 20261122): "), e.getMessage());
        assertTrue(e.getMessage().contains("\nnote: @Saved twoX of Square holds an intermediate computed in the"
                + " forward without a graph"), e.getMessage());
        SquareCheck once = new SquareCheck(2, true);
        once.setOnceDifferentiable(true);
        once.run();
    }

    /** {@code 2x}, which adds 1 to its input in place whenever a graph is recorded: a bug the check must name. */
    static final class Scribble extends Function {
        @Override
        protected Tensor[] forward(Tensor[] in) {
            Tensor out = in[0].mul(2);
            if (needsInputGrad(0)) {
                in[0].add_(1);
            }
            return new Tensor[] {out};
        }

        @Override
        protected Tensor[] backward(Tensor[] grad) {
            return new Tensor[] {grad[0].mul(2)};
        }
    }

    @Test
    void inputChangedByTheOpIsNamed() {
        OpGradcheck check = new OpGradcheck("com.example.Scribble", "x") {
            @Override
            protected Tensor[] inputs(SplittableRandom sizes) {
                return new Tensor[] {Tensor.randn(DType.FLOAT64, 3).requiresGrad(true)};
            }

            @Override
            protected Tensor[] outputs(Tensor[] in) {
                return new Tensor[] {new Scribble().apply(in)[0]};
            }
        };
        AssertionError e = assertThrows(AssertionError.class, check::run);
        assertEquals("Scribble: input 'x' changed during forward and backward; an op modifies an input only when it"
                + " declares it @Dirty, and a backward never does", e.getMessage());
    }

    /**
     * {@code 2x} and {@code 3x}, absent output gradients reaching the backward as null; the second
     * output marked non-differentiable when {@code markThrice}, and a backward that fails on an
     * absent gradient when {@code fragile}.
     */
    static final class Pair extends Function {
        private final boolean markThrice;
        private final boolean fragile;

        Pair(boolean markThrice, boolean fragile) {
            this.markThrice = markThrice;
            this.fragile = fragile;
            setMaterializeGrads(false);
        }

        @Override
        protected Tensor[] forward(Tensor[] in) {
            Tensor thrice = in[0].mul(3);
            if (markThrice) {
                markNonDifferentiable(thrice);
            }
            return new Tensor[] {in[0].mul(2), thrice};
        }

        @Override
        protected Tensor[] backward(Tensor[] grad) {
            Tensor g = fragile || grad[0] != null ? grad[0].mul(2) : null;
            if (fragile || grad[1] != null) {
                g = g == null ? grad[1].mul(3) : g.add(grad[1].mul(3));
            }
            return new Tensor[] {g};
        }
    }

    /** A check of {@link Pair} with its outputs named {@code twice} and {@code thrice}. */
    static final class PairCheck extends OpGradcheck {
        private final boolean markThrice;
        private final boolean fragile;

        PairCheck(boolean markThrice, boolean fragile) {
            super("com.example.Pair", "x");
            this.markThrice = markThrice;
            this.fragile = fragile;
            setOutputNames("twice", "thrice");
        }

        @Override
        protected Tensor[] inputs(SplittableRandom sizes) {
            return new Tensor[] {Tensor.randn(DType.FLOAT64, 3).requiresGrad(true)};
        }

        @Override
        protected Tensor[] outputs(Tensor[] in) {
            return new Pair(markThrice, fragile).apply(in);
        }
    }

    @Test
    void nonDifferentiableOutputsAreLeftOutAndMustNotRequireGrad() {
        PairCheck check = new PairCheck(true, false);
        check.markNonDifferentiable("thrice");
        check.run();
        PairCheck unmarked = new PairCheck(false, false);
        unmarked.markNonDifferentiable("thrice");
        AssertionError e = assertThrows(AssertionError.class, unmarked::run);
        assertEquals("Pair: @NonDiff output 'thrice' requires grad", e.getMessage());
    }

    @Test
    void backwardMustCopeWithAbsentGradientsWhenNotMaterialized() {
        new PairCheck(false, false).run();
        PairCheck fragile = new PairCheck(false, true);
        fragile.run();
        fragile.setMaterializeGrads(false);
        AssertionError e = assertThrows(AssertionError.class, fragile::run);
        assertTrue(e.getMessage().startsWith("Pair: backward failed when only output 'twice' has a gradient (the"
                + " others are null because materializeGrads = false): "), e.getMessage());
        PairCheck robust = new PairCheck(false, false);
        robust.setMaterializeGrads(false);
        robust.run();
    }

    @Test
    void disabledCheckSaysWhy() {
        SquareCheck check = new SquareCheck(3, false);
        check.disable("straight-through: deliberately not the true gradient");
        assertEquals("straight-through: deliberately not the true gradient", check.disabledReason());
    }

    @Test
    void settingsThatDoNotMatchTheOpAreClearErrors() {
        PairCheck check = new PairCheck(false, false);
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> check.markNonDifferentiable("half"));
        assertEquals("Pair: no output named 'half' among [twice, thrice]", unknown.getMessage());
        SquareCheck misnamed = new SquareCheck(2, false) {
            @Override
            protected Tensor[] inputs(SplittableRandom sizes) {
                return new Tensor[] {Tensor.randn(DType.FLOAT64, 2).requiresGrad(true), Tensor.randn(DType.FLOAT64, 2)};
            }
        };
        IllegalStateException count = assertThrows(IllegalStateException.class, misnamed::run);
        assertEquals("Square: inputs() returned 2 tensors for 1 input names", count.getMessage());
    }

    // ---------------------------------------------------------------- declared inputs

    /**
     * {@code x @ w + b} for {@code x} of shape [n, k], {@code w} [k, m], an optional {@code b} [m]
     * and a mask [n] that gets no gradient; records the inputs of each call.
     */
    static class AffineCheck extends OpGradcheck {
        final java.util.List<Tensor[]> calls = new java.util.ArrayList<>();

        AffineCheck() {
            super("com.example.Affine");
            input("x", "n,k");
            input("w", "k, m");
            input("b", "m");
            nonDiffInput("mask", "n");
            input("scale");
            addNullPass("b");
        }

        @Override
        protected Tensor[] outputs(Tensor[] in) {
            calls.add(in.clone());
            Tensor y = in[0].matmul(in[1]);
            y = in[2] == null ? y : y.add(in[2]);
            return new Tensor[] {y.mul(in[3].unsqueeze(1)).sum().mul(in[4].sum())};
        }
    }

    @Test
    void declaredInputsShareEachSymbolsSizeAndOnlyDifferentiableOnesRequireGrad() {
        AffineCheck check = new AffineCheck();

        Tensor[] in = check.inputs(new SplittableRandom(OpGradcheck.DEFAULT_SEED));

        SplittableRandom sizes = new SplittableRandom(OpGradcheck.DEFAULT_SEED);
        long n = 2 + sizes.nextInt(3);
        long k = 2 + sizes.nextInt(3);
        long m = 2 + sizes.nextInt(3);
        assertEquals(java.util.List.of(n, k), java.util.List.of(in[0].size(0), in[0].size(1)));
        assertEquals(java.util.List.of(k, m), java.util.List.of(in[1].size(0), in[1].size(1)));
        assertEquals(m, in[2].size(0));
        assertEquals(n, in[3].size(0));
        assertEquals(OpGradcheck.UNSHAPED_LENGTH, in[4].size(0));
        assertEquals(DType.FLOAT64, in[0].dtype());
        assertTrue(in[0].requiresGrad() && in[1].requiresGrad() && in[2].requiresGrad() && in[4].requiresGrad());
        assertTrue(!in[3].requiresGrad(), "a non-differentiable input must not require grad");
    }

    @Test
    void aNullPassLeavesItsInputOutAndIsNamedInAFailure() {
        AffineCheck check = new AffineCheck();

        check.run();

        assertTrue(check.calls.stream().anyMatch(c -> c[2] == null), "no call without b");
        assertTrue(check.calls.stream().anyMatch(c -> c[2] != null), "no call with b");
        AffineCheck wrong = new AffineCheck() {
            @Override
            protected Tensor[] outputs(Tensor[] in) {
                if (in[2] == null) {
                    throw new IllegalStateException("b is required");
                }
                return super.outputs(in);
            }
        };
        AssertionError e = assertThrows(AssertionError.class, wrong::run);
        assertTrue(e.getMessage().startsWith("Affine, checked with b = null: "), e.getMessage());
    }

    @Test
    void undeclaredNullPassAndUndeclaredInputsAreClearErrors() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> new OpGradcheck(
                "com.example.Affine") {
            {
                input("x", "n");
                addNullPass("bias");
            }

            @Override
            protected Tensor[] outputs(Tensor[] in) {
                return in;
            }
        });
        assertEquals("Affine: no declared input named 'bias' among [x]", unknown.getMessage());
        IllegalArgumentException badShape = assertThrows(IllegalArgumentException.class, () -> new OpGradcheck(
                "com.example.Affine") {
            {
                input("x", "n,,3");
            }

            @Override
            protected Tensor[] outputs(Tensor[] in) {
                return in;
            }
        });
        assertEquals("Affine: input 'x' has the shape \"n,,3\", whose dimension 1 is neither a symbol nor a size",
                badShape.getMessage());
        OpGradcheck named = new OpGradcheck("com.example.Affine", "x") {
            @Override
            protected Tensor[] outputs(Tensor[] in) {
                return in;
            }
        };
        IllegalStateException undeclared = assertThrows(IllegalStateException.class, named::run);
        assertTrue(undeclared.getMessage().startsWith("Affine: the check names its inputs but neither declares them"),
                undeclared.getMessage());
    }

    @Test
    void anUnshapedDeclaredInputGetsTheShapeNote() {
        OpGradcheck check = new OpGradcheck("com.example.Rows") {
            {
                input("x");
            }

            @Override
            protected Tensor[] outputs(Tensor[] in) {
                return new Tensor[] {in[0].sum(1, false)};
            }
        };

        AssertionError e = assertThrows(AssertionError.class, check::run);

        assertTrue(e.getMessage().contains("note: the check built x without @Shape, as a vector of 5 elements"),
                e.getMessage());
    }

    /** The calls of the checks made by {@link #declaredCheck}: the op, a right or wrong square, for each pass. */
    private static Tensor[] squareOutputs(Tensor[] in, int pass) {
        // Pass 1 scales the backward wrongly, so that a failure must name that pass's change.
        return new Tensor[] {new Square(pass == 1 ? 3 : 2, false).apply(in)[0]};
    }

    /** {@link OpGradcheck#of} as the generated code uses it, its op's call a private static method found by name. */
    private static OpGradcheck declaredCheck() {
        OpGradcheck check = OpGradcheck.of("com.example.Square", MethodHandles.lookup(), "squareOutputs");
        check.input("x", "n");
        return check;
    }

    @Test
    void aCheckFromOfCallsTheNamedMethodWithThePass() {
        declaredCheck().run();

        OpGradcheck twoPasses = declaredCheck();
        twoPasses.addPass("factor = 3");
        AssertionError e = assertThrows(AssertionError.class, twoPasses::run);
        assertTrue(e.getMessage().startsWith("Square, checked with factor = 3: Square: gradcheck failed"), e.getMessage());
    }

    @Test
    void ofNamesTheMethodItCannotFind() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OpGradcheck.of("com.example.Square", MethodHandles.lookup(), "noSuchOutputs"));

        assertEquals("OpGradcheck.of(com.example.Square): dev.nabla.autograd.OpGradcheckTest has no static method"
                + " Tensor[] noSuchOutputs(Tensor[] inputs, int pass) that its lookup can call", e.getMessage());
    }

    /** A function as the processor generates one: {@code apply} takes the tensors and the other arguments. */
    public static final class ScaledSquareFunction {
        private ScaledSquareFunction() {}

        /** {@link Square} times {@code scale}, its backward wrong when {@code scale} is negative; {@code k} must be 1 or 2. */
        public static Tensor apply(Tensor x, long k, double scale) {
            if (k != 1 && k != 2) {
                throw new IllegalArgumentException("k = " + k);
            }
            return new Square(scale < 0 ? 3 : 2, false).apply(new Tensor[] {x})[0].mul(scale);
        }
    }

    /** Two outputs, in a record that is not public. */
    record Parts(Tensor square, Tensor twice) {}

    /** A function whose {@code apply} returns a record of its outputs. */
    public static final class PartsFunction {
        private PartsFunction() {}

        public static Parts apply(Tensor x) {
            return new Parts(new Square(2, false).apply(new Tensor[] {x})[0], x.mul(2));
        }
    }

    @Test
    void aCheckFromOfClassCallsApplyWithTheDeclaredValuesAndNamesThePassThatFails() {
        OpGradcheck check = OpGradcheck.of("com.example.ScaledSquare", ScaledSquareFunction.class);
        check.input("x", "n");
        // An int for a long parameter; the pass k = 3 is outside the op's domain, and skipped.
        check.value("k", 1, 2, 3);
        check.value("scale", 0.5);
        check.run();

        OpGradcheck negative = OpGradcheck.of("com.example.ScaledSquare", ScaledSquareFunction.class);
        negative.input("x", "n");
        negative.value("k", 1);
        negative.value("scale", 0.5, -1.5);
        AssertionError e = assertThrows(AssertionError.class, negative::run);
        assertTrue(e.getMessage().startsWith("ScaledSquare, checked with scale = -1.5: ScaledSquare: gradcheck failed"),
                e.getMessage());
    }

    @Test
    void aCheckFromOfClassTakesTheOutputsFromTheRecordApplyReturns() {
        OpGradcheck check = OpGradcheck.of("com.example.Parts", PartsFunction.class);
        check.input("x", "n");
        check.setOutputNames("square", "twice");
        check.run();
    }

    @Test
    void aCheckFromOfClassSaysWhatDoesNotMatchApply() {
        OpGradcheck tooFew = OpGradcheck.of("com.example.ScaledSquare", ScaledSquareFunction.class);
        tooFew.input("x", "n");
        tooFew.value("k", 1);
        IllegalStateException e = assertThrows(IllegalStateException.class, tooFew::run);
        assertEquals("ScaledSquare: the check declares 2 arguments [x, k] for an apply method of 3 parameters",
                e.getMessage());

        OpGradcheck notALong = OpGradcheck.of("com.example.ScaledSquare", ScaledSquareFunction.class);
        notALong.input("x", "n");
        notALong.value("k", 1.5);
        notALong.value("scale", 0.5);
        e = assertThrows(IllegalStateException.class, notALong::run);
        assertEquals("ScaledSquare: the value 1.5 of 'k' is not a long, the type of its parameter", e.getMessage());

        OpGradcheck swapped = OpGradcheck.of("com.example.ScaledSquare", ScaledSquareFunction.class);
        swapped.value("k", 1);
        swapped.input("x", "n");
        swapped.value("scale", 0.5);
        e = assertThrows(IllegalStateException.class, swapped::run);
        assertEquals("ScaledSquare: argument 0, 'k', is declared a value, but apply takes a tensor there",
                e.getMessage());
    }

    @Test
    void ofClassNeedsOnePublicStaticApply() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OpGradcheck.of("com.example.Square", Square.class));

        assertEquals("OpGradcheck.of(com.example.Square): dev.nabla.autograd.OpGradcheckTest$Square has no public"
                + " static apply method", e.getMessage());
    }
}
