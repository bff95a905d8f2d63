// MyReLU's own CUDA kernels (samples/src/main/java/dev/nabla/samples/ops/MyReLU.java launches them
// through dev.nabla.backend.cuda.CudaKernel). One thread per element, grid-stride beyond the grid.
// nabla-ptx-package: dev/nabla/samples/ops
// Built with: nvcc -ptx -arch=compute_75 -O3 -o myrelu.ptx myrelu.cu (runtime/src/main/cuda/build-ptx.sh)
//
// The forward is x.clampMin(0) with Java's semantics: NaN stays NaN, and -0.0 becomes +0.0
// (Math.max(-0.0, 0.0) is 0.0). The backward is gradOut.maskedFill(x < 0, 0): the gradient
// passes where x >= 0 or x is NaN.

template <typename T>
__device__ void relu_forward(long long n, const T* x, T* y) {
    for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (long long) gridDim.x * blockDim.x) {
        T v = x[i];
        y[i] = v != v ? v : (v > T(0) ? v : T(0));
    }
}

template <typename T>
__device__ void relu_backward(long long n, const T* x, const T* gradOut, T* gradIn) {
    for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (long long) gridDim.x * blockDim.x) {
        gradIn[i] = x[i] < T(0) ? T(0) : gradOut[i];
    }
}

extern "C" __global__ void myrelu_forward_f32(long long n, const float* x, float* y) {
    relu_forward(n, x, y);
}

extern "C" __global__ void myrelu_forward_f64(long long n, const double* x, double* y) {
    relu_forward(n, x, y);
}

extern "C" __global__ void myrelu_backward_f32(long long n, const float* x, const float* gradOut, float* gradIn) {
    relu_backward(n, x, gradOut, gradIn);
}

extern "C" __global__ void myrelu_backward_f64(long long n, const double* x, const double* gradOut, double* gradIn) {
    relu_backward(n, x, gradOut, gradIn);
}
