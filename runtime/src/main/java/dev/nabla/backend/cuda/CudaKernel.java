package dev.nabla.backend.cuda;

import dev.nabla.Device;
import dev.nabla.Tensor;
import java.net.URL;
import java.util.Objects;

/**
 * A user's own CUDA kernel: one {@code extern "C" __global__} function of a PTX file shipped as
 * a resource, launched on CUDA tensors. This is how a custom op runs its own device code, the
 * Java form of a PyTorch CUDA extension:
 *
 * <pre>{@code
 * // myrelu.cu, compiled with: nvcc -ptx -arch=compute_75 -O3 -o myrelu.ptx myrelu.cu
 * extern "C" __global__ void myrelu_forward_f32(long long n, const float* x, float* y) { ... }
 *
 * private static final CudaKernel FORWARD = CudaKernel.load(MyReLU.class, "myrelu.ptx", "myrelu_forward_f32");
 *
 * Tensor in = x.contiguous();
 * Tensor y = Tensor.zerosLike(in);
 * FORWARD.launch(in.numel(), in.numel(), in, y);   // one thread per element
 * }</pre>
 *
 * <p>Arguments map to the kernel's parameters in order: a CUDA {@link Tensor} becomes the
 * device address of its first element (its storage's address plus its offset times its element
 * size; the kernel sees its elements as laid out by its strides, so pass contiguous tensors
 * unless the kernel takes strides too), an {@link Integer} an {@code int}, a {@link Long} a
 * {@code long long}, a {@link Float} a {@code float}, a {@link Double} a {@code double} and a
 * {@link Boolean} an {@code int} (1 or 0). All tensors must be on one CUDA device, where the
 * kernel runs; with no tensor argument it runs on {@code cuda:0}.
 *
 * <p>A launch is asynchronous and ordered with every other operation on its device: reading a
 * result (copying it to the host) waits for it, and an error in the kernel surfaces at the next
 * operation that waits ({@link Cuda#synchronize()} for one). A launch changes no tensor's
 * {@link Tensor#version() version}: a kernel that writes in place into a tensor autograd may
 * have saved must record it with {@code tensor.storage().bumpVersion()}.
 *
 * <p>Instances are immutable and thread-safe; the PTX is read and loaded once per device, at
 * the first launch there, and shared by every kernel of the same resource.
 */
public final class CudaKernel {
    /** The threads per block of {@link #launch(long, Object...)}. */
    private static final int THREADS_PER_BLOCK = CudaDriver.BLOCK;
    /** The most threads per block CUDA allows. */
    private static final int MAX_BLOCK = 1024;

    private final PtxModule module;
    private final String function;

    private CudaKernel(PtxModule module, String function) {
        this.module = module;
        this.function = function;
    }

    /**
     * The kernel {@code function} of the PTX resource {@code ptxResource}, resolved as
     * {@code owner.getResource(ptxResource)} does: a name relative to {@code owner}'s package,
     * or absolute with a leading {@code /}. Nothing is read or loaded until the first launch,
     * and no GPU is needed to call this.
     *
     * @param owner the class whose package and class loader find the resource
     * @param ptxResource the PTX file's resource name, e.g. {@code "myrelu.ptx"}
     * @param function the kernel's {@code extern "C"} name
     * @throws IllegalArgumentException if the resource does not exist or {@code function} is blank
     */
    public static CudaKernel load(Class<?> owner, String ptxResource, String function) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(ptxResource, "ptxResource");
        Objects.requireNonNull(function, "function");
        if (function.isBlank()) {
            throw new IllegalArgumentException("CudaKernel.load: the kernel's function name is blank");
        }
        URL url = owner.getResource(ptxResource);
        if (url == null) {
            throw new IllegalArgumentException("CudaKernel.load: no resource '" + ptxResource + "' found from "
                    + owner.getName() + " (a name without a leading '/' is relative to package "
                    + owner.getPackageName() + "); is the .ptx file under src/main/resources?");
        }
        return new CudaKernel(PtxModule.of(url), function);
    }

    /**
     * Launches {@code ceil(threads / 256)} blocks of 256 threads (nothing when {@code threads}
     * is 0); the kernel checks its index against its own bound. Pass {@code threads} as a
     * {@code long} or an {@code int}.
     *
     * @param threads the number of threads wanted, at least 0
     * @param args the kernel's arguments, in order (see the class documentation)
     * @throws IllegalArgumentException if {@code threads} is negative or needs more than
     *     {@code 2^31 - 1} blocks, or an argument is null, of another type, a tensor not on a
     *     CUDA device, or on another device than an earlier tensor argument
     * @throws IllegalStateException if CUDA is not available, a tensor's memory was freed, or
     *     the PTX cannot be loaded or lacks the function
     */
    public void launch(long threads, Object... args) {
        if (threads < 0) {
            throw new IllegalArgumentException(function + ": the number of threads must be >= 0, got " + threads);
        }
        long blocks = threads / THREADS_PER_BLOCK + (threads % THREADS_PER_BLOCK == 0 ? 0 : 1);
        if (blocks > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(function + ": " + threads + " threads need " + blocks
                    + " blocks of " + THREADS_PER_BLOCK + ", more than a grid holds; let each thread do several elements");
        }
        Device device = checkArgs(args);
        if (blocks == 0) {
            return;
        }
        run((int) blocks, THREADS_PER_BLOCK, args, device);
    }

    /**
     * Launches a 1-D grid of {@code gridX} blocks of {@code blockX} threads, for kernels that
     * choose their own geometry: {@code kernel.launchGrid(64, 256, x, y, n)}.
     *
     * @param gridX the number of blocks, at least 1
     * @param blockX the threads per block, 1 to 1024
     * @param args the kernel's arguments, in order (see the class documentation)
     * @throws IllegalArgumentException if {@code gridX} or {@code blockX} is out of range, or an
     *     argument is null, of another type, a tensor not on a CUDA device, or on another device
     *     than an earlier tensor argument
     * @throws IllegalStateException if CUDA is not available, a tensor's memory was freed, or
     *     the PTX cannot be loaded or lacks the function
     */
    public void launchGrid(int gridX, int blockX, Object... args) {
        if (gridX < 1) {
            throw new IllegalArgumentException(function + ": gridX must be >= 1, got " + gridX);
        }
        if (blockX < 1 || blockX > MAX_BLOCK) {
            throw new IllegalArgumentException(function + ": blockX must be in [1, " + MAX_BLOCK + "], got " + blockX);
        }
        run(gridX, blockX, args, checkArgs(args));
    }

    /**
     * Checks every argument before anything touches the GPU.
     *
     * @return the device of the tensors among them, or cuda:0 when there is none
     */
    private Device checkArgs(Object[] args) {
        Objects.requireNonNull(args, "args");
        Device device = null;
        int deviceArg = -1;
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a == null) {
                throw new IllegalArgumentException(function + ": argument " + i + " is null");
            }
            if (a instanceof Tensor) {
                Tensor t = (Tensor) a;
                Device d = t.device();
                if (!d.isCuda()) {
                    throw new IllegalArgumentException(function + ": argument " + i + " is a tensor on " + d
                            + "; a kernel takes CUDA tensors (move it with .to(Device.CUDA))");
                }
                if (device == null) {
                    device = d;
                    deviceArg = i;
                } else if (!device.equals(d)) {
                    throw new IllegalArgumentException(function + ": argument " + i + " is a tensor on " + d
                            + " but argument " + deviceArg + " is on " + device + "; all tensors must be on one device");
                }
            } else if (!(a instanceof Integer || a instanceof Long || a instanceof Float || a instanceof Double
                    || a instanceof Boolean)) {
                throw new IllegalArgumentException(function + ": argument " + i + " is a " + a.getClass().getName()
                        + "; a kernel takes Tensor, Integer, Long, Float, Double and Boolean arguments");
            }
        }
        for (int i = 0; i < args.length; i++) {
            if (args[i] instanceof Tensor && !(((Tensor) args[i]).storage() instanceof CudaStorage)) {
                Tensor t = (Tensor) args[i];
                throw new IllegalArgumentException(function + ": argument " + i + " is a tensor on " + t.device()
                        + " that the CUDA backend does not hold (" + t.storage().getClass().getName() + ")");
            }
        }
        return device == null ? Device.CUDA : device;
    }

    private void run(int gridX, int blockX, Object[] args, Device device) {
        String reason = CudaBackend.availabilityReason();
        if (!reason.isEmpty()) {
            throw new IllegalStateException(function + ": CUDA is not available: " + reason);
        }
        CudaDriver.checkDevice(device.index());
        KernelArgs params = new KernelArgs();
        for (Object a : args) {
            if (a instanceof Tensor) {
                Tensor t = (Tensor) a;
                CudaStorage s = (CudaStorage) t.storage();
                params.pointer(s.base(t).withByteOffset(t.storageOffset() * t.dtype().byteSize()));
            } else if (a instanceof Integer) {
                params.i32((Integer) a);
            } else if (a instanceof Long) {
                params.i64((Long) a);
            } else if (a instanceof Float) {
                params.f32((Float) a);
            } else if (a instanceof Double) {
                params.f64((Double) a);
            } else {
                params.i32((Boolean) a ? 1 : 0);
            }
        }
        CudaDriver.current().launch(device.index(), module, function, gridX, 1, 1, blockX, params);
    }

    @Override
    public String toString() {
        return "CudaKernel[" + function + " in " + module.name() + "]";
    }
}
