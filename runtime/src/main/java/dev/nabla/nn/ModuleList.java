package dev.nabla.nn;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Sub-modules held in a list, PyTorch's {@code nn.ModuleList}: registered under their indices
 * ({@code "0"}, {@code "1"}, ...), so their parameters are {@code 0.weight} and so on, but with no
 * forward of its own; the owner calls them as it needs.
 *
 * <pre>{@code
 * var layers = new ModuleList(new Linear(8, 8), new Linear(8, 8));
 * for (Module layer : layers) { ... }
 * }</pre>
 */
public final class ModuleList extends Module implements Iterable<Module> {
    private final List<Module> list = new ArrayList<>();

    /** A list of {@code modules}, in order. */
    public ModuleList(Module... modules) {
        for (Module m : modules) {
            add(m);
        }
    }

    /**
     * Appends {@code module}, named after its index.
     *
     * @return this list
     * @throws NullPointerException if {@code module} is null
     */
    public ModuleList add(Module module) {
        if (module == null) {
            throw new NullPointerException("ModuleList.add: module " + list.size() + " is null");
        }
        registerModule(Integer.toString(list.size()), module);
        list.add(module);
        return this;
    }

    /**
     * The module at {@code index}; negative indices count from the end, as in Python.
     *
     * @throws IndexOutOfBoundsException if {@code index} is not in {@code [-size(), size())}
     */
    public Module get(int index) {
        int i = index < 0 ? index + list.size() : index;
        if (i < 0 || i >= list.size()) {
            throw new IndexOutOfBoundsException("ModuleList.get: index " + index + " is out of range for " + list.size()
                    + " modules");
        }
        return list.get(i);
    }

    /** The number of modules. */
    public int size() {
        return list.size();
    }

    /** The modules in order. */
    @Override
    public Iterator<Module> iterator() {
        return List.copyOf(list).iterator();
    }
}
