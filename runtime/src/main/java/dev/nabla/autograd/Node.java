package dev.nabla.autograd;

import dev.nabla.Autograd;
import dev.nabla.DType;
import dev.nabla.Device;
import dev.nabla.Tensor;
import dev.nabla.internal.TensorAccess;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A step of the backward graph: PyTorch's {@code Node}.
 *
 * <p>Note [Graph model]: every tensor computed from tensors that require grad points to the
 * node that made it ({@link Tensor#gradFn()}) and to which of that node's outputs it is.
 * A node has one incoming gradient per output and one edge per input; an edge leads to the
 * input's own {@code gradFn} (or to the {@code AccumulateGrad} node of a leaf), or is
 * absent when that input needs no gradient. The engine ({@code Engine}) runs a node once
 * every gradient flowing into it has arrived, summing the gradients that reach the same
 * output through different paths, and then passes each returned input gradient along its
 * edge. It checks every returned gradient against the metadata recorded here (shape, dtype,
 * device of each input), so ops do not have to.
 */
public abstract class Node {
    private static final Node[] NO_NODES = new Node[0];
    static final SavedTensor[] NOTHING_SAVED = new SavedTensor[0];

    private final String name;
    final Node[] nextNodes;
    final int[] nextSlots;
    final long[][] inputShapes;
    final DType[] inputDTypes;
    final Device[] inputDevices;
    final Throwable forwardTrace;

    /**
     * The order in which this thread recorded the node (PyTorch's {@code sequence_nr}): among the
     * nodes ready at once, a backward runs the latest first; the largest value for leaves'
     * {@code AccumulateGrad}, which run as soon as they are ready.
     */
    final long sequenceNr;

    /**
     * A memo, not state: this node's {@code NodeTask} in the backward run that reached it last,
     * valid only for that run (each run checks it is the owner), so that a run finds its state
     * of a node without hashing. A run that shares the node overwrites it, after telling the
     * owner, which then looks its state up in its own map; a run clears its memos when it ends.
     * Read with acquire semantics and replaced by compare-and-set, so that a run that sees
     * another run's memo also sees that it was told.
     */
    @SuppressWarnings("unused") // accessed through LAST_TASK
    private GraphTask.NodeTask lastTask;

    private static final VarHandle LAST_TASK;

    static {
        try {
            LAST_TASK = MethodHandles.lookup().findVarHandle(Node.class, "lastTask", GraphTask.NodeTask.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    GraphTask.NodeTask lastTask() {
        return (GraphTask.NodeTask) LAST_TASK.getAcquire(this);
    }

    /**
     * Makes {@code t} the memo, first telling the run whose memo it replaces (compare-and-set,
     * so that the run told is the one replaced, whatever other runs do meanwhile).
     */
    void replaceLastTask(GraphTask.NodeTask t) {
        GraphTask.NodeTask previous;
        do {
            previous = lastTask();
            if (previous != null && previous.owner != t.owner) {
                previous.owner.loseMemo();
            }
        } while (!LAST_TASK.compareAndSet(this, previous, t));
    }

    /** Clears the memo if it is still {@code t}. */
    void clearLastTask(GraphTask.NodeTask t) {
        LAST_TASK.compareAndSet(this, t, null);
    }

    /** Per-thread counters, as PyTorch's: recording never synchronises with other threads. */
    private static final ThreadLocal<long[]> NEXT_SEQUENCE_NR = ThreadLocal.withInitial(() -> new long[1]);

    /**
     * A node whose inputs are {@code inputs} (nulls allowed, for absent optional tensors);
     * an edge is recorded for each input that requires grad.
     */
    protected Node(String name, Tensor... inputs) {
        this(name, NEXT_SEQUENCE_NR.get()[0]++, inputs);
    }

    /** A node with a given sequence number; see {@link #sequenceNr}. */
    Node(String name, long sequenceNr, Tensor... inputs) {
        this.name = name;
        this.sequenceNr = sequenceNr;
        int n = inputs.length;
        this.nextNodes = n == 0 ? NO_NODES : new Node[n];
        this.nextSlots = new int[n];
        this.inputShapes = new long[n][];
        this.inputDTypes = new DType[n];
        this.inputDevices = new Device[n];
        TensorAccess access = TensorAccess.get();
        for (int i = 0; i < n; i++) {
            Tensor t = inputs[i];
            if (t == null) {
                continue;
            }
            inputShapes[i] = access.shape(t);
            inputDTypes[i] = t.dtype();
            inputDevices[i] = t.device();
            AutogradMeta a = access.autograd(t);
            if (a != null && a.requiresGrad()) {
                nextNodes[i] = a.node();
                nextSlots[i] = a.slot();
            }
        }
        this.forwardTrace = Autograd.anomalyEnabled() ? new Throwable("forward of " + name) : null;
    }

    /** The node's name, as PyTorch prints it in {@code grad_fn=<MulBackward0>}. */
    public String name() {
        return name;
    }

    /** The number of inputs (edges), present or not. */
    public final int numInputs() {
        return nextNodes.length;
    }

    /** The number of outputs, each of which receives a gradient. */
    protected int numOutputs() {
        return 1;
    }

    /** Whether input {@code i} needs a gradient (PyTorch's {@code needs_input_grad}). */
    public final boolean needsInputGrad(int i) {
        return nextNodes[i] != null;
    }

    /** The nodes the input edges lead to (null for inputs that need no gradient), as {@code next_functions}. */
    public List<Node> nextFunctions() {
        List<Node> out = new ArrayList<>(nextNodes.length);
        Collections.addAll(out, nextNodes);
        return Collections.unmodifiableList(out);
    }

    /**
     * Computes the input gradients from the output gradients.
     *
     * @param gradOutputs one per output; an entry may be null when nothing flowed into that output
     * @return one per input (null where none is needed or none exists)
     */
    protected abstract Tensor[] apply(Tensor[] gradOutputs);

    /**
     * Whether {@link #apply}, run without {@code createGraph}, keeps no reference to a gradient
     * it receives or returns: it only computes from them, as Nabla's own derivatives do. The
     * engine frees the gradients it made only where this holds (Note [Dead gradients] on
     * {@link Engine}); a user's code may stash a gradient anywhere, so the default is false.
     */
    boolean keepsNoGradients() {
        return false;
    }

    /** What the node saved for its backward, for measuring what a graph keeps alive. */
    SavedTensor[] savedTensors() {
        return NOTHING_SAVED;
    }

    /** Frees what was saved for backward; called after a backward that does not retain the graph. */
    protected void release() {}

    /**
     * The name of input {@code i} in the engine's errors about returned gradients, or null to
     * name it by its index only; a {@link Function} names its inputs through {@link Function#inputName}.
     */
    String inputName(int i) {
        return null;
    }

    /** Makes {@code t} output {@code outputNr} of {@code node}: it now requires grad and is not a leaf. */
    protected static void setHistory(Tensor t, Node node, int outputNr) {
        TensorAccess access = TensorAccess.get();
        AutogradMeta a = access.autograd(t);
        if (a == null) {
            a = new AutogradMeta();
            access.setAutograd(t, a);
        }
        a.gradFn = node;
        a.outputNr = outputNr;
        a.requiresGrad = false;
    }

    @Override
    public String toString() {
        return "<" + name + ">";
    }
}
