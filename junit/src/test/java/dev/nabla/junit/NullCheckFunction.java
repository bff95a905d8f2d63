package dev.nabla.junit;

import dev.nabla.autograd.OpGradcheck;

/**
 * A function whose {@code gradcheck()} returns null. Package-private for the same reason as
 * {@link WrongSquareGradcheck}.
 */
final class NullCheckFunction {
    private NullCheckFunction() {}

    static OpGradcheck gradcheck() {
        return null;
    }
}
