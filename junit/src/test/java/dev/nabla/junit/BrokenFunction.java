package dev.nabla.junit;

import dev.nabla.autograd.OpGradcheck;

/**
 * A function whose {@code gradcheck()} throws. Package-private for the same reason as
 * {@link WrongSquareGradcheck}.
 */
final class BrokenFunction {
    static final String MESSAGE = "fixture: this check cannot be declared";

    private BrokenFunction() {}

    static OpGradcheck gradcheck() {
        throw new IllegalStateException(MESSAGE);
    }
}
