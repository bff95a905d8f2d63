package dev.nabla.junit;

import dev.nabla.autograd.GradcheckCase;
import org.junit.platform.commons.JUnitException;
import org.junit.platform.engine.EngineExecutionListener;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.support.descriptor.AbstractTestDescriptor;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.opentest4j.TestAbortedException;

/**
 * The one test of a case: creates it and runs its checks. Unique id
 * {@code [engine:nabla-gradcheck]/[case:<class name>]/[check:<method>]}, displayed as
 * {@code gradcheck}, where the method is the class's {@code gradcheck()} or a case class's
 * {@code run()}.
 *
 * <p>Its source is that method. Besides pointing an IDE at the code that ran, a method source is
 * what Surefire's {@code -Dtest=Class#method} filter matches on: with any other source the filter
 * lets the test through.
 */
final class CheckDescriptor extends AbstractTestDescriptor {
    /** The type of the unique-id segment of a case's test. */
    static final String SEGMENT_TYPE = "check";

    private final CaseClass found;

    CheckDescriptor(UniqueId caseId, CaseClass found) {
        super(caseId.append(SEGMENT_TYPE, found.method()), "gradcheck",
                MethodSource.from(found.type().getName(), found.method()));
        this.found = found;
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
            instance = found.create();
            disabledReason = instance.disabledReason();
        } catch (Exception | LinkageError | AssertionError e) {
            String creating = found.factory() == null ? "creating it with its public no-argument constructor"
                    : "calling " + CaseClass.FACTORY + "()";
            listener.executionStarted(this);
            listener.executionFinished(this, TestExecutionResult.failed(new JUnitException("Could not set up gradcheck case "
                    + found.type().getName() + ": " + creating + " and asking for its disabledReason() threw " + e, e)));
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
