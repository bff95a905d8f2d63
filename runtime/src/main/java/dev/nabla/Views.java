package dev.nabla;

import dev.nabla.autograd.BuiltinNode;
import dev.nabla.autograd.ForwardAD;
import dev.nabla.internal.Shapes;

/**
 * Ops that view the same storage through a new shape, strides or offset, and the copies behind reshape.
 *
 * <p>A view's forward-mode rule is the same view of the input's tangent. It is written as the op
 * applied to the tangent, not as the primal's strides and offset, because the tangent need not
 * share the primal's layout: a non-contiguous tangent gets its own strides (and {@code view}'s
 * rule reshapes, copying when the tangent's layout cannot be viewed so).
 */
final class Views {
    private Views() {}

    /**
     * A view of {@code x} recorded as op {@code name} when {@code x} requires grad or carries a
     * tangent; {@code jvp} gives the view's tangent from {@code x}'s (the same view of it).
     */
    static Tensor viewOf(Tensor x, long[] shape, long[] stride, long offset, String name,
                         BuiltinNode.Derivative derivative, ForwardAD.Jvp jvp) {
        Tensor v = Ops.view(x, shape, stride, offset);
        v.base = x.base != null ? x.base : x;
        if (Autograd.needs(x)) {
            Autograd.record(v, name, new Tensor[] {x}, null, derivative, jvp);
        }
        return v;
    }

    static Tensor t(Tensor x) {
        int n = x.shape.length;
        if (n > 2) {
            throw new IllegalArgumentException("t: expects a tensor with <= 2 dimensions, but self is " + n + "D");
        }
        return n < 2 ? x : transpose(x, 0, 1);
    }

    static Tensor transpose(Tensor x, int dim0, int dim1) {
        int n = x.shape.length;
        if (n == 0) {
            Shapes.wrapDim("transpose", dim0, 0);
            Shapes.wrapDim("transpose", dim1, 0);
            return x;
        }
        int a = Shapes.wrapDim("transpose", dim0, n);
        int b = Shapes.wrapDim("transpose", dim1, n);
        long[] shape = x.shape.clone();
        long[] stride = x.stride.clone();
        shape[a] = x.shape[b];
        shape[b] = x.shape[a];
        stride[a] = x.stride[b];
        stride[b] = x.stride[a];
        return viewOf(x, shape, stride, x.offset, n == 2 && a != b ? "TBackward0" : "TransposeBackward0",
                (node, g, s) -> new Tensor[] {g.transpose(a, b)}, t -> t[0].transpose(a, b));
    }

    static Tensor view(Tensor x, long[] requested) {
        long[] shape = Shapes.inferSize("view", requested, x.numel());
        long[] stride = Shapes.viewStrides(x.shape, x.stride, shape);
        if (stride == null) {
            throw new IllegalArgumentException("view: size " + Shapes.format(shape) + " is not compatible with the input"
                    + " tensor's size " + Shapes.format(x.shape) + " and stride " + Shapes.format(x.stride)
                    + " (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.");
        }
        long[] from = x.shape;
        return viewOf(x, shape, stride, x.offset, "ViewBackward0", (node, g, s) -> new Tensor[] {g.reshape(from)},
                t -> t[0].reshape(shape));
    }

    static Tensor reshape(Tensor x, long[] requested) {
        long[] shape = Shapes.inferSize("reshape", requested, x.numel());
        long[] stride = Shapes.viewStrides(x.shape, x.stride, shape);
        if (stride != null) {
            long[] from = x.shape;
            return viewOf(x, shape, stride, x.offset, "ViewBackward0", (node, g, s) -> new Tensor[] {g.reshape(from)},
                    t -> t[0].reshape(shape));
        }
        return view(copyOf(x, x.dtype()), shape);
    }

    static Tensor unsqueeze(Tensor x, int dim) {
        int n = x.shape.length;
        int d = Shapes.wrapDim("unsqueeze", dim, n + 1);
        long[] shape = new long[n + 1];
        long[] stride = new long[n + 1];
        for (int i = 0, j = 0; i <= n; i++) {
            if (i == d) {
                shape[i] = 1;
                stride[i] = d < n ? x.stride[d] * x.shape[d] : 1;
            } else {
                shape[i] = x.shape[j];
                stride[i] = x.stride[j];
                j++;
            }
        }
        return viewOf(x, shape, stride, x.offset, "UnsqueezeBackward0", (node, g, s) -> new Tensor[] {g.squeeze(d)},
                t -> t[0].unsqueeze(d));
    }

    static Tensor squeeze(Tensor x, int dim) {
        int n = x.shape.length;
        if (n == 0) {
            Shapes.wrapDim("squeeze", dim, 0);
            return x;
        }
        int d = Shapes.wrapDim("squeeze", dim, n);
        if (x.shape[d] != 1) {
            return x;
        }
        long[] shape = new long[n - 1];
        long[] stride = new long[n - 1];
        for (int i = 0, j = 0; i < n; i++) {
            if (i != d) {
                shape[j] = x.shape[i];
                stride[j] = x.stride[i];
                j++;
            }
        }
        return viewOf(x, shape, stride, x.offset, "SqueezeBackward1", (node, g, s) -> new Tensor[] {g.unsqueeze(d)},
                t -> t[0].squeeze(d));
    }

    static Tensor expand(Tensor x, long[] requested) {
        long[] shape = requested.clone();
        int lead = shape.length - x.shape.length;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == -1 && i >= lead) {
                shape[i] = x.shape[i - lead];
            } else if (shape[i] < 0) {
                throw new IllegalArgumentException("expand: invalid size " + shape[i] + " in " + Shapes.format(requested));
            }
        }
        long[] stride = Shapes.expandStrides("expand", x.shape, x.stride, shape);
        long[] from = x.shape;
        return viewOf(x, shape, stride, x.offset, "ExpandBackward0", (node, g, s) -> new Tensor[] {Reductions.sumTo(g, from)},
                t -> t[0].expand(shape));
    }

    static Tensor narrow(Tensor x, int dim, long start, long length) {
        if (x.shape.length == 0) {
            throw new IllegalArgumentException("narrow: cannot be applied to a 0-dim tensor");
        }
        int d = Shapes.wrapDim("narrow", dim, x.shape.length);
        long size = x.shape[d];
        if (start < -size || start > size) {
            throw new IndexOutOfBoundsException("narrow: start (" + start + ") is out of range for dimension " + d
                    + " of size " + size);
        }
        long s = start < 0 ? start + size : start;
        if (length < 0 || s + length > size) {
            throw new IndexOutOfBoundsException("narrow: start (" + s + ") + length (" + length
                    + ") exceeds dimension " + d + " of size " + size);
        }
        long[] shape = x.shape.clone();
        shape[d] = length;
        long[] from = x.shape;
        return viewOf(x, shape, x.stride.clone(), x.offset + s * x.stride[d], "SliceBackward0", (node, g, saved) -> {
            // The gradient of a slice is the gradient padded with zeros to the input's size.
            long[] before = from.clone();
            before[d] = s;
            long[] after = from.clone();
            after[d] = from[d] - s - length;
            Tensor zb = Ops.zeros(before, g.dtype(), g.device());
            Tensor za = Ops.zeros(after, g.dtype(), g.device());
            return new Tensor[] {Tensor.cat(d, zb, g, za)};
        }, t -> t[0].narrow(d, s, length));
    }

    /** A contiguous copy of {@code x} converted to {@code dtype}. */
    static Tensor copyOf(Tensor x, DType dtype) {
        Tensor out = Ops.empty(x.shape.clone(), dtype, x.device());
        Ops.backend(x).copy(x, out);
        if (Autograd.needs(x) && dtype.isFloatingPoint()) {
            DType from = x.dtype();
            if (from == dtype) {
                Autograd.record(out, "CloneBackward0", new Tensor[] {x}, null, (node, g, s) -> new Tensor[] {g},
                        t -> t[0].clone());
            } else {
                Autograd.record(out, "ToCopyBackward0", new Tensor[] {x}, null, (node, g, s) -> new Tensor[] {g.to(from)},
                        t -> t[0].to(dtype));
            }
        }
        return out;
    }
}
