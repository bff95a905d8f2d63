package dev.nabla.nn;

import dev.nabla.Tensor;
import java.util.Arrays;

/**
 * Multi-head attention, PyTorch's {@code nn.MultiheadAttention(embedDim, heads, batch_first=True)}:
 * the query, key and value are projected by one packed {@code in_proj_weight [3E, E]} and
 * {@code in_proj_bias [3E]}, split into {@code heads} heads of size {@code E / heads}, attended
 * ({@code softmax(q k^T / sqrt(E / heads) + mask) v}, see {@link Functional#scaledDotProductAttention}),
 * joined and projected by {@code out_proj} ({@code [E, E]} with a bias). Always batch first:
 * query {@code [N, L, E]}, key and value {@code [N, S, E]}, output {@code [N, L, E]}.
 *
 * <p>Initialised as PyTorch: {@code in_proj_weight} Xavier-uniform, both biases zero,
 * {@code out_proj.weight} as a {@link Linear}'s. With a dropout probability (given by
 * {@link TransformerEncoderLayer}), the attention weights are dropped while training.
 */
public final class MultiheadAttention extends Module {
    private final long embedDim;
    private final int heads;
    private final double dropout;
    // Field names are the state-dict keys, so they are PyTorch's.
    private final Parameter in_proj_weight;
    private final Parameter in_proj_bias;
    private final NonDynamicallyQuantizableLinear out_proj;

    /**
     * Attention over {@code embedDim} features in {@code heads} heads, without dropout.
     *
     * @throws IllegalArgumentException if {@code embedDim} is not positive, {@code heads} is not
     *     positive, or {@code heads} does not divide {@code embedDim}
     */
    public MultiheadAttention(long embedDim, int heads) {
        this(embedDim, heads, 0);
    }

    MultiheadAttention(long embedDim, int heads, double dropout) {
        if (embedDim <= 0 || heads <= 0) {
            throw new IllegalArgumentException("MultiheadAttention: embed_dim and num_heads must be positive, got embed_dim="
                    + embedDim + ", num_heads=" + heads);
        }
        if (embedDim % heads != 0) {
            throw new IllegalArgumentException("MultiheadAttention: embed_dim must be divisible by num_heads, got embed_dim="
                    + embedDim + ", num_heads=" + heads);
        }
        if (!(dropout >= 0 && dropout <= 1)) {
            throw new IllegalArgumentException("MultiheadAttention: dropout probability has to be between 0 and 1, but got "
                    + dropout);
        }
        this.embedDim = embedDim;
        this.heads = heads;
        this.dropout = dropout;
        // PyTorch creates the output projection (drawing its weight and bias) before it re-draws the packed input weights.
        this.out_proj = new NonDynamicallyQuantizableLinear(embedDim, embedDim);
        this.in_proj_weight = new Parameter(Tensor.zeros(3 * embedDim, embedDim));
        this.in_proj_bias = new Parameter(Tensor.zeros(3 * embedDim));
        Init.xavierUniform_(in_proj_weight);
        Init.zeros_(out_proj.bias());
    }

    /** The number of features {@code E}. */
    public long embedDim() {
        return embedDim;
    }

    /** The number of heads. */
    public int heads() {
        return heads;
    }

    /** The packed query, key and value projections, {@code [3E, E]} ({@code in_proj_weight}). */
    public Parameter inProjWeight() {
        return in_proj_weight;
    }

    /** Their biases, {@code [3E]} ({@code in_proj_bias}). */
    public Parameter inProjBias() {
        return in_proj_bias;
    }

    /** The output projection ({@code out_proj}). */
    public Linear outProj() {
        return out_proj;
    }

    /** Attention without a mask: {@code forward(query, key, value, null, false)}. */
    public Tensor forward(Tensor query, Tensor key, Tensor value) {
        return forward(query, key, value, null, false);
    }

    /**
     * The attention output (the weights are not returned).
     *
     * @param query {@code [N, L, E]}
     * @param key {@code [N, S, E]}
     * @param value {@code [N, S, E]}
     * @param attnMask null, or {@code [L, S]} or {@code [N * heads, L, S]}: BOOL, true where attending is
     *     NOT allowed (PyTorch's {@code nn.MultiheadAttention} convention, the opposite of
     *     {@link Functional#scaledDotProductAttention}'s), or floating, added to the scores
     * @param causal whether query {@code i} attends only to keys {@code j <= i}
     * @return {@code [N, L, E]}
     * @throws IllegalArgumentException if the shapes do not fit, the mask's shape or dtype is wrong,
     *     or a mask is given together with {@code causal}
     */
    public Tensor forward(Tensor query, Tensor key, Tensor value, Tensor attnMask, boolean causal) {
        String op = "MultiheadAttention";
        if (query == null || key == null || value == null) {
            throw new NullPointerException(op + ": query, key and value must not be null");
        }
        if (query.dim() != 3 || key.dim() != 3 || value.dim() != 3) {
            throw new IllegalArgumentException(op + ": expected batch-first 3-D query, key and value [N, L, E], got shapes "
                    + Arrays.toString(query.shape()) + ", " + Arrays.toString(key.shape()) + ", "
                    + Arrays.toString(value.shape()));
        }
        long n = query.size(0);
        long l = query.size(1);
        long s = key.size(1);
        if (query.size(2) != embedDim || key.size(2) != embedDim || value.size(2) != embedDim) {
            throw new IllegalArgumentException(op + ": was expecting embedding dimension of " + embedDim + ", but got shapes "
                    + Arrays.toString(query.shape()) + ", " + Arrays.toString(key.shape()) + ", "
                    + Arrays.toString(value.shape()));
        }
        if (key.size(0) != n || value.size(0) != n || value.size(1) != s) {
            throw new IllegalArgumentException(op + ": key and value must be [N, S, E] with the query's N, got query "
                    + Arrays.toString(query.shape()) + ", key " + Arrays.toString(key.shape()) + ", value "
                    + Arrays.toString(value.shape()));
        }
        if (attnMask != null && causal) {
            throw new IllegalArgumentException(op + ": an explicit attnMask should not be set when causal is true;"
                    + " pass one of them");
        }
        Tensor mask = attnMask == null ? null : headMask(op, attnMask, n, l, s, query);
        Tensor q;
        Tensor k;
        Tensor v;
        Tensor w = in_proj_weight;
        Tensor b = in_proj_bias;
        if (query == key && key == value) {
            // Self-attention: one product with the packed weights, then three views.
            Tensor qkv = project(query, w, b);
            q = qkv.narrow(2, 0, embedDim);
            k = qkv.narrow(2, embedDim, embedDim);
            v = qkv.narrow(2, 2 * embedDim, embedDim);
        } else {
            q = project(query, w.narrow(0, 0, embedDim), b.narrow(0, 0, embedDim));
            k = project(key, w.narrow(0, embedDim, embedDim), b.narrow(0, embedDim, embedDim));
            v = project(value, w.narrow(0, 2 * embedDim, embedDim), b.narrow(0, 2 * embedDim, embedDim));
        }
        long d = embedDim / heads;
        Tensor out = Attention.attend(splitHeads(q, n, l, d), splitHeads(k, n, s, d), splitHeads(v, n, s, d), mask, false,
                causal, isTraining() ? dropout : 0);
        return out_proj.forward(out.transpose(1, 2).reshape(n, l, embedDim));
    }

    /** {@code x W^T + b} of a {@code [N, L, E]} input, as one matrix product over the {@code N * L} rows. */
    private static Tensor project(Tensor x, Tensor w, Tensor b) {
        long[] shape = x.shape();
        Tensor rows = new AddmmFunction().apply(x.reshape(-1, shape[2]), w, b)[0];
        return rows.reshape(shape[0], shape[1], w.size(0));
    }

    /** {@code [N, L, E]} to {@code [N, heads, L, E / heads]}. */
    private Tensor splitHeads(Tensor x, long n, long l, long d) {
        return x.reshape(n, l, heads, d).transpose(1, 2);
    }

    /** The mask checked and shaped to broadcast over {@code [N, heads, L, S]}. */
    private Tensor headMask(String op, Tensor mask, long n, long l, long s, Tensor query) {
        if (mask.dim() == 2) {
            if (mask.size(0) != l || mask.size(1) != s) {
                throw new IllegalArgumentException(op + ": the shape of the 2D attn_mask is " + Arrays.toString(mask.shape())
                        + ", but should be [" + l + ", " + s + "]");
            }
        } else if (mask.dim() == 3) {
            if (mask.size(0) != n * heads || mask.size(1) != l || mask.size(2) != s) {
                throw new IllegalArgumentException(op + ": the shape of the 3D attn_mask is " + Arrays.toString(mask.shape())
                        + ", but should be [" + n * heads + ", " + l + ", " + s + "]");
            }
            mask = mask.reshape(n, heads, l, s);
        } else {
            throw new IllegalArgumentException(op + ": attn_mask's dimension " + mask.dim() + " is not supported (expected"
                    + " [L, S] or [N * num_heads, L, S])");
        }
        Attention.checkMaskKind(op, mask, query);
        return mask;
    }
}
