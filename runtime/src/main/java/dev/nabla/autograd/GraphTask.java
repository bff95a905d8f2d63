package dev.nabla.autograd;

import dev.nabla.Autograd;
import dev.nabla.Tensor;
import dev.nabla.backend.Storage;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The state of one backward run (PyTorch's {@code GraphTask}): how many gradients each node
 * still waits for, the gradients that have arrived, the nodes ready to run, and what
 * {@link Autograd#grad} captures. It belongs to the run, never to the graph, so a backward
 * started inside another one's node (see Note [Reentrant backward] on {@link Engine}) or on
 * another thread shares nothing with it but the nodes themselves.
 */
final class GraphTask {
    /** A node's part in this run. */
    static final class NodeTask {
        final GraphTask owner;
        final Node node;
        /** Gradients still due before the node may run; -1 once it is queued. */
        int dependencies;
        /** The gradients that have arrived, one slot per output of the node; null until one does. */
        Tensor[] buffer;
        /** For {@link Autograd#grad}: whether the node leads to a captured input, so it must run. */
        boolean needed;
        /** For {@link Autograd#grad}: pairs (index into the result, output slot) captured at this node. */
        List<int[]> captures;

        NodeTask(GraphTask owner, Node node) {
            this.owner = owner;
            this.node = node;
        }

        void add(int slot, Tensor g) {
            if (buffer == null) {
                buffer = new Tensor[Math.max(node.numOutputs(), slot + 1)];
            }
            Tensor prev = buffer[slot];
            DeadGradients dead = owner.dead;
            if (dead == null) {
                buffer[slot] = prev == null ? g : prev.add(g);
                return;
            }
            if (prev == null) {
                buffer[slot] = g;
                dead.placed(g);
                return;
            }
            long mark = Storage.createdSoFar();
            Tensor sum = prev.add(g);
            dead.adoptEngineMade(sum, mark);
            buffer[slot] = sum;
            dead.placed(sum);
            dead.removed(prev);
        }
    }

    final boolean keepGraph;
    final boolean createGraph;
    /** The gradient storages this run may free early, or null where it frees none (Note [Dead gradients] on {@link Engine}). */
    final DeadGradients dead;
    /** Every node reached from the roots, in discovery order (each after some node pointing at it). */
    final List<NodeTask> nodes = new ArrayList<>(8);
    /**
     * Every node's state, built only once another run has overwritten a memo of this one (see
     * {@link Node#lastTask}); until then a node whose memo is not this run's was not reached.
     */
    private IdentityHashMap<Node, NodeTask> byNode;
    /** Set by a run that overwrites a memo of this one, before the overwrite can be seen. */
    private volatile boolean memoLost;

    /** Called before another run replaces one of this run's memos. */
    void loseMemo() {
        memoLost = true;
    }
    /**
     * Nodes whose gradients have all arrived; the one recorded last runs first, as PyTorch's
     * ready queue orders by sequence number, so a run's order does not depend on the order of
     * edges and gradient accumulation into a leaf ({@link Node#sequenceNr} largest) comes first.
     */
    final PriorityQueue<NodeTask> ready = new PriorityQueue<>(4,
            (a, b) -> Long.compare(b.node.sequenceNr, a.node.sequenceNr));
    /** Run in order after the last node, on the run's thread ({@link Engine#queueCallback}). */
    final List<Runnable> finalCallbacks = new ArrayList<>();
    /** Null for {@code backward}; for {@link Autograd#grad} one slot per requested input. */
    final Tensor[] captured;

    GraphTask(boolean keepGraph, boolean createGraph, int capturedInputs) {
        this.keepGraph = keepGraph;
        this.createGraph = createGraph;
        this.captured = capturedInputs < 0 ? null : new Tensor[capturedInputs];
        this.dead = DeadGradients.forRun(createGraph, captured != null);
    }

    /** This run's state of {@code node}, created on first sight. */
    NodeTask of(Node node) {
        NodeTask t = find(node);
        if (t == null) {
            t = new NodeTask(this, node);
            nodes.add(t);
            if (byNode != null) {
                byNode.put(node, t);
            }
            node.replaceLastTask(t);
        }
        return t;
    }

    /** This run's state of {@code node}, or null if the run does not reach it. */
    NodeTask find(Node node) {
        NodeTask t = node.lastTask();
        if (t != null && t.owner == this) {
            return t;
        }
        if (!memoLost) {
            return null;
        }
        if (byNode == null) {
            byNode = new IdentityHashMap<>(2 * nodes.size());
            for (NodeTask n : nodes) {
                byNode.put(n.node, n);
            }
        }
        return byNode.get(node);
    }

    /** Drops this run's memos, so that a finished run keeps nothing of the graph alive. */
    void forgetMemos() {
        for (NodeTask n : nodes) {
            n.node.clearLastTask(n);
        }
    }
}
