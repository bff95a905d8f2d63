package dev.nabla;

import dev.nabla.internal.Shapes;
import java.util.Arrays;

/**
 * Ops that rearrange a tensor's elements by position: permuting and flattening dimensions,
 * stacking, splitting and repeating tensors, and keeping one triangle of a matrix.
 *
 * <p>Each is built on existing kernels (views, {@code cat}, copies, masked fill), so a backend
 * needs nothing new for them. Where PyTorch records a node of its own ({@code StackBackward0},
 * {@code RepeatBackward0}, {@code TrilBackward0}), the forward runs on the detached input
 * (recording nothing and carrying no tangent) and that node is recorded with its derivative
 * and its forward-mode rule; the derivative is written with differentiable ops, so higher
 * derivatives work.
 */
final class Shaping {
    private Shaping() {}

    // ---------------------------------------------------------------- views

    static Tensor permute(Tensor x, int[] dims) {
        String op = "permute";
        int n = x.shape.length;
        if (dims.length != n) {
            throw new IllegalArgumentException(op + ": number of dimensions in the tensor input does not match the length"
                    + " of the desired ordering of dimensions i.e. input.dim() = " + n + " is not equal to len(dims) = "
                    + dims.length);
        }
        int[] order = new int[n];
        int[] inverse = new int[n];
        boolean[] seen = new boolean[n];
        long[] shape = new long[n];
        long[] stride = new long[n];
        for (int i = 0; i < n; i++) {
            int d = Shapes.wrapDim(op, dims[i], n);
            if (seen[d]) {
                throw new IllegalArgumentException(op + ": duplicate dims are not allowed, got " + Arrays.toString(dims));
            }
            seen[d] = true;
            order[i] = d;
            inverse[d] = i;
            shape[i] = x.shape[d];
            stride[i] = x.stride[d];
        }
        return Views.viewOf(x, shape, stride, x.offset, "PermuteBackward0", (node, g, s) -> new Tensor[] {g.permute(inverse)},
                t -> t[0].permute(order));
    }

    static Tensor flatten(Tensor x, int startDim, int endDim) {
        String op = "flatten";
        int n = x.shape.length;
        if (n == 0) {
            Shapes.wrapDim(op, startDim, 0);
            Shapes.wrapDim(op, endDim, 0);
            return x.reshape(1);
        }
        int start = Shapes.wrapDim(op, startDim, n);
        int end = Shapes.wrapDim(op, endDim, n);
        if (start > end) {
            throw new IllegalArgumentException(op + ": flatten() has invalid args: start_dim cannot come after end_dim, got "
                    + startDim + " and " + endDim);
        }
        if (start == end) {
            return x;
        }
        long[] shape = new long[n - (end - start)];
        long merged = 1;
        for (int d = start; d <= end; d++) {
            merged *= x.shape[d];
        }
        System.arraycopy(x.shape, 0, shape, 0, start);
        shape[start] = merged;
        System.arraycopy(x.shape, end + 1, shape, start + 1, n - end - 1);
        return x.reshape(shape);
    }

    // ---------------------------------------------------------------- joining and splitting

    static Tensor stack(int dim, Tensor[] tensors) {
        String op = "stack";
        if (tensors == null || tensors.length == 0) {
            throw new IllegalArgumentException(op + ": stack expects a non-empty TensorList");
        }
        Tensor first = tensors[0];
        int d = Shapes.wrapDim(op, dim, first.shape.length + 1);
        Tensor[] parts = new Tensor[tensors.length];
        DType[] dtypes = new DType[tensors.length];
        for (int i = 0; i < tensors.length; i++) {
            Tensor t = tensors[i];
            if (t == null) {
                throw new IllegalArgumentException(op + ": tensor " + i + " is null");
            }
            if (!Arrays.equals(t.shape, first.shape)) {
                throw new IllegalArgumentException(op + ": stack expects each tensor to be equal size, but got "
                        + Shapes.format(first.shape) + " at entry 0 and " + Shapes.format(t.shape) + " at entry " + i);
            }
            dtypes[i] = t.dtype();
        }
        // Detached parts: the unsqueezes and cat below are the forward's mechanics, not ops to record or
        // to carry tangents through; stack records its own node and rule.
        for (int i = 0; i < tensors.length; i++) {
            parts[i] = tensors[i].detach().unsqueeze(d);
        }
        Tensor out = Tensor.cat(d, parts);
        DType promoted = out.dtype();
        Tensor[] inputs = tensors.clone();
        // Each input's gradient is its slice of the output's, in the input's own dtype (cat may have promoted);
        // the output's tangent stacks the inputs' tangents, zeros for an input without one.
        return Autograd.record(out, "StackBackward0", inputs, null, (n, g, s) -> {
            Tensor[] grads = new Tensor[dtypes.length];
            for (int i = 0; i < grads.length; i++) {
                grads[i] = n.needs(i) ? g.narrow(d, i, 1).squeeze(d).to(dtypes[i]) : null;
            }
            return grads;
        }, t -> Tensor.stack(d, Indexing.tangentsOrZeros(t, inputs, promoted)));
    }

    static Tensor[] split(Tensor x, long size, int dim) {
        String op = "split";
        if (x.shape.length == 0) {
            throw new IllegalArgumentException(op + ": split expects at least a 1-dimensional tensor");
        }
        if (size < 0) {
            throw new IllegalArgumentException(op + ": split expects split_size be non-negative, but got split_size=" + size);
        }
        int d = Shapes.wrapDim(op, dim, x.shape.length);
        long length = x.shape[d];
        if (size == 0 && length != 0) {
            throw new IllegalArgumentException(op + ": split_size can only be 0 if dimension size is 0, but got dimension size of "
                    + length);
        }
        int count = size == 0 ? 1 : (int) Math.max((length + size - 1) / size, 1);
        Tensor[] parts = new Tensor[count];
        for (int i = 0; i < count; i++) {
            long start = i * size;
            parts[i] = x.narrow(d, start, Math.min(size, length - start));
        }
        return parts;
    }

    static Tensor[] chunk(Tensor x, int chunks, int dim) {
        String op = "chunk";
        if (x.shape.length == 0) {
            throw new IllegalArgumentException(op + ": chunk expects at least a 1-dimensional tensor");
        }
        if (chunks <= 0) {
            throw new IllegalArgumentException(op + ": chunk expects `chunks` to be greater than 0, got: " + chunks);
        }
        int d = Shapes.wrapDim(op, dim, x.shape.length);
        long length = x.shape[d];
        long size = (length + chunks - 1) / chunks;
        if (length == 0) {
            // PyTorch gives `chunks` empty pieces here, where split(0) would give one.
            Tensor[] parts = new Tensor[chunks];
            Arrays.setAll(parts, i -> x.narrow(d, 0, 0));
            return parts;
        }
        return split(x, size, d);
    }

    // ---------------------------------------------------------------- repeating

    static Tensor repeat(Tensor x, long[] repeats) {
        String op = "repeat";
        int n = repeats.length;
        int lead = n - x.shape.length;
        if (lead < 0) {
            throw new IllegalArgumentException(op + ": Number of dimensions of repeat dims can not be smaller than number of"
                    + " dimensions of tensor, got " + Shapes.format(repeats) + " for shape " + Shapes.format(x.shape));
        }
        long[] target = new long[n];
        // The input seen as [1, s0, 1, s1, ...], expanded to [r0, s0, r1, s1, ...]: a copy of that is the result.
        long[] single = new long[2 * n];
        long[] interleaved = new long[2 * n];
        int[] repeatDims = new int[n];
        for (int i = 0; i < n; i++) {
            long s = i < lead ? 1 : x.shape[i - lead];
            target[i] = s * repeats[i];
            single[2 * i] = 1;
            single[2 * i + 1] = s;
            interleaved[2 * i] = repeats[i];
            interleaved[2 * i + 1] = s;
            repeatDims[i] = 2 * i;
        }
        for (long t : target) {
            if (t < 0) {
                throw new IllegalArgumentException(op + ": Trying to create tensor with negative dimension " + t + ": "
                        + Shapes.format(target));
            }
        }
        // A copy even when nothing repeats, as PyTorch's repeat never returns a view; of the detached
        // input, as repeat records its own node and rule.
        Tensor out = Views.copyOf(x.detach().reshape(single).expand(interleaved), x.dtype()).view(target);
        if (Autograd.needs(x)) {
            long[] from = x.shape;
            Autograd.record(out, "RepeatBackward0", new Tensor[] {x}, null, (node, g, s) -> new Tensor[] {
                n == 0 ? g.reshape(from) : Reductions.sum(g.reshape(interleaved), repeatDims, false).reshape(from)},
                t -> repeat(t[0], repeats));
        }
        return out;
    }

    // ---------------------------------------------------------------- triangles

    /**
     * {@code x} with the elements of its last two dimensions zeroed on one side of a diagonal:
     * above it for {@code lower} (tril), below it otherwise (triu).
     */
    static Tensor triangle(Tensor x, long diagonal, boolean lower) {
        String op = lower ? "tril" : "triu";
        int n = x.shape.length;
        if (n < 2) {
            throw new IllegalArgumentException(op + ": input tensor must have at least 2 dimensions, got shape "
                    + Shapes.format(x.shape));
        }
        // Of the detached input: the masked fill is the forward's mechanics, and tril records its own node and rule.
        Tensor out = x.detach().maskedFill(triangleMask(x.shape[n - 2], x.shape[n - 1], diagonal, lower).to(x.device()), 0);
        if (Autograd.needs(x)) {
            Autograd.record(out, lower ? "TrilBackward0" : "TriuBackward0", new Tensor[] {x}, null,
                    (node, g, s) -> new Tensor[] {triangle(g, diagonal, lower)}, t -> triangle(t[0], diagonal, lower));
        }
        return out;
    }

    /**
     * The BOOL {@code [rows, cols]} mask of the elements tril (or triu) zeroes: element (i, j) lies on
     * diagonal {@code j - i}. Written on the host in one pass, which is several times cheaper than
     * building it from tensor ops.
     */
    private static Tensor triangleMask(long rows, long cols, long diagonal, boolean lower) {
        boolean[] zeroed = new boolean[Math.toIntExact(rows * cols)];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                long offset = (long) j - i;
                zeroed[(int) (i * cols + j)] = lower ? offset > diagonal : offset < diagonal;
            }
        }
        return Tensor.of(zeroed).view(rows, cols);
    }
}
