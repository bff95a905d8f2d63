package dev.nabla.junit;

/**
 * The class that stands for every gradient check of a module: selecting it (by class name, as a
 * build tool does with the test classes it found) makes {@link GradcheckTestEngine} scan the
 * test class path's directories and run every public case it finds, whatever
 * {@value GradcheckTestEngine#SCAN_PARAMETER} says unless it is {@code false}.
 *
 * <p>It exists for Maven Surefire, which starts the JUnit Platform only when it finds a test
 * class, and finds them only in {@code target/test-classes} and in the dependencies named in
 * its {@code dependenciesToScan}. Its name matches Surefire's default includes, so a module
 * whose Surefire configuration names {@code dev.nabla:nabla-junit} there runs its ops' checks
 * even when it has no test class of its own:
 *
 * <pre>{@code
 * <plugin>
 *   <groupId>org.apache.maven.plugins</groupId>
 *   <artifactId>maven-surefire-plugin</artifactId>
 *   <version>3.2.5</version>
 *   <configuration>
 *     <dependenciesToScan>
 *       <dependency>dev.nabla:nabla-junit</dependency>
 *     </dependenciesToScan>
 *   </configuration>
 * </plugin>
 * }</pre>
 *
 * <p>{@code mvn test -Dtest=GradcheckTests} then runs the gradient checks alone. The class holds
 * no tests of its own, so JUnit Jupiter, which is offered it too, finds nothing in it.
 */
public final class GradcheckTests {
    private GradcheckTests() {}
}
