package dev.nabla.autograd;

import dev.nabla.Autograd;
import dev.nabla.DType;
import dev.nabla.Device;
import dev.nabla.Gradcheck;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import dev.nabla.backend.cuda.Cuda;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One op's gradient check: this class builds seeded inputs and runs the checks; the op's part is
 * to declare its inputs and settings and to call the op. The annotation processor generates one
 * for every op, as the static method {@code gradcheck()} of its function, which declares the
 * arguments of the function's {@code apply}, in order, on an instance from {@link #of(String, Class)}:
 *
 * <pre>{@code
 * public static OpGradcheck gradcheck() {
 *     OpGradcheck check = OpGradcheck.of("com.example.Linear", LinearFunction.class);
 *     check.input("x", "n,i");
 *     check.input("w", "o,i");
 *     check.input("b", "o");
 *     check.addNullPass("b");
 *     check.value("scale", 0.5, -1.5);
 *     return check;
 * }
 * }</pre>
 *
 * A check that must call its op some other way may name a method that does
 * ({@link #of(String, MethodHandles.Lookup, String)}), or subclass this class, make the same calls in
 * its constructor and override {@link #outputs}, and {@link #inputs} to build the inputs itself.
 *
 * <p>Declared inputs ({@link #input(String, String)} and its variants) are float64 tensors drawn
 * from the seeded generator: each symbol of their shapes gets a size from 2 to 4, the same
 * wherever it appears.
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
 * For an op with CUDA versions ({@linkplain #setCompareDevices compared devices}), these checks run on
 * CPU inputs (the portable path) and, where CUDA is available, again on CUDA inputs, and then one call
 * on each device must give the same outputs and input gradients.
 *
 * <p>Those checks make one pass. A check may declare more ({@link #value} with more than one value,
 * {@link #addNullPass}, and for a call of its own {@link #addPass} and {@link #addValuePass}), each
 * changing one argument: {@link #run} makes them all, in order, and a failure after the first names
 * the change.
 *
 * <p>The settings are made before {@link #run}. {@code nabla-junit} runs as a test named after the op
 * every public static no-argument {@code gradcheck()} method of a public class that returns a
 * {@link GradcheckCase}, and every public concrete subclass with a public no-argument constructor.
 */
public abstract class OpGradcheck implements GradcheckCase {
    /** The seed of the inputs' sizes and values, and of the checks, unless {@link #setSeed} sets another. */
    public static final long DEFAULT_SEED = 20261122L;

    /** The length of a declared input without a shape: a vector. */
    public static final int UNSHAPED_LENGTH = 5;

    private final String opClassName;
    private final String opName;
    private final List<String> inputNames;
    /** The inputs {@link #input} and its variants declared, which the default {@link #inputs} builds. */
    private final List<Input> declared = new ArrayList<>();
    private String[] outputNames = {"output"};
    /** Whether {@link #setOutputNames} named the outputs (the components of a result record). */
    private boolean namedOutputs;
    private boolean[] nonDifferentiable = {false};
    private Gradcheck.Options options = Gradcheck.Options.defaults();
    private long seed = DEFAULT_SEED;
    private boolean onceDifferentiable;
    private boolean checkJvp;
    private boolean materializeGrads = true;
    private String[] savedIntermediates = {};
    private String disabledReason;
    /** The declared non-tensor arguments ({@link #value}). */
    private final List<Value> values = new ArrayList<>();
    /**
     * The declared arguments of the op's call, in order: a tensor input's index in {@link #declared},
     * or {@code -1 - k} for the k-th of {@link #values}.
     */
    private final List<Integer> arguments = new ArrayList<>();
    /**
     * The passes after the first, as {@link #addPass}, {@link #addValuePass}, {@link #addNullPass} and
     * {@link #value} declared them.
     */
    private final List<Pass> passes = new ArrayList<>();
    /** The pass {@link #run} is checking: 0 for the first, k for the k-th declared one. */
    private int pass;
    private String[] unshapedInputs = {};
    private int unshapedLength;
    private boolean compareDevices;
    /** The device the declared inputs are built on: the CPU, or CUDA while {@link #run} checks the CUDA path. */
    private Device device = Device.CPU;

    /**
     * A declared input.
     *
     * @param dims its shape's dimensions, each a symbol or a size; null for a vector of
     *     {@link #UNSHAPED_LENGTH} elements
     * @param differentiable whether it requires grad, and so is checked
     * @param dirty whether the op modifies it in place, so that each call gets a copy
     */
    private record Input(String name, String[] dims, boolean differentiable, boolean dirty) {}

    /** A declared non-tensor argument and its value in the first pass. */
    private record Value(String name, Object first) {}

    /**
     * A pass of the check after the first: one argument changed.
     *
     * @param change the change, e.g. {@code bias = null}, shown in a failure
     * @param mayBeRejected whether the op may reject it with an {@link IllegalArgumentException}
     *     (a non-tensor value outside the op's domain), which skips the pass
     * @param absentInput the declared input that is null in this pass, or -1
     * @param value the declared value ({@link #value}) that this pass changes, or -1
     * @param replacement that value's value in this pass
     */
    private record Pass(String change, boolean mayBeRejected, int absentInput, int value, Object replacement) {
        Pass(String change, boolean mayBeRejected, int absentInput) {
            this(change, mayBeRejected, absentInput, -1, null);
        }
    }

    /**
     * Creates a check of one op with one output, PyTorch's default tolerances and the default seed.
     *
     * @param opClassName the op's fully qualified class name, e.g. {@code com.example.MyReLU}; its
     *     simple name starts every failure message
     * @param inputNames the names of the tensors {@link #inputs} returns, in order, shown in failures;
     *     none when the constructor declares the inputs instead ({@link #input(String, String)})
     */
    protected OpGradcheck(String opClassName, String... inputNames) {
        this.opClassName = opClassName;
        this.opName = opClassName.substring(opClassName.lastIndexOf('.') + 1);
        this.inputNames = new ArrayList<>(Arrays.asList(inputNames));
    }

    /**
     * A check whose op is called by a static method {@code Tensor[] name(Tensor[] inputs, int pass)} of
     * the lookup's class: the outputs of the op on {@code inputs} (the declared inputs, or perturbed
     * copies of them), with the non-tensor arguments of pass {@code pass} (0 for the first pass, k for
     * the k-th one declared). The method may be private: the lookup, made in its class, grants the
     * access. Declare the inputs and settings on the result, with the methods a subclass would call.
     *
     * <p>For a call that {@link #of(String, Class)} cannot make: one that builds an argument from the
     * inputs, say. A method handle rather than a lambda costs javac no synthetic method per check.
     *
     * @param opClassName the op's fully qualified class name, e.g. {@code com.example.MyReLU}; its
     *     simple name starts every failure message
     * @param lookup {@code MethodHandles.lookup()}, called in the class that declares the method
     * @param outputsMethod the method's name
     * @return a check without inputs or settings yet
     * @throws IllegalArgumentException if the lookup's class has no such static method
     */
    public static OpGradcheck of(String opClassName, MethodHandles.Lookup lookup, String outputsMethod) {
        MethodType type = MethodType.methodType(Tensor[].class, Tensor[].class, int.class);
        MethodHandle outputs;
        try {
            outputs = lookup.findStatic(lookup.lookupClass(), outputsMethod, type);
        } catch (NoSuchMethodException | IllegalAccessException e) {
            throw new IllegalArgumentException("OpGradcheck.of(" + opClassName + "): " + lookup.lookupClass().getName()
                    + " has no static method Tensor[] " + outputsMethod + "(Tensor[] inputs, int pass) that its lookup"
                    + " can call", e);
        }
        return new Calling(opClassName, outputs);
    }

    /** A check that calls its op through a method handle ({@link #of}). */
    private static final class Calling extends OpGradcheck {
        /** {@code (Tensor[] inputs, int pass) -> Tensor[]}. */
        private final MethodHandle outputs;

        Calling(String opClassName, MethodHandle outputs) {
            super(opClassName);
            this.outputs = outputs;
        }

        @Override
        protected Tensor[] outputs(Tensor[] inputs) {
            try {
                return (Tensor[]) outputs.invokeExact(inputs, pass());
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                // Only a method that hides a checked exception from javac gets here.
                throw new IllegalStateException(opClassName() + ": calling the op threw " + t, t);
            }
        }
    }

    /**
     * A check that calls the public static {@code apply} method of {@code function} with the declared
     * arguments, in the order they are declared: the tensor inputs ({@link #input(String, String)} and
     * its variants) and the other arguments ({@link #value}). The result is the op's output, or a
     * record of its outputs, whose components are taken in order. This is how the generated
     * {@code gradcheck()} methods call their op.
     *
     * @param opClassName the op's fully qualified class name, e.g. {@code com.example.MyReLU}; its
     *     simple name starts every failure message
     * @param function the op's function class, e.g. {@code MyReLUFunction.class}, with one public static
     *     {@code apply} method
     * @return a check without inputs or settings yet
     * @throws IllegalArgumentException if {@code function} has no public static {@code apply} method, or
     *     several
     */
    public static OpGradcheck of(String opClassName, Class<?> function) {
        Method apply = null;
        for (Method m : function.getMethods()) {
            if (m.getName().equals("apply") && Modifier.isStatic(m.getModifiers())) {
                if (apply != null) {
                    throw new IllegalArgumentException("OpGradcheck.of(" + opClassName + "): " + function.getName()
                            + " has several public static apply methods; name a method that calls the op instead"
                            + " (of(opClassName, lookup, method))");
                }
                apply = m;
            }
        }
        if (apply == null) {
            throw new IllegalArgumentException("OpGradcheck.of(" + opClassName + "): " + function.getName()
                    + " has no public static apply method");
        }
        try {
            return new Applying(opClassName, apply.getParameterTypes(), MethodHandles.publicLookup().unreflect(apply));
        } catch (IllegalAccessException e) {
            throw new IllegalArgumentException("OpGradcheck.of(" + opClassName + "): " + apply + " is not accessible"
                    + " here: " + e.getMessage(), e);
        }
    }

    /** A check that calls its function's {@code apply} with the declared arguments ({@link #of(String, Class)}). */
    private static final class Applying extends OpGradcheck {
        /** {@code apply}'s parameter types, read once: the checks call the op many times. */
        private final Class<?>[] types;
        private final MethodHandle handle;

        Applying(String opClassName, Class<?>[] types, MethodHandle handle) {
            super(opClassName);
            this.types = types;
            this.handle = handle;
        }

        @Override
        protected Tensor[] outputs(Tensor[] inputs) {
            // OpGradcheck's private members are reached through the superclass's type.
            OpGradcheck check = this;
            Object[] args = check.applyArguments(inputs, types);
            Object result;
            try {
                result = handle.invokeWithArguments(args);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                // Only a method that hides a checked exception from javac gets here.
                throw new IllegalStateException(opClassName() + ": calling the op threw " + t, t);
            }
            return check.outputTensors(result);
        }
    }

    /**
     * The arguments of the op's call in this pass: the tensors among {@code inputs} (a copy of a
     * {@linkplain #markDirty dirty} one) and the declared values, each converted to its parameter's type.
     *
     * @throws IllegalStateException if the declarations do not match the parameters
     */
    private Object[] applyArguments(Tensor[] inputs, Class<?>[] types) {
        if (types.length != arguments.size()) {
            throw new IllegalStateException(opName + ": the check declares " + arguments.size() + " arguments "
                    + argumentNames() + " for an apply method of " + types.length + " parameters");
        }
        Pass current = pass == 0 ? null : passes.get(pass - 1);
        Object[] args = new Object[types.length];
        for (int a = 0; a < args.length; a++) {
            int k = arguments.get(a);
            if (k >= 0) {
                Input in = declared.get(k);
                if (types[a] != Tensor.class) {
                    throw new IllegalStateException(opName + ": argument " + a + ", '" + in.name() + "', is declared a"
                            + " tensor input, but apply takes a " + types[a].getName() + " there");
                }
                args[a] = in.dirty() && inputs[k] != null ? inputs[k].clone() : inputs[k];
            } else {
                int v = -1 - k;
                if (types[a] == Tensor.class) {
                    throw new IllegalStateException(opName + ": argument " + a + ", '" + values.get(v).name() + "', is"
                            + " declared a value, but apply takes a tensor there");
                }
                Object value = current != null && current.value() == v ? current.replacement() : values.get(v).first();
                args[a] = converted(value, types[a], values.get(v).name());
            }
        }
        return args;
    }

    private List<String> argumentNames() {
        List<String> names = new ArrayList<>();
        for (int k : arguments) {
            names.add(k >= 0 ? declared.get(k).name() : values.get(-1 - k).name());
        }
        return names;
    }

    /**
     * {@code value} as an argument of type {@code type}: a number converted to a numeric parameter's
     * type when it fits exactly (so that {@code 1} serves a {@code long}, and {@code 0.5} a {@code float}).
     */
    private Object converted(Object value, Class<?> type, String name) {
        Class<?> boxed = MethodType.methodType(type).wrap().returnType();
        if (value == null ? !type.isPrimitive() : boxed.isInstance(value)) {
            return value;
        }
        if (value instanceof Number n && Number.class.isAssignableFrom(boxed)) {
            boolean integral = n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte;
            Number converted = null;
            if (boxed == Double.class) {
                converted = n.doubleValue();
            } else if (boxed == Float.class) {
                converted = n.floatValue();
            } else if (integral && boxed == Long.class) {
                converted = n.longValue();
            } else if (integral && boxed == Integer.class && n.longValue() == n.intValue()) {
                converted = n.intValue();
            } else if (integral && boxed == Short.class && n.longValue() == n.shortValue()) {
                converted = n.shortValue();
            } else if (integral && boxed == Byte.class && n.longValue() == n.byteValue()) {
                converted = n.byteValue();
            }
            if (converted != null) {
                return converted;
            }
        }
        throw new IllegalStateException(opName + ": the value " + describe(value) + " of '" + name + "' is not a "
                + type.getName() + ", the type of its parameter");
    }

    /** The op's outputs from what {@code apply} returned: the tensor, or the components of the record. */
    private Tensor[] outputTensors(Object result) {
        if (result instanceof Tensor t) {
            return new Tensor[] {t};
        }
        if (result instanceof Record r) {
            RecordComponent[] components = r.getClass().getRecordComponents();
            Tensor[] outputs = new Tensor[components.length];
            for (int k = 0; k < components.length; k++) {
                try {
                    Method accessor = components[k].getAccessor();
                    // The record may be package-private, in the op's class.
                    accessor.setAccessible(true);
                    outputs[k] = (Tensor) accessor.invoke(r);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    throw new IllegalStateException(opName + ": reading output '" + components[k].getName() + "' of "
                            + r.getClass().getName() + ": " + e, e);
                }
            }
            return outputs;
        }
        throw new IllegalStateException(opName + ": apply returned " + (result == null ? "null"
                : "a " + result.getClass().getName()) + ", neither a tensor nor a record of tensors");
    }

    /** A value as a failure names it: strings and characters quoted, an enum constant with its type. */
    private static String describe(Object value) {
        if (value instanceof String s) {
            return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
        }
        if (value instanceof Character c) {
            return "'" + c + "'";
        }
        if (value instanceof Enum<?> e) {
            return e.getDeclaringClass().getSimpleName() + "." + e.name();
        }
        return String.valueOf(value);
    }

    /**
     * Declares the next input: a float64 tensor that requires grad, of the op's {@code @Shape}.
     *
     * @param name the parameter's name, shown in failures
     * @param shape its dimensions separated by commas, each a symbol (a size from 2 to 4, the same
     *     wherever the symbol appears) or a fixed size, e.g. {@code "n,3"}; {@code ""} for a scalar
     * @throws IllegalArgumentException if a dimension is empty, or starts with a digit but is not a size
     */
    public final void input(String name, String shape) {
        declare(name, shape, true);
    }

    /**
     * Declares the next input for an op that gives it no {@code @Shape}: a vector of
     * {@value #UNSHAPED_LENGTH} elements that requires grad. A shape error then fails with a note saying
     * so and what to declare.
     *
     * @param name the parameter's name, shown in failures
     */
    public final void input(String name) {
        declare(name, null, true);
    }

    /**
     * Declares the next input as one that gets no gradient ({@code @NonDiff}): like
     * {@link #input(String, String)}, but it does not require grad and is not checked.
     *
     * @param name the parameter's name, shown in failures
     * @param shape its dimensions, as for {@link #input(String, String)}
     * @throws IllegalArgumentException if a dimension is empty, or starts with a digit but is not a size
     */
    public final void nonDiffInput(String name, String shape) {
        declare(name, shape, false);
    }

    /**
     * Declares the next input as one without {@code @Shape} that gets no gradient: a vector of
     * {@value #UNSHAPED_LENGTH} elements that does not require grad.
     *
     * @param name the parameter's name, shown in failures
     */
    public final void nonDiffInput(String name) {
        declare(name, null, false);
    }

    private void declare(String name, String shape, boolean differentiable) {
        String[] dims = shape == null ? null : shape.isBlank() ? new String[0] : shape.split(",", -1);
        for (int d = 0; dims != null && d < dims.length; d++) {
            dims[d] = dims[d].trim();
            if (dims[d].isEmpty() || (!isSymbol(dims[d]) && !dims[d].chars().allMatch(c -> c >= '0' && c <= '9'))) {
                throw new IllegalArgumentException(opName + ": input '" + name + "' has the shape \"" + shape
                        + "\", whose dimension " + d + " is neither a symbol nor a size");
            }
        }
        arguments.add(declared.size());
        declared.add(new Input(name, dims, differentiable, false));
        inputNames.add(name);
        if (dims == null) {
            List<String> unshaped = new ArrayList<>(Arrays.asList(unshapedInputs));
            unshaped.add(name);
            setUnshapedInputs(UNSHAPED_LENGTH, unshaped.toArray(new String[0]));
        }
    }

    private static boolean isSymbol(String dim) {
        return !(dim.charAt(0) >= '0' && dim.charAt(0) <= '9');
    }

    /**
     * Declares that the op modifies a declared input in place ({@code @Dirty}): each call of the op
     * gets a copy of it, so that every evaluation starts from the same values.
     *
     * @param input the name of an input declared before ({@link #input(String, String)})
     * @throws IllegalArgumentException if no input of that name was declared
     */
    public final void markDirty(String input) {
        int k = declaredIndex(input);
        Input in = declared.get(k);
        declared.set(k, new Input(in.name(), in.dims(), in.differentiable(), true));
    }

    /**
     * Declares the next argument of the op's call ({@link #of(String, Class)}) as one that is not a
     * tensor: {@code value} in the first pass, and for each of {@code others} one more pass with that
     * value instead, which is skipped if the op rejects it as outside its domain (an
     * {@link IllegalArgumentException}). A number is converted to the parameter's numeric type when it
     * fits exactly.
     *
     * @param name the parameter's name, shown in failures
     * @param value its value in every pass but its own
     * @param others the values of its own passes
     */
    public final void value(String name, Object value, Object... others) {
        int v = values.size();
        values.add(new Value(name, value));
        arguments.add(-1 - v);
        for (Object other : others) {
            passes.add(new Pass(name + " = " + describe(other), true, -1, v, other));
        }
    }

    private int declaredIndex(String input) {
        for (int k = 0; k < declared.size(); k++) {
            if (declared.get(k).name().equals(input)) {
                return k;
            }
        }
        throw new IllegalArgumentException(opName + ": no declared input named '" + input + "' among " + inputNames);
    }

    /**
     * Builds the inputs, after {@link #run} seeded the generator with the seed. By default, the
     * declared ones ({@link #input(String, String)}): first a size for each shape symbol, in the order
     * the symbols first appear, then one {@code randn} tensor per input, on the device being checked,
     * except an input that this pass sets to null ({@link #addNullPass}).
     *
     * @param sizes a generator seeded with the seed, for the inputs' sizes
     * @return one tensor per input name; those that require grad are checked
     * @throws IllegalStateException if the subclass neither declared its inputs nor overrides this method
     */
    protected Tensor[] inputs(SplittableRandom sizes) {
        if (declared.isEmpty() && !inputNames.isEmpty()) {
            throw new IllegalStateException(opName + ": the check names its inputs but neither declares them"
                    + " (input(name, shape)) nor builds them (override inputs)");
        }
        Map<String, Long> symbols = new LinkedHashMap<>();
        for (Input in : declared) {
            if (in.dims() != null) {
                for (String dim : in.dims()) {
                    if (isSymbol(dim) && !symbols.containsKey(dim)) {
                        symbols.put(dim, 2L + sizes.nextInt(3));
                    }
                }
            }
        }
        int absent = pass == 0 ? -1 : passes.get(pass - 1).absentInput();
        Tensor[] tensors = new Tensor[declared.size()];
        for (int k = 0; k < tensors.length; k++) {
            Input in = declared.get(k);
            if (k == absent) {
                continue;
            }
            long[] shape = {UNSHAPED_LENGTH};
            if (in.dims() != null) {
                shape = new long[in.dims().length];
                for (int d = 0; d < shape.length; d++) {
                    String dim = in.dims()[d];
                    shape[d] = isSymbol(dim) ? symbols.get(dim) : Long.parseLong(dim);
                }
            }
            Tensor t = Tensor.randn(DType.FLOAT64, shape);
            if (device.isCuda()) {
                t = t.to(device);
            }
            tensors[k] = in.differentiable() ? t.requiresGrad(true) : t;
        }
        return tensors;
    }

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
    public final void setOutputNames(String... names) {
        outputNames = names.clone();
        nonDifferentiable = new boolean[names.length];
        namedOutputs = true;
    }

    /**
     * Declares outputs that are not differentiable ({@code @NonDiff}): they are left out of the
     * gradient checks and must not require grad.
     *
     * @param names some of the {@linkplain #setOutputNames output names}
     * @throws IllegalArgumentException if a name is not among the {@linkplain #setOutputNames output names}
     */
    public final void markNonDifferentiable(String... names) {
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
     * @param options the options; their seed is replaced by {@link #setSeed}'s, and their
     *     {@code raiseException} is ignored: this is a test, so a disagreement always fails it
     */
    public final void setOptions(Gradcheck.Options options) {
        this.options = options;
    }

    /**
     * Sets the seed of the inputs and of the checks, shown in every failure so that it reproduces.
     *
     * @param seed the seed; {@link #DEFAULT_SEED} unless set
     */
    public final void setSeed(long seed) {
        this.seed = seed;
    }

    /**
     * Declares that the op has a forward-mode rule (a {@code @Jvp} method, or {@link Function#jvp}
     * overridden), which {@link #run} then checks after gradcheck.
     *
     * @param check true to check the jvp; false (the default) for an op without one
     */
    public final void setCheckJvp(boolean check) {
        checkJvp = check;
    }

    /**
     * Declares the backward {@code @OnceDifferentiable}, which skips gradgradcheck.
     *
     * @param once true to skip gradgradcheck
     */
    public final void setOnceDifferentiable(boolean once) {
        onceDifferentiable = once;
    }

    /**
     * With false, checks that the backward accepts absent (null) output gradients, as the op's
     * {@code @Differentiable(materializeGrads = false)} lets it receive.
     *
     * @param materialize false for an op whose absent output gradients reach the backward as null
     */
    public final void setMaterializeGrads(boolean materialize) {
        materializeGrads = materialize;
    }

    /**
     * Names the {@code @Saved} fields that hold an intermediate computed in the forward (without a
     * graph): a failing gradgradcheck then says that this is the likely cause.
     *
     * @param fields the fields' names
     */
    public final void setSavedIntermediates(String... fields) {
        savedIntermediates = fields.clone();
    }

    /**
     * Turns the check off, saying why ({@code @Gradcheck(enabled = false, reason = ...)}): the test
     * report shows the reason, and {@link #run} still runs it when called.
     *
     * @param reason why the check does not hold, e.g. a straight-through estimator
     */
    public final void disable(String reason) {
        disabledReason = reason;
    }

    /**
     * Declares one more pass of the checks, after the first (which passes every argument's first
     * value), in which {@link #inputs} or {@link #outputs} change one argument: a tensor the op
     * accepts as absent set to null, say. A failure in it names the change.
     *
     * @param change the argument changed and its value, e.g. {@code bias = null}
     */
    public final void addPass(String change) {
        passes.add(new Pass(change, false, -1));
    }

    /**
     * Declares one more pass in which a declared input the op accepts as absent (an optional bias,
     * say) is null; a failure in it names the change, {@code bias = null}.
     *
     * @param input the name of an input declared before ({@link #input(String, String)})
     * @throws IllegalArgumentException if no input of that name was declared
     */
    public final void addNullPass(String input) {
        passes.add(new Pass(input + " = null", false, declaredIndex(input)));
    }

    /**
     * Like {@link #addPass}, for a pass that changes a non-tensor argument's value: an op that
     * rejects the value as outside its domain (an {@link IllegalArgumentException}) has nothing to
     * check there, and the pass is skipped.
     *
     * @param change the argument changed and its value, e.g. {@code scale = -1.5}
     */
    public final void addValuePass(String change) {
        passes.add(new Pass(change, true, -1));
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
    public final void setUnshapedInputs(int length, String... names) {
        unshapedLength = length;
        unshapedInputs = names.clone();
    }

    /**
     * Declares that the op has CUDA versions ({@code @OnCuda}) of its forward or backward: {@link #run}
     * then checks the declared inputs on the CPU (the portable path) and, where CUDA is available, on
     * CUDA (the CUDA versions), and compares the outputs and input gradients of one call on each
     * device.
     *
     * @param compare true to check both paths and compare them
     */
    public final void setCompareDevices(boolean compare) {
        compareDevices = compare;
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
     * Runs the checks listed in the class documentation, once per pass ({@link #addPass}), on each
     * device when {@linkplain #setCompareDevices comparing devices}; a subclass that adds its own
     * calls this first.
     *
     * @throws AssertionError naming the op, the pass's change after the first pass, and what failed
     * @throws IllegalStateException if {@link #inputs} or {@link #outputs} return the wrong number of tensors
     */
    @Override
    public void run() {
        device = Device.CPU;
        runPasses();
        if (!compareDevices || !Cuda.isAvailable()) {
            // Without a GPU only the portable path can run.
            return;
        }
        device = Device.CUDA;
        try {
            runPasses();
        } catch (AssertionError e) {
            throw new AssertionError(opName + " on CUDA inputs (its @OnCuda versions): " + e.getMessage(), e);
        } finally {
            device = Device.CPU;
        }
        compareDevices();
    }

    private void runPasses() {
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

    /** Runs the op on the same seeded inputs on the CPU and on CUDA, and compares what they give. */
    private void compareDevices() {
        List<String> names = new ArrayList<>();
        for (String output : outputNames) {
            names.add(namedOutputs ? "output '" + output + "'" : "output");
        }
        for (String input : inputNames) {
            names.add("gradient of '" + input + "'");
        }
        Tensor[] cpu = outputsAndGradients(Device.CPU);
        Tensor[] cuda = outputsAndGradients(Device.CUDA);
        for (int k = 0; k < names.size(); k++) {
            compare(names.get(k), cpu[k], cuda[k]);
        }
    }

    /**
     * The outputs, then the inputs' gradients, of one call on seeded inputs on {@code on}: the first
     * pass's values, and one backward that takes each differentiable output's own values as its
     * gradient.
     */
    private Tensor[] outputsAndGradients(Device on) {
        device = on;
        try {
            Nabla.manualSeed(seed);
            Tensor[] in = inputs(new SplittableRandom(seed));
            Tensor[] out = outputs(in);
            for (Tensor o : out) {
                if (o.requiresGrad()) {
                    o.backward(o.detach(), true, false);
                }
            }
            Tensor[] all = Arrays.copyOf(out, out.length + in.length);
            for (int k = 0; k < in.length; k++) {
                all[out.length + k] = in[k] == null ? null : in[k].grad();
            }
            return all;
        } finally {
            device = Device.CPU;
        }
    }

    /**
     * Fails unless the two agree in shape and, elementwise, within rtol 1e-7 and atol 1e-9 (float64
     * kernels may round differently from the CPU, e.g. in sums), NaN matching NaN.
     */
    private void compare(String what, Tensor cpu, Tensor cuda) {
        String prefix = opName + ": the CPU and CUDA paths disagree on the " + what;
        if (cpu == null || cuda == null) {
            if (cpu != cuda) {
                throw new AssertionError(prefix + (cpu == null ? ": null on the CPU only" : ": null on CUDA only"));
            }
            return;
        }
        if (!Arrays.equals(cpu.shape(), cuda.shape())) {
            throw new AssertionError(prefix + ": shape " + Arrays.toString(cpu.shape()) + " on the CPU, "
                    + Arrays.toString(cuda.shape()) + " on CUDA");
        }
        double[] a = cpu.toDoubleArray();
        double[] b = cuda.toDoubleArray();
        for (int i = 0; i < a.length; i++) {
            if (!(Math.abs(a[i] - b[i]) <= 1e-9 + 1e-7 * Math.abs(a[i])) && !(Double.isNaN(a[i]) && Double.isNaN(b[i]))) {
                throw new AssertionError(prefix + " at flat index " + i + ": " + a[i] + " on the CPU, " + b[i]
                        + " on CUDA");
            }
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
        if (inputs.length != inputNames.size()) {
            throw new IllegalStateException(opName + ": inputs() returned " + inputs.length + " tensors for "
                    + inputNames.size() + " input names");
        }
        Tensor[] differentiable = Arrays.stream(inputs).filter(t -> t != null && t.requiresGrad())
                .toArray(Tensor[]::new);
        Gradcheck.Fn fn = in -> differentiableOutput(outputs(in));
        // A test fails loudly: with raiseException false, a failed check would return false unseen.
        Gradcheck.Options seeded = options.withSeed(seed).withRaiseException(true);
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
        Gradcheck.Options forward = seeded.withCheckForwardAD(true);
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
                throw new AssertionError(opName + ": input '" + inputNames.get(k) + "' changed during forward and backward;"
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
