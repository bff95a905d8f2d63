package dev.nabla.autograd;

import dev.nabla.DType;
import dev.nabla.Device;
import dev.nabla.Grad;
import dev.nabla.Tensor;
import dev.nabla.internal.KeepsNoGradients;

/** The backward node of one {@link Function} call. */
final class FunctionNode extends Node {
    private final Function function;
    private final long[][] outputShapes;
    private final DType[] outputDTypes;
    private final Device[] outputDevices;
    /** Kept only for a once-differentiable function, whose double backward must reach the inputs to fail. */
    private final Tensor[] inputs;

    private FunctionNode(Function function, Tensor[] inputs, Tensor[] outputs) {
        super(function.name(), inputs);
        this.function = function;
        this.inputs = function.onceDifferentiable() ? inputs.clone() : null;
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
            return result;
        }
        return function.runBackward(grads);
    }

    @Override
    String inputName(int i) {
        return function.inputName(i);
    }

    /** Only the runtime's own functions, marked {@link KeepsNoGradients}; never a user's. */
    @Override
    boolean keepsNoGradients() {
        return function instanceof KeepsNoGradients;
    }

    @Override
    SavedTensor[] savedTensors() {
        return function.saved();
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
