package dev.nabla.nn;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Sub-modules held by name, PyTorch's {@code nn.ModuleDict}: registered under their keys in
 * insertion order, so their parameters are {@code key.weight} and so on, with no forward of its
 * own.
 */
public final class ModuleDict extends Module {
    private final Map<String, Module> map = new LinkedHashMap<>();

    /** An empty dictionary. */
    public ModuleDict() {}

    /** A dictionary of {@code modules}' entries, in their iteration order. */
    public ModuleDict(Map<String, ? extends Module> modules) {
        modules.forEach(this::put);
    }

    /**
     * Adds {@code module} under {@code key}, replacing the module held there.
     *
     * @return this dictionary
     * @throws NullPointerException if {@code module} is null
     * @throws IllegalArgumentException if {@code key} is empty or contains a dot
     */
    public ModuleDict put(String key, Module module) {
        if (module == null) {
            throw new NullPointerException("ModuleDict.put: module \"" + key + "\" is null");
        }
        registerModule(key, module);
        map.put(key, module);
        return this;
    }

    /**
     * The module under {@code key}.
     *
     * @throws IllegalArgumentException if there is none
     */
    public Module get(String key) {
        Module m = map.get(key);
        if (m == null) {
            throw new IllegalArgumentException("ModuleDict.get: no module under \"" + key + "\"; the keys are " + map.keySet());
        }
        return m;
    }

    /** Whether a module is held under {@code key}. */
    public boolean containsKey(String key) {
        return map.containsKey(key);
    }

    /** The keys, in insertion order. */
    public Set<String> keySet() {
        return java.util.Collections.unmodifiableSet(map.keySet());
    }

    /** The number of modules. */
    public int size() {
        return map.size();
    }
}
