package dev.nabla.junit;

import dev.nabla.autograd.GradcheckCase;
import java.util.Optional;
import org.junit.platform.engine.EngineDiscoveryRequest;
import org.junit.platform.engine.EngineExecutionListener;
import org.junit.platform.engine.ExecutionRequest;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.TestEngine;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.UniqueId;

/**
 * The JUnit Platform engine that runs every {@link GradcheckCase} (the {@code gradcheck()} of each
 * generated op function, and case classes) as one test named after its op; see the {@linkplain dev.nabla.junit package documentation} for how cases are found.
 *
 * <p>Registered for {@link java.util.ServiceLoader}, so having {@code nabla-junit} on the test
 * class path is enough: a launcher (Maven Surefire, an IDE, the console launcher) picks it up
 * next to Jupiter.
 */
public final class GradcheckTestEngine implements TestEngine {
    /** The engine's id, the first segment of every unique id it hands out: {@value}. */
    public static final String ENGINE_ID = "nabla-gradcheck";

    /**
     * The configuration parameter that governs the class-path scan: {@value}, one of
     * {@code auto} (the default), {@code true} and {@code false}.
     */
    public static final String SCAN_PARAMETER = "nabla.gradcheck.scan";

    private final boolean inSurefireSuiteRun;

    /** The engine as {@link java.util.ServiceLoader} creates it. */
    public GradcheckTestEngine() {
        this(ScanMode.inSurefireSuiteRun());
    }

    /** The engine with the build-tool detection fixed, so that tests can play either side. */
    GradcheckTestEngine(boolean inSurefireSuiteRun) {
        this.inSurefireSuiteRun = inSurefireSuiteRun;
    }

    /** Returns {@value #ENGINE_ID}. */
    @Override
    public String getId() {
        return ENGINE_ID;
    }

    /** Returns {@code dev.nabla}. */
    @Override
    public Optional<String> getGroupId() {
        return Optional.of("dev.nabla");
    }

    /** Returns {@code nabla-junit}. */
    @Override
    public Optional<String> getArtifactId() {
        return Optional.of("nabla-junit");
    }

    /**
     * Finds the cases the request selects, plus, when the scan applies, every public case in
     * the class path's directories.
     *
     * @throws org.junit.platform.commons.JUnitException if {@value #SCAN_PARAMETER} has a value
     *     other than {@code auto}, {@code true} or {@code false}, or the class path cannot be read
     */
    @Override
    public TestDescriptor discover(EngineDiscoveryRequest request, UniqueId uniqueId) {
        return new CaseDiscovery(request, uniqueId, ScanMode.from(request.getConfigurationParameters()),
                inSurefireSuiteRun).discover();
    }

    /**
     * Runs the discovered cases one after the other: the test of a disabled case is skipped with its reason,
     * a case whose constructor or {@code disabledReason()} throws fails, any other passes or
     * fails with what its {@code run()} throws.
     */
    @Override
    public void execute(ExecutionRequest request) {
        TestDescriptor root = request.getRootTestDescriptor();
        EngineExecutionListener listener = request.getEngineExecutionListener();
        listener.executionStarted(root);
        for (TestDescriptor child : root.getChildren()) {
            ((CaseDescriptor) child).execute(listener);
        }
        listener.executionFinished(root, TestExecutionResult.successful());
    }
}
