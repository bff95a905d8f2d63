package dev.nabla;

import dev.nabla.backend.ReduceOp;
import dev.nabla.internal.Shapes;

/**
 * Reductions and scans along one dimension beyond {@link Reductions}'s: the extremes
 * ({@code amax}, {@code min}, {@code argmin}), the spread ({@code var}, {@code std}),
 * {@code logsumexp} and the running sum {@code cumsum}.
 *
 * <p>A 0-dimensional tensor is treated as PyTorch treats it: a row of one element along
 * dimension 0 or -1. Forward passes compute on detached inputs (so that the ops they use
 * neither record nor carry forward-mode tangents) and record PyTorch's node
 * ({@code AmaxBackward0}, {@code VarBackward0}...), whose derivative and jvp rule are written
 * with differentiable ops so that higher derivatives work.
 */
final class Statistics {
    private Statistics() {}

    /** {@code x}'s shape with dimension {@code d} of size 1, or {@code []} for a 0-dimensional {@code x}. */
    private static long[] kept(Tensor x, int d) {
        long[] shape = x.shape.clone();
        if (shape.length > 0) {
            shape[d] = 1;
        }
        return shape;
    }

    /** The wrapped dimension, checking it against {@code x}'s (a 0-dimensional tensor accepts 0 and -1). */
    private static int dim(String op, Tensor x, int dim) {
        return Shapes.wrapDim(op, dim, x.shape.length);
    }

    private static void requireNonEmpty(String op, Tensor x, int d) {
        if (x.shape.length > 0 && x.shape[d] == 0) {
            throw new IllegalArgumentException(op + "(): Expected reduction dim " + d + " to have non-zero size, got shape "
                    + Shapes.format(x.shape));
        }
    }

    // ---------------------------------------------------------------- extremes

    static Tensor amax(Tensor x, int dim, boolean keepDim) {
        String op = "amax";
        int d = dim(op, x, dim);
        requireNonEmpty(op, x, d);
        int[] dims = x.shape.length == 0 ? new int[0] : new int[] {d};
        // Bools are reduced as int64, as Reductions.maxAll does, and converted back.
        DType compute = x.dtype() == DType.BOOL ? DType.INT64 : x.dtype();
        Tensor r = Reductions.reduceKeepDim(ReduceOp.MAX, x, dims, compute).to(x.dtype());
        Tensor out = keepDim ? r : Reductions.dropDims(r, dims);
        if (Autograd.needs(x)) {
            long[] shape = kept(x, d);
            // The gradient is shared evenly between the elements equal to the maximum, as PyTorch does; the
            // tangent is the same share of the tangents, summed (PyTorch's amaxamin_jvp).
            Autograd.record(out, "AmaxBackward0", new Tensor[] {x}, new Tensor[] {x, out},
                    (n, g, s) -> new Tensor[] {g.reshape(shape).mul(shareOfMaxima(s[0], s[1], shape, dims, g.dtype()))},
                    tan -> Reductions.sum(shareOfMaxima(x, out, shape, dims, tan[0].dtype()).mul(tan[0]), dims, keepDim));
        }
        return out;
    }

    /**
     * Each element's share of the gradient of {@code amax} along {@code dims}, outside the graph: shared
     * evenly between the elements of {@code x} equal to their row's maximum in {@code max} (kept as {@code shape}).
     */
    private static Tensor shareOfMaxima(Tensor x, Tensor max, long[] shape, int[] dims, DType dtype) {
        try (Grad.Scope off = Grad.disabled()) {
            Tensor mask = x.detach().eq(max.detach().reshape(shape)).to(dtype);
            return mask.div(Reductions.sum(mask, dims, true));
        }
    }

    static Tensor min(Tensor x) {
        if (x.numel() == 0) {
            throw new IllegalArgumentException("min(): Expected reduction dim to be specified for input.numel() == 0."
                    + " Specify the reduction dim with the 'dim' argument.");
        }
        int[] dims = new int[x.shape.length];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = i;
        }
        DType compute = x.dtype() == DType.BOOL ? DType.INT64 : x.dtype();
        Tensor out = Reductions.dropDims(Reductions.reduceKeepDim(ReduceOp.MIN, x, dims, compute), dims).to(x.dtype());
        if (Autograd.needs(x)) {
            // The gradient is shared evenly between the elements equal to the minimum, or between the NaNs
            // when the minimum is NaN, as PyTorch's evenly_distribute_backward does.
            Autograd.record(out, "MinBackward1", new Tensor[] {x}, new Tensor[] {x, out},
                    (n, g, s) -> new Tensor[] {Reductions.evenShareOfExtremes(s[0], s[1], g.dtype()).mul(g)},
                    tan -> Reductions.evenlyReadTangent(x, out, tan[0]));
        }
        return out;
    }

    static Tensor argmin(Tensor x, int dim) {
        String op = "argmin";
        if (x.dtype() == DType.BOOL) {
            throw new IllegalArgumentException(op + ": not implemented for bool tensors, as in PyTorch");
        }
        int d = dim(op, x, dim);
        requireNonEmpty(op, x, d);
        // argmin is argmax of an order-reversing map, which keeps the first of ties and lets NaN win:
        // negation for floats (exact), and -x - 1 (bitwise not, which cannot overflow) for int64. Of the
        // detached input: the indices carry no tangent and no gradient.
        Tensor v = x.detach();
        Tensor reversed = v.dtype().isFloatingPoint() ? v.neg() : v.neg().sub(1);
        return reversed.argmax(dim);
    }

    // ---------------------------------------------------------------- spread

    private static void requireFloatingSpread(String op, Tensor x) {
        if (!x.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": std and var only support floating point and complex dtypes, got "
                    + x.dtype().torchName());
        }
    }

    /** The gradient of the unbiased variance along {@code d} for the output gradient {@code g}. */
    private static Tensor varBackward(Tensor g, Tensor x, int d, long count, long[] shape) {
        return g.reshape(shape).mul(x.sub(x.mean(d, true))).mul(2.0 / (count - 1));
    }

    /** The tangent of the unbiased variance along {@code d} for the tangent {@code t} of {@code x} (PyTorch's var_jvp). */
    private static Tensor varTangent(Tensor t, Tensor x, int d, long count, boolean keepDim) {
        return x.sub(x.mean(d, true)).mul(t).sum(d, keepDim).mul(2.0 / (count - 1));
    }

    static Tensor var(Tensor x, int dim, boolean keepDim) {
        String op = "var";
        requireFloatingSpread(op, x);
        int d = dim(op, x, dim);
        long count = x.shape.length == 0 ? 1 : x.shape[d];
        Tensor v = x.detach();
        // Two passes (the mean, then the squared deviations) rather than one sum of squares, which cancels.
        Tensor dev = v.sub(v.mean(d, true));
        Tensor out = dev.mul(dev).sum(d, keepDim).div((double) (count - 1));
        if (Autograd.needs(x)) {
            long[] shape = kept(x, d);
            Autograd.record(out, "VarBackward0", new Tensor[] {x}, new Tensor[] {x},
                    (n, g, s) -> new Tensor[] {varBackward(g, s[0], d, count, shape)},
                    tan -> varTangent(tan[0], x, d, count, keepDim));
        }
        return out;
    }

    static Tensor std(Tensor x, int dim, boolean keepDim) {
        String op = "std";
        requireFloatingSpread(op, x);
        int d = dim(op, x, dim);
        long count = x.shape.length == 0 ? 1 : x.shape[d];
        Tensor out = var(x.detach(), dim, keepDim).sqrt();
        if (Autograd.needs(x)) {
            long[] shape = kept(x, d);
            // d std = d var / (2 std), and 0 where std is 0 rather than 0/0: in the backward and in the tangent,
            // as PyTorch's.
            Autograd.record(out, "StdBackward0", new Tensor[] {x}, new Tensor[] {x, out},
                    (n, g, s) -> new Tensor[] {varBackward(overTwiceStd(g, s[1]), s[0], d, count, shape)},
                    tan -> overTwiceStd(varTangent(tan[0], x, d, count, keepDim), out));
        }
        return out;
    }

    /** {@code v / (2 std)}, 0 where {@code std} is 0: the chain rule's factor of {@code std = sqrt(var)}. */
    private static Tensor overTwiceStd(Tensor v, Tensor std) {
        Tensor zero;
        try (Grad.Scope off = Grad.disabled()) {
            zero = std.detach().eq(0);
        }
        return v.div(std.mul(2)).maskedFill(zero, 0);
    }

    // ---------------------------------------------------------------- logsumexp

    static Tensor logsumexp(Tensor x, int dim, boolean keepDim) {
        String op = "logsumexp";
        int d = dim(op, x, dim);
        // Integers and bools are computed in float32, as PyTorch does.
        Tensor in = x.dtype().isFloatingPoint() ? x : x.to(DType.FLOAT32);
        int[] dims = in.shape.length == 0 ? new int[0] : new int[] {d};
        // log(sum(exp(x - m))) + m with m the row's maximum, or 0 where that is infinite (or the row empty):
        // then no exponential overflows, and rows of -inf give -inf rather than NaN.
        Tensor v = in.detach();
        Tensor max = Reductions.reduceKeepDim(ReduceOp.MAX, v, dims, v.dtype());
        Tensor shift = max.maskedFill(max.abs().eq(Double.POSITIVE_INFINITY), 0);
        Tensor r = Reductions.sum(v.sub(shift).exp(), dims, true).log().add(shift);
        Tensor out = keepDim ? r : Reductions.dropDims(r, dims);
        if (Autograd.needs(in)) {
            long[] shape = kept(in, d);
            // The tangent is the softmax-weighted sum of the tangents, the transpose of the backward.
            Autograd.record(out, "LogsumexpBackward0", new Tensor[] {in}, new Tensor[] {in, out},
                    (n, g, s) -> new Tensor[] {g.reshape(shape).mul(s[0].sub(s[1].reshape(shape)).exp())},
                    tan -> Reductions.sum(in.sub(out.reshape(shape)).exp().mul(tan[0]), dims, keepDim));
        }
        return out;
    }

    // ---------------------------------------------------------------- cumsum

    static Tensor cumsum(Tensor x, int dim) {
        String op = "cumsum";
        int d = dim(op, x, dim);
        // Integers and bools sum to int64, as PyTorch's cumsum does.
        DType dtype = x.dtype().isFloatingPoint() ? x.dtype() : DType.INT64;
        Tensor out = Ops.empty(x.shape.clone(), dtype, x.device());
        if (x.numel() > 0) {
            Tensor src = x.detach().to(dtype);
            if (x.shape.length == 0) {
                Ops.backend(src).cumsum(src.reshape(1), 0, out.reshape(1));
            } else {
                Ops.backend(src).cumsum(src, d, out);
            }
        }
        if (Autograd.needs(x)) {
            Autograd.record(out, "CumsumBackward0", new Tensor[] {x}, null,
                    (n, g, s) -> new Tensor[] {g.shape.length == 0 ? g : reversedCumsum(g, d)}, tan -> cumsum(tan[0], d));
        }
        return out;
    }

    /** The running sum from the end of dimension {@code d}: cumsum's adjoint. */
    private static Tensor reversedCumsum(Tensor g, int d) {
        long len = g.shape[d];
        Tensor reverse = Tensor.arange(len).neg().add((double) (len - 1)).to(g.device());
        return g.indexSelect(d, reverse).cumsum(d).indexSelect(d, reverse);
    }
}
