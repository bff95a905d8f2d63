package dev.nabla.autograd;

import dev.nabla.Autograd;
import dev.nabla.Gradcheck;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The base of every gradient check the annotation processor generates ({@code <Op>Gradcheck}),
 * and of hand-written ones: a subclass builds the op's seeded inputs and calls the op; this class
 * runs the checks.
 *
 * <pre>{@code
 * public final class MyReLUGradcheck extends OpGradcheck {
 *     public MyReLUGradcheck() {
 *         super("com.example.MyReLU", "x");
 *     }
 *
 *     protected Tensor[] inputs(SplittableRandom sizes) {
 *         Tensor x = Tensor.randn(DType.FLOAT64, 5).requiresGrad(true);
 *         return new Tensor[] {x};
 *     }
 *
 *     protected Tensor[] outputs(Tensor[] in) {
 *         return new Tensor[] {MyReLUFunction.apply(in[0])};
 *     }
 * }
 * }</pre>
 *
 * <p>{@link #run} seeds the generator ({@link Nabla#manualSeed}) and builds the inputs; the inputs
 * that require grad are the ones checked. Then it runs, in order, these checks, each failing with
 * an {@link AssertionError} whose message starts with the op's name:
 * <ol>
 *   <li>gradcheck of the differentiable outputs (flattened into one tensor when there are several),
 *       with the {@linkplain #setOptions options} and the {@linkplain #setSeed seed}, the seed shown
 *       in the failure;
 *   <li>for an op with a {@linkplain #setCheckJvp jvp rule}, each differentiable output on its own:
 *       its forward-mode Jacobian from the jvp against finite differences (every input direction, or
 *       a random one in fast mode), the worst entries shown in a failure, then, for a random input
 *       direction {@code u} and output vector {@code v}, {@code <v, J u>} from the jvp against
 *       {@code <J^T v, u>} from the backward (and from finite differences);
 *   <li>gradgradcheck the same way, unless {@linkplain #setOnceDifferentiable once differentiable};
 *       a failure adds a note about the {@linkplain #setSavedIntermediates saved intermediates}, whose
 *       double backward is wrong by construction;
 *   <li>one forward and backward that must leave every input's values as they were;
 *   <li>each {@linkplain #markNonDifferentiable non-differentiable output} must not require grad;
 *   <li>with {@linkplain #setMaterializeGrads materializeGrads = false} and several differentiable
 *       outputs, the backward must cope with each output alone having a gradient (the others
 *       reach it as null).
 * </ol>
 *
 * <p>Those checks make one pass. A subclass may declare more ({@link #addPass}, {@link #addValuePass}),
 * each changing one argument, which {@link #inputs} and {@link #outputs} read from {@link #pass()}:
 * {@link #run} makes them all, in order, and a failure after the first names the change.
 *
 * <p>The settings are made in the subclass's constructor. {@code nabla-junit} runs every public
 * concrete subclass with a public no-argument constructor as a test named after the op.
 */
public abstract class OpGradcheck implements GradcheckCase {
    /** The seed of the inputs' sizes and values, and of the checks, unless {@link #setSeed} sets another. */
    public static final long DEFAULT_SEED = 20261122L;

    private final String opClassName;
    private final String opName;
    private final String[] inputNames;
    private String[] outputNames = {"output"};
    private boolean[] nonDifferentiable = {false};
    private Gradcheck.Options options = Gradcheck.Options.defaults();
    private long seed = DEFAULT_SEED;
    private boolean onceDifferentiable;
    private boolean checkJvp;
    private boolean materializeGrads = true;
    private String[] savedIntermediates = {};
    private String disabledReason;
    /** The passes after the first, as {@link #addPass} and {@link #addValuePass} declared them. */
    private final List<Pass> passes = new ArrayList<>();
    /** The pass {@link #run} is checking: 0 for the first, k for the k-th declared one. */
    private int pass;
    private String[] unshapedInputs = {};
    private int unshapedLength;

    /**
     * A pass of the check after the first: one argument changed.
     *
     * @param change the change, e.g. {@code bias = null}, shown in a failure
     * @param mayBeRejected whether the op may reject it with an {@link IllegalArgumentException}
     *     (a non-tensor value outside the op's domain), which skips the pass
     */
    private record Pass(String change, boolean mayBeRejected) {}

    /**
     * Creates a check of one op with one output, PyTorch's default tolerances and the default seed.
     *
     * @param opClassName the op's fully qualified class name, e.g. {@code com.example.MyReLU}; its
     *     simple name starts every failure message
     * @param inputNames the names of the tensors {@link #inputs} returns, in order, shown in failures
     */
    protected OpGradcheck(String opClassName, String... inputNames) {
        this.opClassName = opClassName;
        this.opName = opClassName.substring(opClassName.lastIndexOf('.') + 1);
        this.inputNames = inputNames.clone();
    }

    /**
     * Builds the inputs, after {@link #run} seeded the generator with the seed.
     *
     * @param sizes a generator seeded with the seed, for the inputs' sizes
     * @return one tensor per input name; those that require grad are checked
     */
    protected abstract Tensor[] inputs(SplittableRandom sizes);

    /**
     * Calls the op. An input the op modifies in place ({@code @Dirty}) must be cloned here, so that
     * every call starts from the same values.
     *
     * @param inputs the tensors {@link #inputs} built (or perturbed copies of them)
     * @return the op's outputs, one per output name
     */
    protected abstract Tensor[] outputs(Tensor[] inputs);

    /**
     * Names the outputs of an op with several (the components of its result record), in the order
     * {@link #outputs} returns them; by default there is one, {@code output}.
     *
     * @param names one per output, shown in failures
     */
    protected final void setOutputNames(String... names) {
        outputNames = names.clone();
        nonDifferentiable = new boolean[names.length];
    }

    /**
     * Declares outputs that are not differentiable ({@code @NonDiff}): they are left out of the
     * gradient checks and must not require grad.
     *
     * @param names some of the {@linkplain #setOutputNames output names}
     * @throws IllegalArgumentException if a name is not among the {@linkplain #setOutputNames output names}
     */
    protected final void markNonDifferentiable(String... names) {
        for (String name : names) {
            int k = Arrays.asList(outputNames).indexOf(name);
            if (k < 0) {
                throw new IllegalArgumentException(opName + ": no output named '" + name + "' among "
                        + Arrays.toString(outputNames));
            }
            nonDifferentiable[k] = true;
        }
    }

    /**
     * Sets the tolerances, finite-difference step and mode of both checks (by default PyTorch's).
     *
     * @param options the options; their seed is replaced by {@link #setSeed}'s
     */
    protected final void setOptions(Gradcheck.Options options) {
        this.options = options;
    }

    /**
     * Sets the seed of the inputs and of the checks, shown in every failure so that it reproduces.
     *
     * @param seed the seed; {@link #DEFAULT_SEED} unless set
     */
    protected final void setSeed(long seed) {
        this.seed = seed;
    }

    /**
     * Declares that the op has a forward-mode rule (a {@code @Jvp} method, or {@link Function#jvp}
     * overridden), which {@link #run} then checks after gradcheck.
     *
     * @param check true to check the jvp; false (the default) for an op without one
     */
    protected final void setCheckJvp(boolean check) {
        checkJvp = check;
    }

    /**
     * Declares the backward {@code @OnceDifferentiable}, which skips gradgradcheck.
     *
     * @param once true to skip gradgradcheck
     */
    protected final void setOnceDifferentiable(boolean once) {
        onceDifferentiable = once;
    }

    /**
     * With false, checks that the backward accepts absent (null) output gradients, as the op's
     * {@code @Differentiable(materializeGrads = false)} lets it receive.
     *
     * @param materialize false for an op whose absent output gradients reach the backward as null
     */
    protected final void setMaterializeGrads(boolean materialize) {
        materializeGrads = materialize;
    }

    /**
     * Names the {@code @Saved} fields that hold an intermediate computed in the forward (without a
     * graph): a failing gradgradcheck then says that this is the likely cause.
     *
     * @param fields the fields' names
     */
    protected final void setSavedIntermediates(String... fields) {
        savedIntermediates = fields.clone();
    }

    /**
     * Turns the check off, saying why ({@code @Gradcheck(enabled = false, reason = ...)}): the test
     * report shows the reason, and {@link #run} still runs it when called.
     *
     * @param reason why the check does not hold, e.g. a straight-through estimator
     */
    protected final void disable(String reason) {
        disabledReason = reason;
    }

    /**
     * Declares one more pass of the checks, after the first (which passes every argument's first
     * value), in which {@link #inputs} or {@link #outputs} change one argument: a tensor the op
     * accepts as absent set to null, say. A failure in it names the change.
     *
     * @param change the argument changed and its value, e.g. {@code bias = null}
     */
    protected final void addPass(String change) {
        passes.add(new Pass(change, false));
    }

    /**
     * Like {@link #addPass}, for a pass that changes a non-tensor argument's value: an op that
     * rejects the value as outside its domain (an {@link IllegalArgumentException}) has nothing to
     * check there, and the pass is skipped.
     *
     * @param change the argument changed and its value, e.g. {@code scale = -1.5}
     */
    protected final void addValuePass(String change) {
        passes.add(new Pass(change, true));
    }

    /**
     * The pass being checked, for {@link #inputs} and {@link #outputs} to choose their arguments by.
     *
     * @return 0 on the first pass (and outside {@link #run}); k on the k-th one {@link #addPass} or
     *     {@link #addValuePass} declared
     */
    protected final int pass() {
        return pass;
    }

    /**
     * Names the tensor inputs that {@link #inputs} builds as vectors because the op gives them no
     * {@code @Shape}: a shape error ({@link IllegalArgumentException} or
     * {@link IndexOutOfBoundsException}) then fails with a note saying so and what to declare.
     *
     * @param length the vectors' length
     * @param names the inputs' names
     */
    protected final void setUnshapedInputs(int length, String... names) {
        unshapedLength = length;
        unshapedInputs = names.clone();
    }

    @Override
    public final String opClassName() {
        return opClassName;
    }

    @Override
    public final String disabledReason() {
        return disabledReason;
    }

    /**
     * Runs the checks listed in the class documentation, once per pass ({@link #addPass}); a
     * subclass that adds its own calls this first.
     *
     * @throws AssertionError naming the op, the pass's change after the first pass, and what failed
     * @throws IllegalStateException if {@link #inputs} or {@link #outputs} return the wrong number of tensors
     */
    @Override
    public void run() {
        try {
            for (pass = 0; pass <= passes.size(); pass++) {
                try {
                    checkOnce();
                } catch (AssertionError | RuntimeException e) {
                    if (e instanceof IllegalArgumentException && pass > 0 && passes.get(pass - 1).mayBeRejected()) {
                        // The op rejects this value of a non-tensor argument as outside its domain: nothing to
                        // check there. (A null tensor the op promises to accept is checked.)
                        continue;
                    }
                    if (unshapedInputs.length > 0
                            && (e instanceof IllegalArgumentException || e instanceof IndexOutOfBoundsException)) {
                        throw new AssertionError(where() + e + unshapedNote(), e);
                    }
                    if (pass == 0) {
                        throw e;
                    }
                    throw new AssertionError(where() + e.getMessage(), e);
                }
            }
        } finally {
            pass = 0;
        }
    }

    /** What a failure's message starts with: the op, and on a pass after the first what it changed. */
    private String where() {
        if (passes.isEmpty()) {
            return opName + ": ";
        }
        return opName + ", checked with " + (pass == 0 ? "every argument's first value" : passes.get(pass - 1).change())
                + ": ";
    }

    private String unshapedNote() {
        return "\nnote: the check built " + String.join(", ", unshapedInputs) + " without @Shape, as "
                + (unshapedInputs.length == 1 ? "a vector" : "vectors") + " of " + unshapedLength + " elements; if"
                + " the forward needs other shapes, declare them, e.g. @Shape(\"n,m\") Tensor " + unshapedInputs[0];
    }

    /** One pass of the checks listed in the class documentation. */
    private void checkOnce() {
        Nabla.manualSeed(seed);
        Tensor[] inputs = inputs(new SplittableRandom(seed));
        if (inputs.length != inputNames.length) {
            throw new IllegalStateException(opName + ": inputs() returned " + inputs.length + " tensors for "
                    + inputNames.length + " input names");
        }
        Tensor[] differentiable = Arrays.stream(inputs).filter(t -> t != null && t.requiresGrad())
                .toArray(Tensor[]::new);
        Gradcheck.Fn fn = in -> differentiableOutput(outputs(in));
        Gradcheck.Options seeded = options.withSeed(seed);
        try {
            Gradcheck.check(fn, seeded, inputs);
        } catch (AssertionError e) {
            throw new AssertionError(opName + ": gradcheck failed (seed " + seed + "): " + e.getMessage(), e);
        }
        if (checkJvp) {
            checkJvp(inputs, seeded);
        }
        if (!onceDifferentiable) {
            try {
                Gradcheck.gradgradcheck(fn, seeded, inputs);
            } catch (AssertionError e) {
                throw new AssertionError(opName + ": gradgradcheck failed (seed " + seed + "): " + e.getMessage()
                        + intermediatesNote(), e);
            }
        }
        checkBackwardKeepsInputs(fn, inputs, differentiable);
        checkNonDifferentiableOutputs(inputs);
        if (!materializeGrads) {
            checkAbsentGradients(inputs, differentiable);
        }
    }

    /**
     * Checks the jvp output by output, so that a failure names the output and the check runs
     * through no op but this one under forward mode. Each gradcheck here repeats the backward's
     * check, which has just passed on the same values: a failure is the jvp's.
     */
    private void checkJvp(Tensor[] inputs, Gradcheck.Options seeded) {
        Gradcheck.Options forward = seeded.withCheckForwardAD(true).withRaiseException(true);
        for (int k = 0; k < outputNames.length; k++) {
            if (nonDifferentiable[k]) {
                continue;
            }
            int output = k;
            Gradcheck.Fn fn = in -> outputs(in)[output];
            String which = outputNames.length == 1 ? "" : " of output '" + outputNames[k] + "'";
            try {
                // In the options' mode (every direction unless fast), the jvp against finite differences...
                Gradcheck.check(fn, forward, inputs);
                // ... and in fast mode against the backward too, in one random direction.
                Gradcheck.check(fn, forward.withFastMode(true), inputs);
            } catch (AssertionError e) {
                throw new AssertionError(opName + ": the jvp" + which + " disagrees (seed " + seed + "): "
                        + e.getMessage(), e);
            }
        }
    }

    /** The one differentiable output, or all of them flattened into one tensor. */
    private Tensor differentiableOutput(Tensor[] outputs) {
        if (outputs.length != outputNames.length) {
            throw new IllegalStateException(opName + ": outputs() returned " + outputs.length + " tensors for "
                    + outputNames.length + " output names");
        }
        int count = differentiableCount();
        if (count == 0) {
            throw new IllegalStateException(opName + ": no differentiable output to check");
        }
        Tensor[] flat = new Tensor[count];
        for (int k = 0, j = 0; k < outputs.length; k++) {
            if (!nonDifferentiable[k]) {
                flat[j++] = count == 1 ? outputs[k] : outputs[k].reshape(-1);
            }
        }
        return count == 1 ? flat[0] : Tensor.cat(0, flat);
    }

    private int differentiableCount() {
        int count = 0;
        for (boolean nonDiff : nonDifferentiable) {
            count += nonDiff ? 0 : 1;
        }
        return count;
    }

    private String intermediatesNote() {
        if (savedIntermediates.length == 0) {
            return "";
        }
        return "\nnote: @Saved " + String.join(", ", savedIntermediates) + " of " + opName + " holds an intermediate"
                + " computed in the forward without a graph, so its double backward is wrong; save the inputs (or the"
                + " output) and recompute it in backward, or mark the backward @OnceDifferentiable";
    }

    /**
     * Runs one forward and backward and checks that every input is as it was. (The runtime itself
     * fails a backward that modifies a saved tensor, naming the op and the field.)
     */
    private void checkBackwardKeepsInputs(Gradcheck.Fn fn, Tensor[] inputs, Tensor[] differentiable) {
        double[][] before = new double[inputs.length][];
        for (int k = 0; k < inputs.length; k++) {
            before[k] = inputs[k] == null ? null : inputs[k].toDoubleArray();
        }
        Tensor output = fn.apply(inputs);
        Autograd.grad(new Tensor[] {output}, differentiable, new Tensor[] {Tensor.onesLike(output)}, false, false,
                true);
        for (int k = 0; k < inputs.length; k++) {
            if (inputs[k] != null && !Arrays.equals(before[k], inputs[k].toDoubleArray())) {
                throw new AssertionError(opName + ": input '" + inputNames[k] + "' changed during forward and backward;"
                        + " an op modifies an input only when it declares it @Dirty, and a backward never does");
            }
        }
    }

    /** A non-differentiable output never requires grad, so its gradient is never asked for. */
    private void checkNonDifferentiableOutputs(Tensor[] inputs) {
        if (differentiableCount() == outputNames.length) {
            return;
        }
        Tensor[] outputs = outputs(inputs);
        for (int k = 0; k < outputs.length; k++) {
            if (nonDifferentiable[k] && outputs[k].requiresGrad()) {
                throw new AssertionError(opName + ": @NonDiff output '" + outputNames[k] + "' requires grad");
            }
        }
    }

    /** With materializeGrads = false, when one output alone gets a gradient, the others reach the backward as null. */
    private void checkAbsentGradients(Tensor[] inputs, Tensor[] differentiable) {
        if (differentiableCount() < 2) {
            return;
        }
        for (int k = 0; k < outputNames.length; k++) {
            if (nonDifferentiable[k]) {
                continue;
            }
            Tensor only = outputs(inputs)[k];
            try {
                Autograd.grad(new Tensor[] {only}, differentiable, new Tensor[] {Tensor.onesLike(only)}, false, false,
                        true);
            } catch (RuntimeException e) {
                throw new AssertionError(opName + ": backward failed when only output '" + outputNames[k] + "' has a"
                        + " gradient (the others are null because materializeGrads = false): " + e, e);
            }
        }
    }
}
