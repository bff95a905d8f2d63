package dev.nabla.autograd;

/**
 * What registering a hook returns (PyTorch's {@code RemovableHandle}): removing it takes the
 * hook out, so that later backward runs no longer call it.
 */
@FunctionalInterface
public interface RemovableHandle {
    /** Takes the hook out; removing it again does nothing. */
    void remove();
}
