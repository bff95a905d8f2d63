package dev.nabla.samples.ops;

import dev.nabla.DType;
import dev.nabla.Tensor;
import dev.nabla.annotations.Backward;
import dev.nabla.annotations.Differentiable;
import dev.nabla.annotations.Jvp;
import dev.nabla.annotations.OnCuda;
import dev.nabla.annotations.Saved;
import dev.nabla.backend.cuda.CudaKernel;

/**
 * Seed 004's custom ReLU, {@code max(x, 0)}, written with the DSL: the gradient passes where
 * {@code x >= 0} and is zero elsewhere. Call it as {@code MyReLUFunction.apply(x)}.
 *
 * <p>On a GPU it runs its own kernels, as a PyTorch CUDA extension would: {@code myrelu.cu}
 * (under {@code src/main/cuda}), compiled to the {@code myrelu.ptx} resource next to this class
 * and launched through {@link CudaKernel}. The generated {@code MyReLUFunction} calls the
 * {@link OnCuda} versions when the input is on CUDA and the tensor-op versions otherwise; it also
 * takes the tensor-op backward under a double backward, which must record tensor ops (a raw
 * kernel records nothing).
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
        return x.clampMin(0);
    }

    @Backward
    Tensor backward(Tensor gradOut) {
        return gradOut.maskedFill(x.lt(0), 0);
    }

    /**
     * The tangent passes where the gradient does. The parameter is named like the forward's input,
     * so the saved input is {@code this.x}. Tensor ops, so it runs on CUDA tensors too.
     */
    @Jvp
    Tensor jvp(Tensor x) {
        return x.maskedFill(this.x.lt(0), 0);
    }

    /** The forward on a CUDA tensor: the kernels take floating dtypes, the tensor ops the others. */
    @OnCuda("forward")
    Tensor forwardCuda(Tensor x) {
        if (!x.dtype().isFloatingPoint()) {
            return forward(x);
        }
        this.x = x;
        Tensor in = x.contiguous();
        Tensor y = Tensor.zerosLike(in);
        (isFloat(in) ? FORWARD_F32 : FORWARD_F64).launch(in.numel(), in.numel(), in, y);
        return y;
    }

    /** The backward on CUDA tensors: the kernel reads a gradient of the input's dtype. */
    @OnCuda("backward")
    Tensor backwardCuda(Tensor gradOut) {
        if (!x.dtype().isFloatingPoint() || gradOut.dtype() != x.dtype()) {
            return backward(gradOut);
        }
        Tensor in = x.contiguous();
        Tensor g = gradOut.contiguous();
        Tensor gradIn = Tensor.zerosLike(in);
        (isFloat(in) ? BACKWARD_F32 : BACKWARD_F64).launch(in.numel(), in.numel(), in, g, gradIn);
        return gradIn;
    }

    private static boolean isFloat(Tensor t) {
        return t.dtype() == DType.FLOAT32;
    }
}
