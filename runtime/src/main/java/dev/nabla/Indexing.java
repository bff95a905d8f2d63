package dev.nabla;

import dev.nabla.internal.Shapes;

/** Joining and selecting: cat, indexSelect, gather. */
final class Indexing {
    private Indexing() {}

    static Tensor cat(int dim, Tensor... tensors) {
        String op = "cat";
        if (tensors == null) {
            throw new IllegalArgumentException(op + ": argument 'tensors' must be an array of tensors, not null");
        }
        for (int i = 0; i < tensors.length; i++) {
            if (tensors[i] == null) {
                throw new IllegalArgumentException(op + ": expected a Tensor at position " + i + " of 'tensors', got null");
            }
        }
        if (tensors.length == 0) {
            throw new IllegalArgumentException(op + ": expected a non-empty list of tensors");
        }
        Tensor first = tensors[0];
        if (first.shape.length == 0) {
            throw new IllegalArgumentException(op + ": zero-dimensional tensor (at position 0) cannot be concatenated");
        }
        int d = Shapes.wrapDim(op, dim, first.shape.length);
        DType dtype = first.dtype();
        long total = 0;
        for (int i = 0; i < tensors.length; i++) {
            Tensor t = tensors[i];
            Ops.sameDevice(op, first, t);
            if (t.shape.length != first.shape.length) {
                throw new IllegalArgumentException(op + ": tensors must have the same number of dimensions: got "
                        + first.shape.length + " and " + t.shape.length + " (at position " + i + ")");
            }
            for (int k = 0; k < t.shape.length; k++) {
                if (k != d && t.shape[k] != first.shape[k]) {
                    throw new IllegalArgumentException(op + ": sizes of tensors must match except in dimension " + d
                            + ": expected size " + first.shape[k] + " but got size " + t.shape[k] + " for tensor number "
                            + i + " in the list (shapes " + Shapes.format(first.shape) + " and " + Shapes.format(t.shape) + ")");
                }
            }
            dtype = DType.promote(dtype, t.dtype());
            total += t.shape[d];
        }
        long[] shape = first.shape.clone();
        shape[d] = total;
        Tensor out = Ops.empty(shape, dtype, first.device());
        long at = 0;
        long[] sizes = new long[tensors.length];
        for (int i = 0; i < tensors.length; i++) {
            // Detached: the conversion is the forward's mechanics, not an op to record or to carry a tangent through.
            Tensor t = tensors[i].detach();
            long len = t.shape[d];
            sizes[i] = len;
            if (len > 0) {
                Ops.backend(out).copy(t.to(dtype), out.narrow(d, at, len));
            }
            at += len;
        }
        DType promoted = dtype;
        Tensor[] inputs = tensors.clone();
        // The output's tangent joins the inputs' tangents, zeros for an input without one.
        return Autograd.record(out, "CatBackward0", inputs, null, (n, g, s) -> {
            Tensor[] grads = new Tensor[sizes.length];
            long from = 0;
            for (int i = 0; i < sizes.length; i++) {
                grads[i] = n.needs(i) ? g.narrow(d, from, sizes[i]) : null;
                from += sizes[i];
            }
            return grads;
        }, t -> cat(d, tangentsOrZeros(t, inputs, promoted)));
    }

    /**
     * The tangents of a joining op's inputs in {@code dtype}, zeros of an input's shape where it has
     * none, so that joining them gives the output's tangent.
     */
    static Tensor[] tangentsOrZeros(Tensor[] tangents, Tensor[] inputs, DType dtype) {
        Tensor[] parts = new Tensor[tangents.length];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = tangents[i] != null ? tangents[i].to(dtype)
                    : Ops.zeros(inputs[i].shape.clone(), dtype, inputs[i].device());
        }
        return parts;
    }

    private static void checkIndexValues(String op, Tensor index, long size, int dim) {
        for (long v : index.toLongArray()) {
            if (v < 0 || v >= size) {
                throw new IndexOutOfBoundsException(op + ": index " + v + " is out of bounds for dimension " + dim
                        + " with size " + size);
            }
        }
    }

    private static void requireInt64(String op, Tensor index) {
        if (index.dtype() != DType.INT64) {
            throw new IllegalArgumentException(op + ": index must be an int64 tensor, got " + index.dtype().torchName());
        }
    }

    static Tensor indexSelect(Tensor x, int dim, Tensor index) {
        String op = "indexSelect";
        Ops.notNull(op, "index", index);
        requireInt64(op, index);
        Ops.sameDevice(op, x, index);
        if (index.shape.length > 1) {
            throw new IllegalArgumentException(op + ": index must be 0-D or 1-D, got shape " + Shapes.format(index.shape));
        }
        Tensor src = x.shape.length == 0 ? x.reshape(1) : x;
        int d = Shapes.wrapDim(op, dim, src.shape.length);
        checkIndexValues(op, index, src.shape[d], d);
        long[] shape = src.shape.clone();
        shape[d] = index.numel();
        Tensor out = Ops.empty(shape, x.dtype(), x.device());
        Tensor idx = index.reshape(-1);
        Ops.backend(out).indexSelect(src, d, idx, out);
        if (Autograd.needs(src)) {
            long[] from = src.shape;
            Autograd.record(out, "IndexSelectBackward0", new Tensor[] {src}, null,
                    (n, g, s) -> new Tensor[] {indexAdd(Ops.zeros(from, g.dtype(), g.device()), d, idx, g)},
                    t -> t[0].indexSelect(d, idx));
        }
        return x.shape.length == 0 ? out.reshape() : out;
    }

    /** {@code self} with {@code src}'s slices added at {@code index} along {@code d}, out of place. */
    static Tensor indexAdd(Tensor self, int d, Tensor index, Tensor src) {
        // A copy of the detached self: the clone is the forward's mechanics, and indexAdd records its own node.
        Tensor out = self.detach().clone();
        Ops.backend(out).indexAdd(out, d, index, src);
        if (Autograd.needs(self, src)) {
            // Linear in both operands: the tangent is indexAdd of the tangents, zeros for an operand without one.
            Autograd.record(out, "IndexAddBackward0", new Tensor[] {self, src}, null, (n, g, s) -> new Tensor[] {
                n.needs(0) ? g : null, n.needs(1) ? g.indexSelect(d, index) : null},
                t -> t[1] == null ? t[0].clone() : indexAdd(orZeros(t[0], self), d, index, t[1]));
        }
        return out;
    }

    /** {@code tangent}, or zeros like {@code primal} when it is null. */
    private static Tensor orZeros(Tensor tangent, Tensor primal) {
        return tangent != null ? tangent : Ops.zeros(primal.shape.clone(), primal.dtype(), primal.device());
    }

    /** {@code self} with {@code src} added at the positions {@code index} names along {@code d}, out of place. */
    static Tensor scatterAdd(Tensor self, int d, Tensor index, Tensor src) {
        // A copy of the detached self, as in indexAdd.
        Tensor out = self.detach().clone();
        Ops.backend(out).scatterAdd(out, d, index, src);
        if (Autograd.needs(self, src)) {
            Autograd.record(out, "ScatterAddBackward0", new Tensor[] {self, src}, null, (n, g, s) -> new Tensor[] {
                n.needs(0) ? g : null, n.needs(1) ? g.gather(d, index) : null},
                t -> t[1] == null ? t[0].clone() : scatterAdd(orZeros(t[0], self), d, index, t[1]));
        }
        return out;
    }

    static Tensor gather(Tensor x, int dim, Tensor index) {
        String op = "gather";
        Ops.notNull(op, "index", index);
        requireInt64(op, index);
        Ops.sameDevice(op, x, index);
        if (index.shape.length != x.shape.length) {
            throw new IllegalArgumentException(op + ": index tensor must have the same number of dimensions as input"
                    + " tensor, got " + Shapes.format(index.shape) + " and " + Shapes.format(x.shape));
        }
        if (x.shape.length == 0) {
            Shapes.wrapDim(op, dim, 0);
            checkIndexValues(op, index, 1, 0);
            return x.clone();
        }
        int d = Shapes.wrapDim(op, dim, x.shape.length);
        for (int k = 0; k < x.shape.length; k++) {
            if (k != d && index.shape[k] > x.shape[k]) {
                throw new IllegalArgumentException(op + ": size does not match at dimension " + k + ": expected index "
                        + Shapes.format(index.shape) + " to be smaller than self " + Shapes.format(x.shape)
                        + " apart from dimension " + d);
            }
        }
        checkIndexValues(op, index, x.shape[d], d);
        Tensor out = Ops.empty(index.shape.clone(), x.dtype(), x.device());
        Ops.backend(out).gather(x, d, index, out);
        if (Autograd.needs(x)) {
            long[] from = x.shape;
            Autograd.record(out, "GatherBackward0", new Tensor[] {x}, null,
                    (n, g, s) -> new Tensor[] {scatterAdd(Ops.zeros(from, g.dtype(), g.device()), d, index, g)},
                    t -> t[0].gather(d, index));
        }
        return out;
    }

    /**
     * {@link #scatterAdd} of a user's operands, checked as PyTorch's {@code scatter_add} checks
     * them; {@code src} may be larger than {@code index}, whose shape selects its leading part.
     */
    static Tensor checkedScatterAdd(Tensor self, int dim, Tensor index, Tensor src) {
        String op = "scatterAdd";
        requireInt64(op, index);
        Ops.sameDevice(op, self, index);
        Ops.sameDevice(op, self, src);
        if (self.dtype() != src.dtype()) {
            throw new IllegalArgumentException(op + ": Expected self.dtype to be equal to src.dtype, got "
                    + self.dtype().torchName() + " and " + src.dtype().torchName());
        }
        if (self.dtype() == DType.BOOL) {
            throw new IllegalArgumentException(op + ": not defined for bool tensors");
        }
        int n = self.shape.length;
        if (index.shape.length != n || src.shape.length != n) {
            throw new IllegalArgumentException(op + ": Index tensor must have the same number of dimensions as self tensor"
                    + " and src tensor, got index " + Shapes.format(index.shape) + ", self " + Shapes.format(self.shape)
                    + " and src " + Shapes.format(src.shape));
        }
        if (n == 0) {
            // One element, whose index must be 0: the kernels see it as a row of one.
            Shapes.wrapDim(op, dim, 0);
            checkIndexValues(op, index, 1, 0);
            Tensor out = scatterAdd(self.detach().reshape(1), 0, index.reshape(1), src.detach().reshape(1)).reshape();
            if (Autograd.needs(self, src)) {
                Autograd.record(out, "ScatterAddBackward0", new Tensor[] {self, src}, null, (node, g, s) -> new Tensor[] {
                    node.needs(0) ? g : null, node.needs(1) ? g : null},
                    t -> t[0] == null ? t[1].clone() : t[1] == null ? t[0].clone() : t[0].add(t[1]));
            }
            return out;
        }
        int d = Shapes.wrapDim(op, dim, n);
        Tensor part = src;
        for (int k = 0; k < n; k++) {
            if (index.shape[k] > src.shape[k] || (k != d && index.shape[k] > self.shape[k])) {
                throw new IllegalArgumentException(op + ": Expected index " + Shapes.format(index.shape)
                        + " to be smaller than self " + Shapes.format(self.shape) + " apart from dimension " + d
                        + " and to be smaller size than src " + Shapes.format(src.shape));
            }
            if (index.shape[k] < src.shape[k]) {
                part = part.narrow(k, 0, index.shape[k]);
            }
        }
        checkIndexValues(op, index, self.shape[d], d);
        return scatterAdd(self, d, index, part);
    }
}
