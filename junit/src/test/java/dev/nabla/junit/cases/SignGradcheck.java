package dev.nabla.junit.cases;

import dev.nabla.autograd.GradcheckCase;

/**
 * A disabled case, as {@code @Gradcheck(enabled = false, reason = ...)} generates it. Its
 * {@code run()} fails, so an engine that ran it instead of skipping it would be caught.
 */
public final class SignGradcheck implements GradcheckCase {
    /** The reason the engine must report the skip with. */
    public static final String REASON = "straight-through estimator: the backward is deliberately not sign's gradient";

    /** Creates the case; the engine needs the public no-argument constructor. */
    public SignGradcheck() {}

    @Override
    public String opClassName() {
        return "dev.nabla.junit.cases.Sign";
    }

    @Override
    public String disabledReason() {
        return REASON;
    }

    @Override
    public void run() {
        throw new AssertionError("a disabled case must be skipped, not run");
    }
}
