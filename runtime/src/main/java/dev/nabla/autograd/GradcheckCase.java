package dev.nabla.autograd;

/**
 * One op's generated gradient check: what the annotation processor writes for every
 * {@code @Differentiable} op as {@code <ClassName>Function.Gradcheck}, nested in the op's function,
 * and what {@code nabla-junit} discovers on the test class path and runs as one test named after
 * the op.
 *
 * <p>Implementations are public, final (top-level or static nested), and have a public
 * no-argument constructor. A user may copy a generated case and customize it; anything
 * implementing this interface in a test-class-path directory is run the same way.
 */
public interface GradcheckCase {
    /** The op's fully qualified class name, e.g. {@code com.example.MyReLU}. */
    String opClassName();

    /** The reason from {@code @Gradcheck(enabled = false, reason = ...)}, or null when the check runs. */
    String disabledReason();

    /**
     * Builds seeded float64 inputs and runs the checks.
     *
     * @throws AssertionError naming the op, the input and output, and the Jacobian entries that
     *     disagree most, when a check fails
     */
    void run();
}
