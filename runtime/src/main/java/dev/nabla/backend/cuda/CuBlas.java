package dev.nabla.backend.cuda;

import dev.nabla.DType;
import java.util.concurrent.atomic.AtomicReferenceArray;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasOperation;

/**
 * cuBLAS for floating matrix products, where its native library loads (JCublas 12.6 needs
 * {@code libcublas.so.12}, which a machine with only CUDA 13's libraries lacks); the backend's
 * {@code gemm_L_T} kernels run otherwise. One handle per device, made on first use.
 */
final class CuBlas {
    private CuBlas() {}

    /** Loads JCublas once; any failure means the kernels do the work. */
    private static final class Probe {
        static final boolean LOADED = load();

        private static boolean load() {
            try {
                JCublas2.setExceptionsEnabled(true);
                JCublas2.initialize();
                return true;
            } catch (Throwable t) {
                // No libcublas.so.12 (or no JCublas natives for this platform): the gemm kernels do the work.
                return false;
            }
        }

        private Probe() {}
    }

    private static final class Handles {
        static final AtomicReferenceArray<cublasHandle> BY_DEVICE = new AtomicReferenceArray<>(JCudaCalls.devices());
        /** Devices where making a handle failed, so the kernels do their products. */
        static final AtomicReferenceArray<Boolean> FAILED = new AtomicReferenceArray<>(JCudaCalls.devices());

        private Handles() {}
    }

    /**
     * {@code C[p] = op(A[p]) op(B[p])} in cuBLAS's column-major terms (see {@link Driver#gemm}),
     * for FLOAT32 or FLOAT64, if cuBLAS can.
     *
     * @return false, having done nothing, when cuBLAS is not usable on this device
     */
    static boolean gemm(int device, DType dtype, boolean transA, boolean transB, int m, int n, int k, CUdeviceptr a,
                        int lda, long strideA, CUdeviceptr b, int ldb, long strideB, CUdeviceptr c, int ldc,
                        long strideC, int batch) {
        if (!Probe.LOADED) {
            return false;
        }
        cublasHandle handle = handle(device);
        if (handle == null) {
            return false;
        }
        JCudaCalls.makeCurrent(device);
        int opA = transA ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N;
        int opB = transB ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N;
        if (dtype == DType.FLOAT32) {
            JCublas2.cublasSgemmStridedBatched(handle, opA, opB, m, n, k, Pointer.to(new float[] {1f}), a, lda, strideA,
                    b, ldb, strideB, Pointer.to(new float[] {0f}), c, ldc, strideC, batch);
        } else {
            JCublas2.cublasDgemmStridedBatched(handle, opA, opB, m, n, k, Pointer.to(new double[] {1}), a, lda, strideA,
                    b, ldb, strideB, Pointer.to(new double[] {0}), c, ldc, strideC, batch);
        }
        return true;
    }

    private static cublasHandle handle(int device) {
        cublasHandle h = Handles.BY_DEVICE.get(device);
        if (h != null || Boolean.TRUE.equals(Handles.FAILED.get(device))) {
            return h;
        }
        synchronized (Handles.class) {
            h = Handles.BY_DEVICE.get(device);
            if (h == null && !Boolean.TRUE.equals(Handles.FAILED.get(device))) {
                try {
                    JCudaCalls.makeCurrent(device);
                    h = new cublasHandle();
                    JCublas2.cublasCreate(h);
                    Handles.BY_DEVICE.set(device, h);
                } catch (RuntimeException e) {
                    // cuBLAS loaded but will not start on this device: its products fall back to the kernels.
                    Handles.FAILED.set(device, true);
                    h = null;
                }
            }
            return h;
        }
    }
}
