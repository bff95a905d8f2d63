package dev.nabla.autograd;

import dev.nabla.Grad;
import dev.nabla.Gradcheck;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One call of {@link Checkpoint#checkpoint}: the segment, its inputs, the random state it
 * started from, and the tensors its recomputation saved. While its forward runs, the frame is
 * open on the thread, and each tensor an op saves ({@link SavedTensor#save}) becomes a place
 * in the frame instead of a reference; the first read of one, during backward, runs the segment
 * again from the same inputs and random state with the frame open for recording, and the
 * tensors saved then, in the same order, answer every place.
 */
final class CheckpointFrame {
    private static final ThreadLocal<ArrayDeque<CheckpointFrame>> OPEN_ON_THREAD = ThreadLocal.withInitial(ArrayDeque::new);
    /** Frames open on any thread: while none is, saving a tensor costs no thread-local lookup. */
    private static final AtomicInteger OPEN = new AtomicInteger();

    private final Gradcheck.Fn fn;
    private final SavedTensor[] inputs;
    private final boolean[] inputRequiresGrad;
    private final long rngState;
    /** How many tensors the forward saved here. */
    private int saves;
    /** While recomputing: the tensors saved so far; otherwise null. */
    private List<Tensor> recording;
    /** After recomputing: one per place, null once released. */
    private Tensor[] recomputed;

    CheckpointFrame(Gradcheck.Fn fn, Tensor[] inputs, long rngState) {
        this.fn = fn;
        this.inputs = new SavedTensor[inputs.length];
        this.inputRequiresGrad = new boolean[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            this.inputs[i] = SavedTensor.save(inputs[i], "checkpoint input " + i);
            inputRequiresGrad[i] = inputs[i] != null && inputs[i].requiresGrad();
        }
        this.rngState = rngState;
    }

    /** The innermost frame open on this thread, or null. */
    static CheckpointFrame current() {
        return OPEN.get() == 0 ? null : OPEN_ON_THREAD.get().peek();
    }

    /** Opens this frame on the thread: tensors saved until {@link #close} are tracked by it. */
    void open() {
        OPEN_ON_THREAD.get().push(this);
        OPEN.incrementAndGet();
    }

    void close() {
        OPEN.decrementAndGet();
        OPEN_ON_THREAD.get().pop();
    }

    /**
     * Takes a tensor being saved: in the forward, returns its place; while recomputing, records
     * it and returns -1, since the recomputed graph keeps its tensors itself.
     */
    int track(Tensor t) {
        if (recording != null) {
            recording.add(t);
            return -1;
        }
        return saves++;
    }

    /** The tensor saved at {@code index}, recomputing the segment on the first read. */
    synchronized Tensor unpack(int index, Node node) {
        if (recomputed == null) {
            recompute(node);
        }
        Tensor t = recomputed[index];
        if (t == null) {
            throw new IllegalStateException(node.name() + ": " + SavedTensor.ERR_BACKWARD_TWICE);
        }
        return t;
    }

    private void recompute(Node node) {
        Tensor[] in = new Tensor[inputs.length];
        for (int i = 0; i < in.length; i++) {
            Tensor x = inputs[i].get(node);
            in[i] = x == null ? null : x.detach().requiresGrad(inputRequiresGrad[i]);
        }
        long now = Nabla.rngState();
        Nabla.setRngState(rngState);
        recording = new ArrayList<>(saves);
        open();
        try (Grad.Scope on = Grad.enabled()) {
            fn.apply(in);
        } finally {
            close();
            Nabla.setRngState(now);
        }
        if (recording.size() != saves) {
            int found = recording.size();
            recording = null;
            throw new IllegalStateException("checkpoint: recomputing the segment saved " + found + " tensors for backward"
                    + " but its forward saved " + saves + "; the checkpointed function must run the same ops every time");
        }
        recomputed = recording.toArray(new Tensor[0]);
        recording = null;
    }

    synchronized void release(int index) {
        if (recomputed != null) {
            recomputed[index] = null;
        }
    }

    synchronized List<Tensor> held() {
        List<Tensor> out = new ArrayList<>();
        for (SavedTensor s : inputs) {
            out.addAll(s.held());
        }
        if (recomputed != null) {
            for (Tensor t : recomputed) {
                if (t != null) {
                    out.add(t);
                }
            }
        }
        return out;
    }
}
