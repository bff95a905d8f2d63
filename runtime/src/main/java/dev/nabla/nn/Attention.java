package dev.nabla.nn;

import dev.nabla.DType;
import dev.nabla.Tensor;
import java.util.Arrays;

/** Scaled dot-product attention for {@link Functional#scaledDotProductAttention}. */
final class Attention {
    private Attention() {}

    static Tensor scaledDotProductAttention(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal) {
        String op = "scaledDotProductAttention";
        Activations.requireFloating(op + ": query", q);
        Activations.requireFloating(op + ": key", k);
        Activations.requireFloating(op + ": value", v);
        if (q.dim() < 2 || k.dim() < 2 || v.dim() < 2) {
            throw new IllegalArgumentException(op + ": query, key and value must be at least 2-D [..., L, E], got shapes "
                    + Arrays.toString(q.shape()) + ", " + Arrays.toString(k.shape()) + ", " + Arrays.toString(v.shape()));
        }
        if (q.dtype() != k.dtype() || q.dtype() != v.dtype()) {
            throw new IllegalArgumentException(op + ": expected query, key and value to have the same dtype, but got query "
                    + q.dtype().torchName() + ", key " + k.dtype().torchName() + ", value " + v.dtype().torchName());
        }
        if (!q.device().equals(k.device()) || !q.device().equals(v.device())) {
            throw new IllegalArgumentException(op + ": expected query, key and value on one device, got " + q.device() + ", "
                    + k.device() + ", " + v.device());
        }
        long e = q.size(-1);
        if (k.size(-1) != e) {
            throw new IllegalArgumentException(op + ": query and key must have the same embedding size E, got query "
                    + Arrays.toString(q.shape()) + " and key " + Arrays.toString(k.shape()));
        }
        if (k.size(-2) != v.size(-2)) {
            throw new IllegalArgumentException(op + ": key and value must have the same sequence length S, got key "
                    + Arrays.toString(k.shape()) + " and value " + Arrays.toString(v.shape()));
        }
        if (mask != null && causal) {
            throw new IllegalArgumentException(op + ": an explicit mask should not be set when causal is true;"
                    + " pass one of them");
        }
        if (mask != null) {
            checkMask(op, mask, q, k);
        }
        return attend(q, k, v, mask, true, causal, 0);
    }

    /**
     * {@code softmax(q k^T / sqrt(E) + mask) v} of validated operands, with dropout on the
     * attention weights when {@code dropout > 0} (multi-head attention while training).
     *
     * @param mask null, floating (added) or BOOL: true keeps if {@code boolKeeps} (SDPA's
     *     convention), true forbids otherwise (nn.MultiheadAttention's)
     */
    static Tensor attend(Tensor q, Tensor k, Tensor v, Tensor mask, boolean boolKeeps, boolean causal, double dropout) {
        Tensor scores = q.matmul(k.transpose(-2, -1)).mul(1 / Math.sqrt(q.size(-1)));
        if (causal) {
            scores = scores.maskedFill(causalMask(q.size(-2), k.size(-2), q).eq(0), Double.NEGATIVE_INFINITY);
        } else if (mask != null && mask.dtype() == DType.BOOL) {
            scores = scores.maskedFill(boolKeeps ? mask.eq(0) : mask, Double.NEGATIVE_INFINITY);
        } else if (mask != null) {
            scores = scores.add(mask.to(scores.dtype()));
        }
        // softmax subtracts each row's maximum, so large scores cannot overflow; a fully masked row
        // (all -inf) gives NaN, as PyTorch 1.13's attention does.
        Tensor weights = scores.softmax(-1);
        if (dropout > 0) {
            Tensor keep = Tensor.rand(weights.dtype(), weights.shape()).ge(dropout).to(weights.dtype()).mul_(1 / (1 - dropout));
            weights = weights.mul(keep.to(weights.device()));
        }
        return weights.matmul(v);
    }

    /** BOOL {@code [l, s]}, true where query {@code i} may attend to key {@code j <= i} (the top-left lower triangle). */
    static Tensor causalMask(long l, long s, Tensor like) {
        Tensor rows = Tensor.arange(l).unsqueeze(1);
        Tensor cols = Tensor.arange(s).unsqueeze(0);
        return cols.le(rows).to(like.device());
    }

    /**
     * @throws IllegalArgumentException unless {@code mask} is BOOL or floating, on the query's device,
     *     and broadcasts to the scores {@code [..., L, S]}
     */
    private static void checkMask(String op, Tensor mask, Tensor q, Tensor k) {
        checkMaskKind(op, mask, q);
        long[] scores = q.shape();
        scores[scores.length - 1] = k.size(-2);
        if (!broadcastsTo(mask.shape(), scores)) {
            throw new IllegalArgumentException(op + ": a mask of shape " + Arrays.toString(mask.shape())
                    + " does not broadcast to the attention scores [..., L, S] of shape " + Arrays.toString(scores));
        }
    }

    /** @throws IllegalArgumentException unless {@code mask} is BOOL or floating and on the query's device */
    static void checkMaskKind(String op, Tensor mask, Tensor q) {
        if (!mask.device().equals(q.device())) {
            throw new IllegalArgumentException(op + ": the mask is on " + mask.device() + " but the query is on " + q.device());
        }
        if (mask.dtype() != DType.BOOL && !mask.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": the mask must be bool or floating point, got " + mask.dtype().torchName());
        }
    }

    private static boolean broadcastsTo(long[] from, long[] to) {
        if (from.length > to.length) {
            return false;
        }
        for (int i = 1; i <= from.length; i++) {
            long f = from[from.length - i];
            if (f != 1 && f != to[to.length - i]) {
                return false;
            }
        }
        return true;
    }
}
