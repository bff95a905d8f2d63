package dev.nabla.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClasspathRoots;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectUniqueId;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.displayName;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.skippedWithReason;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.cause;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.nabla.Gradcheck;
import dev.nabla.autograd.OpGradcheck;
import dev.nabla.junit.cases.ScaleFunction;
import dev.nabla.junit.cases.SignGradcheck;
import dev.nabla.junit.cases.SquareAtZeroCheck;
import dev.nabla.junit.cases.SquareGradcheck;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.assertj.core.api.Condition;
import org.junit.jupiter.api.Test;
import org.junit.platform.commons.JUnitException;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.Filter;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.discovery.ClassNameFilter;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.EventType;

/**
 * The engine through {@link EngineTestKit}. Fixtures: the public cases in {@code cases/} pass or
 * are disabled, and the module's own {@code mvn test} also runs them through the class-path scan
 * (each gets its own Surefire report); the failing ones in this package are package-private, so
 * no scan finds them and only the tests that select them by name run them.
 */
class GradcheckTestEngineTest {
    /** The public cases in this module's test classes: what every scan must find, and only these. */
    private static final Set<String> PUBLIC_CASES = Set.of("Scale", "Sign", "Square", "SquareAtZeroCheck");

    private static final String SQUARE_ID = "[engine:nabla-gradcheck]/[case:" + SquareGradcheck.class.getName() + "]";

    private static final String SQUARE_CHECK_ID = SQUARE_ID + "/[check:run]";

    // ---------------------------------------------------------------- outcomes

    @Test
    void passingCaseIsOneSuccessfulTestInAContainerNamedAfterItsOp() {
        EngineExecutionResults results = explicitly(selectClass(SquareGradcheck.class));

        results.testEvents().assertStatistics(stats -> stats.started(1).succeeded(1).failed(0).skipped(0));
        results.testEvents().assertThatEvents()
                .haveExactly(1, event(test(), uniqueId(SQUARE_CHECK_ID), finishedSuccessfully()));
        results.containerEvents().assertThatEvents()
                .haveExactly(1, event(container(), uniqueId(SQUARE_ID), displayName("Square"), finishedSuccessfully()));
    }

    @Test
    void failingCaseReportsTheGradcheckAssertionWithItsJacobians() {
        EngineExecutionResults results = explicitly(selectClass(WrongSquareGradcheck.class));

        results.testEvents().assertStatistics(stats -> stats.started(1).failed(1));
        assertThat(discoveredNames(results)).containsExactly("WrongSquare");
        results.testEvents().assertThatEvents().haveExactly(1, event(test("WrongSquareGradcheck"),
                finishedWithFailure(instanceOf(Gradcheck.GradcheckException.class),
                        message(m -> m.contains("Jacobian mismatch") && m.contains("numerical") && m.contains("analytical")))));
    }

    @Test
    void caseWithAWrongJvpFailsNamingTheOpAndTheWorstEntry() {
        EngineExecutionResults results = explicitly(selectClass(WrongJvpSquareGradcheck.class));

        results.testEvents().assertStatistics(stats -> stats.started(1).failed(1));
        assertThat(discoveredNames(results)).containsExactly("WrongJvpSquare");
        // The gradient is right, so gradcheck passes; then the jvp, 3x where 2x is due, disagrees
        // most at x = 2: 6 against finite differences' 4.
        results.testEvents().assertThatEvents().haveExactly(1, event(test("WrongJvpSquareGradcheck"),
                finishedWithFailure(instanceOf(AssertionError.class), message(m -> m.startsWith(
                        "WrongJvpSquare: the jvp disagrees (seed " + OpGradcheck.DEFAULT_SEED + "): forward-mode Jacobian"
                                + " mismatch for output 0 with respect to input 0 (shape [4]): at input element 3, output"
                                + " element 3 numerical ")
                        && m.contains(" jvp 6.0")))));
    }

    @Test
    void disabledCaseIsSkippedWithItsReasonAndNeverRun() {
        EngineExecutionResults results = explicitly(selectClass(SignGradcheck.class));

        results.testEvents().assertStatistics(stats -> stats.skipped(1).started(0));
        results.testEvents().assertThatEvents()
                .haveExactly(1, event(test("SignGradcheck"), skippedWithReason(SignGradcheck.REASON)));
        assertThat(discoveredNames(results)).containsExactly("Sign");
    }

    @Test
    void caseThatCannotBeCreatedFailsNamingTheClassAndTheCause() {
        EngineExecutionResults results = explicitly(selectClass(UnconstructibleGradcheck.class));

        results.testEvents().assertStatistics(stats -> stats.started(1).failed(1));
        results.testEvents().assertThatEvents().haveExactly(1, event(test("UnconstructibleGradcheck"),
                finishedWithFailure(instanceOf(JUnitException.class),
                        message(m -> m.contains(UnconstructibleGradcheck.class.getName())
                                && m.contains(UnconstructibleGradcheck.MESSAGE)),
                        cause(instanceOf(IllegalStateException.class)))));
    }

    @Test
    void otherCasesStillRunAfterOneFails() {
        EngineExecutionResults results = explicitly(selectClass(UnconstructibleGradcheck.class),
                selectClass(WrongSquareGradcheck.class), selectClass(SquareGradcheck.class));

        results.testEvents().assertStatistics(stats -> stats.started(3).failed(2).succeeded(1));
    }

    // ---------------------------------------------------------------- selectors

    @Test
    void methodSelectorOfRunSelectsTheCase() {
        assertThat(discoveredNames(explicitly(selectMethod(SquareGradcheck.class, "run")))).containsExactly("Square");
    }

    @Test
    void classSelectorOfAnUnrelatedClassSelectsNothingWithoutTheScan() {
        assertThat(discoveredNames(explicitly(selectClass(GradcheckTestEngineTest.class)))).isEmpty();
    }

    @Test
    void packageSelectorFindsThePublicCasesBelowIt() {
        assertThat(discoveredNames(explicitly(selectPackage("dev.nabla.junit")))).containsExactlyInAnyOrderElementsOf(PUBLIC_CASES);
        assertThat(discoveredNames(explicitly(selectPackage("dev.nabla.autograd")))).isEmpty();
    }

    @Test
    void classpathRootSelectorFindsThePublicCasesInIt() throws URISyntaxException {
        Path testClasses = Paths.get(SquareGradcheck.class.getProtectionDomain().getCodeSource().getLocation().toURI());

        EngineExecutionResults results = explicitly(selectClasspathRoots(Set.of(testClasses)).toArray(new DiscoverySelector[0]));

        assertThat(discoveredNames(results)).containsExactlyInAnyOrderElementsOf(PUBLIC_CASES);
        results.testEvents().assertStatistics(stats -> stats.succeeded(3).skipped(1).failed(0));
    }

    @Test
    void uniqueIdSelectorSelectsThatCaseEvenWhenItIsNotPublic() {
        assertThat(discoveredNames(explicitly(selectUniqueId(SQUARE_ID)))).containsExactly("Square");
        assertThat(discoveredNames(explicitly(selectUniqueId(SQUARE_CHECK_ID)))).containsExactly("Square");
        assertThat(discoveredNames(explicitly(
                selectUniqueId("[engine:nabla-gradcheck]/[case:" + WrongSquareGradcheck.class.getName() + "]"))))
                .containsExactly("WrongSquare");
    }

    @Test
    void uniqueIdsOfOtherEnginesOrMissingClassesSelectNothing() {
        assertThat(discoveredNames(explicitly(selectUniqueId("[engine:junit-jupiter]/[class:" + SquareGradcheck.class.getName() + "]"),
                selectUniqueId("[engine:nabla-gradcheck]/[case:dev.nabla.junit.NoSuchGradcheck]"),
                selectUniqueId(SQUARE_ID + "/[check:other]")))).isEmpty();
    }

    @Test
    void uniqueIdOfTheEngineScansTheClassPath() {
        assertThat(discoveredNames(explicitly(selectUniqueId("[engine:nabla-gradcheck]")))).containsExactlyInAnyOrderElementsOf(PUBLIC_CASES);
    }

    @Test
    void classNameFiltersApplyToScannedCases() {
        EngineExecutionResults results = EngineTestKit.engine(new GradcheckTestEngine(false))
                .selectors(selectPackage("dev.nabla.junit"))
                .filters((Filter<?>) ClassNameFilter.excludeClassNamePatterns(".*Sign.*"))
                .execute();

        assertThat(discoveredNames(results)).containsExactlyInAnyOrder("Scale", "Square", "SquareAtZeroCheck");
    }

    @Test
    void descriptorsPointAtTheCaseClassAndItsRunMethod() {
        TestDescriptor engine = new GradcheckTestEngine(false).discover(
                LauncherDiscoveryRequestBuilder.request().selectors(selectClass(SquareGradcheck.class)).build(),
                UniqueId.forEngine(GradcheckTestEngine.ENGINE_ID));

        TestDescriptor square = engine.getChildren().iterator().next();
        TestDescriptor check = square.getChildren().iterator().next();
        assertThat(square.getUniqueId().toString()).isEqualTo(SQUARE_ID);
        assertThat(square.getSource()).contains(ClassSource.from(SquareGradcheck.class));
        assertThat(check.getUniqueId().toString()).isEqualTo(SQUARE_CHECK_ID);
        assertThat(check.getSource()).contains(MethodSource.from(SquareGradcheck.class.getName(), "run"));
        assertThat(check.getDisplayName()).isEqualTo("gradcheck");
    }

    // ---------------------------------------------------------------- the class-path scan

    @Test
    void underSurefireAClassSelectionScansTheClassPathDirectoriesForPublicCases() {
        EngineExecutionResults results = EngineTestKit.engine(new GradcheckTestEngine(true))
                .selectors(selectClass(GradcheckTestEngineTest.class)).execute();

        assertThat(discoveredNames(results)).containsExactlyInAnyOrderElementsOf(PUBLIC_CASES);
        results.testEvents().assertStatistics(stats -> stats.succeeded(3).skipped(1).failed(0));
    }

    @Test
    void selectingGradcheckTestsScansTheClassPathUnlessTheScanIsOff() {
        EngineExecutionResults anywhere = explicitly(selectClass(GradcheckTests.class));
        EngineExecutionResults off = EngineTestKit.engine(new GradcheckTestEngine(true))
                .configurationParameter(GradcheckTestEngine.SCAN_PARAMETER, "false")
                .selectors(selectClass(GradcheckTests.class)).execute();

        assertThat(discoveredNames(anywhere)).containsExactlyInAnyOrderElementsOf(PUBLIC_CASES);
        assertThat(discoveredNames(off)).isEmpty();
    }

    @Test
    void scanParameterTurnsTheScanOnOrOff() {
        EngineExecutionResults forced = EngineTestKit.engine(new GradcheckTestEngine(false))
                .configurationParameter(GradcheckTestEngine.SCAN_PARAMETER, "true")
                .selectors(selectClass(GradcheckTestEngineTest.class)).execute();
        EngineExecutionResults off = EngineTestKit.engine(new GradcheckTestEngine(true))
                .configurationParameter(GradcheckTestEngine.SCAN_PARAMETER, "FALSE")
                .selectors(selectClass(GradcheckTestEngineTest.class), selectClass(SquareAtZeroCheck.class)).execute();

        assertThat(discoveredNames(forced)).containsExactlyInAnyOrderElementsOf(PUBLIC_CASES);
        assertThat(discoveredNames(off)).containsExactly("SquareAtZeroCheck");
    }

    @Test
    void invalidScanParameterFailsTheEngineNamingTheParameter() {
        var kit = EngineTestKit.engine(new GradcheckTestEngine(false))
                .configurationParameter(GradcheckTestEngine.SCAN_PARAMETER, "sometimes")
                .selectors(selectClass(SquareGradcheck.class));

        assertThatThrownBy(kit::execute).hasRootCauseInstanceOf(JUnitException.class)
                .rootCause().hasMessageContaining(GradcheckTestEngine.SCAN_PARAMETER).hasMessageContaining("'sometimes'");
    }

    @Test
    void generatedCheckInItsFunctionIsATestOfItsGradcheckMethodNamedAfterItsOp() {
        String caseId = "[engine:nabla-gradcheck]/[case:" + SquareFunction.class.getName() + "]";
        EngineExecutionResults results = explicitly(selectClass(SquareFunction.class));

        results.testEvents().assertStatistics(stats -> stats.started(1).succeeded(1).failed(0).skipped(0));
        results.testEvents().assertThatEvents()
                .haveExactly(1, event(test(), uniqueId(caseId + "/[check:gradcheck]"), finishedSuccessfully()));
        results.containerEvents().assertThatEvents().haveExactly(1, event(container(), uniqueId(caseId),
                displayName("Square"), finishedSuccessfully()));
        TestDescriptor check = new GradcheckTestEngine(false).discover(
                LauncherDiscoveryRequestBuilder.request().selectors(selectClass(SquareFunction.class)).build(),
                UniqueId.forEngine(GradcheckTestEngine.ENGINE_ID)).getDescendants().stream()
                .filter(d -> d.getType() == TestDescriptor.Type.TEST).findFirst().orElseThrow();
        assertThat(check.getSource()).contains(MethodSource.from(SquareFunction.class.getName(), "gradcheck"));
    }

    @Test
    void generatedCheckIsSelectedByItsGradcheckMethodOrItsUniqueId() {
        String caseId = "[engine:nabla-gradcheck]/[case:" + SquareFunction.class.getName() + "]";

        assertThat(discoveredNames(explicitly(selectMethod(SquareFunction.class, "gradcheck")))).containsExactly("Square");
        assertThat(discoveredNames(explicitly(selectMethod(SquareFunction.class, "gradcheckOutputs")))).isEmpty();
        assertThat(discoveredNames(explicitly(selectUniqueId(caseId + "/[check:gradcheck]")))).containsExactly("Square");
        assertThat(discoveredNames(explicitly(selectUniqueId(caseId + "/[check:run]")))).isEmpty();
    }

    @Test
    void aGradcheckMethodThatThrowsFailsItsTestNamingTheClass() {
        EngineExecutionResults results = explicitly(selectClass(BrokenFunction.class));

        results.testEvents().assertThatEvents().haveExactly(1, event(test(),
                finishedWithFailure(instanceOf(JUnitException.class),
                        message(m -> m.contains(BrokenFunction.class.getName()) && m.contains("calling gradcheck()")
                                && m.contains(BrokenFunction.MESSAGE)))));
    }

    @Test
    void aGradcheckMethodThatReturnsNullFailsItsTestSayingSo() {
        EngineExecutionResults results = explicitly(selectClass(NullCheckFunction.class));

        results.testEvents().assertThatEvents().haveExactly(1, event(test(),
                finishedWithFailure(instanceOf(JUnitException.class), message(m -> m.contains(
                        NullCheckFunction.class.getName() + ".gradcheck() returned null")))));
    }

    @Test
    void opNameDropsTheGeneratedSuffixOnly() {
        assertThat(CaseDescriptor.opName(SquareGradcheck.class)).isEqualTo("Square");
        assertThat(CaseDescriptor.opName(SquareFunction.class)).isEqualTo("Square");
        assertThat(CaseDescriptor.opName(ScaleFunction.class)).isEqualTo("Scale");
        assertThat(CaseDescriptor.opName(SquareAtZeroCheck.class)).isEqualTo("SquareAtZeroCheck");
        assertThat(CaseDescriptor.opName(Gradcheck.class)).isEqualTo("Gradcheck");
    }

    // ---------------------------------------------------------------- helpers

    /** Runs the engine as outside Surefire with the default configuration: only what is selected. */
    private static EngineExecutionResults explicitly(DiscoverySelector... selectors) {
        return EngineTestKit.engine(new GradcheckTestEngine(false)).selectors(selectors).execute();
    }

    private static Condition<Event> uniqueId(String id) {
        return new Condition<>(e -> e.getTestDescriptor().getUniqueId().toString().equals(id), "unique id %s", id);
    }

    /** The op names of every test the engine reported on (started or skipped), in order. */
    private static List<String> discoveredNames(EngineExecutionResults results) {
        return results.testEvents().list().stream()
                .filter(e -> e.getType() == EventType.STARTED || e.getType() == EventType.SKIPPED)
                .map(e -> e.getTestDescriptor().getParent().orElseThrow().getDisplayName())
                .collect(Collectors.toList());
    }
}
