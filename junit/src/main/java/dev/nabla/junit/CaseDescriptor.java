package dev.nabla.junit;

import dev.nabla.autograd.GradcheckCase;
import org.junit.platform.engine.EngineExecutionListener;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.support.descriptor.AbstractTestDescriptor;
import org.junit.platform.engine.support.descriptor.ClassSource;

/**
 * One class holding a check, displayed as the op's simple name, with the check's one test
 * ({@link CheckDescriptor}); unique id {@code [engine:nabla-gradcheck]/[case:<class name>]}.
 *
 * <p>The container level exists for build reports: Surefire opens a report (a
 * {@code TEST-<class>.xml} and a "Running ..." line) for each container with a class source,
 * and files tests outside one under whichever report happens to be open, that is, under some
 * unrelated test class.
 */
final class CaseDescriptor extends AbstractTestDescriptor {
    /** The type of the unique-id segment that names a case class. */
    static final String SEGMENT_TYPE = "case";

    /** What the names of generated classes add to the op's name. */
    private static final String[] SUFFIXES = {"Function", "Gradcheck"};

    CaseDescriptor(UniqueId engineId, CaseClass found) {
        super(engineId.append(SEGMENT_TYPE, found.type().getName()), opName(found.type()), ClassSource.from(found.type()));
        addChild(new CheckDescriptor(getUniqueId(), found));
    }

    /**
     * The op's simple name as the class spells it: {@code MyReLU} for the generated function
     * {@code MyReLUFunction} (whose {@code gradcheck()} holds the check) and for the
     * {@code MyReLUGradcheck} that earlier versions generated and a user's copy may keep; the class's own
     * simple name for a class named otherwise. Taken from the
     * name rather than from {@link GradcheckCase#opClassName()} so that discovery runs no user code.
     */
    static String opName(Class<?> type) {
        String simple = type.getSimpleName();
        for (String suffix : SUFFIXES) {
            if (simple.endsWith(suffix) && simple.length() > suffix.length()) {
                return simple.substring(0, simple.length() - suffix.length());
            }
        }
        return simple;
    }

    @Override
    public Type getType() {
        return Type.CONTAINER;
    }

    /** Reports this case and its test to {@code listener}; the container itself always succeeds. */
    void execute(EngineExecutionListener listener) {
        listener.executionStarted(this);
        for (var child : getChildren()) {
            ((CheckDescriptor) child).execute(listener);
        }
        listener.executionFinished(this, TestExecutionResult.successful());
    }
}
