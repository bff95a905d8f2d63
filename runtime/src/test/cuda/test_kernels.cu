// A user kernel for CudaKernelTest and CudaSmokeTest: what a custom op's own .cu file looks like.
// Built with: nvcc -ptx -arch=compute_75 -O3 -o ../resources/dev/nabla/backend/cuda/test_kernels.ptx test_kernels.cu

// y[i] = a * x[i] + (addOne ? 1 : 0), for i < n.
extern "C" __global__ void scale_f32(long long n, const float* x, float a, int addOne, float* y) {
    for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (long long) gridDim.x * blockDim.x) {
        y[i] = a * x[i] + (addOne ? 1.0f : 0.0f);
    }
}

// y[i] = x[i] + b, for i < n, in double precision.
extern "C" __global__ void shift_f64(long long n, const double* x, double b, double* y) {
    for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < n;
         i += (long long) gridDim.x * blockDim.x) {
        y[i] = x[i] + b;
    }
}
