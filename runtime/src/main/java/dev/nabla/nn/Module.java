package dev.nabla.nn;

import dev.nabla.DType;
import dev.nabla.Device;
import dev.nabla.Grad;
import dev.nabla.Tensor;
import java.lang.reflect.Field;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A building block of a model that owns parameters, buffers and sub-modules: PyTorch's
 * {@code nn.Module}.
 *
 * <p>Note [Module members]: a module's members are found two ways.
 * <ul>
 *   <li><b>By field.</b> Every non-static, non-transient field whose type is a {@link Parameter}
 *       or a {@code Module}, every {@code Tensor} field that holds a {@code Parameter}, and every
 *       field marked {@link Buffer}, named after the field. Fields are read once, by reflection,
 *       the first time the module's structure is used ({@link #parameters()}, {@link #stateDict()},
 *       {@link #toString()}, {@link #train()}, {@link #to(Device)}...), never on a forward call; so
 *       assign them all in the constructor. Superclass fields come first, then each class's in
 *       declaration order (the order in which the JVM reports them, which HotSpot keeps as in
 *       the source). A {@code null} field is an absent optional member (an optional bias).</li>
 *   <li><b>Explicitly</b>, with {@link #registerParameter}, {@link #registerBuffer} and
 *       {@link #registerModule}: for members kept in collections or named at run time. These
 *       follow the field members, in the order registered. Registering again under a name
 *       replaces the member (and writes its field, if a field holds it).</li>
 * </ul>
 * Names are unique across parameters, buffers and sub-modules. A sub-module's members have
 * dotted names ({@code encoder.0.weight}), used by {@link #namedParameters()} and the state dict.
 *
 * <p>How forward is written: {@code Module} itself has no forward method, because Java has no
 * {@code __call__} that could take any arguments. A module with one tensor in and one out extends
 * {@link UnaryModule} and implements {@link UnaryModule#forward(Tensor)} (such modules chain in
 * {@link Sequential}); a loss extends {@link Loss}; a module of any other shape extends
 * {@code Module} directly and declares the forward method its callers need, e.g.
 * {@code Tensor forward(Tensor yPred, Tensor yTrue)}. Callers invoke {@code forward} directly.
 *
 * <pre>{@code
 * final class Mlp extends UnaryModule {
 *     private final Linear linear1;
 *     private final ReLU relu = new ReLU();
 *     private final Linear linear2;
 *
 *     Mlp(int in, int hidden, int out) {
 *         linear1 = new Linear(in, hidden);
 *         linear2 = new Linear(hidden, out);
 *     }
 *
 *     @Override
 *     public Tensor forward(Tensor x) {
 *         return linear2.forward(relu.forward(linear1.forward(x)));
 *     }
 * }
 * }</pre>
 *
 * <p>Modules are not thread-safe: share one between threads only for concurrent forward calls
 * after its structure was first used.
 */
public abstract class Module {
    /** The member fields of each module class, found once per class. */
    private static final ClassValue<MemberField[]> MEMBER_FIELDS = new ClassValue<>() {
        @Override
        protected MemberField[] computeValue(Class<?> type) {
            return memberFields(type);
        }
    };

    private enum Kind {
        PARAMETER("parameter"), BUFFER("buffer"), MODULE("module");

        final String word;

        Kind(String word) {
            this.word = word;
        }
    }

    /** A field that holds a member, found by reflection (its kind, where a Tensor field may hold either). */
    private record MemberField(Field field, Kind kind, boolean persistent) {}

    /** One registered member: its value (null when an optional member is absent) and the field holding it, if any. */
    private static final class Member {
        final Kind kind;
        final Field field;
        final boolean persistent;
        Object value;

        Member(Kind kind, Field field, boolean persistent, Object value) {
            this.kind = kind;
            this.field = field;
            this.persistent = persistent;
            this.value = value;
        }
    }

    private Map<String, Member> parameters = new LinkedHashMap<>();
    private Map<String, Member> buffers = new LinkedHashMap<>();
    private Map<String, Member> modules = new LinkedHashMap<>();
    private boolean fieldsRead;
    /** Counts changes of the sub-modules, so that containers can cache them (see {@link Sequential}). */
    private int structureVersion;
    private boolean training = true;

    /** A module with no members yet, in training mode. */
    protected Module() {}

    // ================================================================ registration

    /**
     * Registers a parameter under {@code name}, as PyTorch's {@code register_parameter}.
     *
     * @param parameter the parameter, or null for an optional one that is absent (e.g. a bias
     *     turned off): it then appears in no listing and no state dict
     * @return {@code parameter}
     * @throws IllegalArgumentException if the name is empty, contains a dot, or names a buffer
     *     or sub-module of this module
     */
    public final Parameter registerParameter(String name, Parameter parameter) {
        register(Kind.PARAMETER, name, parameter, true);
        return parameter;
    }

    /**
     * Registers a persistent buffer under {@code name} (saved in the state dict), as PyTorch's
     * {@code register_buffer}.
     *
     * @param buffer the tensor, or null for an absent one
     * @return {@code buffer}
     * @throws IllegalArgumentException if the name is empty, contains a dot, or names a
     *     parameter or sub-module of this module
     */
    public final Tensor registerBuffer(String name, Tensor buffer) {
        return registerBuffer(name, buffer, true);
    }

    /**
     * Registers a buffer under {@code name}.
     *
     * @param persistent whether the buffer is part of {@link #stateDict()}
     * @return {@code buffer}
     * @throws IllegalArgumentException if the name is empty, contains a dot, or names a
     *     parameter or sub-module of this module
     */
    public final Tensor registerBuffer(String name, Tensor buffer, boolean persistent) {
        register(Kind.BUFFER, name, buffer, persistent);
        return buffer;
    }

    /**
     * Registers a sub-module under {@code name}, as PyTorch's {@code add_module}.
     *
     * @param module the sub-module, or null for an absent one
     * @return {@code module}
     * @throws IllegalArgumentException if the name is empty, contains a dot, or names a
     *     parameter or buffer of this module
     */
    public final <M extends Module> M registerModule(String name, M module) {
        register(Kind.MODULE, name, module, true);
        return module;
    }

    private void register(Kind kind, String name, Object value, boolean persistent) {
        String owner = moduleName();
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException(owner + ": a " + kind.word + " name must not be empty");
        }
        if (name.indexOf('.') >= 0) {
            throw new IllegalArgumentException(owner + ": " + kind.word + " name \"" + name
                    + "\" must not contain \".\", which separates the names of nested modules");
        }
        for (Kind other : Kind.values()) {
            if (other != kind && members(other).containsKey(name)) {
                throw new IllegalArgumentException(owner + ": cannot register " + kind.word + " \"" + name
                        + "\": a " + other.word + " of that name already exists");
            }
        }
        Map<String, Member> map = members(kind);
        Member existing = map.get(name);
        if (existing != null && existing.field != null) {
            writeField(existing, value);
            map.put(name, new Member(kind, existing.field, persistent, value));
        } else {
            map.put(name, new Member(kind, null, persistent, value));
        }
        if (kind == Kind.MODULE) {
            structureVersion++;
        }
    }

    private Map<String, Member> members(Kind kind) {
        switch (kind) {
            case PARAMETER:
                return parameters;
            case BUFFER:
                return buffers;
            default:
                return modules;
        }
    }

    /** The registries, with the member fields read in if that has not happened yet. */
    private Map<String, Member> registered(Kind kind) {
        if (!fieldsRead) {
            readFields();
        }
        return members(kind);
    }

    /**
     * Reads the member fields into the registries, before the explicitly registered members. A
     * name both held by a field and registered explicitly must hold the same value.
     */
    private void readFields() {
        fieldsRead = true;
        Map<String, Member> explicitParameters = parameters;
        Map<String, Member> explicitBuffers = buffers;
        Map<String, Member> explicitModules = modules;
        parameters = new LinkedHashMap<>();
        buffers = new LinkedHashMap<>();
        modules = new LinkedHashMap<>();
        for (MemberField mf : MEMBER_FIELDS.get(getClass())) {
            Object value = readField(mf.field());
            String name = mf.field().getName();
            Kind kind = mf.kind();
            boolean persistent = mf.persistent();
            if (kind == null) {
                // A plain Tensor field: a member when it holds a Parameter, or when it keeps a buffer
                // registered explicitly under its name (so that moving the buffer updates the field).
                if (value instanceof Parameter) {
                    kind = Kind.PARAMETER;
                } else if (explicitBuffers.containsKey(name)) {
                    kind = Kind.BUFFER;
                    persistent = explicitBuffers.get(name).persistent;
                } else {
                    continue;
                }
            }
            for (Map<String, Member> explicit : List.of(explicitParameters, explicitBuffers, explicitModules)) {
                Member m = explicit.remove(name);
                if (m != null && (m.kind != kind || m.value != value)) {
                    throw new IllegalStateException(moduleName() + ": \"" + name + "\" is both the field "
                            + mf.field().getDeclaringClass().getSimpleName() + "." + name + " and a " + m.kind.word
                            + " registered explicitly with a different value; assign the field, or register under"
                            + " another name");
                }
            }
            members(kind).put(name, new Member(kind, mf.field(), persistent, value));
        }
        parameters.putAll(explicitParameters);
        buffers.putAll(explicitBuffers);
        modules.putAll(explicitModules);
        structureVersion++;
    }

    private Object readField(Field f) {
        try {
            return f.get(this);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(moduleName() + ": cannot read field " + f.getName() + ": " + e.getMessage(), e);
        }
    }

    private void writeField(Member member, Object value) {
        Field f = member.field;
        if (value != null && !f.getType().isInstance(value)) {
            throw new IllegalArgumentException(moduleName() + ": cannot store a " + value.getClass().getSimpleName()
                    + " as " + member.kind.word + " \"" + f.getName() + "\": its field is declared "
                    + f.getType().getSimpleName());
        }
        try {
            f.set(this, value);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(moduleName() + ": cannot write field " + f.getName() + ": " + e.getMessage(), e);
        }
    }

    private static MemberField[] memberFields(Class<?> type) {
        Deque<Class<?>> hierarchy = new ArrayDeque<>();
        for (Class<?> c = type; c != Module.class; c = c.getSuperclass()) {
            hierarchy.push(c);
        }
        List<MemberField> out = new ArrayList<>();
        Map<String, Class<?>> declaredBy = new LinkedHashMap<>();
        for (Class<?> c : hierarchy) {
            for (Field f : c.getDeclaredFields()) {
                int mod = f.getModifiers();
                if (Modifier.isStatic(mod) || Modifier.isTransient(mod) || f.isSynthetic()) {
                    continue;
                }
                Class<?> t = f.getType();
                Buffer buffer = f.getAnnotation(Buffer.class);
                Kind kind;
                if (buffer != null) {
                    if (!Tensor.class.isAssignableFrom(t)) {
                        throw new IllegalStateException(type.getName() + ": field " + f.getName() + " is marked @Buffer"
                                + " but is declared " + t.getSimpleName() + "; a buffer must be a Tensor");
                    }
                    kind = Kind.BUFFER;
                } else if (Parameter.class.isAssignableFrom(t)) {
                    kind = Kind.PARAMETER;
                } else if (Module.class.isAssignableFrom(t)) {
                    kind = Kind.MODULE;
                } else if (t == Tensor.class) {
                    kind = null;
                } else {
                    continue;
                }
                Class<?> previous = declaredBy.put(f.getName(), c);
                if (previous != null) {
                    throw new IllegalStateException(type.getName() + ": member field " + f.getName() + " is declared by both "
                            + previous.getName() + " and " + c.getName() + "; rename one of them");
                }
                try {
                    f.setAccessible(true);
                } catch (InaccessibleObjectException e) {
                    throw new IllegalStateException(type.getName() + ": cannot read member field " + f.getName()
                            + " by reflection; open the package " + c.getPackageName() + " to Nabla's module, or mark the"
                            + " field transient and register the member with registerParameter/registerBuffer/registerModule",
                            e);
                }
                out.add(new MemberField(f, kind, buffer == null || buffer.persistent()));
            }
        }
        return out.toArray(new MemberField[0]);
    }

    /** Changes whenever a sub-module is registered or replaced; lets containers cache their children. */
    final int structureVersion() {
        if (!fieldsRead) {
            readFields();
        }
        return structureVersion;
    }

    /** The present sub-modules in registration order, a module registered under two names listed twice. */
    final List<Module> subModules() {
        List<Module> out = new ArrayList<>();
        for (Member m : registered(Kind.MODULE).values()) {
            if (m.value != null) {
                out.add((Module) m.value);
            }
        }
        return out;
    }

    // ================================================================ listing

    /**
     * This module's parameters and those of all its sub-modules, each once (a parameter shared by
     * two modules appears at its first place), in the order of {@link #namedParameters()}.
     */
    public final List<Parameter> parameters() {
        return List.copyOf(namedParameters().values());
    }

    /**
     * The parameters of this module and of all its sub-modules with dotted names
     * ({@code linear1.weight}): this module's own first, then each sub-module's in registration
     * order; a parameter shared by several modules appears once, under its first name.
     *
     * @return an unmodifiable map in that order
     */
    public final Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        Set<Tensor> seen = identitySet();
        for (Map.Entry<String, Module> e : namedModules().entrySet()) {
            String prefix = e.getKey().isEmpty() ? "" : e.getKey() + ".";
            for (Map.Entry<String, Member> p : e.getValue().registered(Kind.PARAMETER).entrySet()) {
                Parameter value = (Parameter) p.getValue().value;
                if (value != null && seen.add(value)) {
                    out.put(prefix + p.getKey(), value);
                }
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** The buffers of this module and of all its sub-modules, each once, in the order of {@link #namedBuffers()}. */
    public final List<Tensor> buffers() {
        return List.copyOf(namedBuffers().values());
    }

    /**
     * The buffers of this module and of all its sub-modules with dotted names, persistent or not;
     * a buffer shared by several modules appears once.
     *
     * @return an unmodifiable map, ordered as {@link #namedParameters()}
     */
    public final Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        Set<Tensor> seen = identitySet();
        for (Map.Entry<String, Module> e : namedModules().entrySet()) {
            String prefix = e.getKey().isEmpty() ? "" : e.getKey() + ".";
            for (Map.Entry<String, Member> b : e.getValue().registered(Kind.BUFFER).entrySet()) {
                Tensor value = (Tensor) b.getValue().value;
                if (value != null && seen.add(value)) {
                    out.put(prefix + b.getKey(), value);
                }
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** The direct sub-modules that are present, each once, in registration order. */
    public final List<Module> children() {
        return List.copyOf(namedChildren().values());
    }

    /**
     * The direct sub-modules that are present, by name, each once.
     *
     * @return an unmodifiable map in registration order
     */
    public final Map<String, Module> namedChildren() {
        Map<String, Module> out = new LinkedHashMap<>();
        Set<Module> seen = identitySet();
        for (Map.Entry<String, Member> e : registered(Kind.MODULE).entrySet()) {
            Module m = (Module) e.getValue().value;
            if (m != null && seen.add(m)) {
                out.put(e.getKey(), m);
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** This module and all modules below it, each once, in the order of {@link #namedModules()}. */
    public final List<Module> modules() {
        return List.copyOf(namedModules().values());
    }

    /**
     * This module (under the name {@code ""}) and all modules below it with dotted names, depth
     * first in registration order; a module reachable by several paths appears once.
     *
     * @return an unmodifiable map in that order
     */
    public final Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        collectModules("", this, out, identitySet());
        return Collections.unmodifiableMap(out);
    }

    private static void collectModules(String name, Module m, Map<String, Module> out, Set<Module> seen) {
        if (!seen.add(m)) {
            return;
        }
        out.put(name, m);
        for (Map.Entry<String, Member> e : m.registered(Kind.MODULE).entrySet()) {
            Module child = (Module) e.getValue().value;
            if (child != null) {
                collectModules(name.isEmpty() ? e.getKey() : name + "." + e.getKey(), child, out, seen);
            }
        }
    }

    /**
     * Runs {@code fn} on every module below this one and then on this one (children first), as
     * PyTorch's {@code Module.apply}: e.g. to initialise the weights of every {@link Linear}.
     *
     * @return this module
     */
    public Module apply(Consumer<? super Module> fn) {
        for (Module child : children()) {
            child.apply(fn);
        }
        fn.accept(this);
        return this;
    }

    // ================================================================ state dict

    /**
     * The module's state: every present parameter and persistent buffer of this module and its
     * sub-modules under its dotted name, this module's parameters first, then its buffers, then
     * each sub-module's state, as PyTorch's {@code state_dict()}. A member shared by several
     * modules appears under each name. The values are detached tensors that share storage with
     * the members (not copies), so save them before changing the model if a snapshot is needed.
     *
     * @return a new mutable map in that order
     * @throws IllegalStateException if the modules form a cycle
     */
    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> targets = new LinkedHashMap<>();
        collectState("", targets, identitySet());
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : targets.entrySet()) {
            out.put(e.getKey(), e.getValue().detach());
        }
        return out;
    }

    private void collectState(String prefix, Map<String, Tensor> out, Set<Module> path) {
        if (!path.add(this)) {
            throw new IllegalStateException("the module " + moduleName() + " contains itself (at \"" + prefix
                    + "\"); a module tree must not have cycles");
        }
        for (Map.Entry<String, Member> e : registered(Kind.PARAMETER).entrySet()) {
            if (e.getValue().value != null) {
                out.put(prefix + e.getKey(), (Tensor) e.getValue().value);
            }
        }
        for (Map.Entry<String, Member> e : registered(Kind.BUFFER).entrySet()) {
            if (e.getValue().value != null && e.getValue().persistent) {
                out.put(prefix + e.getKey(), (Tensor) e.getValue().value);
            }
        }
        for (Map.Entry<String, Member> e : registered(Kind.MODULE).entrySet()) {
            Module child = (Module) e.getValue().value;
            if (child != null) {
                child.collectState(prefix + e.getKey() + ".", out, path);
            }
        }
        path.remove(this);
    }

    /**
     * Copies {@code stateDict}'s values into this module's parameters and buffers, strictly: the
     * keys must be exactly those of {@link #stateDict()} and each value must have its member's
     * shape. Values are copied in place (converted to the member's dtype and device) without
     * recording autograd, so references to the parameters (e.g. an optimizer's) stay valid.
     *
     * @return the unmatched keys, which are always empty here
     * @throws IllegalArgumentException listing every missing, unexpected or misshaped key (or
     *     null value); nothing is modified then
     */
    public final IncompatibleKeys loadStateDict(Map<String, ? extends Tensor> stateDict) {
        return loadStateDict(stateDict, true);
    }

    /**
     * Copies {@code stateDict}'s values into this module's parameters and buffers of the same
     * names, as {@link #loadStateDict(Map)}. With {@code strict = false}, missing and unexpected
     * keys are returned instead of rejected; a value whose shape differs from its member's is an
     * error either way.
     *
     * @return the missing and unexpected keys (both empty when strict)
     * @throws IllegalArgumentException listing every key that cannot be loaded; nothing is
     *     modified then
     */
    public final IncompatibleKeys loadStateDict(Map<String, ? extends Tensor> stateDict, boolean strict) {
        Map<String, Tensor> targets = new LinkedHashMap<>();
        collectState("", targets, identitySet());
        List<String> missing = new ArrayList<>();
        List<String> misshaped = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : targets.entrySet()) {
            String key = e.getKey();
            if (!stateDict.containsKey(key)) {
                missing.add(key);
                continue;
            }
            Tensor value = stateDict.get(key);
            Tensor target = e.getValue();
            if (value == null) {
                misshaped.add("value for " + key + " is null");
            } else if (!Arrays.equals(value.shape(), target.shape())) {
                misshaped.add("size mismatch for " + key + ": copying a tensor of shape " + Arrays.toString(value.shape())
                        + " from the state dict, but the shape in the current model is " + Arrays.toString(target.shape()));
            }
        }
        List<String> unexpected = new ArrayList<>();
        for (String key : stateDict.keySet()) {
            if (!targets.containsKey(key)) {
                unexpected.add(key);
            }
        }
        List<String> errors = new ArrayList<>();
        if (strict && !unexpected.isEmpty()) {
            errors.add("Unexpected key(s) in state_dict: " + quoted(unexpected) + ".");
        }
        if (strict && !missing.isEmpty()) {
            errors.add("Missing key(s) in state_dict: " + quoted(missing) + ".");
        }
        errors.addAll(misshaped);
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("Error(s) in loading state_dict for " + moduleName() + ":\n\t"
                    + String.join("\n\t", errors));
        }
        try (Grad.Scope off = Grad.disabled()) {
            for (Map.Entry<String, Tensor> e : targets.entrySet()) {
                Tensor value = stateDict.get(e.getKey());
                if (value != null) {
                    e.getValue().copy_(value);
                }
            }
        }
        return new IncompatibleKeys(missing, unexpected);
    }

    private static String quoted(List<String> keys) {
        StringBuilder sb = new StringBuilder();
        for (String k : keys) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append('"').append(k).append('"');
        }
        return sb.toString();
    }

    // ================================================================ modes and gradients

    /** Puts this module and all below it in training mode (e.g. {@link Dropout} drops); returns this module. */
    public Module train() {
        return train(true);
    }

    /**
     * Sets training mode ({@code true}) or evaluation mode ({@code false}) on this module and all
     * below it.
     *
     * @return this module
     */
    public Module train(boolean mode) {
        for (Module m : modules()) {
            m.training = mode;
        }
        return this;
    }

    /** Puts this module and all below it in evaluation mode ({@code train(false)}); returns this module. */
    public Module eval() {
        return train(false);
    }

    /** Whether this module is in training mode (PyTorch's {@code training}); new modules are. */
    public final boolean isTraining() {
        return training;
    }

    /**
     * Zeroes the gradient of every parameter in place, keeping the gradient tensors for the next
     * backward to accumulate into (PyTorch 1.13's default).
     */
    public void zeroGrad() {
        zeroGrad(false);
    }

    /**
     * Clears the gradient of every parameter.
     *
     * @param setToNone drop the gradients (then {@link Tensor#grad()} is null) instead of zeroing them
     */
    public void zeroGrad(boolean setToNone) {
        zeroGrads(parameters(), setToNone);
    }

    /**
     * A gradient that is part of a graph (from a backward with {@code createGraph}) is replaced by
     * a detached one before zeroing, so that the graph is not modified.
     */
    private static void zeroGrads(Iterable<? extends Tensor> params, boolean setToNone) {
        for (Tensor p : params) {
            Tensor g = p.grad();
            if (g == null) {
                continue;
            }
            if (setToNone) {
                p.setGrad(null);
            } else {
                if (!g.isLeaf()) {
                    g = g.detach();
                    p.setGrad(g);
                }
                try (Grad.Scope off = Grad.disabled()) {
                    g.zero_();
                }
            }
        }
    }

    // ================================================================ conversion

    /**
     * Moves every parameter, gradient and buffer to {@code device}.
     *
     * <p>Unlike PyTorch, which swaps a parameter's storage behind the same object, Nabla replaces
     * each moved parameter by a new {@link Parameter} (same {@code requiresGrad}, gradient moved
     * too) and stores it in the member's field. So, as PyTorch advises anyway, move a model
     * before creating its optimizer. Parameters shared by several modules stay shared.
     *
     * @return this module
     */
    public Module to(Device device) {
        convert(t -> t.to(device), t -> true);
        return this;
    }

    /**
     * Converts every floating point parameter, gradient and buffer to the floating point
     * {@code dtype} (as PyTorch's {@code double()} and {@code float()}); integer and bool buffers
     * are kept. Parameters are replaced as in {@link #to(Device)}.
     *
     * @return this module
     * @throws IllegalArgumentException if {@code dtype} is not floating point
     */
    public Module to(DType dtype) {
        if (!dtype.isFloatingPoint()) {
            throw new IllegalArgumentException(moduleName() + ".to: only floating point dtypes are supported for modules,"
                    + " got " + dtype.torchName());
        }
        convert(t -> t.to(dtype), t -> t.dtype().isFloatingPoint());
        return this;
    }

    private void convert(UnaryOperator<Tensor> fn, java.util.function.Predicate<Tensor> applies) {
        Map<Tensor, Tensor> done = new IdentityHashMap<>();
        try (Grad.Scope off = Grad.disabled()) {
            for (Module m : modules()) {
                for (Member member : m.registered(Kind.PARAMETER).values()) {
                    Parameter p = (Parameter) member.value;
                    if (p == null || !applies.test(p)) {
                        continue;
                    }
                    Tensor moved = done.computeIfAbsent(p, old -> {
                        Tensor data = fn.apply(old);
                        if (data == old) {
                            return old;
                        }
                        Parameter q = new Parameter(data, old.requiresGrad());
                        if (old.grad() != null) {
                            q.setGrad(fn.apply(old.grad()));
                        }
                        return q;
                    });
                    m.replace(member, moved);
                }
                for (Member member : m.registered(Kind.BUFFER).values()) {
                    Tensor b = (Tensor) member.value;
                    if (b != null && applies.test(b)) {
                        m.replace(member, done.computeIfAbsent(b, fn));
                    }
                }
            }
        }
    }

    private void replace(Member member, Object value) {
        if (member.value == value) {
            return;
        }
        if (member.field != null) {
            writeField(member, value);
        }
        member.value = value;
    }

    // ================================================================ printing

    /**
     * Extra information printed inside this module's parentheses by {@link #toString()}, as
     * PyTorch's {@code extra_repr}: e.g. {@code in_features=2, out_features=1, bias=True}. Empty
     * by default; may span several lines.
     */
    public String extraRepr() {
        return "";
    }

    /**
     * The module tree exactly as PyTorch prints it: the class name, then in parentheses the
     * {@link #extraRepr()} and each sub-module as {@code (name): ...} on its own line, indented
     * by two spaces per level, e.g.
     *
     * <pre>
     * Sequential(
     *   (0): Linear(in_features=64, out_features=256, bias=True)
     *   (1): ReLU()
     * )</pre>
     */
    @Override
    public String toString() {
        return repr(identitySet());
    }

    private String repr(Set<Module> path) {
        if (!path.add(this)) {
            return moduleName() + "(<cycle>)";
        }
        String extra = extraRepr();
        List<String> extraLines = extra == null || extra.isEmpty() ? List.of() : Arrays.asList(extra.split("\n", -1));
        List<String> childLines = new ArrayList<>();
        for (Map.Entry<String, Member> e : registered(Kind.MODULE).entrySet()) {
            Module child = (Module) e.getValue().value;
            String text = child == null ? "None" : child.repr(path);
            childLines.add("(" + e.getKey() + "): " + text.replace("\n", "\n  "));
        }
        path.remove(this);
        StringBuilder sb = new StringBuilder(moduleName()).append('(');
        if (extraLines.size() == 1 && childLines.isEmpty()) {
            sb.append(extraLines.get(0));
        } else if (!extraLines.isEmpty() || !childLines.isEmpty()) {
            List<String> lines = new ArrayList<>(extraLines);
            lines.addAll(childLines);
            sb.append("\n  ").append(String.join("\n  ", lines)).append('\n');
        }
        return sb.append(')').toString();
    }

    /** The class name PyTorch would print: the simple name, or the superclass's for an anonymous class. */
    private String moduleName() {
        Class<?> c = getClass();
        while (c.isAnonymousClass()) {
            c = c.getSuperclass();
        }
        return c.getSimpleName();
    }

    private static <T> Set<T> identitySet() {
        return Collections.newSetFromMap(new IdentityHashMap<>());
    }
}
