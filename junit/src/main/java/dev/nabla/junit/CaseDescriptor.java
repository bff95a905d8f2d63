package dev.nabla.junit;

import dev.nabla.autograd.GradcheckCase;
import org.junit.platform.engine.EngineExecutionListener;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.support.descriptor.AbstractTestDescriptor;
import org.junit.platform.engine.support.descriptor.ClassSource;

/**
 * One case class, displayed as the op's simple name, holding the case's one test
 * ({@link CheckDescriptor}); unique id {@code [engine:nabla-gradcheck]/[case:<case class name>]}.
 *
 * <p>The container level exists for build reports: Surefire opens a report (a
 * {@code TEST-<class>.xml} and a "Running ..." line) for each container with a class source,
 * and files tests outside one under whichever report happens to be open, that is, under some
 * unrelated test class.
 */
final class CaseDescriptor extends AbstractTestDescriptor {
    /** The type of the unique-id segment that names a case class. */
    static final String SEGMENT_TYPE = "case";

    private static final String GENERATED_SUFFIX = "Gradcheck";
    private static final String FUNCTION_SUFFIX = "Function";

    CaseDescriptor(UniqueId engineId, Class<? extends GradcheckCase> caseClass) {
        super(engineId.append(SEGMENT_TYPE, caseClass.getName()), opName(caseClass), ClassSource.from(caseClass));
        addChild(new CheckDescriptor(getUniqueId(), caseClass));
    }

    /**
     * The op's simple name as the case class spells it: {@code MyReLU} for the generated
     * {@code MyReLUFunction.Gradcheck} (and for a {@code MyReLUGradcheck}, the name earlier versions
     * generated and a user's copy may keep), the class's own simple name for a case named otherwise.
     * Taken from the name rather than from {@link GradcheckCase#opClassName()} so that discovery
     * runs no user code.
     */
    static String opName(Class<?> caseClass) {
        String simple = caseClass.getSimpleName();
        Class<?> enclosing = caseClass.getEnclosingClass();
        if (simple.equals(GENERATED_SUFFIX) && enclosing != null) {
            String function = enclosing.getSimpleName();
            if (function.endsWith(FUNCTION_SUFFIX) && function.length() > FUNCTION_SUFFIX.length()) {
                return function.substring(0, function.length() - FUNCTION_SUFFIX.length());
            }
        }
        boolean generatedName = simple.endsWith(GENERATED_SUFFIX) && simple.length() > GENERATED_SUFFIX.length();
        return generatedName ? simple.substring(0, simple.length() - GENERATED_SUFFIX.length()) : simple;
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
