package dev.nabla.junit;

import dev.nabla.autograd.GradcheckCase;
import org.junit.platform.commons.JUnitException;
import org.junit.platform.commons.support.ReflectionSupport;
import org.junit.platform.engine.EngineExecutionListener;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.support.descriptor.AbstractTestDescriptor;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.opentest4j.TestAbortedException;

/**
 * The one test of a case: creates it and runs its checks. Unique id
 * {@code [engine:nabla-gradcheck]/[case:<case class name>]/[check:run]}, displayed as
 * {@code gradcheck}.
 *
 * <p>Its source is the case's {@code run()} method. Besides pointing an IDE at the code that
 * ran, a method source is what Surefire's {@code -Dtest=Class#method} filter matches on: with
 * any other source the filter lets the test through.
 */
final class CheckDescriptor extends AbstractTestDescriptor {
    /** The type of the unique-id segment of a case's test. */
    static final String SEGMENT_TYPE = "check";

    /** The value of that segment, the name of the method the test runs. */
    static final String SEGMENT_VALUE = "run";

    private final Class<? extends GradcheckCase> caseClass;

    CheckDescriptor(UniqueId caseId, Class<? extends GradcheckCase> caseClass) {
        super(caseId.append(SEGMENT_TYPE, SEGMENT_VALUE), "gradcheck", MethodSource.from(caseClass.getName(), SEGMENT_VALUE));
        this.caseClass = caseClass;
    }

    @Override
    public Type getType() {
        return Type.TEST;
    }

    /**
     * Reports this test to {@code listener}: skipped with the case's reason when it is disabled,
     * otherwise started and then finished with the outcome of {@code run()}. A case that cannot
     * be created, or whose {@code disabledReason()} throws, starts and fails with a
     * {@link JUnitException} that says so and carries the cause.
     */
    void execute(EngineExecutionListener listener) {
        GradcheckCase instance;
        String disabledReason;
        try {
            instance = ReflectionSupport.newInstance(caseClass);
            disabledReason = instance.disabledReason();
        } catch (Exception | LinkageError | AssertionError e) {
            listener.executionStarted(this);
            listener.executionFinished(this, TestExecutionResult.failed(new JUnitException("Could not set up gradcheck case "
                    + caseClass.getName() + ": creating it with its public no-argument constructor and asking for its"
                    + " disabledReason() threw " + e, e)));
            return;
        }
        if (disabledReason != null) {
            listener.executionSkipped(this, disabledReason);
            return;
        }
        listener.executionStarted(this);
        listener.executionFinished(this, run(instance));
    }

    private static TestExecutionResult run(GradcheckCase instance) {
        try {
            instance.run();
            return TestExecutionResult.successful();
        } catch (TestAbortedException e) {
            return TestExecutionResult.aborted(e);
        } catch (OutOfMemoryError e) {
            // As JUnit's own engines do: the JVM cannot be trusted to report anything after this.
            throw e;
        } catch (Throwable t) {
            return TestExecutionResult.failed(t);
        }
    }
}
