package dev.nabla;

import dev.nabla.backend.ReduceOp;
import dev.nabla.internal.FusedBackward;
import dev.nabla.internal.Shapes;
import java.util.Arrays;

/**
 * Reductions (sum, mean, max, argmax) and the normalisations along a dimension (softmax).
 *
 * <p>Each op records its backward and its forward-mode (jvp) rule side by side. Values computed
 * with other ops, and the operands handed to a backend (which may view them), are detached
 * inputs, so that those inner ops neither record nor carry tangents: the op's own rule gives its
 * output's tangent.
 */
final class Reductions {
    private Reductions() {}

    private static int[] allDims(Tensor t) {
        int[] dims = new int[t.shape.length];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = i;
        }
        return dims;
    }

    /** Reduces {@code in} over {@code dims} (already wrapped, distinct) and returns the keep-dim result. */
    static Tensor reduceKeepDim(ReduceOp op, Tensor in, int[] dims, DType dtype) {
        Tensor src = in.detach().to(dtype);
        long[] outShape = in.shape.clone();
        for (int d : dims) {
            outShape[d] = 1;
        }
        Tensor out = Ops.empty(outShape, dtype, in.device());
        Ops.backend(src).reduce(op, src, dims, out);
        return out;
    }

    static Tensor dropDims(Tensor keep, int[] dims) {
        long[] shape = new long[keep.shape.length - dims.length];
        int j = 0;
        outer:
        for (int d = 0; d < keep.shape.length; d++) {
            for (int r : dims) {
                if (r == d) {
                    continue outer;
                }
            }
            shape[j++] = keep.shape[d];
        }
        return Ops.view(keep, shape, Shapes.contiguousStrides(shape), keep.offset);
    }

    private static DType sumType(Tensor t) {
        return t.dtype().isFloatingPoint() ? t.dtype() : DType.INT64;
    }

    static Tensor sumAll(Tensor t) {
        int[] dims = allDims(t);
        Tensor out = dropDims(reduceKeepDim(ReduceOp.SUM, t, dims, sumType(t)), dims);
        if (Autograd.needs(t)) {
            long[] shape = t.shape;
            Autograd.record(out, "SumBackward0", new Tensor[] {t}, null, (n, g, s) -> new Tensor[] {g.expand(shape)},
                    tan -> sumAll(tan[0]));
        }
        return out;
    }

    static Tensor sum(Tensor t, int[] dims, boolean keepDim) {
        int[] wrapped = wrapDistinct("sum", t, dims);
        Tensor r = reduceKeepDim(ReduceOp.SUM, t, wrapped, sumType(t));
        Tensor out = keepDim ? r : dropDims(r, wrapped);
        if (Autograd.needs(t)) {
            long[] shape = t.shape;
            long[] kept = r.shape;
            Autograd.record(out, "SumBackward1", new Tensor[] {t}, null,
                    (n, g, s) -> new Tensor[] {g.reshape(kept).expand(shape)}, tan -> sum(tan[0], wrapped, keepDim));
        }
        return out;
    }

    /** {@code g} summed over the dimensions that broadcasting added or expanded, so that it has {@code shape}. */
    static Tensor sumTo(Tensor g, long[] shape) {
        int lead = g.shape.length - shape.length;
        int count = 0;
        int[] dims = new int[g.shape.length];
        for (int d = 0; d < g.shape.length; d++) {
            if (d < lead || (shape[d - lead] == 1 && g.shape[d] != 1)) {
                dims[count++] = d;
            }
        }
        Tensor r = count == 0 ? g : sum(g, java.util.Arrays.copyOf(dims, count), true);
        return r.reshape(shape);
    }

    private static int[] wrapDistinct(String op, Tensor t, int[] dims) {
        int[] out = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            out[i] = Shapes.wrapDim(op, dims[i], t.shape.length);
            for (int j = 0; j < i; j++) {
                if (out[j] == out[i]) {
                    throw new IllegalArgumentException(op + ": dim " + out[i] + " appears multiple times in the list of dims");
                }
            }
        }
        if (t.shape.length == 0) {
            return new int[0];
        }
        return out;
    }

    static Tensor meanAll(Tensor t) {
        requireFloatingMean(t);
        long count = t.numel();
        Tensor out = sumAll(t.detach()).div((double) count);
        if (Autograd.needs(t)) {
            long[] shape = t.shape;
            Autograd.record(out, "MeanBackward0", new Tensor[] {t}, null,
                    (n, g, s) -> new Tensor[] {g.div((double) count).expand(shape)}, tan -> meanAll(tan[0]));
        }
        return out;
    }

    static Tensor mean(Tensor t, int dim, boolean keepDim) {
        requireFloatingMean(t);
        int d = Shapes.wrapDim("mean", dim, t.shape.length);
        long count = t.shape.length == 0 ? 1 : t.shape[d];
        Tensor out = sum(t.detach(), new int[] {dim}, keepDim).div((double) count);
        if (Autograd.needs(t)) {
            long[] shape = t.shape;
            long[] kept = shape.clone();
            if (kept.length > 0) {
                kept[d] = 1;
            }
            Autograd.record(out, "MeanBackward1", new Tensor[] {t}, null,
                    (n, g, s) -> new Tensor[] {g.div((double) count).reshape(kept).expand(shape)},
                    tan -> mean(tan[0], d, keepDim));
        }
        return out;
    }

    private static void requireFloatingMean(Tensor t) {
        if (!t.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("mean: could not infer output dtype. Input dtype must be a floating point"
                    + " type (float32 or float64), got " + t.dtype().torchName());
        }
    }

    static Tensor maxAll(Tensor t) {
        if (t.numel() == 0) {
            throw new IllegalArgumentException("max(): Expected reduction dim to be specified for input.numel() == 0."
                    + " Specify the reduction dim with the 'dim' argument (got shape " + Shapes.format(t.shape) + ")");
        }
        int[] dims = allDims(t);
        DType dtype = t.dtype() == DType.BOOL ? DType.INT64 : t.dtype();
        Tensor out = dropDims(reduceKeepDim(ReduceOp.MAX, t, dims, dtype), dims).to(t.dtype());
        if (Autograd.needs(t)) {
            // The gradient is shared evenly between the elements equal to the maximum, as PyTorch does, and
            // the tangent is their tangents' mean (PyTorch's evenly_read_jvp), the rule that matches it.
            Autograd.record(out, "MaxBackward1", new Tensor[] {t}, new Tensor[] {t, out},
                    (n, g, s) -> new Tensor[] {evenShareOfExtremes(s[0], s[1], g.dtype()).mul(g)},
                    tan -> evenlyReadTangent(t, out, tan[0]));
        }
        return out;
    }

    /**
     * Each element's share of the gradient of a max or min over all of {@code values}, outside the
     * graph: shared evenly between the elements equal to {@code extreme}, or between the NaNs when
     * the extreme is NaN, as PyTorch shares it.
     */
    static Tensor evenShareOfExtremes(Tensor values, Tensor extreme, DType dtype) {
        try (Grad.Scope off = Grad.disabled()) {
            Tensor v = values.detach();
            Tensor m = extreme.detach();
            // Bool sums and products are or and and.
            Tensor mask = v.eq(m).add(v.ne(v).mul(m.ne(m))).to(dtype);
            return mask.div(mask.sum());
        }
    }

    /**
     * The tangent of a max or min over all of {@code values} for their tangent {@code tangent}: the
     * mean of the tangents where {@link #evenShareOfExtremes} shares the gradient, so that the jvp
     * is the backward's transpose.
     */
    static Tensor evenlyReadTangent(Tensor values, Tensor extreme, Tensor tangent) {
        return evenShareOfExtremes(values, extreme, tangent.dtype()).mul(tangent).sum();
    }

    static Tensor argmax(Tensor t, int dim) {
        if (t.shape.length == 0) {
            Shapes.wrapDim("argmax", dim, 0);
            return Tensor.scalar(DType.INT64, 0).to(t.device());
        }
        int d = Shapes.wrapDim("argmax", dim, t.shape.length);
        if (t.shape[d] == 0) {
            throw new IllegalArgumentException("argmax: expected a non-empty dimension " + d + ", got shape " + Shapes.format(t.shape));
        }
        long[] keep = t.shape.clone();
        keep[d] = 1;
        Tensor out = Ops.empty(keep, DType.INT64, t.device());
        Ops.backend(t).argmax(t.detach(), d, out);
        return dropDims(out, new int[] {d});
    }

    /**
     * Softmax's gradient {@code y (g - sum(g y))}, or log-softmax's {@code g - exp(y) sum(g)}, from
     * the output {@code y}: one kernel where the backend has it and no graph is being built, else
     * tensor ops, whose own derivative a double backward needs.
     */
    private static Tensor softmaxBackward(Tensor y, Tensor g, int d, boolean log) {
        if (FusedBackward.allowed(g, y) && g.dtype() == y.dtype() && g.device().equals(y.device())
                && Arrays.equals(g.shape, y.shape)) {
            Tensor fused = Ops.backend(y).softmaxBackward(y.detach(), g.detach(), d, log);
            if (fused != null) {
                return fused;
            }
        }
        return log ? g.sub(y.exp().mul(g.sum(d, true))) : y.mul(g.sub(g.mul(y).sum(d, true)));
    }

    static Tensor softmax(Tensor t, int dim, boolean log) {
        String op = log ? "logSoftmax" : "softmax";
        Ops.requireFloating(op, t);
        if (t.shape.length == 0) {
            Shapes.wrapDim(op, dim, 0);
            return Tensor.scalar(t.dtype(), log ? 0 : 1).to(t.device());
        }
        int d = Shapes.wrapDim(op, dim, t.shape.length);
        Tensor out = Ops.empty(t.shape.clone(), t.dtype(), t.device());
        if (t.numel() > 0) {
            Ops.backend(t).softmax(t.detach(), d, log, out);
        }
        if (Autograd.needs(t)) {
            // Softmax's Jacobian y_i (delta_ij - y_j) is symmetric, so the jvp has the backward's form with the
            // tangent for the gradient; log-softmax's delta_ij - y_j is its transpose: t - sum(y t).
            if (log) {
                Autograd.record(out, "LogSoftmaxBackward0", new Tensor[] {t}, new Tensor[] {out},
                        (n, g, s) -> new Tensor[] {softmaxBackward(s[0], g, d, true)},
                        tan -> tan[0].sub(out.exp().mul(tan[0]).sum(d, true)));
            } else {
                Autograd.record(out, "SoftmaxBackward0", new Tensor[] {t}, new Tensor[] {out},
                        (n, g, s) -> new Tensor[] {softmaxBackward(s[0], g, d, false)},
                        tan -> out.mul(tan[0].sub(tan[0].mul(out).sum(d, true))));
            }
        }
        return out;
    }
}
