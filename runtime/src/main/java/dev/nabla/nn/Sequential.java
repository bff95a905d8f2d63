package dev.nabla.nn;

import dev.nabla.Tensor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A chain of modules, each fed the previous one's output: PyTorch's {@code nn.Sequential}. The
 * modules are sub-modules named {@code "0"}, {@code "1"}, ..., so their parameters are
 * {@code 0.weight}, {@code 2.bias}, and so on.
 *
 * <pre>{@code
 * var model = new Sequential(new Linear(64, 256), new ReLU(), new Linear(256, 10));
 * Tensor logits = model.forward(x);
 * }</pre>
 */
public final class Sequential extends UnaryModule implements Iterable<UnaryModule> {
    private UnaryModule[] chain = new UnaryModule[0];
    /** The {@link #structureVersion()} {@link #chain} was read at; another value means a module was registered since. */
    private int chainVersion = -1;

    /** A chain of {@code modules}, in order. */
    public Sequential(UnaryModule... modules) {
        for (UnaryModule m : modules) {
            add(m);
        }
    }

    /**
     * Appends {@code module}, named after its position.
     *
     * @return this container
     * @throws NullPointerException if {@code module} is null
     */
    public Sequential add(UnaryModule module) {
        if (module == null) {
            throw new NullPointerException("Sequential.add: module " + size() + " is null");
        }
        registerModule(Integer.toString(size()), module);
        return this;
    }

    /** The number of modules. */
    public int size() {
        return chain().length;
    }

    /**
     * The module at {@code index}.
     *
     * @throws IndexOutOfBoundsException if {@code index} is not in {@code [0, size())}
     */
    public UnaryModule get(int index) {
        UnaryModule[] c = chain();
        if (index < 0 || index >= c.length) {
            throw new IndexOutOfBoundsException("Sequential.get: index " + index + " is out of range for " + c.length
                    + " modules");
        }
        return c[index];
    }

    /** The modules in order. */
    @Override
    public Iterator<UnaryModule> iterator() {
        return List.of(chain()).iterator();
    }

    /** Feeds {@code input} through every module in order; with no modules, returns {@code input}. */
    @Override
    public Tensor forward(Tensor input) {
        Tensor x = input;
        for (UnaryModule m : chain()) {
            x = m.forward(x);
        }
        return x;
    }

    /** The registered sub-modules as an array, re-read only after a registration, so forward allocates nothing. */
    private UnaryModule[] chain() {
        int version = structureVersion();
        if (version != chainVersion) {
            List<UnaryModule> list = new ArrayList<>();
            for (Module m : subModules()) {
                if (!(m instanceof UnaryModule)) {
                    throw new IllegalStateException("Sequential: sub-module " + m.getClass().getSimpleName()
                            + " does not map one tensor to one tensor (it is not a UnaryModule)");
                }
                list.add((UnaryModule) m);
            }
            chain = list.toArray(new UnaryModule[0]);
            chainVersion = version;
        }
        return chain;
    }
}
