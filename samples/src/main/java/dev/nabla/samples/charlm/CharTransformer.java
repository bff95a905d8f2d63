package dev.nabla.samples.charlm;

import dev.nabla.DType;
import dev.nabla.Tensor;
import dev.nabla.nn.Embedding;
import dev.nabla.nn.Init;
import dev.nabla.nn.LayerNorm;
import dev.nabla.nn.Linear;
import dev.nabla.nn.Module;
import dev.nabla.nn.Sequential;
import dev.nabla.nn.TransformerEncoderLayer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A small decoder-only (GPT-style) transformer over characters: token and learned position
 * embeddings, pre-norm {@link TransformerEncoderLayer}s with GELU and a causal mask, a final
 * {@link LayerNorm}, a linear head to one logit per character, and the sample's own DSL op,
 * {@link LogitSoftcap}, on those logits. Its state-dict keys are {@code tok_emb.weight},
 * {@code pos_emb.weight}, {@code layers.<i>.*} (PyTorch's encoder-layer names), {@code ln_f.*}
 * and {@code head.*}.
 */
public final class CharTransformer extends Module {
    private final Shape shape;
    // Field names are the state-dict keys.
    private final Embedding tok_emb;
    private final Embedding pos_emb;
    /** Holds the layers only to name them {@code layers.<i>}: they are called with a causal mask, not chained. */
    private final Sequential layers;
    private final LayerNorm ln_f;
    private final Linear head;
    private final List<TransformerEncoderLayer> blocks;

    /**
     * The model's sizes.
     *
     * @param vocab the number of distinct characters, at least 1
     * @param context the longest input, in characters, at least 1
     * @param dModel the width of every position's vector, a multiple of {@code heads}
     * @param heads attention heads per layer, at least 1
     * @param layers encoder layers, at least 1
     * @param dropout the dropout probability inside the layers, in {@code [0, 1)}
     * @param logitCap the soft cap on the logits ({@link LogitSoftcap}), positive
     */
    public record Shape(int vocab, int context, int dModel, int heads, int layers, double dropout, double logitCap) {
        /** @throws IllegalArgumentException naming the first size out of range */
        public Shape {
            require(vocab >= 1, "the vocabulary must hold at least 1 character, got " + vocab);
            require(context >= 1, "the context must be at least 1 character, got " + context);
            require(heads >= 1, "heads must be at least 1, got " + heads);
            require(dModel >= 1 && dModel % heads == 0, "the model width must be a positive multiple of heads (" + heads
                    + "), got " + dModel);
            require(layers >= 1, "layers must be at least 1, got " + layers);
            require(dropout >= 0 && dropout < 1, "dropout must be in [0, 1), got " + dropout);
            require(logitCap > 0 && Double.isFinite(logitCap), "the logit cap must be positive, got " + logitCap);
        }

        private static void require(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }

    /** A freshly initialised model of {@code shape}, drawing from Nabla's global generator. */
    public CharTransformer(Shape shape) {
        this.shape = shape;
        this.tok_emb = new Embedding(shape.vocab(), shape.dModel());
        this.pos_emb = new Embedding(shape.context(), shape.dModel());
        // GPT-2's scale: N(0, 1) embeddings (Embedding's default) would drown the attention logits at the start.
        Init.normal_(tok_emb.weight(), 0, 0.02);
        Init.normal_(pos_emb.weight(), 0, 0.02);
        this.blocks = new ArrayList<>();
        for (int i = 0; i < shape.layers(); i++) {
            blocks.add(new TransformerEncoderLayer(shape.dModel(), shape.heads(), 4L * shape.dModel(), shape.dropout(),
                    "gelu", true));
        }
        this.layers = new Sequential(blocks.toArray(new TransformerEncoderLayer[0]));
        this.ln_f = new LayerNorm(shape.dModel());
        this.head = new Linear(shape.dModel(), shape.vocab());
    }

    /** The sizes this model was built with. */
    public Shape shape() {
        return shape;
    }

    /**
     * The logits of the next character at every position.
     *
     * @param ids {@code [N, L]} INT64 character ids in {@code [0, vocab)}, {@code 1 <= L <= context}
     * @return {@code [N, L, vocab]}: position {@code i}'s logits depend on {@code ids[:, 0..i]} only
     * @throws IllegalArgumentException if {@code ids} is not a 2-D INT64 tensor of at most
     *     {@code context} columns
     */
    public Tensor forward(Tensor ids) {
        if (ids == null) {
            throw new NullPointerException("CharTransformer: ids must not be null");
        }
        if (ids.dim() != 2 || ids.dtype() != DType.INT64 || ids.size(1) < 1 || ids.size(1) > shape.context()) {
            throw new IllegalArgumentException("CharTransformer: expected INT64 ids [N, L] with 1 <= L <= "
                    + shape.context() + ", got " + ids.dtype() + " " + Arrays.toString(ids.shape()));
        }
        long length = ids.size(1);
        Tensor positions = Tensor.arange(DType.INT64, length).to(ids.device());
        Tensor x = tok_emb.forward(ids).add(pos_emb.forward(positions));
        for (TransformerEncoderLayer block : blocks) {
            x = block.forward(x, null, true);
        }
        return LogitSoftcapFunction.apply(head.forward(ln_f.forward(x)), shape.logitCap());
    }
}
