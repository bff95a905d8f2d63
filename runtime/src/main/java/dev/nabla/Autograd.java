package dev.nabla;

import dev.nabla.autograd.BuiltinNode;
import dev.nabla.autograd.Engine;

/**
 * Reverse-mode differentiation of the recorded graph: {@link #grad} returns gradients,
 * {@link #backward} accumulates them into leaves' {@link Tensor#grad()}, and anomaly
 * detection ties a NaN produced in backward to the forward that created the node.
 */
public final class Autograd {
    private static volatile boolean anomaly;

    private Autograd() {}

    /**
     * The gradients of a scalar {@code output} with respect to {@code inputs}, freeing the graph.
     *
     * @throws IllegalStateException if {@code output} is not a scalar or an input is not used
     */
    public static Tensor[] grad(Tensor output, Tensor... inputs) {
        return grad(new Tensor[] {output}, inputs, null, false, false);
    }

    /**
     * The gradients of {@code output} with respect to {@code inputs}.
     *
     * @param gradOutput the gradient of the output (its shape), or null for a scalar output
     * @param retainGraph keep the graph's saved tensors for another backward
     * @param createGraph record the backward itself, so the result can be differentiated again
     */
    public static Tensor[] grad(Tensor output, Tensor[] inputs, Tensor gradOutput, boolean retainGraph, boolean createGraph) {
        return grad(new Tensor[] {output}, inputs, gradOutput == null ? null : new Tensor[] {gradOutput}, retainGraph,
                createGraph);
    }

    /** {@link #grad(Tensor, Tensor[], Tensor, boolean, boolean)} for several outputs, whose gradients add up. */
    public static Tensor[] grad(Tensor[] outputs, Tensor[] inputs, Tensor[] gradOutputs, boolean retainGraph,
                                boolean createGraph) {
        return grad(outputs, inputs, gradOutputs, retainGraph, createGraph, false);
    }

    /**
     * As {@link #grad(Tensor[], Tensor[], Tensor[], boolean, boolean)}; with {@code allowUnused}, an
     * input the outputs do not depend on gets a null gradient instead of an error.
     */
    public static Tensor[] grad(Tensor[] outputs, Tensor[] inputs, Tensor[] gradOutputs, boolean retainGraph,
                                boolean createGraph, boolean allowUnused) {
        Tensor[] grads = initialGrads(outputs, gradOutputs);
        return Engine.run(outputs, grads, retainGraph || createGraph, createGraph, inputs, allowUnused);
    }

    /**
     * Accumulates the gradients of {@code outputs} into every leaf they depend on.
     *
     * @param gradOutputs one per output, or null when every output is a scalar
     */
    public static void backward(Tensor[] outputs, Tensor[] gradOutputs, boolean retainGraph, boolean createGraph) {
        Tensor[] grads = initialGrads(outputs, gradOutputs);
        Engine.run(outputs, grads, retainGraph || createGraph, createGraph, null, true);
    }

    private static Tensor[] initialGrads(Tensor[] outputs, Tensor[] gradOutputs) {
        if (gradOutputs != null && gradOutputs.length != outputs.length) {
            throw new IllegalArgumentException("grad: got " + outputs.length + " outputs but " + gradOutputs.length
                    + " output gradients");
        }
        Tensor[] grads = new Tensor[outputs.length];
        for (int i = 0; i < outputs.length; i++) {
            Tensor out = outputs[i];
            Tensor g = gradOutputs == null ? null : gradOutputs[i];
            if (g == null) {
                if (out.numel() != 1) {
                    throw new IllegalStateException("grad can be implicitly created only for scalar outputs, but output " + i
                            + " has shape " + dev.nabla.internal.Shapes.format(out.shape)
                            + "; pass an output gradient of that shape");
                }
                g = Tensor.onesLike(out);
            } else if (!java.util.Arrays.equals(g.shape, out.shape)) {
                throw new IllegalArgumentException("grad: mismatch in shape: output gradient " + i + " has shape "
                        + dev.nabla.internal.Shapes.format(g.shape) + " but the output has shape "
                        + dev.nabla.internal.Shapes.format(out.shape));
            }
            grads[i] = g;
        }
        return grads;
    }

    /**
     * Turns anomaly detection on or off for the whole process: while on, every node records
     * the stack trace of its forward, and a backward that produces NaN fails naming the node
     * with that trace as the cause. It slows every op down; use it to debug.
     */
    public static void detectAnomaly(boolean enabled) {
        anomaly = enabled;
    }

    /** Anomaly detection until the returned scope is closed. */
    public static AutoCloseable anomalyDetection() {
        boolean previous = anomaly;
        anomaly = true;
        return () -> anomaly = previous;
    }

    /** Whether anomaly detection is on. */
    public static boolean anomalyEnabled() {
        return anomaly;
    }

    // ---------------------------------------------------------------- recording, for the built-in ops

    static boolean needs(Tensor a) {
        return a.requiresGrad() && Grad.isEnabled();
    }

    static boolean needs(Tensor a, Tensor b) {
        return (a.requiresGrad() || b.requiresGrad()) && Grad.isEnabled();
    }

    /** Makes {@code out} the output of a new built-in node; returns {@code out}. */
    static Tensor record(Tensor out, String name, Tensor[] inputs, Tensor[] saved, BuiltinNode.Derivative derivative) {
        return new BuiltinNode(name, inputs, saved, derivative).record(out);
    }
}
