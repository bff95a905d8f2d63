package dev.nabla.autograd;

import static dev.nabla.nn.TestData.assertClose;
import static dev.nabla.nn.TestData.float64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nabla.Autograd;
import dev.nabla.DType;
import dev.nabla.Gradcheck;
import dev.nabla.Tensor;
import dev.nabla.nn.TestData;
import org.junit.jupiter.api.Test;

/**
 * {@link Autograd}'s functional API against {@code torch.autograd.functional}'s values in
 * {@code autograd/functional.json} (written by {@code autograd/make_functional.py} with PyTorch 1.13).
 */
class AutogradFunctionalTest {
    private static final JsonNode REF = TestData.load("/autograd/functional.json");
    private static final double TOL = 1e-12;
    private static final Gradcheck.Fn MATRIX = in -> in[0].mm(in[1]).tanh();
    private static final Gradcheck.Fn SCALAR = in -> in[0].sin().mul(in[1]).sum().add(in[0].mul(in[0]).mul(in[1]).sum());

    private static Tensor[] tensors(JsonNode array) {
        Tensor[] t = new Tensor[array.size()];
        for (int i = 0; i < t.length; i++) {
            t[i] = float64(array.get(i));
        }
        return t;
    }

    @Test
    void jacobianHasOneBlockPerInputShapedOutputThenInput() {
        JsonNode ref = REF.get("matrix");
        Tensor[] inputs = tensors(ref.get("inputs"));
        Tensor[] jac = Autograd.jacobian(MATRIX, inputs);
        assertEquals(2, jac.length);
        for (int i = 0; i < 2; i++) {
            assertClose(ref.get("jacobian").get(i), jac[i], TOL, "jacobian " + i);
            assertFalse(jac[i].requiresGrad());
        }
        assertFalse(inputs[0].requiresGrad(), "the caller's inputs are left alone");
        assertNull(inputs[0].grad());
    }

    @Test
    void vjpAndJvpOfAMatrixFunction() {
        JsonNode ref = REF.get("matrix");
        Tensor[] inputs = tensors(ref.get("inputs"));
        Tensor[] vjp = Autograd.vjp(MATRIX, inputs, float64(ref.get("v")));
        assertEquals(3, vjp.length);
        assertClose(ref.get("output"), vjp[0], TOL, "output");
        assertClose(ref.get("vjp").get(0), vjp[1], TOL, "vjp 0");
        assertClose(ref.get("vjp").get(1), vjp[2], TOL, "vjp 1");
        Tensor[] jvp = Autograd.jvp(MATRIX, inputs, tensors(ref.get("tangents")));
        assertEquals(2, jvp.length);
        assertClose(ref.get("output"), jvp[0], TOL, "output");
        assertClose(ref.get("jvp"), jvp[1], TOL, "jvp");
    }

    @Test
    void hessianHvpAndScalarVjp() {
        JsonNode ref = REF.get("scalar");
        Tensor[] inputs = tensors(ref.get("inputs"));
        Tensor[][] h = Autograd.hessian(SCALAR, inputs);
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                assertClose(ref.get("hessian").get(i).get(j), h[i][j], TOL, "hessian " + i + "," + j);
            }
        }
        Tensor[] hvp = Autograd.hvp(SCALAR, inputs, tensors(ref.get("v")));
        assertClose(ref.get("output"), hvp[0], TOL, "output");
        assertClose(ref.get("hvp").get(0), hvp[1], TOL, "hvp 0");
        assertClose(ref.get("hvp").get(1), hvp[2], TOL, "hvp 1");
        Tensor[] vjp = Autograd.vjp(SCALAR, inputs, null);
        assertClose(ref.get("vjp").get(0), vjp[1], TOL, "vjp 0");
        assertClose(ref.get("vjp").get(1), vjp[2], TOL, "vjp 1");
    }

    @Test
    void anInputTheOutputIgnoresGetsZeros() {
        Tensor x = Tensor.of(1.0, 2.0);
        Tensor unused = Tensor.of(3.0);
        Tensor[] jac = Autograd.jacobian(in -> in[0].mul(2), x, unused);
        assertEquals("tensor([[0.],\n        [0.]], dtype=torch.float64)", jac[1].toString());
        Tensor[] vjp = Autograd.vjp(in -> in[0].sum(), new Tensor[] {x, unused}, null);
        assertEquals(0.0, vjp[2].item());
    }

    @Test
    void badArgumentsAreNamed() {
        Tensor x = Tensor.ones(DType.FLOAT64, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Autograd.hessian(in -> in[0].mul(2), x));
        assertTrue(e.getMessage().startsWith("hessian: the function must return a single element"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Autograd.jvp(MATRIX, new Tensor[] {x}, new Tensor[0]));
        assertEquals("jvp: expected 1 tangents (one per input), got 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Autograd.jacobian(MATRIX, x, null));
        assertEquals("jacobian: input 1 is null", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Autograd.vjp(in -> in[0].mul(2), new Tensor[] {x}, null));
        assertTrue(e.getMessage().startsWith("vjp: the function must return a single element"), e.getMessage());
    }
}
