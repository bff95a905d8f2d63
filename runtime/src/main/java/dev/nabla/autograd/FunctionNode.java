package dev.nabla.autograd;

import dev.nabla.DType;
import dev.nabla.Device;
import dev.nabla.Grad;
import dev.nabla.Node;
import dev.nabla.Tensor;
import dev.nabla.internal.Shapes;
import dev.nabla.internal.TensorAccess;
import java.util.Arrays;

/** The backward node of one {@link Function} call. */
final class FunctionNode extends Node {
    private final Function function;
    private final long[][] outputShapes;
    private final DType[] outputDTypes;
    private final Device[] outputDevices;
    /** Kept only for a once-differentiable function, whose double backward must reach the inputs to fail. */
    private final Tensor[] inputs;
    /** Each input's shape (the tensor's own array, never modified), dtype and device; nulls for absent inputs. */
    private final long[][] inputShapes;
    private final DType[] inputDTypes;
    private final Device[] inputDevices;

    private FunctionNode(Function function, Tensor[] inputs, Tensor[] outputs) {
        super(function.name(), inputs);
        this.function = function;
        this.inputs = function.onceDifferentiable() ? inputs.clone() : null;
        int m = inputs.length;
        inputShapes = new long[m][];
        inputDTypes = new DType[m];
        inputDevices = new Device[m];
        TensorAccess access = TensorAccess.get();
        for (int i = 0; i < m; i++) {
            Tensor t = inputs[i];
            if (t != null) {
                inputShapes[i] = access.shape(t);
                inputDTypes[i] = t.dtype();
                inputDevices[i] = t.device();
            }
        }
        int n = outputs.length;
        outputShapes = new long[n][];
        outputDTypes = new DType[n];
        outputDevices = new Device[n];
        for (int i = 0; i < n; i++) {
            outputShapes[i] = outputs[i].shape();
            outputDTypes[i] = outputs[i].dtype();
            outputDevices[i] = outputs[i].device();
        }
    }

    /** Builds the node for a call and makes the differentiable outputs its outputs. */
    static Tensor[] connect(Function function, Tensor[] inputs, Tensor[] outputs) {
        FunctionNode node = new FunctionNode(function, inputs, outputs);
        function.attach(node);
        Tensor[] result = outputs.clone();
        for (int i = 0; i < result.length; i++) {
            Tensor o = result[i];
            boolean isInput = false;
            for (Tensor in : inputs) {
                isInput |= in == o;
            }
            if (function.isNonDifferentiable(o) || !o.dtype().isFloatingPoint()) {
                if (isInput) {
                    result[i] = o.detach();
                }
                continue;
            }
            if (isInput) {
                if (function.isDirty(o)) {
                    if (o.isLeaf() && o.requiresGrad()) {
                        throw new IllegalStateException(function.name() + ": a leaf tensor that requires grad was modified"
                                + " in place by forward (marked dirty)");
                    }
                } else {
                    o = o.detach();
                    result[i] = o;
                }
            }
            setHistory(o, node, i);
        }
        return result;
    }

    @Override
    protected int numOutputs() {
        return outputShapes.length;
    }

    @Override
    protected Tensor[] apply(Tensor[] gradOutputs) {
        Tensor[] grads = new Tensor[outputShapes.length];
        for (int i = 0; i < grads.length; i++) {
            Tensor g = i < gradOutputs.length ? gradOutputs[i] : null;
            if (g == null && function.materializeGrads()) {
                g = Tensor.zeros(outputDTypes[i], outputShapes[i]).to(outputDevices[i]);
            }
            grads[i] = g;
        }
        if (function.onceDifferentiable() && Grad.isEnabled()) {
            Tensor[] result;
            try (Grad.Scope off = Grad.disabled()) {
                result = function.runBackward(grads);
            }
            // createGraph was asked for: the results stand in the graph, and differentiating them fails.
            for (int i = 0; i < result.length; i++) {
                if (result[i] != null) {
                    Tensor wrapped = result[i].detach();
                    setHistory(wrapped, new DelayedError(name(), inputs), 0);
                    result[i] = wrapped;
                }
            }
            return validate(result);
        }
        return validate(function.runBackward(grads));
    }

    /**
     * Checks each gradient against its input's shape, dtype and device, summing broadcast
     * dimensions, with errors that name the input when the function names its inputs (the
     * engine checks again, but only by index).
     */
    private Tensor[] validate(Tensor[] grads) {
        if (grads.length != inputShapes.length) {
            return grads;
        }
        for (int i = 0; i < grads.length; i++) {
            Tensor g = grads[i];
            if (g == null || inputShapes[i] == null || !needsInputGrad(i)) {
                continue;
            }
            long[] want = inputShapes[i];
            long[] got = TensorAccess.get().shape(g);
            if (!Arrays.equals(got, want)) {
                if (!broadcastsTo(want, got)) {
                    throw invalid(i, "got " + Shapes.format(got) + " but expected shape compatible with "
                            + Shapes.format(want));
                }
                g = sumTo(g, got, want);
            }
            if (!g.device().equals(inputDevices[i])) {
                throw invalid(i, "expected device " + inputDevices[i] + " but got " + g.device());
            }
            if (g.dtype() != inputDTypes[i]) {
                if (!g.dtype().isFloatingPoint()) {
                    throw invalid(i, "expected dtype " + inputDTypes[i].torchName() + " but got " + g.dtype().torchName());
                }
                g = g.to(inputDTypes[i]);
            }
            grads[i] = g;
        }
        return grads;
    }

    private IllegalStateException invalid(int i, String detail) {
        String input = function.inputName(i);
        String where = input == null ? "at index " + i : "for input '" + input + "' (index " + i + ")";
        return new IllegalStateException("function " + name() + " returned an invalid gradient " + where + " - " + detail);
    }

    /** Whether a tensor of shape {@code shape} can be expanded (broadcast) to {@code to}. */
    private static boolean broadcastsTo(long[] shape, long[] to) {
        if (shape.length > to.length) {
            return false;
        }
        int lead = to.length - shape.length;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] != to[d + lead] && shape[d] != 1) {
                return false;
            }
        }
        return true;
    }

    /** Sums {@code g} (of shape {@code from}) over the dimensions that broadcasting {@code to} to {@code from} added or expanded. */
    private static Tensor sumTo(Tensor g, long[] from, long[] to) {
        int lead = from.length - to.length;
        for (int d = from.length - 1; d >= 0; d--) {
            if (d < lead || (to[d - lead] == 1 && from[d] != 1)) {
                g = g.sum(d, true);
            }
        }
        return g.reshape(to);
    }

    @Override
    protected void release() {
        function.releaseSaved();
    }

    /** Stands in the graph for a once-differentiable backward's result: differentiating it is an error. */
    private static final class DelayedError extends Node {
        DelayedError(String name, Tensor[] inputs) {
            super("DelayedError(" + name + ")", inputs);
        }

        @Override
        protected Tensor[] apply(Tensor[] gradOutputs) {
            throw new IllegalStateException("trying to differentiate twice a function that was marked as once"
                    + " differentiable: " + name() + "; remove @OnceDifferentiable (or setOnceDifferentiable(false)) and"
                    + " write its backward with differentiable ops to allow double backward");
        }
    }
}
