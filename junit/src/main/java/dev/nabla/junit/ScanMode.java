package dev.nabla.junit;

import java.util.Locale;
import org.junit.platform.commons.JUnitException;
import org.junit.platform.engine.ConfigurationParameters;

/**
 * The values of {@link GradcheckTestEngine#SCAN_PARAMETER}: whether a request that selects
 * classes by name also runs every case in the class path's directories.
 *
 * <p>Build tools hand the platform the test classes they found by their own naming rules
 * ({@code *Test}, {@code Test*}, ...), which never match a generated {@code <Op>Function}, and
 * Surefire only looks in {@code target/test-classes} while most ops live in
 * {@code target/classes}. So a build's test run can only reach the cases by scanning; an IDE
 * that runs one test class must not drag every gradcheck along, which is why the default scans
 * only under Surefire.
 */
enum ScanMode {
    /**
     * Scan when the request selects classes and comes from a Maven Surefire or Failsafe fork
     * that runs the whole suite, not one narrowed with {@code -Dtest} or {@code -Dit.test}.
     */
    AUTO,
    /** Scan whenever the request selects classes, whichever launcher sent it. */
    ALWAYS,
    /** Never scan: only explicitly selected cases, packages, class-path roots and unique ids run. */
    NEVER;

    /**
     * The system property that Surefire and Failsafe set in every fork (to the test class path),
     * and nothing else sets.
     */
    static final String SUREFIRE_PROPERTY = "surefire.test.class.path";

    /**
     * Surefire's and Failsafe's test-narrowing parameters, which reach the fork as system
     * properties when given on the command line. Surefire applies its {@code -Dtest=Class}
     * patterns only to the classes it finds itself, so a scan would add every gradcheck to
     * {@code mvn test -Dtest=SomeTest}.
     */
    private static final String[] NARROWING_PROPERTIES = {"test", "it.test"};

    /**
     * The mode the request's configuration asks for.
     *
     * @throws JUnitException naming the parameter and the accepted values when its value is
     *     none of {@code auto}, {@code true}, {@code false} (case-insensitive)
     */
    static ScanMode from(ConfigurationParameters parameters) {
        String value = parameters.get(GradcheckTestEngine.SCAN_PARAMETER).orElse("auto");
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "auto":
                return AUTO;
            case "true":
                return ALWAYS;
            case "false":
                return NEVER;
            default:
                throw new JUnitException("Configuration parameter " + GradcheckTestEngine.SCAN_PARAMETER
                        + " must be auto, true or false, but was '" + value + "'");
        }
    }

    /**
     * Whether this JVM is a Surefire or Failsafe fork that runs the whole suite: the fork sets
     * {@value #SUREFIRE_PROPERTY}, and no {@code -Dtest} narrows the run.
     */
    static boolean inSurefireSuiteRun() {
        if (System.getProperty(SUREFIRE_PROPERTY) == null) {
            return false;
        }
        for (String property : NARROWING_PROPERTIES) {
            if (!System.getProperty(property, "").isBlank()) {
                return false;
            }
        }
        return true;
    }

    /** Whether a request that selects classes also scans, given where the engine runs. */
    boolean scansOnClassSelection(boolean inSurefireSuiteRun) {
        switch (this) {
            case AUTO:
                return inSurefireSuiteRun;
            case ALWAYS:
                return true;
            default:
                return false;
        }
    }
}
