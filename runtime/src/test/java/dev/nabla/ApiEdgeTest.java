package dev.nabla;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nabla.autograd.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad input at the API's edge: errors that name the op and the argument, never a NullPointerException from inside. */
class ApiEdgeTest {
    private static void fails(String message, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertEquals(message, e.getMessage());
    }

    @Test
    void nullTensorArgumentsAreNamed() {
        Tensor x = Tensor.ones(2);
        fails("add: argument 'other' must be a Tensor, not null", () -> x.add((Tensor) null));
        fails("pow: argument 'exponent' must be a Tensor, not null", () -> x.pow((Tensor) null));
        fails("gt: argument 'other' must be a Tensor, not null", () -> x.gt((Tensor) null));
        fails("add_: argument 'other' must be a Tensor, not null", () -> x.add_((Tensor) null));
        fails("copy_: argument 'src' must be a Tensor, not null", () -> x.copy_(null));
        fails("matmul: argument 'other' must be a Tensor, not null", () -> x.matmul(null));
        fails("maskedFill: argument 'mask' must be a Tensor, not null", () -> x.maskedFill(null, 0));
        fails("where: argument 'other' must be a Tensor, not null", () -> Tensor.where(x.gt(0), x, null));
        fails("expandAs: argument 'other' must be a Tensor, not null", () -> x.expandAs(null));
        fails("indexSelect: argument 'index' must be a Tensor, not null", () -> x.indexSelect(0, null));
    }

    @Test
    void nullElementsOfArraysAreNamed() {
        Tensor x = Tensor.ones(2);
        fails("cat: expected a Tensor at position 1 of 'tensors', got null", () -> Tensor.cat(0, x, null));
        fails("of: row 1 is null", () -> Tensor.of(new double[][] {{1, 2}, null}));
        fails("of: row 0 is null", () -> Tensor.of(new float[][] {null}));
    }

    @Test
    void nullArgumentsOfAutogradAreNamed() {
        Tensor w = Tensor.ones(2).requiresGrad(true);
        fails("grad: element 0 of 'inputs' is null", () -> Autograd.grad(w.sum(), (Tensor) null));
        fails("grad: argument 'inputs' must be an array of tensors, not null", () -> Autograd.grad(w.sum(), (Tensor[]) null));
        fails("grad: element 0 of 'outputs' is null", () -> Autograd.grad(null, w));
        fails("backward: element 0 of 'outputs' is null", () -> Autograd.backward(new Tensor[] {null}, null, false, false));
    }

    @Test
    void aShapeWhoseSizeOverflowsALongIsNamed() {
        fails("zeros: shape [4294967296, 4294967296] has more elements than a long can count",
                () -> Tensor.zeros(1L << 32, 1L << 32));
        fails("ones: shape [4294967296, 4294967296] has more elements than a long can count",
                () -> Tensor.ones(DType.FLOAT64, 1L << 32, 1L << 32));
    }

    @Test
    void anAnonymousFunctionIsNamedAfterWhereItIsWritten() {
        Function f = new Function() {
            @Override
            protected Tensor[] forward(Tensor[] in) {
                return new Tensor[] {in[0].mul(2)};
            }

            @Override
            protected Tensor[] backward(Tensor[] grad) {
                return new Tensor[] {Tensor.ones(3)};
            }
        };
        Tensor y = f.apply(Tensor.ones(2).requiresGrad(true))[0];
        assertEquals("ApiEdgeTest$1Backward", y.gradFn().name());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> y.sum().backward());
        assertEquals("function ApiEdgeTest$1Backward returned an invalid gradient at index 0 - got [3] but expected shape"
                + " compatible with [2]", e.getMessage());
    }
}
