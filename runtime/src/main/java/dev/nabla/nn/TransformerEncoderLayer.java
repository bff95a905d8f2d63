package dev.nabla.nn;

import dev.nabla.Tensor;
import java.util.Arrays;

/**
 * One transformer encoder block, PyTorch's {@code nn.TransformerEncoderLayer(..., batch_first=True)}:
 * self-attention and a feed-forward network ({@code linear2(dropout(activation(linear1(x))))}),
 * each wrapped in a residual connection with dropout and a {@link LayerNorm} (eps {@code 1e-5}),
 * applied after the residual sum (post-norm, PyTorch's default) or before the block
 * ({@code normFirst}, pre-norm):
 *
 * <pre>
 * post-norm: x = norm1(x + dropout1(self_attn(x))); x = norm2(x + dropout2(ff(x)))
 * pre-norm:  x = x + dropout1(self_attn(norm1(x))); x = x + dropout2(ff(norm2(x)))</pre>
 *
 * Input and output {@code [N, L, dModel]}. Members carry PyTorch's names ({@code self_attn.*},
 * {@code linear1}, {@code dropout}, {@code linear2}, {@code norm1}, {@code norm2}, {@code dropout1},
 * {@code dropout2}), so PyTorch's state dicts load as they are.
 */
public final class TransformerEncoderLayer extends UnaryModule {
    private final boolean gelu;
    private final boolean normFirst;
    // Field names are the state-dict keys, so they are PyTorch's.
    private final MultiheadAttention self_attn;
    private final Linear linear1;
    private final Dropout dropout;
    private final Linear linear2;
    private final LayerNorm norm1;
    private final LayerNorm norm2;
    private final Dropout dropout1;
    private final Dropout dropout2;

    /** A post-norm layer with ReLU and dropout 0.1, PyTorch's defaults. */
    public TransformerEncoderLayer(long dModel, int heads, long dimFeedforward) {
        this(dModel, heads, dimFeedforward, 0.1, "relu", false);
    }

    /**
     * A layer of width {@code dModel} with {@code heads} attention heads and a feed-forward network
     * of width {@code dimFeedforward}.
     *
     * @param dropout the probability for the attention weights and the three dropouts
     * @param activation {@code "relu"} or {@code "gelu"} (exact)
     * @param normFirst pre-norm if true, post-norm if false
     * @throws IllegalArgumentException if the activation is neither, {@code heads} does not divide
     *     {@code dModel}, a size is not positive, or {@code dropout} is not in {@code [0, 1]}
     */
    public TransformerEncoderLayer(long dModel, int heads, long dimFeedforward, double dropout, String activation,
            boolean normFirst) {
        if (!"relu".equals(activation) && !"gelu".equals(activation)) {
            throw new IllegalArgumentException("TransformerEncoderLayer: activation should be relu/gelu, not " + activation);
        }
        if (dimFeedforward <= 0) {
            throw new IllegalArgumentException("TransformerEncoderLayer: dim_feedforward must be positive, got "
                    + dimFeedforward);
        }
        this.gelu = "gelu".equals(activation);
        this.normFirst = normFirst;
        this.self_attn = new MultiheadAttention(dModel, heads, dropout);
        this.linear1 = new Linear(dModel, dimFeedforward);
        this.dropout = new Dropout(dropout);
        this.linear2 = new Linear(dimFeedforward, dModel);
        this.norm1 = new LayerNorm(dModel);
        this.norm2 = new LayerNorm(dModel);
        this.dropout1 = new Dropout(dropout);
        this.dropout2 = new Dropout(dropout);
    }

    /** The self-attention ({@code self_attn}). */
    public MultiheadAttention selfAttn() {
        return self_attn;
    }

    /** Whether the norms come before the blocks (pre-norm). */
    public boolean normFirst() {
        return normFirst;
    }

    /** {@code forward(src, null, false)}. */
    @Override
    public Tensor forward(Tensor src) {
        return forward(src, null, false);
    }

    /**
     * The layer's output.
     *
     * @param src {@code [N, L, dModel]}
     * @param mask null, or the self-attention's {@code attnMask} ({@code [L, L]} or
     *     {@code [N * heads, L, L]}; BOOL true where attending is NOT allowed, or floating, added),
     *     as {@link MultiheadAttention#forward(Tensor, Tensor, Tensor, Tensor, boolean)}
     * @param causal whether position {@code i} attends only to positions {@code j <= i}
     * @return {@code [N, L, dModel]}
     * @throws IllegalArgumentException if {@code src} is not {@code [N, L, dModel]}, the mask does not
     *     fit, or a mask is given together with {@code causal}
     */
    public Tensor forward(Tensor src, Tensor mask, boolean causal) {
        if (src == null) {
            throw new NullPointerException("TransformerEncoderLayer: src must not be null");
        }
        if (src.dim() != 3) {
            throw new IllegalArgumentException("TransformerEncoderLayer: expected a batch-first input [N, L, d_model], got"
                    + " shape " + Arrays.toString(src.shape()));
        }
        Tensor x = src;
        if (normFirst) {
            x = x.add(selfAttentionBlock(norm1.forward(x), mask, causal));
            return x.add(feedForwardBlock(norm2.forward(x)));
        }
        x = norm1.forward(x.add(selfAttentionBlock(x, mask, causal)));
        return norm2.forward(x.add(feedForwardBlock(x)));
    }

    private Tensor selfAttentionBlock(Tensor x, Tensor mask, boolean causal) {
        return dropout1.forward(self_attn.forward(x, x, x, mask, causal));
    }

    private Tensor feedForwardBlock(Tensor x) {
        Tensor hidden = linear1.forward(x);
        hidden = gelu ? Functional.gelu(hidden) : hidden.relu();
        return dropout2.forward(linear2.forward(dropout.forward(hidden)));
    }
}
