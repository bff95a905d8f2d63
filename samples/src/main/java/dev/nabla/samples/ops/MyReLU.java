package dev.nabla.samples.ops;

import dev.nabla.DType;
import dev.nabla.Grad;
import dev.nabla.Tensor;
import dev.nabla.annotations.Backward;
import dev.nabla.annotations.Differentiable;
import dev.nabla.annotations.Saved;
import dev.nabla.backend.cuda.CudaKernel;

/**
 * Seed 004's custom ReLU, {@code max(x, 0)}, written with the DSL: the gradient passes where
 * {@code x >= 0} and is zero elsewhere. Call it as {@code MyReLUFunction.apply(x)}.
 *
 * <p>On a GPU it runs its own kernels, as a PyTorch CUDA extension would: {@code myrelu.cu}
 * (under {@code src/main/cuda}), compiled to the {@code myrelu.ptx} resource next to this class
 * and launched through {@link CudaKernel}. CPU tensors take the tensor-op path, which is also
 * the path of a backward that must itself be differentiable (double backward records tensor
 * ops; a raw kernel records nothing).
 */
public final class MyReLU {
    private static final String PTX = "myrelu.ptx";
    private static final CudaKernel FORWARD_F32 = CudaKernel.load(MyReLU.class, PTX, "myrelu_forward_f32");
    private static final CudaKernel FORWARD_F64 = CudaKernel.load(MyReLU.class, PTX, "myrelu_forward_f64");
    private static final CudaKernel BACKWARD_F32 = CudaKernel.load(MyReLU.class, PTX, "myrelu_backward_f32");
    private static final CudaKernel BACKWARD_F64 = CudaKernel.load(MyReLU.class, PTX, "myrelu_backward_f64");

    @Saved Tensor x;

    @Differentiable
    Tensor forward(Tensor x) {
        this.x = x;
        if (hasKernel(x)) {
            Tensor in = x.contiguous();
            Tensor y = Tensor.zerosLike(in);
            (isFloat(in) ? FORWARD_F32 : FORWARD_F64).launch(in.numel(), in.numel(), in, y);
            return y;
        }
        return x.clampMin(0);
    }

    @Backward
    Tensor backward(Tensor gradOut) {
        // Under createGraph (grad enabled) the backward must record tensor ops, which a raw kernel does not.
        if (hasKernel(x) && gradOut.dtype() == x.dtype() && !Grad.isEnabled()) {
            Tensor in = x.contiguous();
            Tensor g = gradOut.contiguous();
            Tensor gradIn = Tensor.zerosLike(in);
            (isFloat(in) ? BACKWARD_F32 : BACKWARD_F64).launch(in.numel(), in.numel(), in, g, gradIn);
            return gradIn;
        }
        return gradOut.maskedFill(x.lt(0), 0);
    }

    /** Whether the kernels handle {@code t}: a floating tensor on a CUDA device. */
    private static boolean hasKernel(Tensor t) {
        return t.device().isCuda() && t.dtype().isFloatingPoint();
    }

    private static boolean isFloat(Tensor t) {
        return t.dtype() == DType.FLOAT32;
    }
}
