package dev.nabla.backend;

import dev.nabla.DType;
import dev.nabla.Device;
import dev.nabla.Tensor;
import dev.nabla.internal.TensorAccess;
import java.util.random.RandomGenerator;

/**
 * The kernels of one kind of device: the service-provider interface through which Nabla
 * runs every tensor operation, the Java form of a PyTorch backend.
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader} (register them with
 * {@code @AutoService(Backend.class)}) and chosen per device type by {@link Backends}. The
 * tensor layer does all validation, broadcasting and type promotion before calling a
 * kernel, so a backend only ever sees:
 *
 * <ul>
 *   <li>operands on a device of its {@link #deviceType()}, with the shapes the method
 *       states (broadcast operands arrive expanded, with stride 0);
 *   <li>input operands of one dtype (the computation type), and outputs either freshly
 *       allocated by {@link #allocate} or, for in-place ops, the tensor being written;
 *   <li>output operands without overlapping elements.
 * </ul>
 *
 * A kernel never bumps versions: the tensor layer does, once per in-place op.
 */
public interface Backend {
    /** A unique name by which a user can select this backend, e.g. {@code "cpu"}. */
    String name();

    /** The {@link Device#type()} this backend serves. */
    String deviceType();

    /**
     * Among available backends of one device type, the one with the highest priority is
     * used unless a user selects another by name.
     */
    default int priority() {
        return 0;
    }

    /** Whether this backend can run here (a CUDA backend without a GPU cannot). */
    boolean isAvailable();

    /** Why {@link #isAvailable()} is false, for error messages; empty when available. */
    default String unavailableReason() {
        return "";
    }

    /** Allocates {@code numel} zero-filled elements on {@code device}. */
    Storage allocate(DType dtype, long numel, Device device);

    /**
     * Allocates {@code numel} elements on {@code device} whose values are unspecified: for an
     * op's output that its kernel writes in full, which then need not be cleared first (PyTorch's
     * {@code empty}). The default is {@link #allocate}; a backend whose zero-fill costs a pass
     * over the memory (a device memset) overrides it.
     */
    default Storage allocateUninitialized(DType dtype, long numel, Device device) {
        return allocate(dtype, numel, device);
    }

    /**
     * Copies {@code src} into {@code dst} elementwise, converting the dtype. The shapes are
     * equal; {@code src} is on this backend's device or on the CPU, and {@code dst} is on
     * this backend's device, or on the CPU when {@code src} is on this backend's device.
     */
    void copy(Tensor src, Tensor dst);

    /** Sets every element of {@code dst} to {@code value} (converted to its dtype). */
    void fill(Tensor dst, double value);

    /**
     * {@code out = op(in)}; same shape and dtype, one {@code op} {@link UnaryOp#accepts accepts}.
     *
     * @throws UnsupportedOperationException for a dtype {@code op} does not accept
     */
    void unary(UnaryOp op, Tensor in, Tensor out);

    /** {@code out = min(max(in, min), max)}; same shape and dtype; an infinite bound is absent. */
    void clamp(Tensor in, double min, double max, Tensor out);

    /**
     * {@code out = op(a, b)}; all three have one shape, {@code a} and {@code b} one dtype that
     * {@code op} {@link BinaryOp#accepts accepts}, and {@code out} has that dtype or, for
     * comparisons, {@link DType#BOOL}.
     *
     * @throws UnsupportedOperationException for a dtype {@code op} does not accept
     */
    void binary(BinaryOp op, Tensor a, Tensor b, Tensor out);

    /**
     * {@code out = op(a, b)} with a scalar {@code b} converted to {@code a}'s dtype; {@code a}
     * and {@code out} have one shape and {@code a} is FLOAT32 or FLOAT64. The default goes
     * through {@link #binary} with {@code b} as an expanded one-element tensor; backends
     * override it to skip that tensor.
     */
    default void binaryScalar(BinaryOp op, Tensor a, double b, Tensor out) {
        TensorAccess access = TensorAccess.get();
        long[] shape = access.shape(a);
        Storage one = allocate(a.dtype(), 1, a.device());
        Tensor scalar = access.make(one, new long[0], new long[0], 0);
        fill(scalar, b);
        binary(op, a, access.make(one, shape, new long[shape.length], 0), out);
    }

    /**
     * One step of Adam (or AdamW, with {@code decoupled}) over a parameter in a single pass, as
     * PyTorch's {@code _single_tensor_adam} computes it:
     *
     * <pre>
     * g = maximize ? -grad : grad
     * decoupled ? param *= 1 - lr * weightDecay : g += weightDecay * param
     * expAvg = beta1 * expAvg + (1 - beta1) * g
     * expAvgSq = beta2 * expAvgSq + (1 - beta2) * g * g
     * maxExpAvgSq = max(maxExpAvgSq, expAvgSq)                 (AMSGrad, when not null)
     * param -= lr / biasCorrection1 * expAvg / (sqrt(second moment) / sqrt(biasCorrection2) + eps)
     * </pre>
     *
     * A capability: a backend without a fused kernel, or one that cannot handle these operands,
     * returns false and the optimizer runs the same update as separate tensor ops. The tensors
     * have one shape and one floating dtype; the caller bumps their versions.
     *
     * @param maxExpAvgSq AMSGrad's running maximum, or null without AMSGrad
     * @return whether the step was done
     */
    default boolean adamStep(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, Tensor maxExpAvgSq,
                             double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled,
                             boolean maximize, double biasCorrection1, double biasCorrection2) {
        return false;
    }

    /**
     * Layer normalisation of the rows of a contiguous {@code x [rows, m]} in one pass per row:
     * {@code out = (x - mean) * rstd * weight + bias}, where each row's {@code mean} and
     * {@code rstd = 1 / sqrt(var + eps)} (the biased variance, as PyTorch's) are returned too.
     * {@code weight} and {@code bias} ({@code [m]}, contiguous) may each be null; all operands
     * share one floating dtype and the device.
     *
     * <p>A capability: a backend without the kernel returns null, having allocated nothing, and
     * the caller composes the same computation from other ops.
     *
     * @return {@code {out [rows, m], mean [rows], rstd [rows]}}, the statistics FLOAT64 and all
     *     contiguous; or null where not supported
     */
    default Tensor[] layerNorm(Tensor x, Tensor weight, Tensor bias, double eps) {
        return null;
    }

    /**
     * The gradients of {@link #layerNorm} from the output gradient {@code g [rows, m]}
     * (contiguous) and the {@code mean} and {@code rstd} it returned, with
     * {@code xhat = (x - mean) * rstd} and {@code dxhat = g * weight} ({@code g} without a weight):
     * <pre>
     * dx      = rstd * (dxhat - mean over the row of dxhat - xhat * mean over the row of dxhat * xhat)
     * dweight = sum over the rows of g * xhat
     * dbias   = sum over the rows of g
     * </pre>
     * A capability: null where not supported, having allocated nothing.
     *
     * @return {@code {dx [rows, m], dweight [m], dbias [m]}} in {@code x}'s dtype, contiguous, each
     *     null where not wanted; or null where not supported
     */
    default Tensor[] layerNormBackward(Tensor g, Tensor x, Tensor weight, Tensor mean, Tensor rstd,
                                       boolean wantX, boolean wantWeight, boolean wantBias) {
        return null;
    }

    /**
     * SGD's update of one parameter in one pass, as {@code optim.SGD} composes it from tensor
     * ops (PyTorch 1.13's {@code _single_tensor_sgd}), each scalar rounded to the storage's
     * type first and each operation rounded as the separate ops round it, so the result is the
     * same bit for bit:
     *
     * <pre>
     * d = maximize ? -grad : grad
     * d = d + param * weightDecay                                   (if weightDecay != 0)
     * buf = firstStep ? d : buf * momentum + d * (1 - dampening)    (if momentumBuffer != null;
     *                                                                 the product is skipped for dampening 0)
     * d = nesterov ? d + buf * momentum : buf                       (if momentumBuffer != null)
     * param = param + d * -lr
     * </pre>
     *
     * A capability, as {@link #adamStep}: false where not supported, and the optimizer runs the
     * tensor ops. The tensors have one shape and one floating dtype; the caller bumps their versions.
     *
     * @param momentumBuffer the momentum buffer, read unless {@code firstStep} and written; null without momentum
     * @return whether the step was done
     */
    default boolean sgdStep(Tensor param, Tensor grad, Tensor momentumBuffer, boolean firstStep, double lr,
                            double momentum, double dampening, double weightDecay, boolean nesterov, boolean maximize) {
        return false;
    }

    /** {@code out = cond ? a : b}; one shape, {@code cond} is BOOL, the others one dtype. */
    void where(Tensor cond, Tensor a, Tensor b, Tensor out);

    /**
     * Reduces {@code in} over {@code dims} into {@code out}, whose shape is {@code in}'s with
     * each reduced dimension of size 1. Same dtype.
     */
    void reduce(ReduceOp op, Tensor in, int[] dims, Tensor out);

    /** The index of the first maximum along {@code dim}; {@code out} is INT64 with that dimension of size 1. */
    void argmax(Tensor in, int dim, Tensor out);

    /** Softmax (or its logarithm) along {@code dim}; same shape and a floating dtype. */
    void softmax(Tensor in, int dim, boolean log, Tensor out);

    /**
     * The gradient of {@link #softmax} along {@code dim} from its output {@code y} and the output's
     * gradient {@code g}, in one pass per row: {@code y * (g - sum(g * y))} for softmax,
     * {@code g - exp(y) * sum(g)} for its logarithm, the sums over {@code dim}. One shape and one
     * floating dtype. A capability, as {@link #layerNorm}: null where not supported, and the
     * caller composes the same formula from other ops.
     *
     * @return the gradient, contiguous, or null where not supported
     */
    default Tensor softmaxBackward(Tensor y, Tensor g, int dim, boolean log) {
        return null;
    }

    /**
     * ReLU's gradient from its output {@code y} and the output's gradient {@code g}, in one pass:
     * {@code g} where {@code y > 0} or {@code y} is NaN, {@code +0.0} where {@code y <= 0}
     * (PyTorch's {@code threshold_backward} at 0), each kept element of {@code g} bit for bit. One
     * shape and one floating dtype, any strides. A capability, as {@link #softmaxBackward}: null
     * where not supported, and the caller composes the same from other ops.
     *
     * @return the gradient, contiguous, or null where not supported
     */
    default Tensor reluBackward(Tensor y, Tensor g) {
        return null;
    }

    /**
     * The running sum along {@code dim}: {@code out[..., i, ...] = in[..., 0, ...] + ... + in[..., i, ...]};
     * same shape and dtype, FLOAT32, FLOAT64 or INT64. Float rows are summed in double, as
     * PyTorch's CPU kernel does, and each partial sum rounded once.
     */
    void cumsum(Tensor in, int dim, Tensor out);

    /**
     * Batched matrix product: {@code a} is {@code [batch, n, k]}, {@code b} is
     * {@code [batch, k, m]} and {@code out} is {@code [batch, n, m]}, one dtype; a batch
     * stride may be 0 (broadcast).
     */
    void matmul(Tensor a, Tensor b, Tensor out);

    /**
     * {@code out[..., i, ...] = in[..., index[i], ...]} along {@code dim}; {@code index} is a
     * 1-D INT64 tensor whose values are already checked to be in range.
     */
    void indexSelect(Tensor in, int dim, Tensor index, Tensor out);

    /** {@code out[..., index[i], ...] += src[..., i, ...]} along {@code dim}, the adjoint of {@link #indexSelect}. */
    void indexAdd(Tensor out, int dim, Tensor index, Tensor src);

    /**
     * {@code out[i][j] = in[index[i][j]][j]} for {@code dim = 0}, and so on; {@code index}
     * has {@code out}'s shape and in-range values.
     */
    void gather(Tensor in, int dim, Tensor index, Tensor out);

    /** {@code out[index[i][j]][j] += src[i][j]} for {@code dim = 0}, the adjoint of {@link #gather}. */
    void scatterAdd(Tensor out, int dim, Tensor index, Tensor src);

    /**
     * Unfolds the sliding windows of an image batch into columns (im2col), the matrix a
     * convolution multiplies by its weight:
     * {@code out[(c * kernelH + i) * kernelW + j][(n * outH + y) * outW + x] =
     * in[n][c][y * strideH - padH + i * dilationH][x * strideW - padW + j * dilationW]}, and
     * {@code padValue} where that position lies outside the input.
     *
     * <p>{@code in} is {@code [N, C, H, W]}, floating, with any strides; {@code out} is a fresh
     * contiguous {@code [C * kernelH * kernelW, N * outH * outW]} of its dtype, with
     * {@code outH = window.outH(H) >= 1} and {@code outW = window.outW(W) >= 1}. The default
     * makes one strided {@link #copy} per kernel element, so a backend has it from the kernels it
     * already has; backends override it with one pass.
     */
    default void im2col(Tensor in, Window window, double padValue, Tensor out) {
        if (window.padH() > 0 || window.padW() > 0) {
            fill(out, padValue);
        }
        new WindowViews(in, window).forEachKernelElement(out, (cols, image) -> copy(image, cols));
    }

    /**
     * Folds columns back onto an image batch (col2im), the adjoint of {@link #im2col}: adds each
     * column element to the input position {@link #im2col} read it from, dropping those that fall
     * into the padding. {@code col} is a contiguous {@code [C * kernelH * kernelW, N * outH *
     * outW]}; {@code out} is a fresh contiguous, zero-filled {@code [N, C, H, W]} of its dtype. The
     * default adds one strided view per kernel element with {@link #binary}.
     */
    default void col2im(Tensor col, Window window, Tensor out) {
        new WindowViews(out, window).forEachKernelElement(col, (cols, image) -> binary(BinaryOp.ADD, image, cols, image));
    }

    /**
     * A 2-D convolution with one group: {@code out[n][o] = bias[o] + sum over c, i, j of
     * weight[o][c][i][j] * x[n][c][y * strideH - padH + i * dilationH][x * strideW - padW + j * dilationW]},
     * positions outside {@code x} reading 0. {@code x} is a contiguous floating {@code [N, C, H, W]},
     * {@code weight} a contiguous {@code [O, C, kernelH, kernelW]} and {@code bias} a contiguous
     * {@code [O]} or null, one dtype, with {@code window.outH(H) >= 1} and {@code window.outW(W) >= 1}.
     * A capability, as {@link #layerNorm}: null where not supported, and the caller composes
     * {@link #im2col} and a matrix product.
     *
     * @return the output, contiguous {@code [N, O, outH, outW]}, or null where not supported
     */
    default Tensor convolution(Tensor x, Tensor weight, Window window, Tensor bias) {
        return null;
    }

    /**
     * The gradients of {@link #convolution} with respect to {@code x}, {@code weight} and the bias
     * (the sum of {@code g} over {@code N}, {@code outH} and {@code outW}) from the output's gradient
     * {@code g} (a contiguous {@code [N, O, outH, outW]}), each only where wanted; the operands as
     * for {@link #convolution}. A capability: null where not supported.
     *
     * @return {@code {dx, dweight, dbias}}, null where not wanted; or null where not supported
     */
    default Tensor[] convolutionBackward(Tensor g, Tensor x, Tensor weight, Window window, boolean wantX,
                                         boolean wantWeight, boolean wantBias) {
        return null;
    }

    /**
     * Max pooling in one pass: {@code indices[n][c][y][x]} is the index {@code iy * W + ix},
     * within plane {@code (n, c)} of {@code in}, of the first maximum of window {@code (y, x)} (row
     * {@code iy = y * strideH - padH + i * dilationH}, column likewise), in the window's row-major
     * order and among the positions inside the image; a NaN, once found, is the maximum, as
     * {@link #argmax} has it. {@code values[n][c][y][x]} is that element of {@code in}.
     *
     * <p>{@code in} is a floating {@code [N, C, H, W]} with any strides, whose every window holds
     * at least one position of the image, {@code outH = window.outH(H)} and
     * {@code outW = window.outW(W)}. A capability, as {@link #layerNorm}: a backend without the
     * kernel returns null, having allocated nothing, and max pooling unfolds the windows with
     * {@link #im2col} instead.
     *
     * @return {@code {values, indices}}, each a contiguous {@code [N, C, outH, outW]}, the values
     *     of {@code in}'s dtype and the indices INT64; or null where not supported
     */
    default Tensor[] maxPool(Tensor in, Window window) {
        return null;
    }

    /** Fills a floating tensor with samples of U(low, high) drawn from {@code random}. */
    void uniform(Tensor dst, double low, double high, RandomGenerator random);

    /** Fills a floating tensor with samples of N(mean, std^2) drawn from {@code random}. */
    void normal(Tensor dst, double mean, double std, RandomGenerator random);
}
