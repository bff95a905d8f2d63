package dev.nabla;

import dev.nabla.backend.BinaryOp;
import dev.nabla.backend.ReduceOp;
import dev.nabla.backend.Storage;
import dev.nabla.autograd.AutogradMeta;
import dev.nabla.autograd.Node;
import dev.nabla.autograd.RemovableHandle;
import dev.nabla.backend.UnaryOp;
import dev.nabla.internal.Shapes;
import dev.nabla.internal.TensorAccess;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * An n-dimensional array of one {@link DType} on one {@link Device}.
 *
 * <p>Note [Tensor model]: a tensor is a view of a {@link Storage} (a flat block of
 * elements) through a shape, a stride per dimension (in elements) and a storage offset.
 * Element {@code (i0, ..., ik)} lives at {@code offset + i0*stride[0] + ... + ik*stride[k]}.
 * View ops ({@link #t()}, {@link #transpose}, {@link #narrow}, {@link #expand},
 * {@link #view}, {@link #unsqueeze}, {@link #squeeze}) make a new tensor over the same
 * storage and copy nothing, so writing through one view is visible in the others; an
 * expanded dimension has stride 0. The storage holds the version counter that every
 * in-place op ({@code add_}, {@code copy_}...) bumps, shared by all views.
 *
 * <p>Every operation checks its arguments here, promotes dtypes (PyTorch's rules:
 * {@code BOOL < INT64 < FLOAT32 < FLOAT64}, with a 0-dimensional operand or a {@code double}
 * argument not raising the type of a dimensioned one within its category), broadcasts
 * shapes (NumPy's rules), then hands the kernel to the {@link dev.nabla.backend.Backend} of
 * the tensor's device. Errors name the op and the offending shapes, dtypes or devices.
 *
 * <p>Tensors are not thread-safe for concurrent writes; reads from several threads are fine.
 */
public class Tensor {
    static {
        TensorAccess.install(new TensorAccess() {
            @Override
            public Tensor make(Storage storage, long[] shape, long[] stride, long offset) {
                return new Tensor(storage, shape, stride, offset);
            }

            @Override
            public long[] shape(Tensor t) {
                return t.shape;
            }

            @Override
            public long[] stride(Tensor t) {
                return t.stride;
            }

            @Override
            public AutogradMeta autograd(Tensor t) {
                return t.autograd;
            }

            @Override
            public void setAutograd(Tensor t, AutogradMeta autograd) {
                t.autograd = autograd;
            }

            @Override
            public Tensor sumTo(Tensor g, long[] shape) {
                return Reductions.sumTo(g, shape);
            }

            @Override
            public Tensor unary(UnaryOp op, Tensor x) {
                return Pointwise.unary(op, x);
            }
        });
    }

    final Storage storage;
    final long[] shape;
    final long[] stride;
    final long offset;

    /** Autograd's state of this tensor; null while it neither requires grad nor was computed from one that does. */
    AutogradMeta autograd;
    /** The tensor whose storage this view shares and that an in-place write also changes; null if not a view. */
    Tensor base;

    Tensor(Storage storage, long[] shape, long[] stride, long offset) {
        this.storage = storage;
        this.shape = shape;
        this.stride = stride;
        this.offset = offset;
    }

    /**
     * A new leaf over {@code data}'s storage and layout, sharing its elements and version counter
     * but none of its autograd state: how {@link dev.nabla.nn.Parameter} wraps a tensor.
     */
    protected Tensor(Tensor data) {
        this(data.storage, data.shape, data.stride, data.offset);
    }

    // ================================================================ creation

    /** A 1-D FLOAT32 tensor holding a copy of {@code values}. */
    public static Tensor of(float... values) {
        return Creation.of(values);
    }

    /** A 1-D FLOAT64 tensor holding a copy of {@code values}. */
    public static Tensor of(double... values) {
        return Creation.of(values);
    }

    /** A 1-D INT64 tensor holding a copy of {@code values}, e.g. class indices. */
    public static Tensor of(long... values) {
        return Creation.of(values);
    }

    /** A 1-D BOOL tensor holding a copy of {@code values}. */
    public static Tensor of(boolean... values) {
        return Creation.of(values);
    }

    /**
     * A 2-D FLOAT32 tensor from rows of equal length.
     *
     * @throws IllegalArgumentException if the rows differ in length
     */
    public static Tensor of(float[][] rows) {
        return Creation.of(rows);
    }

    /**
     * A 2-D FLOAT64 tensor from rows of equal length.
     *
     * @throws IllegalArgumentException if the rows differ in length
     */
    public static Tensor of(double[][] rows) {
        return Creation.of(rows);
    }

    /** A 0-dimensional FLOAT32 tensor, as {@code torch.tensor(2.5)}. */
    public static Tensor scalar(double value) {
        return Creation.full(DType.FLOAT32, value, Shapes.scalar());
    }

    /** A 0-dimensional tensor of {@code dtype}. */
    public static Tensor scalar(DType dtype, double value) {
        return Creation.full(dtype, value, Shapes.scalar());
    }

    /** A FLOAT32 tensor of zeros. */
    public static Tensor zeros(long... shape) {
        return Creation.full("zeros", DType.FLOAT32, 0, shape);
    }

    /** A tensor of zeros of {@code dtype}. */
    public static Tensor zeros(DType dtype, long... shape) {
        return Creation.full("zeros", dtype, 0, shape);
    }

    /** A FLOAT32 tensor of ones. */
    public static Tensor ones(long... shape) {
        return Creation.full("ones", DType.FLOAT32, 1, shape);
    }

    /** A tensor of ones of {@code dtype}. */
    public static Tensor ones(DType dtype, long... shape) {
        return Creation.full("ones", dtype, 1, shape);
    }

    /** A FLOAT32 tensor with every element {@code value}. */
    public static Tensor full(double value, long... shape) {
        return Creation.full("full", DType.FLOAT32, value, shape);
    }

    /** A tensor of {@code dtype} with every element {@code value}. */
    public static Tensor full(DType dtype, double value, long... shape) {
        return Creation.full("full", dtype, value, shape);
    }

    /** A FLOAT32 tensor of samples of the standard normal distribution (see {@link Nabla#manualSeed}). */
    public static Tensor randn(long... shape) {
        return Creation.randn(DType.FLOAT32, shape);
    }

    /** A floating tensor of {@code dtype} of samples of the standard normal distribution. */
    public static Tensor randn(DType dtype, long... shape) {
        return Creation.randn(dtype, shape);
    }

    /** A FLOAT32 tensor of samples of the uniform distribution on [0, 1). */
    public static Tensor rand(long... shape) {
        return Creation.rand(DType.FLOAT32, shape);
    }

    /** A floating tensor of {@code dtype} of samples of the uniform distribution on [0, 1). */
    public static Tensor rand(DType dtype, long... shape) {
        return Creation.rand(dtype, shape);
    }

    /** The INT64 tensor {@code [0, 1, ..., end - 1]}. */
    public static Tensor arange(long end) {
        return Creation.arange(DType.INT64, end);
    }

    /** The tensor {@code [0, 1, ..., end - 1]} of {@code dtype}. */
    public static Tensor arange(DType dtype, long end) {
        return Creation.arange(dtype, end);
    }

    /** Zeros with {@code t}'s shape, dtype and device. */
    public static Tensor zerosLike(Tensor t) {
        return Creation.fullLike(t, 0);
    }

    /** Ones with {@code t}'s shape, dtype and device. */
    public static Tensor onesLike(Tensor t) {
        return Creation.fullLike(t, 1);
    }

    /** Standard normal samples with {@code t}'s shape, dtype and device. */
    public static Tensor randnLike(Tensor t) {
        return Creation.randn(t.dtype(), t.shape).to(t.device());
    }

    // ================================================================ inspection

    /** The size of each dimension (a copy). */
    public long[] shape() {
        return shape.clone();
    }

    /**
     * The size of one dimension; negative dims count from the end.
     *
     * @throws IndexOutOfBoundsException if {@code dim} is out of range
     */
    public long size(int dim) {
        return shape[Shapes.wrapDim("size", dim, shape.length)];
    }

    /** The number of dimensions. */
    public int dim() {
        return shape.length;
    }

    /** The number of elements. */
    public long numel() {
        return Shapes.numel(shape);
    }

    /** The element type. */
    public DType dtype() {
        return storage.dtype();
    }

    /** Where the elements live. */
    public Device device() {
        return storage.device();
    }

    /** The step in elements between neighbours along each dimension (a copy). */
    public long[] stride() {
        return stride.clone();
    }

    /** The index in {@link #storage()} of this tensor's first element. */
    public long storageOffset() {
        return offset;
    }

    /** The storage this tensor views. */
    public Storage storage() {
        return storage;
    }

    /** Whether the elements are laid out in row-major order without gaps. */
    public boolean isContiguous() {
        return Shapes.isContiguous(shape, stride);
    }

    /** How many in-place writes this tensor's storage has seen; shared by all views. */
    public int version() {
        return storage.version();
    }

    /**
     * The single element's value.
     *
     * @throws IllegalStateException if the tensor does not have exactly one element
     */
    public double item() {
        long n = numel();
        if (n != 1) {
            throw new IllegalStateException("item: a Tensor with " + n + " elements cannot be converted to a scalar");
        }
        return Conversions.toDoubleArray(this)[0];
    }

    /** The elements in row-major order, converted to float. */
    public float[] toFloatArray() {
        return Conversions.toFloatArray(this);
    }

    /** The elements in row-major order, converted to double. */
    public double[] toDoubleArray() {
        return Conversions.toDoubleArray(this);
    }

    /** The elements in row-major order, converted to long (truncating). */
    public long[] toLongArray() {
        return Conversions.toLongArray(this);
    }

    /** The elements in row-major order, converted to boolean (non-zero is true). */
    public boolean[] toBooleanArray() {
        return Conversions.toBooleanArray(this);
    }

    /** The tensor printed as PyTorch prints it, e.g. {@code tensor([[0.2376, 1.0000]])}. */
    @Override
    public String toString() {
        return TensorFormatter.format(this);
    }

    // ================================================================ autograd

    /** Whether gradients flow to this tensor: a leaf marked so, or the result of an op on such tensors. */
    public boolean requiresGrad() {
        AutogradMeta a = autograd;
        return a != null && a.requiresGrad();
    }

    /**
     * Marks this leaf as needing a gradient (or not).
     *
     * @return this tensor
     * @throws IllegalStateException for a non-leaf, or for a non-floating tensor
     */
    public Tensor requiresGrad(boolean requiresGrad) {
        Node gradFn = gradFn();
        if (gradFn != null) {
            throw new IllegalStateException("you can only change requiresGrad flags of leaf tensors; this one was computed by "
                    + gradFn.name() + ". Use detach() to get a leaf.");
        }
        if (requiresGrad && !dtype().isFloatingPoint()) {
            throw new IllegalStateException("only tensors of floating point dtype can require gradients, got "
                    + dtype().torchName());
        }
        if (autograd == null) {
            if (!requiresGrad) {
                return this;
            }
            autograd = AutogradMeta.leaf();
        }
        autograd.setRequiresGrad(requiresGrad);
        return this;
    }

    /** The gradient accumulated into this leaf by backward, or null. */
    public Tensor grad() {
        AutogradMeta a = autograd;
        return a == null ? null : a.grad();
    }

    /**
     * Replaces the accumulated gradient (null clears it), as assigning PyTorch's {@code .grad}.
     *
     * @throws IllegalArgumentException if the shape, dtype or device differ from this tensor's
     */
    public void setGrad(Tensor grad) {
        if (grad != null && (!java.util.Arrays.equals(grad.shape, shape) || grad.dtype() != dtype()
                || !grad.device().equals(device()))) {
            throw new IllegalArgumentException("setGrad: assigned grad has shape " + Shapes.format(grad.shape) + ", dtype "
                    + grad.dtype().torchName() + ", device " + grad.device() + " but the tensor has shape "
                    + Shapes.format(shape) + ", dtype " + dtype().torchName() + ", device " + device());
        }
        if (autograd == null) {
            if (grad == null) {
                return;
            }
            autograd = AutogradMeta.leaf();
        }
        autograd.setGrad(grad);
    }

    /**
     * Registers {@code hook} to be called with this leaf each time backward has accumulated a
     * gradient into its {@link #grad()} (PyTorch's {@code register_post_accumulate_grad_hook}),
     * on the thread running the backward, once per backward run that reaches the leaf.
     * {@link dev.nabla.autograd.Engine#queueCallback} lets a hook act again when that run ends.
     *
     * @return a handle that removes the hook
     * @throws IllegalStateException if this tensor is not a leaf that requires grad
     */
    public RemovableHandle registerPostAccumulateGradHook(Consumer<? super Tensor> hook) {
        Objects.requireNonNull(hook, "registerPostAccumulateGradHook: hook is null");
        if (!isLeaf()) {
            throw new IllegalStateException("post accumulate grad hooks cannot be registered on non-leaf tensors");
        }
        if (!requiresGrad()) {
            throw new IllegalStateException("cannot register a hook on a tensor that doesn't require gradient");
        }
        return autograd.addPostAccumulateGradHook(() -> hook.accept(this));
    }

    /** Whether this tensor was not computed by a recorded op (it has no {@link #gradFn()}). */
    public boolean isLeaf() {
        return gradFn() == null;
    }

    /** The node that computed this tensor ({@code grad_fn}), or null for a leaf. */
    public Node gradFn() {
        AutogradMeta a = autograd;
        return a == null ? null : a.gradFn();
    }

    /**
     * Accumulates the gradient of this scalar into every leaf it depends on, then frees the graph.
     *
     * @throws IllegalStateException if this tensor has more than one element or does not require grad
     */
    public void backward() {
        Autograd.backward(new Tensor[] {this}, null, false, false);
    }

    /** Backward with {@code gradient} (this tensor's shape) as the gradient of this tensor. */
    public void backward(Tensor gradient) {
        Autograd.backward(new Tensor[] {this}, new Tensor[] {gradient}, false, false);
    }

    /** Backward that may keep the graph for another backward and record itself for higher derivatives. */
    public void backward(Tensor gradient, boolean retainGraph, boolean createGraph) {
        Autograd.backward(new Tensor[] {this}, gradient == null ? null : new Tensor[] {gradient}, retainGraph, createGraph);
    }

    /** A new leaf sharing this tensor's storage (and version counter) that never requires grad. */
    public Tensor detach() {
        return new Tensor(storage, shape, stride, offset);
    }

    // ================================================================ pointwise math

    /** {@code this + other}, broadcasting. */
    public Tensor add(Tensor other) {
        return Pointwise.binary(BinaryOp.ADD, this, other);
    }

    /**
     * {@code this + other} written into {@code out}, as PyTorch's {@code out=} argument: no new tensor is
     * allocated. {@code out} must have the broadcast shape and the result dtype.
     *
     * @return {@code out}
     */
    public Tensor add(Tensor other, Tensor out) {
        return Pointwise.binaryInto(BinaryOp.ADD, this, other, out);
    }

    /** {@code this + value}. */
    public Tensor add(double value) {
        return Pointwise.binary(BinaryOp.ADD, this, value);
    }

    /** {@code this - other}, broadcasting. */
    public Tensor sub(Tensor other) {
        return Pointwise.binary(BinaryOp.SUB, this, other);
    }

    /**
     * {@code this - other} written into {@code out}, as PyTorch's {@code out=} argument: no new tensor is
     * allocated. {@code out} must have the broadcast shape and the result dtype.
     *
     * @return {@code out}
     */
    public Tensor sub(Tensor other, Tensor out) {
        return Pointwise.binaryInto(BinaryOp.SUB, this, other, out);
    }

    /** {@code this - value}. */
    public Tensor sub(double value) {
        return Pointwise.binary(BinaryOp.SUB, this, value);
    }

    /** {@code this * other}, broadcasting. */
    public Tensor mul(Tensor other) {
        return Pointwise.binary(BinaryOp.MUL, this, other);
    }

    /**
     * {@code this * other} written into {@code out}, as PyTorch's {@code out=} argument: no new tensor is
     * allocated. {@code out} must have the broadcast shape and the result dtype.
     *
     * @return {@code out}
     */
    public Tensor mul(Tensor other, Tensor out) {
        return Pointwise.binaryInto(BinaryOp.MUL, this, other, out);
    }

    /** {@code this * value}. */
    public Tensor mul(double value) {
        return Pointwise.binary(BinaryOp.MUL, this, value);
    }

    /** {@code this / other}, true division (integers give FLOAT32), broadcasting. */
    public Tensor div(Tensor other) {
        return Pointwise.binary(BinaryOp.DIV, this, other);
    }

    /**
     * {@code this / other} written into {@code out}, as PyTorch's {@code out=} argument: no new tensor is
     * allocated. {@code out} must have the broadcast shape and the result dtype.
     *
     * @return {@code out}
     */
    public Tensor div(Tensor other, Tensor out) {
        return Pointwise.binaryInto(BinaryOp.DIV, this, other, out);
    }

    /** {@code this / value}, true division. */
    public Tensor div(double value) {
        return Pointwise.binary(BinaryOp.DIV, this, value);
    }

    /** {@code this} raised to {@code exponent}, broadcasting. */
    public Tensor pow(Tensor exponent) {
        return Pointwise.binary(BinaryOp.POW, this, exponent);
    }

    /** {@code this} raised to {@code exponent}. */
    public Tensor pow(double exponent) {
        return Pointwise.binary(BinaryOp.POW, this, exponent);
    }

    /** The larger of each pair of elements (NaN if either is NaN), broadcasting. */
    public Tensor maximum(Tensor other) {
        return Pointwise.binary(BinaryOp.MAXIMUM, this, other);
    }

    /** The larger of each element and {@code value}. */
    public Tensor maximum(double value) {
        return Pointwise.binary(BinaryOp.MAXIMUM, this, value);
    }

    /** The smaller of each pair of elements (NaN if either is NaN), broadcasting. */
    public Tensor minimum(Tensor other) {
        return Pointwise.binary(BinaryOp.MINIMUM, this, other);
    }

    /** The smaller of each element and {@code value}. */
    public Tensor minimum(double value) {
        return Pointwise.binary(BinaryOp.MINIMUM, this, value);
    }

    /** {@code -this}. */
    public Tensor neg() {
        return Pointwise.unary(UnaryOp.NEG, this);
    }

    /** {@code |this|}. */
    public Tensor abs() {
        return Pointwise.unary(UnaryOp.ABS, this);
    }

    /** {@code e^this}; integer tensors give FLOAT32. */
    public Tensor exp() {
        return Pointwise.unary(UnaryOp.EXP, this);
    }

    /** The natural logarithm; integer tensors give FLOAT32. */
    public Tensor log() {
        return Pointwise.unary(UnaryOp.LOG, this);
    }

    /** The square root; integer tensors give FLOAT32. */
    public Tensor sqrt() {
        return Pointwise.unary(UnaryOp.SQRT, this);
    }

    /** The sine (radians); integer tensors give FLOAT32. */
    public Tensor sin() {
        return Pointwise.unary(UnaryOp.SIN, this);
    }

    /** The cosine (radians); integer tensors give FLOAT32. */
    public Tensor cos() {
        return Pointwise.unary(UnaryOp.COS, this);
    }

    /** The hyperbolic tangent; integer tensors give FLOAT32. */
    public Tensor tanh() {
        return Pointwise.unary(UnaryOp.TANH, this);
    }

    /** {@code 1 / (1 + e^-this)}; integer tensors give FLOAT32. */
    public Tensor sigmoid() {
        return Pointwise.unary(UnaryOp.SIGMOID, this);
    }

    /**
     * The error function {@code 2/sqrt(pi) * integral from 0 to x of exp(-t^2) dt}, elementwise;
     * integer tensors give FLOAT32. Its gradient is {@code 2/sqrt(pi) exp(-x^2)}.
     */
    public Tensor erf() {
        return Pointwise.unary(UnaryOp.ERF, this);
    }

    /**
     * -1, 0 or 1 with each element's sign, of this tensor's dtype; its gradient is zero. A NaN
     * stays NaN (as Java's {@code Math.signum}; torch 1.13 gives 0).
     *
     * @throws IllegalArgumentException for a bool tensor
     */
    public Tensor sign() {
        return Pointwise.unary(UnaryOp.SIGN, this);
    }

    /** {@code max(this, 0)}. */
    public Tensor relu() {
        return Pointwise.unary(UnaryOp.RELU, this);
    }

    /** Each element limited to {@code [min, max]}. */
    public Tensor clamp(double min, double max) {
        return Pointwise.clamp("clamp", this, min, max);
    }

    /** Each element limited to at least {@code min}. */
    public Tensor clampMin(double min) {
        return Pointwise.clamp("clampMin", this, min, Double.POSITIVE_INFINITY);
    }

    /** Each element limited to at most {@code max}. */
    public Tensor clampMax(double max) {
        return Pointwise.clamp("clampMax", this, Double.NEGATIVE_INFINITY, max);
    }

    /** {@code this > other} as BOOL, broadcasting. */
    public Tensor gt(Tensor other) {
        return Pointwise.binary(BinaryOp.GT, this, other);
    }

    /** {@code this > value} as BOOL. */
    public Tensor gt(double value) {
        return Pointwise.binary(BinaryOp.GT, this, value);
    }

    /** {@code this >= other} as BOOL, broadcasting. */
    public Tensor ge(Tensor other) {
        return Pointwise.binary(BinaryOp.GE, this, other);
    }

    /** {@code this >= value} as BOOL. */
    public Tensor ge(double value) {
        return Pointwise.binary(BinaryOp.GE, this, value);
    }

    /** {@code this < other} as BOOL, broadcasting. */
    public Tensor lt(Tensor other) {
        return Pointwise.binary(BinaryOp.LT, this, other);
    }

    /** {@code this < value} as BOOL. */
    public Tensor lt(double value) {
        return Pointwise.binary(BinaryOp.LT, this, value);
    }

    /** {@code this <= other} as BOOL, broadcasting. */
    public Tensor le(Tensor other) {
        return Pointwise.binary(BinaryOp.LE, this, other);
    }

    /** {@code this <= value} as BOOL. */
    public Tensor le(double value) {
        return Pointwise.binary(BinaryOp.LE, this, value);
    }

    /** {@code this == other} as BOOL, broadcasting. */
    public Tensor eq(Tensor other) {
        return Pointwise.binary(BinaryOp.EQ, this, other);
    }

    /** {@code this == value} as BOOL. */
    public Tensor eq(double value) {
        return Pointwise.binary(BinaryOp.EQ, this, value);
    }

    /** {@code this != other} as BOOL, broadcasting. */
    public Tensor ne(Tensor other) {
        return Pointwise.binary(BinaryOp.NE, this, other);
    }

    /** {@code this != value} as BOOL. */
    public Tensor ne(double value) {
        return Pointwise.binary(BinaryOp.NE, this, value);
    }

    /**
     * Elements of {@code a} where {@code condition} holds and of {@code b} elsewhere; the three
     * broadcast together.
     *
     * @throws IllegalArgumentException if {@code condition} is not BOOL
     */
    public static Tensor where(Tensor condition, Tensor a, Tensor b) {
        return Pointwise.where("where", condition, a, b);
    }

    /** A copy with {@code value} wherever the BOOL {@code mask} (broadcast to this shape) is true. */
    public Tensor maskedFill(Tensor mask, double value) {
        return Pointwise.maskedFill(this, mask, value);
    }

    // ================================================================ reductions

    /** The sum of all elements, 0-dimensional; integer tensors sum to INT64. */
    public Tensor sum() {
        return Reductions.sumAll(this);
    }

    /** The sum along {@code dim}, which is kept with size 1 if {@code keepDim}. */
    public Tensor sum(int dim, boolean keepDim) {
        return Reductions.sum(this, new int[] {dim}, keepDim);
    }

    /** The mean of all elements, 0-dimensional; floating tensors only. */
    public Tensor mean() {
        return Reductions.meanAll(this);
    }

    /** The mean along {@code dim}, which is kept with size 1 if {@code keepDim}. */
    public Tensor mean(int dim, boolean keepDim) {
        return Reductions.mean(this, dim, keepDim);
    }

    /**
     * The largest element, 0-dimensional (NaN if any element is NaN).
     *
     * @throws IllegalArgumentException for an empty tensor
     */
    public Tensor max() {
        return Reductions.maxAll(this);
    }

    /** The INT64 index of the first largest element along {@code dim}, which is removed. */
    public Tensor argmax(int dim) {
        return Reductions.argmax(this, dim);
    }

    /** {@code exp(x) / sum(exp(x))} along {@code dim}, computed stably; floating tensors only. */
    public Tensor softmax(int dim) {
        return Reductions.softmax(this, dim, false);
    }

    /** {@code x - log(sum(exp(x)))} along {@code dim}, computed stably; floating tensors only. */
    public Tensor logSoftmax(int dim) {
        return Reductions.softmax(this, dim, true);
    }

    // ================================================================ linear algebra

    /**
     * The matrix product with NumPy's rules: 1-D·1-D is a dot product, 1-D operands are
     * promoted to matrices and the added dimension removed, and leading (batch) dimensions
     * broadcast.
     */
    public Tensor matmul(Tensor other) {
        return LinearAlgebra.matmul(this, other);
    }

    /**
     * The product of two 2-D matrices {@code [n, k]} and {@code [k, m]}.
     *
     * @throws IllegalArgumentException if either is not 2-D or the inner sizes differ
     */
    public Tensor mm(Tensor other) {
        return LinearAlgebra.mm(this, other);
    }

    // ================================================================ shape and views

    /** The transpose of a matrix (a view); tensors of fewer than two dimensions are returned as they are. */
    public Tensor t() {
        return Views.t(this);
    }

    /** A view with dimensions {@code dim0} and {@code dim1} swapped. */
    public Tensor transpose(int dim0, int dim1) {
        return Views.transpose(this, dim0, dim1);
    }

    /** The same elements in a new shape (one size may be -1); a view when the layout allows, else a copy. */
    public Tensor reshape(long... shape) {
        return Views.reshape(this, shape);
    }

    /**
     * A view in a new shape (one size may be -1).
     *
     * @throws IllegalArgumentException if the sizes do not match or the layout does not allow a view
     */
    public Tensor view(long... shape) {
        return Views.view(this, shape);
    }

    /** A view with a dimension of size 1 inserted at {@code dim}. */
    public Tensor unsqueeze(int dim) {
        return Views.unsqueeze(this, dim);
    }

    /** A view with dimension {@code dim} removed if its size is 1; otherwise this tensor. */
    public Tensor squeeze(int dim) {
        return Views.squeeze(this, dim);
    }

    /** A view with size-1 dimensions repeated to {@code shape} (-1 keeps a size), without copying. */
    public Tensor expand(long... shape) {
        return Views.expand(this, shape);
    }

    /** {@code expand(other.shape())}. */
    public Tensor expandAs(Tensor other) {
        return Views.expand(this, Ops.notNull("expandAs", "other", other).shape);
    }

    /** The view of {@code length} elements of {@code dim} from {@code start} (negative counts from the end). */
    public Tensor narrow(int dim, long start, long length) {
        return Views.narrow(this, dim, start, length);
    }

    /** This tensor if contiguous, else a contiguous copy. */
    public Tensor contiguous() {
        return isContiguous() ? this : Views.copyOf(this, dtype());
    }

    /** A contiguous copy that shares nothing with this tensor. */
    public Tensor clone() {
        return Views.copyOf(this, dtype());
    }

    /**
     * The tensors joined along {@code dim}; all must have the same shape except in {@code dim}
     * and be on one device. Dtypes are promoted.
     */
    public static Tensor cat(int dim, Tensor... tensors) {
        return Indexing.cat(dim, tensors);
    }

    /** The slices of {@code dim} at the INT64 {@code index} values, in order. */
    public Tensor indexSelect(int dim, Tensor index) {
        return Indexing.indexSelect(this, dim, index);
    }

    /** {@code out[i][j] = this[index[i][j]][j]} for {@code dim = 0}, and likewise for other dims. */
    public Tensor gather(int dim, Tensor index) {
        return Indexing.gather(this, dim, index);
    }

    // ================================================================ conversion

    /** This tensor converted to {@code dtype}; this tensor itself when it already has that type. */
    public Tensor to(DType dtype) {
        return dtype == dtype() ? this : Views.copyOf(this, dtype);
    }

    /** This tensor copied to {@code device}; this tensor itself when it is already there. */
    public Tensor to(Device device) {
        return Conversions.toDevice(this, device);
    }

    // ================================================================ in place

    /** Adds {@code other} (broadcast to this shape) in place. */
    public Tensor add_(Tensor other) {
        return Pointwise.inPlace(BinaryOp.ADD, this, other);
    }

    /** Adds {@code value} in place. */
    public Tensor add_(double value) {
        return Pointwise.inPlace(BinaryOp.ADD, this, Pointwise.scalarLike(this, value));
    }

    /** Subtracts {@code other} (broadcast to this shape) in place. */
    public Tensor sub_(Tensor other) {
        return Pointwise.inPlace(BinaryOp.SUB, this, other);
    }

    /** Subtracts {@code value} in place. */
    public Tensor sub_(double value) {
        return Pointwise.inPlace(BinaryOp.SUB, this, Pointwise.scalarLike(this, value));
    }

    /** Multiplies by {@code other} (broadcast to this shape) in place. */
    public Tensor mul_(Tensor other) {
        return Pointwise.inPlace(BinaryOp.MUL, this, other);
    }

    /** Multiplies by {@code value} in place. */
    public Tensor mul_(double value) {
        return Pointwise.inPlace(BinaryOp.MUL, this, Pointwise.scalarLike(this, value));
    }

    /** Sets every element to zero in place. */
    public Tensor zero_() {
        return Pointwise.fill("zero_", this, 0);
    }

    /** Sets every element to {@code value} in place. */
    public Tensor fill_(double value) {
        return Pointwise.fill("fill_", this, value);
    }

    /** Copies {@code src} (broadcast to this shape, converted to this dtype, from any device) in place. */
    public Tensor copy_(Tensor src) {
        return Pointwise.copyInto(this, src);
    }

    /** Fills this floating tensor in place with samples of U(low, high). */
    public Tensor uniform_(double low, double high) {
        return Pointwise.uniform(this, low, high);
    }

    /** Fills this floating tensor in place with samples of N(mean, std²). */
    public Tensor normal_(double mean, double std) {
        return Pointwise.normal(this, mean, std);
    }

    // ================================================================ second stage: shaping, statistics, scans

    /**
     * A view with the dimensions reordered: dimension {@code i} of the result is dimension
     * {@code dims[i]} of this tensor (negative dims count from the end).
     *
     * @throws IllegalArgumentException if {@code dims} is not a permutation of this tensor's dimensions
     * @throws IndexOutOfBoundsException if a dim is out of range
     */
    public Tensor permute(int... dims) {
        return Shaping.permute(this, dims);
    }

    /** The elements as one dimension, a view when the layout allows; a 0-dimensional tensor becomes {@code [1]}. */
    public Tensor flatten() {
        return Shaping.flatten(this, 0, -1);
    }

    /**
     * Dimensions {@code startDim} to {@code endDim} (inclusive, negative from the end) merged into one,
     * a view when the layout allows.
     *
     * @throws IllegalArgumentException if {@code startDim} comes after {@code endDim}
     * @throws IndexOutOfBoundsException if either is out of range
     */
    public Tensor flatten(int startDim, int endDim) {
        return Shaping.flatten(this, startDim, endDim);
    }

    /**
     * The tensors, all of one shape, joined along a new dimension {@code dim} (in
     * {@code [-(n+1), n]} for n-dimensional tensors); dtypes are promoted as by {@link #cat}.
     *
     * @throws IllegalArgumentException if there are none, or their shapes or devices differ
     */
    public static Tensor stack(int dim, Tensor... tensors) {
        return Shaping.stack(dim, tensors);
    }

    /**
     * Views of consecutive pieces of {@code size} elements along {@code dim}; the last may be smaller.
     *
     * @throws IllegalArgumentException for a 0-dimensional tensor, a negative size, or size 0 of a non-empty dim
     */
    public Tensor[] split(long size, int dim) {
        return Shaping.split(this, size, dim);
    }

    /**
     * Views of {@code n} near-equal pieces along {@code dim}, as PyTorch's {@code chunk}: each piece has
     * {@code ceil(size / n)} elements but the last, so there may be fewer than {@code n} pieces.
     *
     * @throws IllegalArgumentException for a 0-dimensional tensor or {@code n <= 0}
     */
    public Tensor[] chunk(int n, int dim) {
        return Shaping.chunk(this, n, dim);
    }

    /**
     * A copy tiled {@code repeats[i]} times along each dimension; extra leading repeats add dimensions.
     *
     * @throws IllegalArgumentException if there are fewer repeats than dimensions, or one is negative
     */
    public Tensor repeat(long... repeats) {
        return Shaping.repeat(this, repeats);
    }

    /**
     * The batched matrix product of {@code [b, n, k]} and {@code [b, k, m]}, giving {@code [b, n, m]}; no broadcasting.
     *
     * @throws IllegalArgumentException if either is not 3-D, the batch or inner sizes differ, or the dtypes differ
     */
    public Tensor bmm(Tensor other) {
        return LinearAlgebra.checkedBmm(this, other);
    }

    /** The running sum along {@code dim}; integer and bool tensors sum to INT64. */
    public Tensor cumsum(int dim) {
        return Statistics.cumsum(this, dim);
    }

    /**
     * The unbiased variance along {@code dim} (divided by {@code n - 1}: NaN for one element), kept with size 1 if
     * {@code keepDim}.
     *
     * @throws IllegalArgumentException for a non-floating tensor
     */
    public Tensor var(int dim, boolean keepDim) {
        return Statistics.var(this, dim, keepDim);
    }

    /**
     * The unbiased standard deviation along {@code dim}, the square root of {@link #var}.
     *
     * @throws IllegalArgumentException for a non-floating tensor
     */
    public Tensor std(int dim, boolean keepDim) {
        return Statistics.std(this, dim, keepDim);
    }

    /** {@code log(sum(exp(x)))} along {@code dim}, computed stably; integer and bool tensors give FLOAT32. */
    public Tensor logsumexp(int dim, boolean keepDim) {
        return Statistics.logsumexp(this, dim, keepDim);
    }

    /**
     * The largest element along {@code dim} (NaN if any is NaN), kept with size 1 if {@code keepDim}; the
     * gradient is shared evenly between tied maxima.
     *
     * @throws IllegalArgumentException if {@code dim} is empty
     */
    public Tensor amax(int dim, boolean keepDim) {
        return Statistics.amax(this, dim, keepDim);
    }

    /**
     * The smallest element, 0-dimensional (NaN if any element is NaN).
     *
     * @throws IllegalArgumentException for an empty tensor
     */
    public Tensor min() {
        return Statistics.min(this);
    }

    /**
     * The INT64 index of the first smallest element along {@code dim} (of the first NaN, if any), which is removed.
     *
     * @throws IllegalArgumentException if {@code dim} is empty
     */
    public Tensor argmin(int dim) {
        return Statistics.argmin(this, dim);
    }

    /**
     * A copy with the elements above diagonal {@code diagonal} of the last two dimensions set to zero
     * (0 is the main diagonal, positive ones lie above it).
     *
     * @throws IllegalArgumentException for a tensor of fewer than two dimensions
     */
    public Tensor tril(long diagonal) {
        return Shaping.triangle(this, diagonal, true);
    }

    /**
     * A copy with the elements below diagonal {@code diagonal} of the last two dimensions set to zero.
     *
     * @throws IllegalArgumentException for a tensor of fewer than two dimensions
     */
    public Tensor triu(long diagonal) {
        return Shaping.triangle(this, diagonal, false);
    }

    /** {@code log(1 + this)}, accurate near 0; integer tensors give FLOAT32. */
    public Tensor log1p() {
        return Pointwise.unary(UnaryOp.LOG1P, this);
    }

    /** {@code 1 / sqrt(this)}; integer tensors give FLOAT32. */
    public Tensor rsqrt() {
        return Pointwise.unary(UnaryOp.RSQRT, this);
    }

    /**
     * A copy with {@code src}'s elements added at the positions {@code index} names along {@code dim}:
     * {@code out[index[i][j]][j] += src[i][j]} for {@code dim = 0}. {@code index} is INT64 with this
     * tensor's number of dimensions, no larger than {@code src} and, outside {@code dim}, than this tensor.
     *
     * @throws IllegalArgumentException if the dtypes, shapes or devices do not fit
     * @throws IndexOutOfBoundsException if an index value is out of range
     */
    public Tensor scatterAdd(int dim, Tensor index, Tensor src) {
        return Indexing.checkedScatterAdd(this, dim, index, src);
    }
}
