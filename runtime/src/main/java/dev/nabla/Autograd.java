package dev.nabla;

import dev.nabla.autograd.BuiltinNode;
import dev.nabla.autograd.ForwardAD;
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
        requireTensors("grad", "outputs", outputs);
        requireTensors("grad", "inputs", inputs);
        Tensor[] grads = initialGrads(outputs, gradOutputs);
        return Engine.run(outputs, grads, retainGraph || createGraph, createGraph, inputs, allowUnused);
    }

    /**
     * Accumulates the gradients of {@code outputs} into every leaf they depend on.
     *
     * @param gradOutputs one per output, or null when every output is a scalar
     */
    public static void backward(Tensor[] outputs, Tensor[] gradOutputs, boolean retainGraph, boolean createGraph) {
        requireTensors("backward", "outputs", outputs);
        Tensor[] grads = initialGrads(outputs, gradOutputs);
        Engine.run(outputs, grads, retainGraph || createGraph, createGraph, null, true);
    }

    /** @throws IllegalArgumentException naming the op and the argument if {@code tensors} or one of them is null */
    private static void requireTensors(String op, String argument, Tensor[] tensors) {
        if (tensors == null) {
            throw new IllegalArgumentException(op + ": argument '" + argument + "' must be an array of tensors, not null");
        }
        for (int i = 0; i < tensors.length; i++) {
            if (tensors[i] == null) {
                throw new IllegalArgumentException(op + ": element " + i + " of '" + argument + "' is null");
            }
        }
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

    // ---------------------------------------------------------------- functional API (torch.autograd.functional)

    /**
     * The Jacobian of {@code fn} at {@code inputs} ({@code torch.autograd.functional.jacobian}):
     * one tensor per input, of shape {@code output.shape ++ input.shape}, entry {@code [i..., j...]}
     * the derivative of output element {@code i} with respect to input element {@code j}; zeros for
     * an input the output does not depend on. Built row by row, one backward per output element.
     *
     * @param fn a function of the inputs; it runs once, on detached copies that require grad
     * @param inputs floating tensors
     * @return detached Jacobians, one per input
     * @throws IllegalArgumentException if {@code fn}, {@code inputs} or an input is null, or an input is not floating point
     */
    public static Tensor[] jacobian(Gradcheck.Fn fn, Tensor... inputs) {
        Tensor[] xs = functionalInputs("jacobian", fn, inputs);
        Tensor out = apply("jacobian", fn, xs);
        return jacobianOf(out, xs);
    }

    /**
     * The Hessian of a scalar {@code fn} at {@code inputs} ({@code torch.autograd.functional.hessian}):
     * {@code [i][j]} of shape {@code inputs[i].shape ++ inputs[j].shape}, the second derivatives
     * with respect to elements of input {@code i} then of input {@code j}.
     *
     * @param fn a function of the inputs returning one element
     * @param inputs floating tensors
     * @return detached Hessian blocks
     * @throws IllegalArgumentException if an argument is null, an input is not floating point or
     *     the output has more than one element
     */
    public static Tensor[][] hessian(Gradcheck.Fn fn, Tensor... inputs) {
        Tensor[] xs = functionalInputs("hessian", fn, inputs);
        Tensor out = scalarOutput("hessian", apply("hessian", fn, xs));
        Tensor[] grads = gradOrZeros(out, xs, null, true);
        Tensor[][] h = new Tensor[xs.length][];
        for (int i = 0; i < xs.length; i++) {
            h[i] = jacobianOf(grads[i], xs);
        }
        return h;
    }

    /**
     * The vector-Jacobian product {@code v^T J} ({@code torch.autograd.functional.vjp}).
     *
     * @param fn a function of the inputs
     * @param inputs floating tensors
     * @param v of the output's shape; may be null when the output has one element
     * @return the detached output, then one product per input (of its shape; zeros for an unused input)
     * @throws IllegalArgumentException if an argument is null (but {@code v} for a scalar output),
     *     an input is not floating point, or {@code v}'s shape is not the output's
     */
    public static Tensor[] vjp(Gradcheck.Fn fn, Tensor[] inputs, Tensor v) {
        Tensor[] xs = functionalInputs("vjp", fn, inputs);
        Tensor out = apply("vjp", fn, xs);
        if (v == null) {
            scalarOutput("vjp", out);
        }
        Tensor[] grads = gradOrZeros(out, xs, v, false);
        return prepend(out.detach(), grads);
    }

    /**
     * The Jacobian-vector product {@code J v} ({@code torch.autograd.functional.jvp}), computed
     * in forward mode: one pass of {@code fn} on inputs that carry the tangents ({@link ForwardAD}),
     * each op computing its output's tangent with its jvp rule; no backward runs.
     *
     * @param fn a function of the inputs; it runs once, on dual copies of them
     * @param inputs floating tensors
     * @param tangents one per input, of its shape (converted to its dtype and device)
     * @return the detached output and the output tangent, of the output's shape (zeros when the
     *     output does not depend on the inputs)
     * @throws IllegalArgumentException if an argument is null, an input is not floating point,
     *     or the tangents do not match the inputs
     * @throws UnsupportedOperationException naming the op, if an op on the path has no jvp rule
     * @throws IllegalStateException if this thread already has a {@link ForwardAD} level open
     */
    public static Tensor[] jvp(Gradcheck.Fn fn, Tensor[] inputs, Tensor[] tangents) {
        checkFunctional("jvp", fn, inputs);
        checkLike("jvp", "tangents", tangents, inputs);
        try (ForwardAD.DualLevel level = ForwardAD.dualLevel()) {
            Tensor[] duals = new Tensor[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                Tensor x = inputs[i].detach();
                duals[i] = ForwardAD.makeDual(x, tangents[i].detach().to(x.dtype()).to(x.device()));
            }
            Tensor out = fn.apply(duals);
            if (out == null) {
                throw new IllegalStateException("jvp: fn returned null");
            }
            Tensor t = ForwardAD.tangent(out);
            return new Tensor[] {out.detach(), t == null ? Tensor.zerosLike(out) : t.detach()};
        }
    }

    /** How {@link #jacobian(Gradcheck.Fn, Strategy, Tensor...)} builds a Jacobian, as PyTorch's {@code strategy}. */
    public enum Strategy {
        /** Row by row, one backward per output element: best for wide Jacobians (many inputs, few outputs). */
        REVERSE_MODE,
        /** Column by column, one forward-mode pass per input element: best for tall Jacobians (few inputs, many outputs). */
        FORWARD_MODE
    }

    /**
     * The Jacobian of {@code fn} at {@code inputs}, as {@link #jacobian(Gradcheck.Fn, Tensor...)},
     * built with the given strategy ({@code jacobian(..., strategy="forward-mode")}).
     *
     * @throws IllegalArgumentException if an argument is null or an input is not floating point
     * @throws UnsupportedOperationException with {@link Strategy#FORWARD_MODE}, naming the op, if
     *     an op on the path has no jvp rule
     */
    public static Tensor[] jacobian(Gradcheck.Fn fn, Strategy strategy, Tensor... inputs) {
        if (strategy == null) {
            throw new IllegalArgumentException("jacobian: strategy must not be null");
        }
        if (strategy == Strategy.REVERSE_MODE) {
            return jacobian(fn, inputs);
        }
        checkFunctional("jacobian", fn, inputs);
        Tensor[] jac = new Tensor[inputs.length];
        long[] outShape = null;
        for (int i = 0; i < inputs.length; i++) {
            int columns = Math.toIntExact(inputs[i].numel());
            Tensor[] parts = new Tensor[columns];
            for (int j = 0; j < columns; j++) {
                Tensor[] tangents = new Tensor[inputs.length];
                for (int k = 0; k < inputs.length; k++) {
                    tangents[k] = Tensor.zerosLike(inputs[k]);
                }
                tangents[i] = oneHot(inputs[i], j);
                Tensor[] r = jvp(fn, inputs, tangents);
                outShape = r[0].shape;
                parts[j] = r[1].reshape(-1, 1);
            }
            if (columns == 0) {
                outShape = apply("jacobian", fn, functionalInputs("jacobian", fn, inputs)).shape;
            }
            long[] shape = java.util.Arrays.copyOf(outShape, outShape.length + inputs[i].shape.length);
            System.arraycopy(inputs[i].shape, 0, shape, outShape.length, inputs[i].shape.length);
            jac[i] = columns == 0 ? Tensor.zeros(inputs[i].dtype(), shape).to(inputs[i].device())
                    : Tensor.cat(1, parts).reshape(shape);
        }
        return jac;
    }

    /** Zeros like {@code x} with a one at flat position {@code j}. */
    private static Tensor oneHot(Tensor x, int j) {
        Tensor e = Tensor.zeros(x.dtype(), x.numel());
        try (Grad.Scope off = Grad.disabled()) {
            e.narrow(0, j, 1).fill_(1);
        }
        return e.reshape(x.shape).to(x.device());
    }

    /**
     * The Hessian-vector product {@code H v} of a scalar {@code fn} ({@code torch.autograd.functional.hvp}).
     *
     * @param fn a function of the inputs returning one element
     * @param inputs floating tensors
     * @param v one per input, of its shape
     * @return the detached output, then one product per input, of its shape
     * @throws IllegalArgumentException if an argument is null, an input is not floating point,
     *     the output has more than one element, or {@code v} does not match the inputs
     */
    public static Tensor[] hvp(Gradcheck.Fn fn, Tensor[] inputs, Tensor[] v) {
        Tensor[] xs = functionalInputs("hvp", fn, inputs);
        checkLike("hvp", "v", v, xs);
        Tensor out = scalarOutput("hvp", apply("hvp", fn, xs));
        Tensor[] grads = gradOrZeros(out, xs, null, true);
        Tensor dot = null;
        for (int i = 0; i < xs.length; i++) {
            Tensor d = grads[i].mul(v[i]).sum();
            dot = dot == null ? d : dot.add(d);
        }
        Tensor[] hv = dot == null || !dot.requiresGrad() ? zerosLike(xs) : gradOrZeros(dot, xs, null, false);
        return prepend(out.detach(), hv);
    }

    /** Detached copies of the inputs that require grad, after checking the arguments. */
    private static Tensor[] functionalInputs(String op, Gradcheck.Fn fn, Tensor[] inputs) {
        checkFunctional(op, fn, inputs);
        Tensor[] xs = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            xs[i] = inputs[i].detach().requiresGrad(true);
        }
        return xs;
    }

    private static void checkFunctional(String op, Gradcheck.Fn fn, Tensor[] inputs) {
        if (fn == null) {
            throw new IllegalArgumentException(op + ": fn must not be null");
        }
        if (inputs == null) {
            throw new IllegalArgumentException(op + ": inputs must not be null");
        }
        Tensor[] xs = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] == null) {
                throw new IllegalArgumentException(op + ": input " + i + " is null");
            }
            if (!inputs[i].dtype().isFloatingPoint()) {
                throw new IllegalArgumentException(op + ": input " + i + " must be floating point, got "
                        + inputs[i].dtype().torchName());
            }
        }
    }

    private static Tensor apply(String op, Gradcheck.Fn fn, Tensor[] xs) {
        Tensor out;
        try (Grad.Scope on = Grad.enabled()) {
            out = fn.apply(xs.clone());
        }
        if (out == null) {
            throw new IllegalStateException(op + ": fn returned null");
        }
        return out;
    }

    private static Tensor scalarOutput(String op, Tensor out) {
        if (out.numel() != 1) {
            throw new IllegalArgumentException(op + ": the function must return a single element, got shape "
                    + dev.nabla.internal.Shapes.format(out.shape));
        }
        return out;
    }

    private static void checkLike(String op, String what, Tensor[] given, Tensor[] xs) {
        if (given == null || given.length != xs.length) {
            throw new IllegalArgumentException(op + ": expected " + xs.length + " " + what + " (one per input), got "
                    + (given == null ? "null" : Integer.toString(given.length)));
        }
        for (int i = 0; i < xs.length; i++) {
            if (given[i] == null || !java.util.Arrays.equals(given[i].shape, xs[i].shape)) {
                throw new IllegalArgumentException(op + ": " + what + " " + i + " has shape "
                        + (given[i] == null ? "null" : dev.nabla.internal.Shapes.format(given[i].shape))
                        + " but input " + i + " has shape " + dev.nabla.internal.Shapes.format(xs[i].shape));
            }
        }
    }

    /** The gradients of {@code out} (with output gradient {@code v}, null for a scalar) with zeros for unused inputs. */
    private static Tensor[] gradOrZeros(Tensor out, Tensor[] xs, Tensor v, boolean createGraph) {
        if (!out.requiresGrad()) {
            return zerosLike(xs);
        }
        Tensor[] g = grad(new Tensor[] {out}, xs, v == null ? null : new Tensor[] {v}, true, createGraph, true);
        for (int i = 0; i < g.length; i++) {
            if (g[i] == null) {
                g[i] = Tensor.zerosLike(xs[i]);
            } else if (!createGraph) {
                g[i] = g[i].detach();
            }
        }
        return g;
    }

    /** Rows of d out[k] / d xs, one backward per element of {@code out}, stacked into {@code out.shape ++ x.shape}. */
    private static Tensor[] jacobianOf(Tensor out, Tensor[] xs) {
        int rows = Math.toIntExact(out.numel());
        Tensor flat = out.reshape(-1);
        Tensor[][] parts = new Tensor[xs.length][rows];
        for (int k = 0; k < rows; k++) {
            Tensor[] g = gradOrZeros(flat.narrow(0, k, 1).sum(), xs, null, false);
            for (int i = 0; i < xs.length; i++) {
                parts[i][k] = g[i].reshape(1, -1);
            }
        }
        Tensor[] jac = new Tensor[xs.length];
        for (int i = 0; i < xs.length; i++) {
            long[] shape = java.util.Arrays.copyOf(out.shape, out.shape.length + xs[i].shape.length);
            System.arraycopy(xs[i].shape, 0, shape, out.shape.length, xs[i].shape.length);
            jac[i] = rows == 0 ? Tensor.zeros(xs[i].dtype(), shape).to(xs[i].device())
                    : Tensor.cat(0, parts[i]).reshape(shape).detach();
        }
        return jac;
    }

    private static Tensor[] zerosLike(Tensor[] xs) {
        Tensor[] z = new Tensor[xs.length];
        for (int i = 0; i < xs.length; i++) {
            z[i] = Tensor.zerosLike(xs[i]);
        }
        return z;
    }

    private static Tensor[] prepend(Tensor first, Tensor[] rest) {
        Tensor[] all = new Tensor[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    // ---------------------------------------------------------------- recording, for the built-in ops

    /** Whether an op on {@code a} must record: for a backward graph, or to carry a forward-mode tangent. */
    static boolean needs(Tensor a) {
        return a.requiresGrad() && Grad.isEnabled() || ForwardAD.hasTangent(a);
    }

    static boolean needs(Tensor a, Tensor b) {
        return (a.requiresGrad() || b.requiresGrad()) && Grad.isEnabled() || ForwardAD.hasTangent(a) || ForwardAD.hasTangent(b);
    }

    /**
     * Makes {@code out} the output of a new built-in node when an input requires grad, and gives
     * it the tangent {@code jvp} computes when an input carries one; returns {@code out}.
     *
     * @param jvp the op's forward-mode rule, or null for an op that has none (forward mode through it fails)
     */
    static Tensor record(Tensor out, String name, Tensor[] inputs, Tensor[] saved, BuiltinNode.Derivative derivative,
                         ForwardAD.Jvp jvp) {
        if (Grad.isEnabled() && anyRequiresGrad(inputs)) {
            new BuiltinNode(name, inputs, saved, derivative).record(out);
        }
        ForwardAD.propagate(name, inputs, out, jvp);
        return out;
    }

    /** {@link #record(Tensor, String, Tensor[], Tensor[], BuiltinNode.Derivative, ForwardAD.Jvp)} for an op without a jvp rule yet. */
    static Tensor record(Tensor out, String name, Tensor[] inputs, Tensor[] saved, BuiltinNode.Derivative derivative) {
        return record(out, name, inputs, saved, derivative, null);
    }

    private static boolean anyRequiresGrad(Tensor[] inputs) {
        for (Tensor t : inputs) {
            if (t != null && t.requiresGrad()) {
                return true;
            }
        }
        return false;
    }
}
