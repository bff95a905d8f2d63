package dev.nabla.samples.seed004;

import dev.nabla.DType;
import dev.nabla.Gradcheck;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import dev.nabla.samples.ops.BinarizeFunction;
import dev.nabla.samples.ops.MyReLUFunction;

/**
 * Seed 004, "Custom Autograd Function", in Java.
 *
 * <ol>
 *   <li>A custom ReLU: {@link dev.nabla.samples.ops.MyReLU}; the gradient of
 *       {@code y.sum()} is 0 where {@code x < 0} and 1 elsewhere.</li>
 *   <li>A straight-through estimator: {@link dev.nabla.samples.ops.Binarize}, a hard threshold
 *       whose backward passes the gradient unchanged, so the gradient is all ones.</li>
 *   <li>{@code gradcheck} of MyReLU at a float64 input: true. The same check of the
 *       straight-through estimator fails, as it should: its backward is deliberately not the
 *       true (zero) derivative of a threshold.</li>
 *   <li>The exercise: {@link MySigmoid}, gradchecked and compared with the built-in sigmoid.</li>
 * </ol>
 */
public final class Seed004 {
    /** Seeds the random inputs, so that every run prints the same numbers. */
    static final long SEED = 4;

    private Seed004() {}

    /** Runs the post's examples in order and prints what they print. */
    public static void main(String[] args) {
        Nabla.manualSeed(SEED);
        System.out.println("# custom ReLU");
        customReLU();
        System.out.println();
        System.out.println("# straight-through estimator");
        straightThrough();
        System.out.println();
        System.out.println("# gradcheck");
        gradcheck();
        System.out.println();
        System.out.println("# exercise: custom sigmoid");
        exercise();
    }

    private static void customReLU() {
        Tensor x = Tensor.randn(5).requiresGrad(true);
        Tensor y = MyReLUFunction.apply(x);
        y.sum().backward();
        System.out.println(x);
        System.out.println(x.grad());
    }

    private static void straightThrough() {
        // The forward step is not differentiable, but quantization-aware training still needs a learning signal.
        Tensor x = Tensor.randn(4).requiresGrad(true);
        Tensor y = BinarizeFunction.apply(x);
        y.sum().backward();
        System.out.println(y);
        System.out.println(x.grad());
    }

    private static void gradcheck() {
        // float64, for numerical stability of the finite differences.
        Tensor x = Tensor.randn(DType.FLOAT64, 8).requiresGrad(true);
        Gradcheck.Options options = Gradcheck.Options.defaults().withEps(1e-6).withAtol(1e-5);
        System.out.println("MyReLU: " + Gradcheck.check(in -> MyReLUFunction.apply(in[0]), options, x));

        Gradcheck.Fn binarize = in -> BinarizeFunction.apply(in[0]);
        System.out.println("STE:    " + Gradcheck.check(binarize, options.withRaiseException(false), x));
        try {
            Gradcheck.check(binarize, options, x);
        } catch (Gradcheck.GradcheckException e) {
            System.out.println("STE, raising: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private static void exercise() {
        Tensor x = Tensor.randn(DType.FLOAT64, 8).requiresGrad(true);
        Gradcheck.Options options = Gradcheck.Options.defaults().withEps(1e-6).withAtol(1e-5);
        System.out.println("gradcheck: " + Gradcheck.check(in -> MySigmoidFunction.apply(in[0]), options, x));
        double maxDifference = MySigmoidFunction.apply(x).sub(x.sigmoid()).abs().max().item();
        System.out.println("matches sigmoid: " + (maxDifference <= 1e-12));
    }
}
