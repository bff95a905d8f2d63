package dev.nabla.junit;

import dev.nabla.autograd.GradcheckCase;

/**
 * A case whose constructor throws. Package-private for the same reason as
 * {@link WrongSquareGradcheck}.
 */
final class UnconstructibleGradcheck implements GradcheckCase {
    static final String MESSAGE = "fixture: this case cannot be built";

    UnconstructibleGradcheck() {
        throw new IllegalStateException(MESSAGE);
    }

    @Override
    public String opClassName() {
        return "dev.nabla.junit.Unconstructible";
    }

    @Override
    public String disabledReason() {
        return null;
    }

    @Override
    public void run() {
        throw new AssertionError("never reached: the constructor throws");
    }
}
