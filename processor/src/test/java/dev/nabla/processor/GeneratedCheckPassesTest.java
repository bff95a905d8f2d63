package dev.nabla.processor;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * What the generated check tries beyond one set of inputs, and what it says when the op fails on
 * them: null for each tensor input the op accepts as absent, every value of a non-tensor
 * argument in a pass of its own, and a note on inputs it had to build without {@code @Shape}.
 */
class GeneratedCheckPassesTest {
    private static final String HEADER = """
            package test;

            import dev.nabla.Tensor;
            import dev.nabla.annotations.*;

            """;

    /** A linear op whose forward accepts a null bias; {@code BACKWARD_BIAS} is its bias gradient. */
    private static final String AFFINE = HEADER + """
            final class Affine {
                @Saved Tensor x;
                @Saved Tensor bias;

                record Grads(Tensor x, Tensor bias) {}

                @Differentiable
                Tensor forward(@Shape("n") Tensor x, @Shape("n") Tensor bias) {
                    this.x = x;
                    this.bias = bias;
                    return bias == null ? x.mul(2) : x.mul(2).add(bias);
                }

                @Backward
                Grads backward(Tensor gradOut) {
                    return new Grads(gradOut.mul(2), BACKWARD_BIAS);
                }
            }
            """;

    @Test
    void tensorInputTheForwardComparesWithNullIsAlsoCheckedAsNull() {
        Compiled.compile("test.Affine", AFFINE.replace("BACKWARD_BIAS", "bias == null ? null : gradOut"))
                .gradcheck("test.AffineFunction").run();

        // A backward that forgets the absent bias passes the first pass and fails the null one.
        Compiled careless = Compiled.compile("test.Affine", AFFINE.replace("BACKWARD_BIAS", "gradOut.add(bias.mul(0))"));
        AssertionError e = assertThrows(AssertionError.class, () -> careless.gradcheck("test.AffineFunction").run());
        assertThat(e).hasMessageThat().startsWith("Affine, checked with bias = null: ");
    }

    @Test
    void tensorInputAnnotatedNullableIsAlsoCheckedAsNull() {
        String nullable = "package test;\n\nimport java.lang.annotation.*;\n\n@Target(ElementType.PARAMETER)\n"
                + "@interface Nullable {}\n";
        String op = AFFINE.replace("bias == null ? x.mul(2) : x.mul(2).add(bias)", "x.mul(2).add(bias)")
                .replace("@Shape(\"n\") Tensor bias", "@Nullable @Shape(\"n\") Tensor bias")
                .replace("BACKWARD_BIAS", "gradOut");
        Compiled ops = Compiled.compile("test.Affine", op, "test.Nullable", nullable);

        // The forward does not accept the null its parameter's annotation promises.
        AssertionError e = assertThrows(AssertionError.class, () -> ops.gradcheck("test.AffineFunction").run());
        assertThat(e).hasMessageThat().startsWith("Affine, checked with bias = null: ");
    }

    @Test
    void eachOtherValueOfANonTensorArgumentGetsAPassOfItsOwn() {
        String op = HEADER + """
                final class Flip {
                    @Saved boolean negate;

                    @Differentiable
                    Tensor forward(Tensor x, boolean negate) {
                        this.negate = negate;
                        return negate ? x.neg() : x;
                    }

                    @Backward
                    Tensor backward(Tensor gradOut) {
                        return GRADIENT;
                    }
                }
                """;
        Compiled.compile("test.Flip", op.replace("GRADIENT", "negate ? gradOut.neg() : gradOut"))
                .gradcheck("test.FlipFunction").run();

        Compiled wrong = Compiled.compile("test.Flip", op.replace("GRADIENT", "gradOut"));
        AssertionError e = assertThrows(AssertionError.class, () -> wrong.gradcheck("test.FlipFunction").run());
        assertThat(e).hasMessageThat().startsWith("Flip, checked with negate = true: Flip: gradcheck failed");
    }

    @Test
    void aValueTheOpRejectsAsOutsideItsDomainIsSkippedNotFailed() {
        String op = HEADER + """
                final class Softcap {
                    @Saved Tensor x;
                    @Saved double cap;

                    @Differentiable
                    Tensor forward(Tensor x, double cap) {
                        if (!(cap > 0)) {
                            throw new IllegalArgumentException("Softcap: cap must be positive, got " + cap);
                        }
                        this.x = x;
                        this.cap = cap;
                        return x.div(cap).tanh().mul(cap);
                    }

                    @Backward
                    Tensor backward(Tensor gradOut) {
                        Tensor t = x.div(cap).tanh();
                        return GRADIENT;
                    }
                }
                """;
        // The check tries cap = -1.5 too, which the forward refuses: that pass is skipped.
        Compiled.compile("test.Softcap", op.replace("GRADIENT", "gradOut.mul(t.mul(t).neg().add(1))"))
                .gradcheck("test.SoftcapFunction").run();

        // The passes the op accepts are still checked.
        Compiled wrong = Compiled.compile("test.Softcap", op.replace("GRADIENT", "gradOut.mul(t.mul(t).neg().add(2))"));
        assertThrows(AssertionError.class, () -> wrong.gradcheck("test.SoftcapFunction").run());
    }

    @Test
    void shapeErrorOnInputsBuiltWithoutShapeSaysWhatToDeclare() {
        Compiled ops = Compiled.compile("test.RowSum", HEADER + """
                final class RowSum {
                    @Saved Tensor x;

                    @Differentiable
                    Tensor forward(Tensor x) {
                        this.x = x;
                        return x.sum(1, false);
                    }

                    @Backward
                    Tensor backward(Tensor gradOut) {
                        return gradOut.unsqueeze(1).expandAs(x);
                    }
                }
                """);

        AssertionError e = assertThrows(AssertionError.class, () -> ops.gradcheck("test.RowSumFunction").run());

        assertThat(e).hasMessageThat().startsWith("RowSum: java.lang.IndexOutOfBoundsException: ");
        assertThat(e).hasMessageThat().contains("dimension out of range");
        assertThat(e).hasMessageThat().endsWith("note: the check built x without @Shape, as a vector of 5 elements;"
                + " if the forward needs other shapes, declare them, e.g. @Shape(\"n,m\") Tensor x");
    }
}
