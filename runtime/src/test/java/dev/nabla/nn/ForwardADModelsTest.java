package dev.nabla.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nabla.Autograd;
import dev.nabla.DType;
import dev.nabla.Gradcheck;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Autograd#jvp} (one forward pass, every op's jvp rule) through whole models, against the
 * reverse mode: the tangent {@code J u} equals the double-vjp value (the vjp of {@code v -> J^T v},
 * which is linear in {@code v}, taken at {@code u}) element by element, and {@code <v, J u>} equals
 * {@code <J^T v, u>} from {@link Autograd#vjp}; both within {@code 1e-10} relative in float64, as
 * the two modes sum the same products in different orders.
 */
class ForwardADModelsTest {
    private static final double TOLERANCE = 1e-10;

    @BeforeEach
    void seed() {
        Nabla.manualSeed(5);
    }

    private static Tensor r(long... shape) {
        return Tensor.randn(DType.FLOAT64, shape);
    }

    /**
     * A small CNN written with {@link Functional}, every weight an input so that every weight
     * carries a tangent: conv, batch norm, ReLU, max pooling, a grouped conv, SiLU, average pooling,
     * flatten and a linear layer to logits {@code [2, 3]}.
     */
    private static Tensor cnn(Tensor[] p) {
        Tensor h = Functional.conv2d(p[0], p[1], p[2], 1, 1, 1, 1);
        h = Functional.batchNorm(h, null, null, p[3], p[4], true, 0.1, 1e-5).relu();
        h = Functional.maxPool2d(h, 2, 2, 0);
        h = Functional.silu(Functional.conv2d(h, p[5], null, 1, 0, 1, 2));
        h = Functional.adaptiveAvgPool2d(h, 1, 1).reshape(2, 4);
        return Functional.linear(h, p[6], p[7]);
    }

    @Test
    void smallCnnWithEveryWeightMoving() {
        Tensor[] inputs = {r(2, 1, 6, 6), r(4, 1, 3, 3), r(4), r(4), r(4), r(4, 2, 2, 2), r(3, 4), r(3)};
        Tensor[] u = new Tensor[inputs.length];
        for (int i = 0; i < u.length; i++) {
            u[i] = Tensor.randn(DType.FLOAT64, inputs[i].shape());
        }
        assertForwardEqualsReverse(ForwardADModelsTest::cnn, inputs, u);
    }

    @Test
    void postNormTransformerEncoderLayerTrainingWithDropoutAndCausalMask() {
        TransformerEncoderLayer layer = new TransformerEncoderLayer(8, 2, 16, 0.1, "relu", false);
        layer.to(DType.FLOAT64);
        Gradcheck.Fn fn = in -> {
            // The same dropout masks in every pass.
            Nabla.manualSeed(9);
            return layer.forward(in[0], null, true);
        };
        assertForwardEqualsReverse(fn, new Tensor[] {r(2, 4, 8)}, new Tensor[] {r(2, 4, 8)});
    }

    @Test
    void preNormTransformerEncoderLayerWithGeluAndBoolMask() {
        TransformerEncoderLayer layer = new TransformerEncoderLayer(8, 2, 16, 0.1, "gelu", true);
        layer.to(DType.FLOAT64).eval();
        Tensor mask = Tensor.of(false, true, false, false, false, false, true, false, false, false, false, true, true,
                false, false, false).reshape(4, 4);
        assertForwardEqualsReverse(in -> layer.forward(in[0], mask, false), new Tensor[] {r(2, 4, 8)},
                new Tensor[] {r(2, 4, 8)});
    }

    private static void assertForwardEqualsReverse(Gradcheck.Fn fn, Tensor[] inputs, Tensor[] u) {
        Tensor[] forward = Autograd.jvp(fn, inputs, u);
        Tensor ju = forward[1];
        double[] byDoubleVjp = doubleVjp(fn, inputs, u).toDoubleArray();
        double[] byJvp = ju.toDoubleArray();
        assertEquals(byDoubleVjp.length, byJvp.length);
        double scale = 1;
        for (double e : byDoubleVjp) {
            scale = Math.max(scale, Math.abs(e));
        }
        assertArrayEquals(byDoubleVjp, byJvp, TOLERANCE * scale, "J u: forward mode against the double vjp");

        Tensor v = Tensor.randn(DType.FLOAT64, ju.shape());
        Tensor[] reverse = Autograd.vjp(fn, inputs, v);
        assertArrayEquals(forward[0].toDoubleArray(), reverse[0].toDoubleArray(), 0, "the same output in both passes");
        double vJu = v.mul(ju).sum().item();
        double jtvU = 0;
        for (int i = 0; i < inputs.length; i++) {
            jtvU += reverse[i + 1].mul(u[i]).sum().item();
        }
        assertEquals(jtvU, vJu, TOLERANCE * Math.max(1, Math.abs(jtvU)), "<v, J u> against <J^T v, u>");
    }

    /** {@code J u} by reverse mode twice: {@code J^T v} with its graph, then its vjp with {@code u}. */
    private static Tensor doubleVjp(Gradcheck.Fn fn, Tensor[] inputs, Tensor[] u) {
        Tensor[] xs = new Tensor[inputs.length];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = inputs[i].detach().requiresGrad(true);
        }
        Tensor out = fn.apply(xs);
        Tensor v = Tensor.zerosLike(out).requiresGrad(true);
        Tensor[] jtv = Autograd.grad(new Tensor[] {out}, xs, new Tensor[] {v}, true, true, true);
        List<Tensor> outputs = new ArrayList<>();
        List<Tensor> cotangents = new ArrayList<>();
        for (int i = 0; i < jtv.length; i++) {
            if (jtv[i] != null) {
                outputs.add(jtv[i]);
                cotangents.add(u[i]);
            }
        }
        return Autograd.grad(outputs.toArray(new Tensor[0]), new Tensor[] {v}, cotangents.toArray(new Tensor[0]), false,
                false, true)[0];
    }
}
