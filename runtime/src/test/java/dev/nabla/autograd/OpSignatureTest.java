package dev.nabla.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nabla.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** {@link OpSignature}: the names and {@code @Shape} checks every generated op declares. */
class OpSignatureTest {
    private static final OpSignature LINEAR = OpSignature.of("LinearOp", "input", "weight", "bias")
            .shapes("n,i", "o,i", "o")
            .outputShapes("n,o");

    private static Tensor zeros(long... shape) {
        return Tensor.zeros(shape);
    }

    private static String error(Executable check) {
        return assertThrows(IllegalArgumentException.class, check).getMessage();
    }

    private static void checkInputs(OpSignature s, Tensor... inputs) {
        s.checkInputs(inputs);
    }

    @Test
    void matchingAndNullTensorsPass() {
        long[] sizes = LINEAR.checkInputs(new Tensor[] {zeros(2, 3), zeros(4, 3), zeros(4)});
        LINEAR.checkOutputs(new Tensor[] {zeros(2, 4)}, sizes);
        // Without the input, n and i have no size: any weight passes, and the bias must agree with it.
        sizes = LINEAR.checkInputs(new Tensor[] {null, zeros(5, 7), null});
        LINEAR.checkOutputs(new Tensor[] {zeros(9, 5)}, sizes);
        checkInputs(OpSignature.of("Conv", "x").shapes("n,c,h,w"), zeros(1, 2, 3, 4));
        checkInputs(OpSignature.of("Sum", "x").shapes(""), zeros());
    }

    @Test
    void mismatchNamesOpParameterExpectedAndActual() {
        assertEquals("LinearOp: parameter 'weight' has shape [4, 2] but @Shape(\"o,i\") expects [o, 3]",
                error(() -> checkInputs(LINEAR, zeros(2, 3), zeros(4, 2), null)));
        assertEquals("LinearOp: parameter 'bias' has shape [3] but @Shape(\"o\") expects [4]",
                error(() -> checkInputs(LINEAR, zeros(2, 3), zeros(4, 3), zeros(3))));
        assertEquals("LinearOp: parameter 'input' has shape [5] but @Shape(\"n,i\") expects [n, i]",
                error(() -> checkInputs(LINEAR, zeros(5), null, null)));
        long[] sizes = LINEAR.checkInputs(new Tensor[] {zeros(2, 3), zeros(4, 3), null});
        assertEquals("LinearOp: output has shape [2, 5] but @Shape(\"n,o\") expects [2, 4]",
                error(() -> LINEAR.checkOutputs(new Tensor[] {zeros(2, 5)}, sizes)));
        OpSignature sum = OpSignature.of("Sum", "x").outputShapes("");
        assertEquals("Sum: output has shape [2] but @Shape(\"\") expects []",
                error(() -> sum.checkOutputs(new Tensor[] {zeros(2)}, sum.checkInputs(new Tensor[] {zeros(3)}))));
        OpSignature vol = OpSignature.of("Vol", "x").shapes("b").outputs("u", "v").outputShapes(null, "a,b,4");
        long[] volSizes = vol.checkInputs(new Tensor[] {zeros(2)});
        assertEquals("Vol: output 'v' has shape [1, 2, 3] but @Shape(\"a,b,4\") expects [a, 2, 4]",
                error(() -> vol.checkOutputs(new Tensor[] {zeros(7), zeros(1, 2, 3)}, volSizes)));
    }

    @Test
    void aSymbolRepeatedInOneShapeMustRepeatItsSize() {
        OpSignature inv = OpSignature.of("Inv", "m").shapes("n,n");
        checkInputs(inv, zeros(3, 3));
        assertEquals("Inv: parameter 'm' has shape [2, 3] but @Shape(\"n,n\") expects [n, n]",
                error(() -> checkInputs(inv, zeros(2, 3))));
        // With a size from an earlier tensor, both dimensions show it.
        OpSignature pair = OpSignature.of("Inv", "v", "m").shapes("n", "n,n");
        assertEquals("Inv: parameter 'm' has shape [3, 3] but @Shape(\"n,n\") expects [2, 2]",
                error(() -> checkInputs(pair, zeros(2), zeros(3, 3))));
    }

    @Test
    void anyNumberOfDimensionsAndLargeSizes() {
        OpSignature big = OpSignature.of("Big", "a", "x").shapes("a", "a,b,3,d,5");
        checkInputs(big, zeros(1), zeros(1, 2, 3, 4, 5));
        checkInputs(big, zeros(1), null);
        assertEquals("Big: parameter 'x' has shape [1, 2, 3, 4, 6] but @Shape(\"a,b,3,d,5\") expects [1, b, 3, d, 5]",
                error(() -> checkInputs(big, zeros(1), zeros(1, 2, 3, 4, 6))));
        assertEquals("Big: parameter 'x' has shape [1, 2] but @Shape(\"a,b,3,d,5\") expects [1, b, 3, d, 5]",
                error(() -> checkInputs(big, zeros(1), zeros(1, 2))));
        assertEquals("Huge: parameter 'x' has shape [2, 3] but @Shape(\"n, 2147483648\") expects [n, 2147483648]",
                error(() -> checkInputs(OpSignature.of("Huge", "x").shapes("n, 2147483648"), zeros(2, 3))));
    }

    @Test
    void malformedDeclarationsAreRefused() {
        assertEquals("Op: malformed shape \"n,,i\": dimension 1 ('') is neither a symbol nor a size",
                error(() -> OpSignature.of("Op", "x").shapes("n,,i")));
        assertEquals("Op: 1 input shapes for 2 inputs", error(() -> OpSignature.of("Op", "x", "y").shapes("n")));
        assertEquals("Op: 2 inputs given but the op takes 1",
                error(() -> checkInputs(OpSignature.of("Op", "x"), zeros(1), zeros(1))));
    }

    @Test
    void aFunctionWithASignatureIsNamedAfterTheOpAndChecksShapes() {
        OpSignature signature = OpSignature.of("Scale", "x").shapes("n").outputShapes("n");
        Function identity = new Function(signature) {
            @Override
            protected Tensor[] forward(Tensor[] inputs) {
                return new Tensor[] {inputs[0].mul(2)};
            }

            @Override
            protected Tensor[] backward(Tensor[] grads) {
                return new Tensor[] {grads[0].mul(2)};
            }
        };
        assertEquals("ScaleBackward", identity.name());
        assertEquals("x", identity.inputName(0));
        assertNull(new Function() {
            @Override
            protected Tensor[] forward(Tensor[] inputs) {
                return inputs;
            }

            @Override
            protected Tensor[] backward(Tensor[] grads) {
                return grads;
            }
        }.inputName(0));
        Function wrongOutput = new Function(signature) {
            @Override
            protected Tensor[] forward(Tensor[] inputs) {
                return new Tensor[] {inputs[0].sum()};
            }

            @Override
            protected Tensor[] backward(Tensor[] grads) {
                return grads;
            }
        };
        assertEquals("Scale: output has shape [] but @Shape(\"n\") expects [3]",
                error(() -> wrongOutput.apply(zeros(3))));
    }

    /** Saves its input under the signature's name for it, and as many tensors as asked. */
    private static final class Saving extends Function {
        private final int count;

        Saving(OpSignature signature, int count) {
            super(signature);
            this.count = count;
        }

        @Override
        protected Tensor[] forward(Tensor[] in) {
            Tensor[] saved = new Tensor[count];
            java.util.Arrays.fill(saved, in[0]);
            saveForBackward(saved);
            return new Tensor[] {in[0].mul(2)};
        }

        @Override
        protected Tensor[] backward(Tensor[] grad) {
            return new Tensor[] {grad[0].mul(savedTensor(0).mul(0).add(2))};
        }
    }

    @Test
    void savedNamesNameTheSavedTensorsInErrors() {
        OpSignature signature = OpSignature.of("Doubler", "x").saved("input");
        Tensor x = Tensor.of(1.0, 2.0).requiresGrad(true);
        Tensor y = new Saving(signature, 1).apply(x)[0];
        x.detach().mul_(3);

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.sum().backward());
        assertTrue(e.getMessage().contains("'input'"), e.getMessage());

        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> new Saving(signature, 2).apply(Tensor.of(1.0).requiresGrad(true)));
        assertEquals("DoublerBackward: 1 names for 2 saved tensors", count.getMessage());
    }
}
