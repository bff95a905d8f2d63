package dev.nabla.samples.seed001;

import dev.nabla.DType;
import dev.nabla.Gradcheck;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import dev.nabla.samples.ops.LinearOpFunction;
import java.util.Arrays;

/**
 * Seed 001, "Custom method" (PyTorch's "Extending autograd" notes), in Java.
 *
 * <ol>
 *   <li>The op: the post's {@code LinearFunction} is {@link dev.nabla.samples.ops.LinearOp}, whose
 *       generated {@link LinearOpFunction} replaces {@code linear = LinearFunction.apply}. Its
 *       forward takes an optional bias (null), saves what backward needs ({@code @Saved}, the
 *       post's {@code ctx.save_for_backward}) and its backward computes only the gradients that
 *       are needed ({@code @NeedsGrad}, the post's {@code ctx.needs_input_grad}).</li>
 *   <li>Step 4: {@code gradcheck} of the op at float64 inputs, with and without a bias.</li>
 *   <li>The module: {@link Linear}, printed through its {@code extraRepr()}.</li>
 * </ol>
 */
public final class Seed001 {
    /** Seeds every random tensor and weight, so that every run prints the same numbers. */
    static final long SEED = 1;

    private Seed001() {}

    /** Runs the post's examples in order and prints what they show. */
    public static void main(String[] args) {
        Nabla.manualSeed(SEED);
        System.out.println("# LinearFunction.apply(input, weight, bias)");
        linearFunction();
        System.out.println();
        System.out.println("# needs_input_grad: only the weight requires grad, no bias");
        needsInputGrad();
        System.out.println();
        System.out.println("# step 4: gradcheck(linear, input, eps=1e-6, atol=1e-4)");
        gradcheck();
        System.out.println();
        System.out.println("# the module");
        module();
    }

    private static void linearFunction() {
        Tensor input = Tensor.randn(4, 3).requiresGrad(true);
        Tensor weight = Tensor.randn(2, 3).requiresGrad(true);
        Tensor bias = Tensor.randn(2).requiresGrad(true);
        Tensor output = LinearOpFunction.apply(input, weight, bias);
        System.out.println(output);
        output.backward(Tensor.onesLike(output));
        System.out.println("input.grad  = " + input.grad());
        System.out.println("weight.grad = " + weight.grad());
        System.out.println("bias.grad   = " + bias.grad());
    }

    private static void needsInputGrad() {
        Tensor input = Tensor.randn(4, 3);
        Tensor weight = Tensor.randn(2, 3).requiresGrad(true);
        LinearOpFunction.apply(input, weight, null).sum().backward();
        System.out.println("input.grad  = " + input.grad());
        System.out.println("weight.grad = " + weight.grad());
    }

    private static void gradcheck() {
        Gradcheck.Options options = Gradcheck.Options.defaults().withEps(1e-6).withAtol(1e-4);
        Tensor input = Tensor.randn(DType.FLOAT64, 20, 20).requiresGrad(true);
        Tensor weight = Tensor.randn(DType.FLOAT64, 30, 20).requiresGrad(true);
        Tensor bias = Tensor.randn(DType.FLOAT64, 30).requiresGrad(true);
        Gradcheck.Fn linear = in -> LinearOpFunction.apply(in[0], in[1], null);
        System.out.println("without bias: " + Gradcheck.check(linear, options, input, weight));
        Gradcheck.Fn linearWithBias = in -> LinearOpFunction.apply(in[0], in[1], in[2]);
        System.out.println("with bias:    " + Gradcheck.check(linearWithBias, options, input, weight, bias));
    }

    private static void module() {
        Linear withBias = new Linear(20, 30);
        Linear withoutBias = new Linear(20, 30, false);
        for (Linear linear : new Linear[] {withBias, withoutBias}) {
            System.out.println(linear);
            linear.namedParameters().forEach((name, p) -> System.out.println("  " + name + ": " + Arrays.toString(p.shape())));
        }
        Tensor output = withBias.forward(Tensor.randn(128, 20));
        System.out.println("output " + Arrays.toString(output.shape()) + ", grad_fn=<" + output.gradFn().name() + ">");
    }
}
