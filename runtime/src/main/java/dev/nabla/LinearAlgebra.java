package dev.nabla;

import dev.nabla.internal.Shapes;

/**
 * Matrix products. {@code mm} and {@code bmm} record their backward and forward-mode (jvp) rule;
 * {@code matmul} is composed of them and of views, as PyTorch's, and differentiates through those.
 */
final class LinearAlgebra {
    private LinearAlgebra() {}

    private static void sameDType(String op, Tensor a, Tensor b) {
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException(op + ": expected both operands to have the same dtype, but got "
                    + a.dtype().torchName() + " and " + b.dtype().torchName());
        }
        if (a.dtype() == DType.BOOL) {
            throw new IllegalArgumentException(op + ": not defined for bool tensors");
        }
    }

    static Tensor mm(Tensor a, Tensor b) {
        String op = "mm";
        Ops.notNull(op, "other", b);
        if (a.shape.length != 2 || b.shape.length != 2) {
            throw new IllegalArgumentException(op + ": expected 2-D tensors, got shapes " + Shapes.format(a.shape)
                    + " and " + Shapes.format(b.shape));
        }
        return product(op, a, b);
    }

    /** Checks and computes a 2-D product. */
    private static Tensor product(String op, Tensor a, Tensor b) {
        Ops.sameDevice(op, a, b);
        sameDType(op, a, b);
        if (a.shape[1] != b.shape[0]) {
            throw new IllegalArgumentException(op + ": shapes " + Shapes.format(a.shape) + " and " + Shapes.format(b.shape)
                    + " cannot be multiplied (" + a.shape[0] + "x" + a.shape[1] + " and " + b.shape[0] + "x" + b.shape[1] + ")");
        }
        Tensor out = Ops.empty(new long[] {a.shape[0], b.shape[1]}, a.dtype(), a.device());
        // Detached, so that the batch views neither record nor carry tangents.
        Ops.backend(out).matmul(a.detach().unsqueeze(0), b.detach().unsqueeze(0), out.unsqueeze(0));
        if (Autograd.needs(a, b)) {
            Autograd.record(out, "MmBackward0", new Tensor[] {a, b}, new Tensor[] {b.requiresGrad() ? a : null,
                a.requiresGrad() ? b : null}, (n, g, s) -> new Tensor[] {
                    n.needs(0) ? g.mm(s[1].t()) : null, n.needs(1) ? s[0].t().mm(g) : null},
                    tan -> sumOfTangents(tan[0] == null ? null : tan[0].mm(b), tan[1] == null ? null : a.mm(tan[1])));
        }
        return out;
    }

    static Tensor matmul(Tensor a, Tensor b) {
        String op = "matmul";
        Ops.notNull(op, "other", b);
        int da = a.shape.length;
        int db = b.shape.length;
        if (da == 0 || db == 0) {
            throw new IllegalArgumentException(op + ": both arguments need at least 1 dimension, got shapes "
                    + Shapes.format(a.shape) + " and " + Shapes.format(b.shape));
        }
        if (da == 1 && db == 1) {
            if (a.shape[0] != b.shape[0]) {
                throw new IllegalArgumentException(op + ": 1-D tensors must have the same size, got "
                        + a.shape[0] + " and " + b.shape[0]);
            }
            return product(op, a.unsqueeze(0), b.unsqueeze(1)).reshape();
        }
        if (da <= 2 && db <= 2) {
            Tensor x = da == 1 ? a.unsqueeze(0) : a;
            Tensor y = db == 1 ? b.unsqueeze(1) : b;
            Tensor r = product(op, x, y);
            if (da == 1) {
                r = r.squeeze(0);
            }
            if (db == 1) {
                r = r.squeeze(-1);
            }
            return r;
        }
        Ops.sameDevice(op, a, b);
        sameDType(op, a, b);
        Tensor x = da == 1 ? a.unsqueeze(0) : a;
        Tensor y = db == 1 ? b.unsqueeze(1) : b;
        long n = x.shape[x.shape.length - 2];
        long k = x.shape[x.shape.length - 1];
        long k2 = y.shape[y.shape.length - 2];
        long m = y.shape[y.shape.length - 1];
        if (k != k2) {
            throw new IllegalArgumentException(op + ": shapes " + Shapes.format(a.shape) + " and " + Shapes.format(b.shape)
                    + " cannot be multiplied (inner sizes " + k + " and " + k2 + ")");
        }
        long[] batchA = java.util.Arrays.copyOf(x.shape, x.shape.length - 2);
        long[] batchB = java.util.Arrays.copyOf(y.shape, y.shape.length - 2);
        long[] batch = Shapes.broadcast(op, batchA, batchB);
        long batchN = Shapes.numel(batch);
        Tensor r;
        if (batchB.length == 0) {
            // A matrix on the right (a Linear's weight): the batch folds into x's rows, as PyTorch
            // folds it, for one product and one weight gradient instead of batchN of each, summed.
            r = product(op, x.reshape(batchN * n, k), y).view(concat(batch, n, m));
        } else {
            Tensor xa = x.expand(concat(batch, n, k)).reshape(batchN, n, k);
            Tensor yb = y.expand(concat(batch, k, m)).reshape(batchN, k, m);
            r = bmm(xa, yb).view(concat(batch, n, m));
        }
        if (da == 1) {
            r = r.squeeze(-2);
        }
        if (db == 1) {
            r = r.squeeze(-1);
        }
        return r;
    }

    /** {@link #bmm} of a user's operands, checked as PyTorch's {@code torch.bmm} checks them. */
    static Tensor checkedBmm(Tensor a, Tensor b) {
        String op = "bmm";
        if (a.shape.length != 3) {
            throw new IllegalArgumentException(op + ": batch1 must be a 3D tensor, got shape " + Shapes.format(a.shape));
        }
        if (b.shape.length != 3) {
            throw new IllegalArgumentException(op + ": batch2 must be a 3D tensor, got shape " + Shapes.format(b.shape));
        }
        Ops.sameDevice(op, a, b);
        sameDType(op, a, b);
        if (b.shape[0] != a.shape[0] || b.shape[1] != a.shape[2]) {
            throw new IllegalArgumentException(op + ": Expected size for first two dimensions of batch2 tensor to be: ["
                    + a.shape[0] + ", " + a.shape[2] + "] but got: [" + b.shape[0] + ", " + b.shape[1] + "].");
        }
        return bmm(a, b);
    }

    /** The batched product of {@code [b, n, k]} and {@code [b, k, m]}. */
    static Tensor bmm(Tensor a, Tensor b) {
        Tensor out = Ops.empty(new long[] {a.shape[0], a.shape[1], b.shape[2]}, a.dtype(), a.device());
        // Detached: the backend slices its operands into matrices, and those views must neither record nor carry tangents.
        Ops.backend(out).matmul(a.detach(), b.detach(), out);
        if (Autograd.needs(a, b)) {
            Autograd.record(out, "BmmBackward0", new Tensor[] {a, b}, new Tensor[] {b.requiresGrad() ? a : null,
                a.requiresGrad() ? b : null}, (n, g, s) -> new Tensor[] {
                    n.needs(0) ? bmm(g, s[1].transpose(1, 2)) : null, n.needs(1) ? bmm(s[0].transpose(1, 2), g) : null},
                    tan -> sumOfTangents(tan[0] == null ? null : bmm(tan[0], b), tan[1] == null ? null : bmm(a, tan[1])));
        }
        return out;
    }

    /** The product rule's {@code dA B + A dB}, either term null for zero (and null if both are). */
    private static Tensor sumOfTangents(Tensor fromA, Tensor fromB) {
        if (fromA == null) {
            return fromB;
        }
        return fromB == null ? fromA : fromA.add(fromB);
    }

    private static long[] concat(long[] batch, long r, long c) {
        long[] s = java.util.Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = r;
        s[batch.length + 1] = c;
        return s;
    }
}
