package dev.nabla.benchmarks;

import dev.nabla.Tensor;
import dev.nabla.nn.Embedding;
import dev.nabla.nn.LayerNorm;
import dev.nabla.nn.Linear;
import dev.nabla.nn.Module;
import dev.nabla.nn.TransformerEncoderLayer;

/**
 * The decoder-only language model of {@code transformer_step} in {@code pytorch_side.py}: token
 * and learned position embeddings, pre-norm GELU encoder layers without dropout under a causal
 * mask, a final {@link LayerNorm} and a linear head. Tokens {@code [N, L]}, logits {@code [N, L, vocab]}.
 */
final class TinyLm extends Module {
    private final Embedding tok;
    private final Embedding pos;
    private final TransformerEncoderLayer layer0;
    private final TransformerEncoderLayer layer1;
    private final LayerNorm norm;
    private final Linear head;

    TinyLm(long vocab, long seq, long d, int heads, long ff) {
        tok = new Embedding(vocab, d);
        pos = new Embedding(seq, d);
        layer0 = new TransformerEncoderLayer(d, heads, ff, 0, "gelu", true);
        layer1 = new TransformerEncoderLayer(d, heads, ff, 0, "gelu", true);
        norm = new LayerNorm(d);
        head = new Linear(d, vocab);
    }

    /** The logits of every position; {@code causal = true} is PyTorch's float mask of -inf above the diagonal. */
    Tensor forward(Tensor tokens) {
        Tensor h = tok.forward(tokens).add(pos.forward(Tensor.arange(tokens.size(1))));
        h = layer0.forward(h, null, true);
        h = layer1.forward(h, null, true);
        return head.forward(norm.forward(h));
    }
}
