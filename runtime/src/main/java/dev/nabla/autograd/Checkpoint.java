package dev.nabla.autograd;

import dev.nabla.Grad;
import dev.nabla.Gradcheck;
import dev.nabla.Nabla;
import dev.nabla.Tensor;

/**
 * Activation checkpointing, as {@code torch.utils.checkpoint.checkpoint(fn, *inputs,
 * use_reentrant=False)}: trades compute for memory by keeping only a segment's inputs and
 * recomputing the segment during backward.
 *
 * <pre>{@code
 * Tensor h = Checkpoint.checkpoint(in -> block.forward(in[0]), x);
 * }</pre>
 */
public final class Checkpoint {
    private Checkpoint() {}

    /**
     * Runs {@code fn} on {@code inputs} and returns its output, recording the graph as usual
     * (so gradients reach the inputs and whatever {@code fn} uses, such as a module's
     * parameters) but keeping none of the tensors the segment's ops save for backward. The
     * first backward that needs one runs {@code fn} again, from the same inputs and from the
     * random state of the first run, so dropout masks repeat; the random state is then put
     * back. With grad mode off, it only runs {@code fn}.
     *
     * @param fn the segment; it must run the same ops each time it is called
     * @param inputs the segment's tensors (nulls allowed), kept and version-checked: modifying
     *     one in place before backward is an error
     * @return {@code fn}'s output
     * @throws IllegalArgumentException if {@code fn} or {@code inputs} is null
     * @throws IllegalStateException during backward, if an input was modified in place or the
     *     recomputation saved different tensors
     */
    public static Tensor checkpoint(Gradcheck.Fn fn, Tensor... inputs) {
        if (fn == null) {
            throw new IllegalArgumentException("checkpoint: fn must not be null");
        }
        if (inputs == null) {
            throw new IllegalArgumentException("checkpoint: inputs must not be null");
        }
        if (!Grad.isEnabled()) {
            return fn.apply(inputs.clone());
        }
        CheckpointFrame frame = new CheckpointFrame(fn, inputs, Nabla.rngState());
        frame.open();
        try {
            return fn.apply(inputs.clone());
        } finally {
            frame.close();
        }
    }
}
