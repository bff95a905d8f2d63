package dev.nabla.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.nabla.DType;
import dev.nabla.Tensor;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The ops on which a fuzzer (865 mutants of valid ops) made the processor generate sources that
 * did not compile: each now gets a located {@code [Nabla...]} error on the user's file, or
 * generated code that compiles without warnings and does what the op says.
 */
class FuzzFindingsTest {
    private static final String HEADER = """
            package test;

            import dev.nabla.Tensor;
            import dev.nabla.annotations.*;

            """;

    private static final String BACKWARD = """

                @Backward
                Tensor backward(Tensor gradOut) {
                    return gradOut;
                }
            }
            """;

    private static Compilation compile(JavaFileObject... sources) {
        return javac().withProcessors(new NablaProcessor()).withOptions("-Xlint:all,-processing").compile(sources);
    }

    /** The diagnostics of {@code compilation} that are errors in generated files (none must be). */
    private static void assertNoErrorInGeneratedCode(Compilation compilation) {
        for (Diagnostic<? extends JavaFileObject> d : compilation.errors()) {
            JavaFileObject file = d.getSource();
            String name = file == null ? "" : file.getName();
            assertThat(name).doesNotContain("Function.java");
        }
    }

    @Test
    void constructorThrowingACheckedExceptionIsAnErrorOnTheConstructor() {
        JavaFileObject source = JavaFileObjects.forSourceString("test.Op", HEADER + """
                public final class Op {
                    Op() throws java.io.IOException {}

                    @Differentiable
                    Tensor forward(Tensor x) {
                        return x;
                    }
                """ + BACKWARD);

        Compilation compilation = compile(source);

        assertThat(compilation).hadErrorContaining("[NablaOpClass] op class Op is created by a no-argument constructor"
                + " that throws checked java.io.IOException").inFile(source).onLineContaining("Op() throws");
        assertThat(compilation).hadErrorCount(1);
    }

    @Test
    void constructorThrowingAnUncheckedExceptionIsFine() {
        Compiled ops = Compiled.compile("test.Op", HEADER + """
                public final class Op {
                    Op() throws IllegalStateException {}

                    @Differentiable
                    Tensor forward(Tensor x) {
                        return x;
                    }
                """ + BACKWARD);

        Tensor y = (Tensor) ops.apply("test.OpFunction", Tensor.of(1.0, 2.0));
        assertEquals(2, y.numel());
    }

    @Test
    void shapeWithDigitsOfAnotherScriptIsASyntaxError() {
        // U+0663 ARABIC-INDIC DIGIT THREE: a digit to Character.isDigit, but no Java literal can hold it.
        JavaFileObject source = JavaFileObjects.forSourceString("test.Op", HEADER + """
                public final class Op {
                    @Differentiable
                    Tensor forward(
                            @Shape("n,\u0663") Tensor x) {
                        return x;
                    }
                """ + BACKWARD);

        Compilation compilation = compile(source);

        assertThat(compilation).hadErrorContaining("[NablaShapeSyntax] @Shape(\"n,\u0663\") is malformed: '\u0663' is"
                + " neither a symbol nor a size written with the digits 0 to 9").inFile(source)
                .onLineContaining("@Shape(\"n,");
        assertThat(compilation).hadErrorCount(1);
    }

    @Test
    void shapeSizeWithMoreDigitsThanALongHoldsIsASyntaxError() {
        JavaFileObject source = JavaFileObjects.forSourceString("test.Op", HEADER + """
                public final class Op {
                    @Differentiable
                    Tensor forward(
                            @Shape("9223372036854775808") Tensor x) {
                        return x;
                    }
                """ + BACKWARD);

        Compilation compilation = compile(source);

        assertThat(compilation).hadErrorContaining("size 9223372036854775808 has more than 18 digits")
                .inFile(source).onLineContaining("@Shape(\"9223372036854775808\")");
    }

    @Test
    void shapeSizesOfTwoToThe31AndMoreCompileAndDisableTheGeneratedCheck() {
        Compilation compilation = compile(JavaFileObjects.forSourceString("test.Op", HEADER + """
                public final class Op {
                    @Differentiable
                    @Shape("n,3000000000")
                    Tensor forward(@Shape("n,3000000000") Tensor x) {
                        return x;
                    }
                """ + BACKWARD));
        assertThat(compilation).succeededWithoutWarnings();

        Compiled ops = Compiled.compile("test.Op", HEADER + """
                public final class Op {
                    @Differentiable
                    Tensor forward(@Shape("n,2147483648") Tensor x) {
                        return x;
                    }
                """ + BACKWARD);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ops.apply("test.OpFunction", Tensor.zeros(DType.FLOAT64, 2, 3)));
        assertEquals("Op: parameter 'x' has shape [2, 3] but @Shape(\"n,2147483648\") expects [n, 2147483648]",
                e.getMessage());
        assertThat(ops.gradcheck("test.OpFunction").disabledReason()).contains("parameter 'x' has the fixed size"
                + " 2147483648 in @Shape(\"n,2147483648\"), more elements than the generated check can create");
    }

    @Test
    void shapeSizesWithLeadingZerosAreDecimalNotOctal() {
        Compiled ops = Compiled.compile("test.Op", HEADER + """
                public final class Op {
                    @Differentiable
                    Tensor forward(@Shape("n,010") Tensor x, @Shape("09") Tensor y) {
                        return x;
                    }

                    record Grads(Tensor x, Tensor y) {}

                    @Backward
                    Grads backward(Tensor gradOut) {
                        return new Grads(gradOut, null);
                    }
                }
                """);

        Tensor y = (Tensor) ops.apply("test.OpFunction", Tensor.zeros(DType.FLOAT64, 2, 10), Tensor.zeros(9));
        assertEquals(20, y.numel());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ops.apply("test.OpFunction", Tensor.zeros(DType.FLOAT64, 2, 8), Tensor.zeros(9)));
        assertThat(e).hasMessageThat().contains("expects [n, 10]");
    }

    @Test
    void sameNamedTypesOfTheOpsPackageDoNotShadowJavaLangInGeneratedCode() {
        Compilation compilation = compile(
                JavaFileObjects.forSourceString("test.String", "package test;\n\npublic final class String {}\n"),
                JavaFileObjects.forSourceString("test.Override", "package test;\n\npublic @interface Override {}\n"),
                JavaFileObjects.forSourceString("test.IllegalStateException",
                        "package test;\n\npublic final class IllegalStateException {}\n"),
                JavaFileObjects.forSourceString("test.Op", HEADER + """
                        public final class Op {
                            @Saved Tensor x;

                            record Out(Tensor y, Tensor z) {}

                            record Grads(Tensor x, Tensor w) {}

                            @Differentiable
                            Out forward(Tensor x, Tensor w, java.lang.String label) {
                                this.x = x;
                                return new Out(x.mul(w), x);
                            }

                            @Backward
                            Grads backward(Tensor gradY, Tensor gradZ) {
                                return new Grads(gradY.add(gradZ), gradY.mul(x));
                            }
                        }
                        """));

        assertThat(compilation).succeededWithoutWarnings();
        assertThat(compilation).generatedSourceFile("test.OpFunction").contentsAsUtf8String()
                .contains("@java.lang.Override");
    }

    @Test
    void unresolvableParameterTypeLeavesOnlyJavacsErrorOnIt() {
        JavaFileObject source = JavaFileObjects.forSourceString("test.Op", HEADER + """
                public final class Op {
                    @Differentiable
                    Tensor forward(Tensor x, NoSuchType t) {
                        return x;
                    }
                }
                """);

        Compilation compilation = compile(source);

        assertThat(compilation).hadErrorContaining("cannot find symbol").inFile(source)
                .onLineContaining("NoSuchType t");
        assertThat(compilation).hadErrorCount(1);
        assertNoErrorInGeneratedCode(compilation);
    }

    @Test
    void unresolvableSavedFieldTypeLeavesOnlyJavacsErrorOnIt() {
        JavaFileObject source = JavaFileObjects.forSourceString("test.Op", HEADER + """
                public final class Op {
                    @Saved NoSuchType x;

                    @Differentiable
                    Tensor forward(Tensor x) {
                        return x;
                    }
                """ + BACKWARD);

        Compilation compilation = compile(source);

        assertThat(compilation).hadErrorContaining("cannot find symbol").inFile(source)
                .onLineContaining("@Saved NoSuchType x");
        assertThat(compilation).hadErrorCount(1);
        assertNoErrorInGeneratedCode(compilation);
    }
}
