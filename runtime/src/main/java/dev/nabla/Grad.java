package dev.nabla;

/**
 * Grad mode, per thread: while it is disabled, ops record no graph (PyTorch's
 * {@code torch.no_grad()}). Scopes nest and restore the previous mode when closed:
 *
 * <pre>{@code
 * try (var off = Grad.disabled()) {
 *     weight.sub_(weight.grad().mul(lr));
 * }
 * }</pre>
 */
public final class Grad {
    private static final ThreadLocal<boolean[]> ENABLED = ThreadLocal.withInitial(() -> new boolean[] {true});

    private Grad() {}

    /** Whether ops on this thread record the graph for autograd. */
    public static boolean isEnabled() {
        return ENABLED.get()[0];
    }

    /** Disables grad mode on this thread until the returned scope is closed. */
    public static Scope disabled() {
        return set(false);
    }

    /** Enables grad mode on this thread until the returned scope is closed. */
    public static Scope enabled() {
        return set(true);
    }

    /** Sets grad mode on this thread until the returned scope is closed. */
    public static Scope set(boolean enabled) {
        boolean[] cell = ENABLED.get();
        Scope scope = new Scope(cell, cell[0]);
        cell[0] = enabled;
        return scope;
    }

    /** Restores the previous grad mode when closed; use with try-with-resources. */
    public static final class Scope implements AutoCloseable {
        private final boolean[] cell;
        private final boolean previous;
        private boolean closed;

        private Scope(boolean[] cell, boolean previous) {
            this.cell = cell;
            this.previous = previous;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                cell[0] = previous;
            }
        }
    }
}
