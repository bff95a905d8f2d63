package dev.nabla.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nabla.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** {@link Function#checkShape}, which every generated op calls for each tensor with a {@code @Shape}. */
class CheckShapeTest {
    private static Tensor zeros(long... shape) {
        return Tensor.zeros(shape);
    }

    private static String error(Executable check) {
        return assertThrows(IllegalArgumentException.class, check).getMessage();
    }

    @Test
    void matchingNullAndAnySizePass() {
        Function.checkShape("LinearOp", "parameter 'weight'", "o,i", zeros(4, 3), 4, 3);
        Function.checkShape("LinearOp", "parameter 'weight'", "o,i", zeros(4, 3), -1, -1);
        Function.checkShape("LinearOp", "parameter 'weight'", "o,i", null, 4, 3);
        Function.checkShape("Sum", "output", "", zeros());
        Function.checkShape("Conv", "parameter 'x'", "n,c,h,w", zeros(1, 2, 3, 4), 1, -1, 3, -1);
    }

    @Test
    void mismatchNamesOpParameterExpectedAndActual() {
        assertEquals("LinearOp: parameter 'weight' has shape [4, 2] but @Shape(\"o,i\") expects [o, 3]",
                error(() -> Function.checkShape("LinearOp", "parameter 'weight'", "o,i", zeros(4, 2), -1, 3)));
        assertEquals("LinearOp: parameter 'bias' has shape [3] but @Shape(\"o\") expects [4]",
                error(() -> Function.checkShape("LinearOp", "parameter 'bias'", "o", zeros(3), 4)));
        assertEquals("LinearOp: parameter 'input' has shape [5] but @Shape(\"n,i\") expects [n, i]",
                error(() -> Function.checkShape("LinearOp", "parameter 'input'", "n,i", zeros(5), -1, -1)));
        assertEquals("Sum: output has shape [2] but @Shape(\"\") expects []",
                error(() -> Function.checkShape("Sum", "output", "", zeros(2))));
        assertEquals("Vol: output 'v' has shape [1, 2, 3] but @Shape(\"a,b,4\") expects [a, 2, 4]",
                error(() -> Function.checkShape("Vol", "output 'v'", "a,b,4", zeros(1, 2, 3), -1, 2, 4)));
    }

    @Test
    void aSymbolRepeatedInOneShapeMustRepeatItsSize() {
        Function.checkShape("Inv", "parameter 'm'", "n,n", zeros(3, 3), -1, Function.sameAs(0));
        assertEquals("Inv: parameter 'm' has shape [2, 3] but @Shape(\"n,n\") expects [n, n]",
                error(() -> Function.checkShape("Inv", "parameter 'm'", "n,n", zeros(2, 3), -1, Function.sameAs(0))));
        // With a size from an earlier tensor, both dimensions show it.
        assertEquals("Inv: parameter 'm' has shape [3, 3] but @Shape(\"n,n\") expects [2, 2]",
                error(() -> Function.checkShape("Inv", "parameter 'm'", "n,n", zeros(3, 3), 2, Function.sameAs(0))));
    }

    @Test
    void anyNumberOfDimensions() {
        long[] sizes = {1, -1, 3, -1, 5};
        Function.checkShape("Big", "parameter 'x'", "a,b,3,d,5", zeros(1, 2, 3, 4, 5), sizes);
        Function.checkShape("Big", "parameter 'x'", "a,b,3,d,5", null, sizes);
        assertEquals("Big: parameter 'x' has shape [1, 2, 3, 4, 6] but @Shape(\"a,b,3,d,5\") expects [1, b, 3, d, 5]",
                error(() -> Function.checkShape("Big", "parameter 'x'", "a,b,3,d,5", zeros(1, 2, 3, 4, 6), sizes)));
        assertEquals("Big: parameter 'x' has shape [1, 2] but @Shape(\"a,b,3,d,5\") expects [1, b, 3, d, 5]",
                error(() -> Function.checkShape("Big", "parameter 'x'", "a,b,3,d,5", zeros(1, 2), sizes)));
    }
}
