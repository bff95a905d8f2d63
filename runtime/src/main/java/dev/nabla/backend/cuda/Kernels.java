package dev.nabla.backend.cuda;

import dev.nabla.DType;
import java.net.URL;

/**
 * The built-in kernels: {@code nabla_kernels.ptx}, built by {@code runtime/src/main/cuda/build-ptx.sh}
 * from {@code nabla_kernels.cu} and shipped as a resource next to this class. Each kernel is
 * named after its operation and its element type, e.g. {@code binary_f32} or {@code copy_i64_to_b8}.
 */
final class Kernels {
    /** The resource name, relative to this package. */
    static final String RESOURCE = "nabla_kernels.ptx";

    private static final URL PTX = Kernels.class.getResource(RESOURCE);
    private static final PtxModule MODULE = PTX == null
            ? PtxModule.missing("dev/nabla/backend/cuda/" + RESOURCE, missingReason()) : PtxModule.of(PTX);

    private Kernels() {}

    /** Why the kernels cannot be used, in one line; empty when their resource is present. */
    static String missingReason() {
        return PTX != null ? ""
                : "the CUDA kernels are missing: no resource dev/nabla/backend/cuda/" + RESOURCE
                        + " on the class path (build it with runtime/src/main/cuda/build-ptx.sh)";
    }

    /** The module holding the kernels; loading it fails with {@link #missingReason()} when the PTX is missing. */
    static PtxModule module() {
        return MODULE;
    }

    /** The suffix naming a kernel's element type: {@code f32}, {@code f64}, {@code i64} or {@code b8}. */
    static String suffix(DType dtype) {
        switch (dtype) {
            case FLOAT32:
                return "f32";
            case FLOAT64:
                return "f64";
            case INT64:
                return "i64";
            default:
                return "b8";
        }
    }
}
