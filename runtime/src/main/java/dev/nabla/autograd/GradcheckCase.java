package dev.nabla.autograd;

/**
 * One op's gradient check, which {@code nabla-junit} discovers in the class-path directories and
 * runs as one test named after the op. It finds a case in two forms:
 * <ul>
 *   <li>a public static no-argument method named {@code gradcheck} of a public class, returning a
 *       {@code GradcheckCase}: what the annotation processor generates in every {@code @Differentiable}
 *       op's function ({@code MyReLUFunction.gradcheck()}, reported as {@code MyReLU});
 *   <li>a public concrete class implementing this interface (top-level or static nested) with a
 *       public no-argument constructor, e.g. a generated check copied into a class of its own and
 *       customized.
 * </ul>
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
