package dev.nabla;

import dev.nabla.internal.Shapes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs the backward graph (see Note [Graph model] on {@link Node}).
 *
 * <p>Note [Iterative execution]: the graph is walked with explicit stacks, never by
 * recursion, so a chain of any length runs in constant Java stack. First a walk from the
 * roots counts, for each node, how many edges lead into it. Then nodes run from a ready
 * queue; a node becomes ready when the last gradient due to it has arrived, so each node
 * runs exactly once with the sum of its incoming gradients.
 *
 * <p>For {@link Autograd#grad}, the nodes that lead to none of the requested inputs are
 * pruned, the gradients arriving at the inputs are captured instead of accumulated into
 * {@code grad()}, and no leaf's {@code grad()} changes.
 */
final class Engine {
    /** Numbers the discovery passes; see {@link Node#pass}. */
    private static final AtomicLong PASSES = new AtomicLong();

    private Engine() {}

    /**
     * Backpropagates {@code grads} from {@code roots}.
     *
     * @param inputs null to accumulate into leaves ({@code backward}); otherwise the tensors
     *     whose gradients are returned ({@code Autograd.grad})
     */
    static Tensor[] run(Tensor[] roots, Tensor[] grads, boolean retainGraph, boolean createGraph, Tensor[] inputs,
                        boolean allowUnused) {
        // The edges into the graph: one per root.
        int r = roots.length;
        Node[] rootNodes = new Node[r];
        int[] rootSlots = new int[r];
        for (int i = 0; i < r; i++) {
            Tensor t = roots[i];
            if (!t.requiresGrad()) {
                throw new IllegalStateException("element " + i + " of tensors does not require grad and does not have a grad_fn");
            }
            rootNodes[i] = t.gradFn != null ? t.gradFn : t.accumulator();
            rootSlots[i] = t.gradFn != null ? t.outputNr : 0;
        }

        // Capture points for Autograd.grad.
        Map<Node, List<int[]>> captures = null;
        Tensor[] captured = null;
        if (inputs != null) {
            captures = new IdentityHashMap<>();
            captured = new Tensor[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                Tensor t = inputs[i];
                if (!t.requiresGrad()) {
                    throw new IllegalArgumentException("grad: input " + i + " does not require grad");
                }
                Node n = t.gradFn != null ? t.gradFn : t.accumulator();
                captures.computeIfAbsent(n, k -> new ArrayList<>()).add(new int[] {i, t.gradFn != null ? t.outputNr : 0});
            }
        }

        // Pass 1: discover the graph, counting dependencies.
        // A node belongs to this pass when its stamp is this pass's number: cheaper than a set.
        long pass = PASSES.incrementAndGet();
        List<Node> all = new ArrayList<>();
        ArrayDeque<Node> stack = new ArrayDeque<>();
        for (Node n : rootNodes) {
            if (n.pass != pass) {
                n.pass = pass;
                stack.push(n);
                all.add(n);
            }
        }
        for (Node n : all) {
            n.dependencies = 0;
        }
        while (!stack.isEmpty()) {
            Node n = stack.pop();
            for (Node next : n.nextNodes) {
                if (next == null) {
                    continue;
                }
                if (next.pass != pass) {
                    next.pass = pass;
                    next.dependencies = 0;
                    all.add(next);
                    stack.push(next);
                }
                next.dependencies++;
            }
        }

        // For grad(): which nodes lead to a capture point (reverse topological sweep).
        IdentityHashMap<Node, Boolean> needed = null;
        if (captures != null) {
            needed = prune(all, captures);
        }

        try (Grad.Scope mode = Grad.set(createGraph)) {
            ArrayDeque<Node> ready = new ArrayDeque<>();
            for (int i = 0; i < r; i++) {
                Node n = rootNodes[i];
                Tensor g = grads[i];
                addToBuffer(n, rootSlots[i], g);
            }
            for (Node n : rootNodes) {
                if (n.dependencies == 0) {
                    ready.add(n);
                    n.dependencies = -1;
                }
            }
            while (!ready.isEmpty()) {
                Node node = ready.poll();
                Tensor[] in = node.buffer;
                node.buffer = null;
                if (captures != null) {
                    List<int[]> caps = captures.get(node);
                    if (caps != null) {
                        for (int[] c : caps) {
                            captured[c[0]] = in[c[1]];
                        }
                    }
                    if (!needed.containsKey(node) || node instanceof AccumulateGrad) {
                        continue;
                    }
                }
                Tensor[] out;
                if (in == null) {
                    // Nothing flowed into this node: it only releases its successors.
                    out = new Tensor[node.numInputs()];
                } else {
                    out = node.apply(in);
                    if (!retainGraph) {
                        node.release();
                    }
                    validate(node, out);
                    if (Autograd.anomalyEnabled()) {
                        checkNaN(node, out);
                    }
                }
                Node[] next = node.nextNodes;
                for (int i = 0; i < next.length; i++) {
                    Node n = next[i];
                    if (n == null) {
                        continue;
                    }
                    if (needed != null && !needed.containsKey(n)) {
                        continue;
                    }
                    if (out[i] != null) {
                        addToBuffer(n, node.nextSlots[i], out[i]);
                    }
                    if (--n.dependencies == 0) {
                        ready.add(n);
                        n.dependencies = -1;
                    }
                }
            }
        } finally {
            for (Node n : all) {
                n.buffer = null;
                n.dependencies = 0;
            }
        }

        if (inputs == null) {
            return null;
        }
        for (int i = 0; i < captured.length; i++) {
            if (captured[i] == null && !allowUnused) {
                throw new IllegalStateException("grad: one of the differentiated tensors (input " + i + ") appears to not"
                        + " have been used in the graph. Set allowUnused=true if this is the desired behavior.");
            }
        }
        return captured;
    }

    private static IdentityHashMap<Node, Boolean> prune(List<Node> all, Map<Node, List<int[]>> captures) {
        // `all` lists nodes so that every node comes after some node pointing at it; iterate to a fixed point.
        IdentityHashMap<Node, Boolean> needed = new IdentityHashMap<>();
        for (Node n : captures.keySet()) {
            needed.put(n, Boolean.TRUE);
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int i = all.size() - 1; i >= 0; i--) {
                Node n = all.get(i);
                if (needed.containsKey(n)) {
                    continue;
                }
                for (Node next : n.nextNodes) {
                    if (next != null && needed.containsKey(next)) {
                        needed.put(n, Boolean.TRUE);
                        changed = true;
                        break;
                    }
                }
            }
        }
        return needed;
    }

    private static void addToBuffer(Node n, int slot, Tensor g) {
        if (n.buffer == null) {
            n.buffer = new Tensor[Math.max(n.numOutputs(), slot + 1)];
        }
        Tensor prev = n.buffer[slot];
        n.buffer[slot] = prev == null ? g : prev.add(g);
    }

    /** PyTorch's {@code validate_outputs}: count, then shape (summing broadcast dims), dtype and device of each gradient. */
    private static void validate(Node node, Tensor[] out) {
        int expected = node.numInputs();
        if (node instanceof AccumulateGrad) {
            return;
        }
        if (out == null || out.length != expected) {
            throw new IllegalStateException("function " + node.name() + " returned an incorrect number of gradients (expected "
                    + expected + ", got " + (out == null ? 0 : out.length) + ")");
        }
        for (int i = 0; i < expected; i++) {
            Tensor g = out[i];
            if (g == null || node.nextNodes[i] == null) {
                out[i] = node.nextNodes[i] == null ? null : g;
                continue;
            }
            long[] want = node.inputShapes[i];
            if (!Arrays.equals(g.shape, want)) {
                if (!expandable(want, g.shape)) {
                    throw new IllegalStateException("function " + node.name() + " returned an invalid gradient at index " + i
                            + " - got " + Shapes.format(g.shape) + " but expected shape compatible with " + Shapes.format(want));
                }
                g = Reductions.sumTo(g, want);
            }
            if (!g.device().equals(node.inputDevices[i])) {
                throw new IllegalStateException("function " + node.name() + " returned an invalid gradient at index " + i
                        + " - expected device " + node.inputDevices[i] + " but got " + g.device());
            }
            if (g.dtype() != node.inputDTypes[i]) {
                if (!g.dtype().isFloatingPoint()) {
                    throw new IllegalStateException("function " + node.name() + " returned an invalid gradient at index " + i
                            + " - expected dtype " + node.inputDTypes[i].torchName() + " but got " + g.dtype().torchName());
                }
                g = g.to(node.inputDTypes[i]);
            }
            out[i] = g;
        }
    }

    /** Whether a tensor of shape {@code shape} can be expanded to {@code to}. */
    static boolean expandable(long[] shape, long[] to) {
        if (shape.length > to.length) {
            return false;
        }
        int lead = to.length - shape.length;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] != to[i + lead] && shape[i] != 1) {
                return false;
            }
        }
        return true;
    }

    private static void checkNaN(Node node, Tensor[] out) {
        for (int i = 0; i < out.length; i++) {
            Tensor g = out[i];
            if (g != null && g.dtype().isFloatingPoint()) {
                boolean nan;
                try (Grad.Scope off = Grad.disabled()) {
                    nan = anyTrue(g.ne(g).toBooleanArray());
                }
                if (nan) {
                    IllegalStateException e = new IllegalStateException("Function '" + node.name() + "' returned nan values in its "
                            + i + "th output. The forward of " + node.name() + " ran at the stack trace given as the cause.");
                    if (node.forwardTrace != null) {
                        e.initCause(node.forwardTrace);
                    }
                    throw e;
                }
            }
        }
    }

    private static boolean anyTrue(boolean[] b) {
        for (boolean x : b) {
            if (x) {
                return true;
            }
        }
        return false;
    }
}
