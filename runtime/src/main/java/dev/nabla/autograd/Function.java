package dev.nabla.autograd;

import dev.nabla.Grad;
import dev.nabla.Tensor;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * A differentiable op written by hand: PyTorch's {@code torch.autograd.Function}, and the
 * base class of every op the annotation processor generates.
 *
 * <p>An instance is one call: it is the context ({@code ctx}) that carries what the forward
 * saves to the backward, so create a new instance for every {@link #apply}. Non-tensor
 * arguments go to the constructor. A subclass implements {@link #forward}, which runs with
 * grad disabled, and {@link #backward}, which returns one gradient per input (null for an
 * input that needs none):
 *
 * <pre>{@code
 * final class MyReLU extends Function {
 *     protected Tensor[] forward(Tensor[] in) {
 *         saveForBackward(in[0]);
 *         return new Tensor[] {in[0].clampMin(0)};
 *     }
 *     protected Tensor[] backward(Tensor[] grad) {
 *         Tensor x = savedTensors()[0];
 *         return new Tensor[] {grad[0].maskedFill(x.lt(0), 0)};
 *     }
 * }
 * Tensor y = new MyReLU().apply(x)[0];
 * }</pre>
 *
 * <p>No graph node is built when no input requires grad (or grad mode is off). The engine
 * checks the count, shape, dtype and device of the gradients {@link #backward} returns.
 */
public abstract class Function {
    private static final Tensor[] NONE = new Tensor[0];

    private boolean applied;
    private boolean[] needsInputGrad;
    private SavedTensor[] saved = new SavedTensor[0];
    private Set<Tensor> dirty = Collections.emptySet();
    private Set<Tensor> nonDifferentiable = Collections.emptySet();
    private boolean materializeGrads = true;
    private boolean onceDifferentiable;
    /** Whether {@link #jvp} is running, right after forward: saved tensors are read as they were saved. */
    private boolean inJvp;
    /** What forward saved, kept for {@link #jvp} only: null outside forward mode. */
    private Tensor[] savedValues;

    /** The op's declared names and shapes, or null for a function that declares none. */
    private final OpSignature signature;

    /** A function that names its inputs by index and checks no shapes. */
    protected Function() {
        this.signature = null;
    }

    /**
     * A function that declares its names and shapes: {@link #name} is {@code <op>Backward}, errors
     * about its gradients name its inputs, and {@link #apply} checks the inputs' shapes before
     * {@link #forward} and the outputs' after it.
     *
     * @param signature the op's name, inputs, outputs and shapes
     * @throws NullPointerException if {@code signature} is null
     */
    protected Function(OpSignature signature) {
        this.signature = java.util.Objects.requireNonNull(signature, "signature");
    }

    /** Computes the outputs from the inputs (nulls allowed for absent optional tensors). Grad is disabled here. */
    protected abstract Tensor[] forward(Tensor[] inputs);

    /**
     * Computes one gradient per input from one gradient per output.
     *
     * @param gradOutputs the gradients of the outputs; with {@link #setMaterializeGrads}{@code (false)}
     *     an output that received no gradient gets null instead of zeros
     */
    protected abstract Tensor[] backward(Tensor[] gradOutputs);

    /**
     * The name of the backward node, shown as {@code grad_fn=<...>}; by default the {@linkplain
     * OpSignature#op op's name} plus {@code Backward}, else the class name plus {@code Backward},
     * and for an anonymous class its binary name without the package ({@code MyTest$1Backward}),
     * which says where it was written.
     */
    public String name() {
        if (signature != null) {
            return signature.op() + "Backward";
        }
        Class<?> c = getClass();
        String simple = c.getSimpleName();
        if (simple.isEmpty()) {
            String binary = c.getName();
            simple = binary.substring(binary.lastIndexOf('.') + 1);
        }
        return simple + "Backward";
    }

    /**
     * Runs the op: forward, then (when an input requires grad and grad mode is on) the graph node.
     *
     * @return the outputs of {@link #forward}
     * @throws IllegalStateException if this instance was already applied
     */
    public final Tensor[] apply(Tensor... inputs) {
        if (applied) {
            throw new IllegalStateException(name() + ": a Function instance is the context of one call; create a new"
                    + " instance for every apply()");
        }
        applied = true;
        boolean grad = Grad.isEnabled();
        boolean any = false;
        needsInputGrad = new boolean[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            needsInputGrad[i] = grad && inputs[i] != null && inputs[i].requiresGrad();
            any |= needsInputGrad[i];
        }
        long[] sizes = signature == null ? null : signature.checkInputs(inputs);
        Tensor[] tangents = ForwardAD.tangents(inputs);
        Tensor[] outputs;
        try (Grad.Scope off = Grad.disabled()) {
            // The forward computes values only: the tangents come from jvp, not from its inner ops.
            outputs = tangents == null ? forward(inputs) : ForwardAD.runRule(() -> forward(inputs));
        }
        if (outputs == null) {
            throw new IllegalStateException(name() + ": forward returned null; return an array of output tensors");
        }
        for (int i = 0; i < outputs.length; i++) {
            if (outputs[i] == null) {
                throw new IllegalStateException(name() + ": forward returned null as output " + i);
            }
        }
        if (signature != null) {
            signature.checkOutputs(outputs, sizes);
        }
        Tensor[] outputTangents = tangents == null ? null : runJvp(tangents, outputs.length);
        if (outputTangents != null) {
            checkTangents(inputs, tangents, outputs, outputTangents);
        }
        Tensor[] result = any ? FunctionNode.connect(this, inputs, outputs) : outputs;
        if (outputTangents != null) {
            for (int i = 0; i < result.length; i++) {
                if (outputTangents[i] != null && !isNonDifferentiable(outputs[i])) {
                    ForwardAD.attachChecked(name(), result[i], outputTangents[i]);
                }
            }
        }
        return result;
    }

    /**
     * Refuses what forward mode cannot honour, before anything is attached (PyTorch's checks): a
     * tangent for an output marked non-differentiable, and for an input returned as-is (not
     * dirty) a tangent other than that input's own, which would silently replace it.
     */
    private void checkTangents(Tensor[] inputs, Tensor[] tangents, Tensor[] outputs, Tensor[] outputTangents) {
        for (int i = 0; i < outputs.length; i++) {
            if (outputTangents[i] == null) {
                continue;
            }
            if (isNonDifferentiable(outputs[i])) {
                throw new IllegalStateException(name() + ": jvp returned a tangent for output " + i + ", which forward marked"
                        + " non-differentiable; return null at that position instead");
            }
            for (int k = 0; k < inputs.length; k++) {
                if (inputs[k] == outputs[i] && !isDirty(outputs[i]) && !sameElements(outputTangents[i], tangents[k])) {
                    throw new IllegalStateException(name() + ": forward returns input " + k + " as-is as output " + i
                            + ", so that output's tangent is the input's own, but jvp returned another tensor; return"
                            + " tangents[" + k + "] (or a view of all of it) at that position, or return a copy of the"
                            + " input from forward");
                }
            }
        }
    }

    /** Whether {@code a} is {@code b} or a view of exactly its elements ({@code b.view_as(b)}). */
    private static boolean sameElements(Tensor a, Tensor b) {
        return a == b || b != null && a.storage() == b.storage() && a.storageOffset() == b.storageOffset()
                && java.util.Arrays.equals(a.shape(), b.shape()) && java.util.Arrays.equals(a.stride(), b.stride());
    }

    private Tensor[] runJvp(Tensor[] tangents, int outputs) {
        inJvp = true;
        Tensor[] result;
        try {
            result = ForwardAD.runRule(() -> jvp(tangents));
        } finally {
            inJvp = false;
            savedValues = null;
        }
        if (result == null || result.length != outputs) {
            throw new IllegalStateException(name() + ": jvp returned " + (result == null ? "null" : result.length + " tangents")
                    + " for " + outputs + " outputs; return one tangent per output (null for none)");
        }
        return result;
    }

    /**
     * Computes one tangent per output from one tangent per input: forward-mode AD through this
     * op ({@code Function.jvp}), called right after {@link #forward} when an input carries a
     * tangent under a {@link ForwardAD} level. It may read what forward saved ({@link
     * #savedTensors}, fields). By default there is none, and forward mode through the op fails.
     *
     * @param tangents one per input, null for an input without a tangent
     * @return one tangent per output, of its shape, null for an output whose tangent is zero
     */
    protected Tensor[] jvp(Tensor[] tangents) {
        throw ForwardAD.noRule(name());
    }

    // ---------------------------------------------------------------- the context

    /** Whether input {@code i} needs a gradient ({@code ctx.needs_input_grad[i]}). */
    protected final boolean needsInputGrad(int i) {
        return needsInputGrad[i];
    }

    /**
     * Keeps tensors for backward ({@code ctx.save_for_backward}); they are version-checked when read.
     * Errors name them as the signature's {@linkplain OpSignature#saved saved names} do, if it gives
     * any (the generated ops give their {@code @Saved} field names), or by position.
     *
     * @param tensors the tensors, nulls allowed
     * @throws IllegalArgumentException if the signature names a different number of saved tensors
     */
    protected final void saveForBackward(Tensor... tensors) {
        if (signature != null && signature.savedNames().length > 0) {
            saveForBackward(signature.savedNames(), tensors);
            return;
        }
        savedValues = ForwardAD.isSuspended() ? tensors.clone() : null;
        saved = new SavedTensor[tensors.length];
        for (int i = 0; i < tensors.length; i++) {
            saved[i] = SavedTensor.save(tensors[i], name() + " saved tensor " + i);
        }
    }

    /**
     * Keeps tensors for backward under names that errors show, e.g. "the tensor 'x' ... saved by
     * MyReLUBackward ...".
     *
     * @param names one name per tensor
     * @param tensors the tensors, nulls allowed
     * @throws IllegalArgumentException if the counts differ
     */
    protected final void saveForBackward(String[] names, Tensor... tensors) {
        if (names.length != tensors.length) {
            throw new IllegalArgumentException(name() + ": " + names.length + " names for " + tensors.length
                    + " saved tensors");
        }
        savedValues = ForwardAD.isSuspended() ? tensors.clone() : null;
        saved = new SavedTensor[tensors.length];
        for (int i = 0; i < tensors.length; i++) {
            saved[i] = SavedTensor.save(tensors[i], names[i]);
        }
    }

    /**
     * The tensors given to {@link #saveForBackward}, in order ({@code ctx.saved_tensors}).
     *
     * @throws IllegalStateException if one was modified in place since, or the graph was freed
     */
    protected final Tensor[] savedTensors() {
        Tensor[] out = new Tensor[saved.length];
        for (int i = 0; i < saved.length; i++) {
            out[i] = inJvp ? savedValues[i] : saved[i].get(node);
        }
        return out;
    }

    /**
     * Saved tensor {@code i}, like {@code savedTensors()[i]} without the array.
     *
     * @throws IllegalStateException if it was modified in place since, or the graph was freed
     */
    protected final Tensor savedTensor(int i) {
        return inJvp ? savedValues[i] : saved[i].get(node);
    }

    /**
     * The name of input {@code i} in the errors about the gradients {@link #backward} returns: by
     * default its name in the {@link OpSignature}, or null to name it by its index only.
     */
    protected String inputName(int i) {
        return signature == null ? null : signature.inputName(i);
    }

    /**
     * The error for a tensor whose shape does not match a symbolic {@code @Shape}: what a
     * {@link OpSignature}'s check throws, for a subclass that checks shapes its own way to throw as well.
     *
     * @param op the op's name, e.g. {@code LinearOp}
     * @param what what was checked, e.g. {@code parameter 'weight'} or {@code output}
     * @param spec the {@code @Shape} value, e.g. {@code "o,i"}
     * @param expected one size per dimension of {@code spec}: the size required, or -1 where the
     *     symbol has no size yet
     * @param actual the tensor found
     * @return the exception to throw, naming the op, what was checked, the expected and the actual shape
     */
    protected static IllegalArgumentException shapeMismatch(String op, String what, String spec, long[] expected,
            Tensor actual) {
        String[] dims = spec.isBlank() ? new String[0] : spec.split(",");
        StringBuilder want = new StringBuilder("[");
        for (int d = 0; d < dims.length; d++) {
            if (d > 0) {
                want.append(", ");
            }
            want.append(d < expected.length && expected[d] >= 0 ? Long.toString(expected[d]) : dims[d].trim());
        }
        want.append(']');
        return new IllegalArgumentException(op + ": " + what + " has shape " + java.util.Arrays.toString(actual.shape())
                + " but @Shape(\"" + spec + "\") expects " + want);
    }

    /** Declares inputs that forward modified in place and returns ({@code ctx.mark_dirty}). */
    protected final void markDirty(Tensor... tensors) {
        dirty = identitySet(tensors);
    }

    /** Declares outputs that have no gradient ({@code ctx.mark_non_differentiable}). */
    protected final void markNonDifferentiable(Tensor... tensors) {
        nonDifferentiable = identitySet(tensors);
    }

    /** With false, outputs that received no gradient reach backward as null ({@code ctx.set_materialize_grads}). */
    protected final void setMaterializeGrads(boolean materialize) {
        materializeGrads = materialize;
    }

    /** Declares that backward cannot itself be differentiated ({@code @once_differentiable}). */
    protected final void setOnceDifferentiable(boolean once) {
        onceDifferentiable = once;
    }

    private static Set<Tensor> identitySet(Tensor[] tensors) {
        Set<Tensor> set = Collections.newSetFromMap(new IdentityHashMap<>());
        Collections.addAll(set, tensors);
        return set;
    }

    // ---------------------------------------------------------------- for FunctionNode

    private FunctionNode node;

    void attach(FunctionNode node) {
        this.node = node;
    }

    boolean isDirty(Tensor t) {
        return dirty.contains(t);
    }

    boolean isNonDifferentiable(Tensor t) {
        return nonDifferentiable.contains(t);
    }

    boolean materializeGrads() {
        return materializeGrads;
    }

    boolean onceDifferentiable() {
        return onceDifferentiable;
    }

    Tensor[] runBackward(Tensor[] gradOutputs) {
        // A tensor modified before the backward is reported when the backward reads it; only
        // when all were intact does a modification afterwards prove the backward made it.
        boolean intact = true;
        for (SavedTensor s : saved) {
            intact &= !s.isModified();
        }
        Tensor[] result = backward(gradOutputs);
        // A backward that writes into what it saved would corrupt a retained graph's next backward.
        for (int i = 0; intact && i < saved.length; i++) {
            SavedTensor s = saved[i];
            if (s.isModified()) {
                throw new IllegalStateException(name() + ": backward modified the saved tensor '" + s.name()
                        + "' in place (version " + s.savedVersion() + " when saved, " + s.currentVersion()
                        + " now); saved tensors must stay unchanged, so clone() one before modifying it");
            }
        }
        return result == null ? NONE : result;
    }

    SavedTensor[] saved() {
        return saved;
    }

    void releaseSaved() {
        for (SavedTensor s : saved) {
            s.release();
        }
    }
}
