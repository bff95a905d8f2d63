package dev.nabla.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.nabla.annotations.Differentiable;
import java.io.File;
import java.net.URISyntaxException;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * One test per compile error of DESIGN.md's list (and a few more), each located on the line of
 * the offending element and checked for the rule and the remedy it states.
 */
class CompileErrorsTest {
    private static final String HEADER = """
            package test;

            import dev.nabla.Tensor;
            import dev.nabla.annotations.*;

            """;

    private static JavaFileObject op(String body) {
        return JavaFileObjects.forSourceString("test.Op", HEADER + body);
    }

    private static Compilation compile(JavaFileObject... sources) {
        return javac().withProcessors(new NablaProcessor()).compile(sources);
    }

    /** Compiles {@code body} as test.Op and checks one error on {@code line} containing every fragment. */
    private static void assertError(String body, String line, String... fragments) {
        JavaFileObject source = op(body);
        Compilation compilation = compile(source);
        assertThat(compilation).failed();
        for (String fragment : fragments) {
            assertThat(compilation).hadErrorContaining(fragment).inFile(source).onLineContaining(line);
        }
        assertNoInternalError(compilation);
    }

    private static void assertNoInternalError(Compilation compilation) {
        for (var d : compilation.diagnostics()) {
            org.junit.jupiter.api.Assertions.assertFalse(d.getMessage(null).contains("NablaInternalError"),
                    d.getMessage(null));
        }
    }

    // ------------------------------------------------------------------ forward and backward pairing

    @Test
    void missingBackwardShowsTheSignatureToAdd() {
        assertError("""
                public final class Op {
                    @Differentiable
                    Tensor forward(Tensor x, Tensor y) {
                        return x.mul(y);
                    }
                }
                """, "public final class Op",
                "[NablaMissingBackward] op Op has a @Differentiable forward but no @Backward method",
                "Grads backward(Tensor gradOutput)", "record Grads(Tensor x, Tensor y) {}");
    }

    @Test
    void backwardWithoutForward() {
        assertError("""
                public final class Op {
                    @Backward
                    Tensor backward(Tensor gradOut) {
                        return gradOut;
                    }
                }
                """, "Tensor backward(",
                "[NablaMissingForward] @Backward method backward() has no @Differentiable forward in its class Op");
    }

    @Test
    void twoForwards() {
        assertError("""
                public final class Op {
                    @Differentiable
                    Tensor forward(Tensor x) {
                        return x;
                    }

                    @Differentiable
                    Tensor forward2(Tensor x) {
                        return x;
                    }

                    @Backward
                    Tensor backward(Tensor gradOut) {
                        return gradOut;
                    }
                }
                """, "Tensor forward2(",
                "[NablaDuplicateForward] op Op has a second @Differentiable method forward2() (the first is forward())");
    }

    @Test
    void twoBackwards() {
        assertError("""
                public final class Op {
                    @Differentiable
                    Tensor forward(Tensor x) {
                        return x;
                    }

                    @Backward
                    Tensor backward(Tensor gradOut) {
                        return gradOut;
                    }

                    @Backward
                    Tensor backward2(Tensor gradOut) {
                        return gradOut;
                    }
                }
                """, "Tensor backward2(", "[NablaDuplicateBackward] op Op has a second @Backward method backward2()");
    }

    // ------------------------------------------------------------------ the jvp

    /** A valid op on {@code x} and {@code y} with two outputs; {@code JVP} stands for its @Jvp method. */
    private static final String TWO_OUTPUTS = """
            public final class Op {
                record Out(Tensor sum, Tensor product) {}

                record Grads(Tensor x, Tensor y) {}

                @Differentiable
                Out forward(Tensor x, Tensor y) {
                    return new Out(x.add(y), x.mul(y));
                }

                @Backward
                Grads backward(Tensor gradSum, Tensor gradProduct) {
                    return new Grads(gradSum, gradSum);
                }

                JVP
            }
            """;

    @Test
    void jvpWithoutForward() {
        assertError("""
                public final class Op {
                    @Jvp
                    Tensor jvp(Tensor x) {
                        return x;
                    }
                }
                """, "Tensor jvp(",
                "[NablaMissingForward] @Jvp method jvp() has no @Differentiable forward in its class Op; add the"
                        + " forward method to Op, or remove @Jvp");
    }

    @Test
    void twoJvps() {
        assertError("public final class Op {\n" + """
                    @Jvp
                    Tensor jvp(Tensor x) {
                        return x;
                    }

                    @Jvp
                    Tensor jvp2(Tensor x) {
                        return x;
                    }
                """ + IDENTITY, "Tensor jvp2(",
                "[NablaDuplicateJvp] op Op has a second @Jvp method jvp2() (the first is jvp()); an op has one"
                        + " forward-mode rule, so remove one");
    }

    @Test
    void jvpOnTheForwardItself() {
        assertError("""
                public final class Op {
                    @Differentiable
                    @Jvp
                    Tensor forward(Tensor x) {
                        return x;
                    }

                    @Backward
                    Tensor backward(Tensor gradOut) {
                        return gradOut;
                    }
                }
                """, "@Jvp",
                "[NablaMisplacedAnnotation] @Jvp is on forward Op.forward()", "declare the jvp as a method of its own");
    }

    @Test
    void forwardAnnotationOnTheJvp() {
        assertError("public final class Op {\n" + """
                    @Jvp
                    @Shape("n")
                    Tensor jvp(Tensor x) {
                        return x;
                    }
                """ + IDENTITY, "@Shape(\"n\")", "[NablaMisplacedAnnotation] @Shape is on jvp Op.jvp()");
    }

    @Test
    void jvpTakingTooFewTangentsShowsTheSignature() {
        assertError(TWO_OUTPUTS.replace("JVP", """
                @Jvp
                    Out jvp(Tensor x) {
                        return new Out(x, x);
                    }"""), "Out jvp(",
                "[NablaJvpArity] jvp takes 1 tangent but forward has 2 differentiable tensor inputs (x, y)",
                "declare one Tensor parameter per differentiable input, named like it and in its order:"
                        + " @Jvp Out jvp(Tensor x, Tensor y)");
    }

    @Test
    void jvpTakesNoTangentForANonDiffInput() {
        assertError("""
                public final class Op {
                    @Differentiable
                    Tensor forward(Tensor x, @NonDiff Tensor mask) {
                        return x.mul(mask);
                    }

                    @Backward
                    Tensor backward(Tensor gradOut) {
                        return gradOut;
                    }

                    @Jvp
                    Tensor jvp(Tensor x, Tensor mask) {
                        return x;
                    }
                }
                """, "Tensor jvp(",
                "[NablaJvpArity] jvp takes 2 tangents but forward has 1 differentiable tensor input (x)",
                "@Jvp Tensor jvp(Tensor x)");
    }

    @Test
    void jvpTangentNamedUnlikeItsInput() {
        assertError(TWO_OUTPUTS.replace("JVP", """
                @Jvp
                    Out jvp(Tensor x,
                            Tensor dy) {
                        return new Out(x, dy);
                    }"""), "Tensor dy)",
                "[NablaJvpParameter] jvp parameter 2 'dy' is not named like the forward's differentiable input 2, 'y';",
                "declare it as Tensor y (in full: @Jvp Out jvp(Tensor x, Tensor y))");
    }

    @Test
    void jvpTangentsInTheWrongOrder() {
        assertError(TWO_OUTPUTS.replace("JVP", """
                @Jvp
                    Out jvp(Tensor y, Tensor x) {
                        return new Out(x, y);
                    }"""), "Out jvp(",
                "[NablaJvpParameter] jvp parameter 1 'y' is not named like the forward's differentiable input 1, 'x'");
    }

    @Test
    void jvpTangentThatIsNotATensor() {
        assertError("public final class Op {\n" + """
                    @Jvp
                    Tensor jvp(double x) {
                        return null;
                    }
                """ + IDENTITY, "Tensor jvp(",
                "[NablaJvpParameter] jvp parameter 1 'x' is double, not a Tensor;", "declare it as Tensor x");
    }

    @Test
    void jvpReturningARecordForASingleOutput() {
        assertError("public final class Op {\n" + """
                    record Tangents(Tensor output) {}

                    @Jvp
                    Tangents jvp(Tensor x) {
                        return new Tangents(x);
                    }
                """ + IDENTITY, "Tangents jvp(",
                "[NablaJvpReturn] jvp returns Tangents, but the forward returns Tensor; return the output's tangent as"
                        + " a Tensor (null when it is zero)");
    }

    @Test
    void jvpReturningATensorForSeveralOutputs() {
        assertError(TWO_OUTPUTS.replace("JVP", """
                @Jvp
                    Tensor jvp(Tensor x, Tensor y) {
                        return x;
                    }"""), "Tensor jvp(",
                "[NablaJvpReturn] jvp returns Tensor, but the forward returns Out; return an Out holding each output's"
                        + " tangent (null for one that is zero)");
    }

    @Test
    void privateJvp() {
        assertError("public final class Op {\n" + """
                    @Jvp
                    private Tensor jvp(Tensor x) {
                        return x;
                    }
                """ + IDENTITY, "private Tensor jvp(", "[NablaMethodModifiers] jvp method jvp() is private");
    }

    // ------------------------------------------------------------------ backward parameters

    @Test
    void backwardTakesTheWrongNumberOfGradients() {
        assertError("""
                public final class Op {
                    @Differentiable
                    Tensor forward(Tensor x) {
                        return x;
                    }

                    @Backward
                    Tensor backward(Tensor gradOut, Tensor extra) {
                        return gradOut;
                    }
                }
                """, "Tensor backward(",
                "[NablaBackwardArity] backward takes 2 gradients but forward has 1 differentiable output; declare"
                        + " exactly 1 Tensor parameter: backward(Tensor gradOutput)");
    }

    @Test
    void backwardArityCountsOnlyDifferentiableRecordOutputs() {
        assertError("""
                public final class Op {
                    record Out(Tensor values, @NonDiff Tensor indices) {}

                    @Differentiable
                    Out forward(Tensor x) {
                        return new Out(x, x);
                    }

                    @Backward
                    Tensor backward(Tensor gradValues, Tensor gradIndices) {
                        return gradValues;
                    }
                }
                """, "Tensor backward(",
                "[NablaBackwardArity] backward takes 2 gradients but forward has 1 differentiable output (values)");
    }

    @Test
    void gradientParameterThatIsNotATensor() {
        assertError("""
                public final class Op {
                    @Differentiable
                    Tensor forward(Tensor x) {
                        return x;
                    }

                    @Backward
                    Tensor backward(
                            double gradOut) {
                        return null;
                    }
                }
                """, "double gradOut",
                "[NablaGradientType] backward parameter 'gradOut' is double, but every gradient is a Tensor");
    }

    // ------------------------------------------------------------------ backward results

    @Test
    void backwardReturnsTensorForTwoInputs() {
        assertError("""
                public final class Op {
                    @Differentiable
                    Tensor forward(Tensor a, Tensor b) {
                        return a.add(b);
                    }

                    @Backward
                    Tensor backward(Tensor gradOut) {
                        return gradOut;
                    }
                }
                """, "Tensor backward(",
                "[NablaBackwardReturn] backward returns Tensor but forward has 2 differentiable tensor inputs (a, b)",
                "record Grads(Tensor a, Tensor b) {}");
    }

    @Test
    void backwardReturnsTensorForNoDifferentiableInput() {
        assertError("""
                public final class Op {
                    @Differentiable
                    Tensor forward(@NonDiff Tensor a, int n) {
                        return a.mul(n);
                    }

                    @Backward
                    Tensor backward(Tensor gradOut) {
                        return gradOut;
                    }
                }
                """, "Tensor backward(",
                "[NablaBackwardReturn] backward returns Tensor but forward has 0 differentiable tensor inputs");
    }

    @Test
    void backwardReturnsNeitherTensorNorRecord() {
        assertError("""
                public final class Op {
                    @Differentiable
                    Tensor forward(Tensor x) {
                        return x;
                    }

                    @Backward
                    void backward(Tensor gradOut) {
                    }
                }
                """, "void backward(",
                "[NablaBackwardReturn] backward returns void, but it must return the input gradients; return the"
                        + " gradient of 'x' as a Tensor");
    }

    private static final String TWO_INPUTS = """
            public final class Op {
                @Differentiable
                Tensor forward(Tensor input, Tensor weight) {
                    return input.mul(weight);
                }

                @Backward
                Grads backward(Tensor gradOut) {
                    return null;
                }

            """;

    @Test
    void gradientRecordMissesAComponent() {
        assertError(TWO_INPUTS + """
                    record Grads(Tensor input) {}
                }
                """, "record Grads(",
                "[NablaGradientRecord] gradient record Grads has no component for the forward's differentiable input"
                        + " 'weight'; declare record Grads(Tensor input, Tensor weight) {}");
    }

    @Test
    void gradientRecordHasAnExtraComponent() {
        assertError(TWO_INPUTS + """
                    record Grads(
                            Tensor input,
                            Tensor weight,
                            Tensor bias) {}
                }
                """, "Tensor bias)",
                "[NablaGradientRecord] component 'bias' of gradient record Grads names no differentiable input of the"
                        + " forward (input, weight)");
    }

    @Test
    void gradientRecordMisnamesAComponent() {
        assertError(TWO_INPUTS + """
                    record Grads(
                            Tensor input,
                            Tensor weights) {}
                }
                """, "Tensor weights)",
                "[NablaGradientRecord] component 'weights' of gradient record Grads names no differentiable input",
                "declare record Grads(Tensor input, Tensor weight) {}");
    }

    @Test
    void gradientRecordMisordersComponents() {
        assertError(TWO_INPUTS + """
                    record Grads(
                            Tensor weight,
                            Tensor input) {}
                }
                """, "Tensor weight,",
                "[NablaGradientRecord] component 'weight' of gradient record Grads is out of order: the forward's"
                        + " differentiable inputs are (input, weight)");
    }

    @Test
    void gradientRecordComponentThatIsNotATensor() {
        assertError(TWO_INPUTS + """
                    record Grads(
                            Tensor input,
                            double weight) {}
                }
                """, "double weight)",
                "[NablaGradientRecord] component 'weight' of gradient record Grads is double, but a gradient is a"
                        + " Tensor");
    }

    // ------------------------------------------------------------------ @Saved fields

    private static final String IDENTITY = """
                @Differentiable
                Tensor forward(Tensor x) {
                    return x;
                }

                @Backward
                Tensor backward(Tensor gradOut) {
                    return gradOut;
                }
            }
            """;

    @Test
    void savedFieldThatIsPrivate() {
        assertError("public final class Op {\n    @Saved private Tensor x;\n" + IDENTITY, "@Saved private Tensor x",
                "[NablaSavedField] @Saved field 'x' is private");
    }

    @Test
    void savedFieldThatIsStatic() {
        assertError("public final class Op {\n    @Saved static Tensor x;\n" + IDENTITY, "@Saved static Tensor x",
                "[NablaSavedField] @Saved field 'x' is static");
    }

    @Test
    void savedFieldThatIsFinal() {
        assertError("public final class Op {\n    @Saved final Tensor x = null;\n" + IDENTITY, "@Saved final Tensor x",
                "[NablaSavedField] @Saved field 'x' is final");
    }

    // ------------------------------------------------------------------ forward and backward methods

    @Test
    void privateForward() {
        assertError("""
                public final class Op {
                    @Differentiable
                    private Tensor forward(Tensor x) {
                        return x;
                    }

                    @Backward
                    Tensor backward(Tensor gradOut) {
                        return gradOut;
                    }
                }
                """, "private Tensor forward(", "[NablaMethodModifiers] forward method forward() is private");
    }

    @Test
    void abstractBackward() {
        assertError("""
                public abstract class Op {
                    @Differentiable
                    Tensor forward(Tensor x) {
                        return x;
                    }

                    @Backward
                    abstract Tensor backward(Tensor gradOut);
                }
                """, "abstract Tensor backward(", "[NablaMethodModifiers] backward method backward() is abstract");
    }

    @Test
    void genericForward() {
        assertError("""
                public final class Op {
                    @Differentiable
                    <T> Tensor forward(Tensor x, T tag) {
                        return x;
                    }

                    @Backward
                    Tensor backward(Tensor gradOut) {
                        return gradOut;
                    }
                }
                """, "<T> Tensor forward(", "[NablaMethodModifiers] forward method forward() is generic");
    }

    @Test
    void forwardThrowingACheckedException() {
        assertError("""
                public final class Op {
                    @Differentiable
                    Tensor forward(Tensor x) throws java.io.IOException {
                        return x;
                    }

                    @Backward
                    Tensor backward(Tensor gradOut) {
                        return gradOut;
                    }
                }
                """, "Tensor forward(", "[NablaMethodModifiers] forward method forward() is throwing checked"
                + " java.io.IOException");
    }

    @Test
    void forwardReturningSomethingElse() {
        assertError("""
                public final class Op {
                    @Differentiable
                    double forward(Tensor x) {
                        return 0;
                    }

                    @Backward
                    Tensor backward(Tensor gradOut) {
                        return gradOut;
                    }
                }
                """, "double forward(",
                "[NablaForwardReturn] forward returns double; return a Tensor, or a record whose components are all"
                        + " Tensor");
    }

    @Test
    void forwardReturningARecordWithANonTensorComponent() {
        assertError("""
                public final class Op {
                    record Out(
                            Tensor values,
                            long count) {}

                    @Differentiable
                    Out forward(Tensor x) {
                        return new Out(x, 0);
                    }

                    @Backward
                    Tensor backward(Tensor gradValues) {
                        return gradValues;
                    }
                }
                """, "long count)",
                "[NablaForwardReturn] component 'count' of the forward's result Out is long; every output is a Tensor");
    }

    @Test
    void forwardWhoseOnlyParameterIsATensorArray() {
        assertError("""
                public final class Op {
                    @Differentiable
                    Tensor forward(
                            Tensor[] xs) {
                        return xs[0];
                    }

                    @Backward
                    Tensor backward(Tensor gradOut) {
                        return gradOut;
                    }
                }
                """, "Tensor[] xs", "[NablaForwardParameter] forward parameter 'xs' is Tensor[]");
    }

    // ------------------------------------------------------------------ the op class

    @Test
    void privateOpClass() {
        assertError("public final class Op {\n    private static final class Inner {\n" + IDENTITY + "}\n",
                "private static final class Inner", "[NablaOpClass] op class Inner is private");
    }

    @Test
    void abstractOpClass() {
        assertError("public abstract class Op {\n" + IDENTITY, "public abstract class Op",
                "[NablaOpClass] op class Op is abstract");
    }

    @Test
    void innerOpClass() {
        assertError("public final class Op {\n    final class Inner {\n" + IDENTITY + "}\n", "final class Inner",
                "[NablaOpClass] op class Inner is a non-static inner class");
    }

    @Test
    void opClassWithoutNoArgumentConstructor() {
        assertError("public final class Op {\n    Op(int n) {}\n" + IDENTITY, "public final class Op",
                "[NablaOpClass] op class Op is without a non-private no-argument constructor");
    }

    @Test
    void opClassWithPrivateConstructor() {
        assertError("public final class Op {\n    private Op() {}\n" + IDENTITY, "public final class Op",
                "[NablaOpClass] op class Op is without a non-private no-argument constructor");
    }

    // ------------------------------------------------------------------ annotations on the wrong things

    @Test
    void nonDiffOnANonTensorParameter() {
        assertError("""
                public final class Op {
                    @Differentiable
                    Tensor forward(Tensor x,
                            @NonDiff int n) {
                        return x;
                    }

                    @Backward
                    Tensor backward(Tensor gradOut) {
                        return gradOut;
                    }
                }
                """, "@NonDiff int n", "[NablaNotATensor] @NonDiff is on parameter 'n', which is int, not a Tensor");
    }

    @Test
    void dirtyOnANonTensorParameter() {
        assertError("""
                public final class Op {
                    @Differentiable
                    Tensor forward(Tensor x,
                            @Dirty double scale) {
                        return x;
                    }

                    @Backward
                    Tensor backward(Tensor gradOut) {
                        return gradOut;
                    }
                }
                """, "@Dirty double scale", "[NablaNotATensor] @Dirty is on parameter 'scale', which is double");
    }

    @Test
    void shapeOnANonTensorParameter() {
        assertError("""
                public final class Op {
                    @Differentiable
                    Tensor forward(Tensor x,
                            @Shape("n") int[] sizes) {
                        return x;
                    }

                    @Backward
                    Tensor backward(Tensor gradOut) {
                        return gradOut;
                    }
                }
                """, "@Shape(\"n\") int[] sizes", "[NablaNotATensor] @Shape is on parameter 'sizes', which is int[]");
    }

    @Test
    void nonDiffOnANonTensorRecordComponent() {
        assertError("""
                public final class Op {
                    record Stats(Tensor mean,
                            @NonDiff long count) {}
                }
                """, "@NonDiff long count", "[NablaNotATensor] @NonDiff is on record component 'count', which is long");
    }

    @Test
    void needsGradNamingNoDifferentiableInput() {
        assertError("""
                public final class Op {
                    @Differentiable
                    Tensor forward(Tensor x, @NonDiff Tensor mask) {
                        return x.mul(mask);
                    }

                    @Backward
                    Tensor backward(Tensor gradOut,
                            @NeedsGrad("mask") boolean needsMask) {
                        return gradOut;
                    }
                }
                """, "@NeedsGrad(\"mask\")",
                "[NablaNeedsGrad] @NeedsGrad(\"mask\") names no differentiable input of the forward; name one of: x");
    }

    @Test
    void needsGradOnANonBoolean() {
        assertError("""
                public final class Op {
                    @Differentiable
                    Tensor forward(Tensor x) {
                        return x;
                    }

                    @Backward
                    Tensor backward(Tensor gradOut,
                            @NeedsGrad("x") int needsX) {
                        return gradOut;
                    }
                }
                """, "@NeedsGrad(\"x\") int needsX", "[NablaNeedsGrad] @NeedsGrad parameter 'needsX' is int; declare it"
                + " as boolean");
    }

    @Test
    void onceDifferentiableNotOnTheBackward() {
        assertError("""
                public final class Op {
                    @Differentiable
                    @OnceDifferentiable
                    Tensor forward(Tensor x) {
                        return x;
                    }

                    @Backward
                    Tensor backward(Tensor gradOut) {
                        return gradOut;
                    }
                }
                """, "@OnceDifferentiable",
                "[NablaOnceDifferentiable] @OnceDifferentiable is on forward Op.forward(), which is not a @Backward"
                        + " method");
    }

    @Test
    void malformedShape() {
        assertError("""
                public final class Op {
                    @Differentiable
                    Tensor forward(
                            @Shape("n,,i") Tensor x) {
                        return x;
                    }

                    @Backward
                    Tensor backward(Tensor gradOut) {
                        return gradOut;
                    }
                }
                """, "@Shape(\"n,,i\")", "[NablaShapeSyntax] @Shape(\"n,,i\") is malformed: dimension 1 is empty");
    }

    @Test
    void shapeWithAnExpression() {
        assertError("""
                public final class Op {
                    @Differentiable
                    Tensor forward(
                            @Shape("n-1") Tensor x) {
                        return x;
                    }

                    @Backward
                    Tensor backward(Tensor gradOut) {
                        return gradOut;
                    }
                }
                """, "@Shape(\"n-1\")", "[NablaShapeSyntax] @Shape(\"n-1\") is malformed: 'n-1' is neither a symbol"
                + " nor a size");
    }

    @Test
    void disabledGradcheckWithoutReason() {
        assertError("""
                public final class Op {
                    @Differentiable
                    @Gradcheck(enabled = false)
                    Tensor forward(Tensor x) {
                        return x;
                    }

                    @Backward
                    Tensor backward(Tensor gradOut) {
                        return gradOut;
                    }
                }
                """, "@Gradcheck(enabled = false)",
                "[NablaGradcheckReason] @Gradcheck(enabled = false) on forward() gives no reason; add reason = ");
    }

    @Test
    void gradcheckWithANonPositiveStep() {
        assertError("""
                public final class Op {
                    @Differentiable
                    @Gradcheck(eps = 0)
                    Tensor forward(Tensor x) {
                        return x;
                    }

                    @Backward
                    Tensor backward(Tensor gradOut) {
                        return gradOut;
                    }
                }
                """, "@Gradcheck(eps = 0)", "[NablaGradcheckSettings] @Gradcheck on forward() has eps = 0.0; the"
                + " finite-difference step must be a positive number");
    }

    @Test
    void generatedNameCollidesWithAnExistingType() {
        JavaFileObject op = op("public final class Op {\n" + IDENTITY);
        JavaFileObject existing = JavaFileObjects.forSourceString("test.OpFunction",
                "package test;\n\npublic final class OpFunction {}\n");
        Compilation compilation = compile(op, existing);
        assertThat(compilation).hadErrorContaining("[NablaNameCollision] the generated type test.OpFunction would"
                + " collide with the existing type of that name; rename op class Op or that type")
                .inFile(op).onLineContaining("public final class Op");
    }

    @Test
    void savedInAClassThatIsNotAnOp() {
        assertError("""
                public final class Op {
                    @Saved Tensor x;
                }
                """, "@Saved Tensor x", "[NablaMisplacedAnnotation] @Saved is on field 'x' of Op, which has no"
                + " @Differentiable method");
    }

    @Test
    void dirtyOnABackwardParameter() {
        assertError("""
                public final class Op {
                    @Differentiable
                    Tensor forward(Tensor x) {
                        return x;
                    }

                    @Backward
                    Tensor backward(
                            @Dirty Tensor gradOut) {
                        return gradOut;
                    }
                }
                """, "@Dirty Tensor gradOut", "[NablaMisplacedAnnotation] @Dirty is on parameter 'gradOut' of backward"
                + " Op.backward(), where it has no effect; put it on a parameter of the forward");
    }

    // ------------------------------------------------------------------ @OnCuda device variants

    /** MyReLU with {@code variant} added after its backward. */
    private static String withVariant(String variant) {
        return """
                public final class Op {
                    @Saved Tensor x;

                    @Differentiable
                    Tensor forward(Tensor x) {
                        this.x = x;
                        return x.clampMin(0);
                    }

                    @Backward
                    Tensor backward(Tensor gradOut) {
                        return gradOut.maskedFill(x.lt(0), 0);
                    }

                """ + variant.indent(4) + "}\n";
    }

    @Test
    void cudaVariantWithAnotherParameterType() {
        assertError(withVariant("""
                @OnCuda("forward")
                Tensor forwardCuda(double x) {
                    return null;
                }
                """), "Tensor forwardCuda(double x)",
                "[NablaDeviceVariant] @OnCuda method forwardCuda() differs from the portable forward forward():"
                        + " parameter 1 'x' is double, not Tensor",
                "declare it with the same parameters and return type: Tensor forwardCuda(Tensor x)");
    }

    @Test
    void cudaVariantWithAnotherParameterName() {
        assertError(withVariant("""
                @OnCuda("backward")
                Tensor backwardCuda(Tensor g) {
                    return g;
                }
                """), "Tensor backwardCuda(Tensor g)",
                "[NablaDeviceVariant] @OnCuda method backwardCuda() differs from the portable backward backward():"
                        + " parameter 1 is named 'g', not 'gradOut'",
                "Tensor backwardCuda(Tensor gradOut)");
    }

    @Test
    void cudaVariantWithAnotherParameterCount() {
        assertError(withVariant("""
                @OnCuda("forward")
                Tensor forwardCuda(Tensor x, Tensor y) {
                    return x;
                }
                """), "Tensor forwardCuda(Tensor x, Tensor y)",
                "[NablaDeviceVariant] @OnCuda method forwardCuda() differs from the portable forward forward(): it"
                        + " takes 2 parameters, the portable one 1",
                "Tensor forwardCuda(Tensor x)");
    }

    @Test
    void cudaVariantWithAnotherReturnType() {
        assertError(withVariant("""
                @OnCuda("forward")
                Object forwardCuda(Tensor x) {
                    return x;
                }
                """), "Object forwardCuda(Tensor x)",
                "[NablaDeviceVariant] @OnCuda method forwardCuda() differs from the portable forward forward(): it"
                        + " returns Object, not Tensor",
                "Tensor forwardCuda(Tensor x)");
    }

    @Test
    void cudaVariantWithoutPortableMethod() {
        assertError(withVariant("""
                @OnCuda("fwd")
                Tensor forwardCuda(Tensor x) {
                    return x;
                }
                """), "@OnCuda(\"fwd\")",
                "[NablaDeviceVariant] @OnCuda(\"fwd\") on forwardCuda() names no portable method of op Op",
                "name its @Differentiable forward or its @Backward: one of forward, backward");
    }

    @Test
    void cudaVariantInAClassWithoutForward() {
        assertError("""
                public final class Op {
                    @OnCuda("forward")
                    Tensor forwardCuda(Tensor x) {
                        return x;
                    }
                }
                """, "@OnCuda(\"forward\")",
                "[NablaDeviceVariant] @OnCuda(\"forward\") on forwardCuda() names no portable method of op Op",
                "one of (none: the op has neither)");
    }

    @Test
    void twoCudaVariantsOfOneMethod() {
        assertError(withVariant("""
                @OnCuda("forward")
                Tensor forwardCuda(Tensor x) {
                    return x;
                }

                @OnCuda("forward")
                Tensor forwardCuda2(Tensor x) {
                    return x;
                }
                """), "Tensor forwardCuda2(Tensor x)",
                "[NablaDeviceVariant] @OnCuda method forwardCuda2() is a second CUDA version of forward forward()"
                        + " (the first is forwardCuda())",
                "an op has at most one CUDA version of each method, so remove one");
    }

    @Test
    void cudaVariantThatIsItselfTheForward() {
        assertError("""
                public final class Op {
                    @Differentiable
                    Tensor forward(Tensor x) {
                        return x;
                    }

                    @Backward
                    Tensor backward(Tensor gradOut) {
                        return gradOut;
                    }

                    @Differentiable
                    @OnCuda("forward")
                    Tensor forwardCuda(Tensor x) {
                        return x;
                    }
                }
                """, "@OnCuda(\"forward\")",
                "[NablaMisplacedAnnotation] @OnCuda is on forward Op.forwardCuda(), where it has no effect",
                "declare the CUDA version as a method of its own");
    }

    @Test
    void cudaVariantWithTheDslAnnotationsOfItsPortableMethod() {
        assertError(withVariant("""
                @OnCuda("forward")
                Tensor forwardCuda(@Shape("n") Tensor x) {
                    return x;
                }
                """), "Tensor forwardCuda(@Shape(\"n\") Tensor x)",
                "[NablaMisplacedAnnotation] @Shape is on parameter 'x' of CUDA version Op.forwardCuda(), where it has"
                        + " no effect; a CUDA version takes its parameters' and result's annotations from the portable"
                        + " method it replaces, so remove it here");
    }

    @Test
    void cudaVariantWithCheckedException() {
        assertError(withVariant("""
                @OnCuda("forward")
                Tensor forwardCuda(Tensor x) throws Exception {
                    return x;
                }
                """), "Tensor forwardCuda(Tensor x) throws Exception",
                "[NablaMethodModifiers] CUDA forward method forwardCuda() is throwing checked java.lang.Exception");
    }

    // ------------------------------------------------------------------ warnings and robustness

    @Test
    void savedIntermediateIsAWarningUnlessOnceDifferentiable() {
        String body = """
                public final class Op {
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
        JavaFileObject source = op(body);
        Compilation compilation = compile(source);
        assertThat(compilation).succeeded();
        assertThat(compilation).hadWarningContaining("[NablaSavedIntermediate] @Saved field 'twoX' is assigned"
                + " 'x.mul(2)', which is neither a forward parameter nor the returned value").inFile(source)
                .onLineContaining("@Saved Tensor twoX");
        Compilation once = compile(op(body.replace("@Backward", "@Backward @OnceDifferentiable")));
        assertThat(once).succeededWithoutWarnings();
    }

    @Test
    void savedParametersAndOutputsAreNoWarning() {
        Compilation compilation = compile(op("""
                public final class Op {
                    @Saved Tensor x;
                    @Saved Tensor y;

                    @Differentiable
                    Tensor forward(Tensor x) {
                        this.x = x;
                        Tensor y = x.exp();
                        this.y = y;
                        return y;
                    }

                    @Backward
                    Tensor backward(Tensor gradOut) {
                        return gradOut.mul(y);
                    }
                }
                """));
        assertThat(compilation).succeededWithoutWarnings();
    }

    @Test
    void missingRuntimeIsReportedNotThrown() throws URISyntaxException {
        File annotations = new File(Differentiable.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        JavaFileObject source = op("public final class Op {\n" + IDENTITY);
        Compilation compilation = javac().withProcessors(new NablaProcessor()).withClasspath(List.of(annotations))
                .compile(source);
        assertThat(compilation).hadErrorContaining("[NablaRuntimeMissing] dev.nabla.Tensor is not on the class path")
                .inFile(source).onLineContaining("public final class Op");
        assertNoInternalError(compilation);
    }

    @Test
    void brokenSourceDoesNotCrashTheProcessor() {
        Compilation compilation = compile(op("""
                public final class Op {
                    @Saved Unknown x;

                    @Differentiable
                    Missing forward(Tensor x, Nope y) {
                        return x;
                    }

                    @Backward
                    Grads backward(Tensor gradOut, @NeedsGrad("zzz") Object o) {
                        return null;
                    }

                    record Grads(Tensor x, Whatever y) {}
                }
                """));
        assertThat(compilation).failed();
        assertThat(compilation).hadErrorContaining("cannot find symbol");
        assertNoInternalError(compilation);
    }
}
