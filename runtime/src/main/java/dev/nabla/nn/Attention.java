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
            throw new IllegalArgumentException(op + ": an explicit mask and causal=true cannot be used together;"
                    + " pass one of them (PyTorch: \"_scaled_dot_product_attention: Explicit attn_mask should not be set"
                    + " when is_causal=True\")");
        }
        long l = q.size(-2);
        long s = k.size(-2);
        Tensor scores = q.matmul(k.transpose(-2, -1)).mul(1 / Math.sqrt(e));
        if (causal) {
            scores = scores.maskedFill(causalMask(l, s, q).eq(0), Double.NEGATIVE_INFINITY);
        } else if (mask != null) {
            scores = applyMask(op, scores, mask);
        }
        // softmax subtracts each row's maximum, so large scores cannot overflow; a fully masked row
        // (all -inf) gives NaN, as PyTorch 1.13's attention does.
        return scores.softmax(-1).matmul(v);
    }

    /** BOOL {@code [l, s]}, true where query {@code i} may attend to key {@code j <= i} (the top-left lower triangle). */
    static Tensor causalMask(long l, long s, Tensor like) {
        Tensor rows = Tensor.arange(l).unsqueeze(1);
        Tensor cols = Tensor.arange(s).unsqueeze(0);
        return cols.le(rows).to(like.device());
    }

    /** {@code scores} with a BOOL mask (true keeps) or an added floating mask, broadcast to the scores. */
    private static Tensor applyMask(String op, Tensor scores, Tensor mask) {
        if (!mask.device().equals(scores.device())) {
            throw new IllegalArgumentException(op + ": the mask is on " + mask.device() + " but the scores are on "
                    + scores.device());
        }
        if (!broadcastsTo(mask.shape(), scores.shape())) {
            throw new IllegalArgumentException(op + ": a mask of shape " + Arrays.toString(mask.shape())
                    + " does not broadcast to the attention scores [..., L, S] of shape " + Arrays.toString(scores.shape()));
        }
        if (mask.dtype() == DType.BOOL) {
            return scores.maskedFill(mask.eq(0), Double.NEGATIVE_INFINITY);
        }
        if (!mask.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": the mask must be bool (true keeps) or floating (added), got "
                    + mask.dtype().torchName());
        }
        return scores.add(mask.to(scores.dtype()));
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
