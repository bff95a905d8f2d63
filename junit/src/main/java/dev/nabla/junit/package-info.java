/**
 * Runs every op's generated gradient check as a JUnit test: the JUnit Platform engine
 * {@link dev.nabla.junit.GradcheckTestEngine} (engine id {@code nabla-gradcheck}).
 *
 * <h2>Enabling it</h2>
 *
 * <p>Add {@code nabla-junit} as a test dependency, and name it in Surefire's
 * {@code dependenciesToScan} so that a module without test classes of its own runs the checks
 * too (see {@link dev.nabla.junit.GradcheckTests}). The engine registers itself with the JUnit
 * Platform, next to Jupiter:
 *
 * <pre>{@code
 * <dependency>
 *   <groupId>dev.nabla</groupId>
 *   <artifactId>nabla-junit</artifactId>
 *   <scope>test</scope>
 * </dependency>
 * ...
 * <plugin>
 *   <groupId>org.apache.maven.plugins</groupId>
 *   <artifactId>maven-surefire-plugin</artifactId>
 *   <configuration>
 *     <dependenciesToScan>
 *       <dependency>dev.nabla:nabla-junit</dependency>
 *     </dependenciesToScan>
 *   </configuration>
 * </plugin>
 * }</pre>
 *
 * <p>{@code mvn test} then runs, beside the module's own tests, every
 * {@link dev.nabla.autograd.GradcheckCase} compiled into the module: the one that the static
 * {@code gradcheck()} method the annotation processor generates in each op's function returns,
 * whether the ops are main or test sources, and any case class a user wrote or copied. Each
 * case is one test, reported by Surefire as {@code Running com.example.MyReLUFunction}
 * with its own {@code TEST-com.example.MyReLUFunction.xml}, and shown by an IDE as
 * {@code MyReLU > gradcheck}. A failing check fails the test with the {@code AssertionError} that names the
 * input, the output and the Jacobian entries that disagree; a case disabled with
 * {@code @Gradcheck(enabled = false, reason = ...)} is reported as skipped with its reason; a
 * case that cannot be created fails with a message naming its class.
 *
 * <h2>Which cases run</h2>
 *
 * <ul>
 *   <li><b>Under Maven Surefire or Failsafe</b> the engine scans the directories of the test
 *       class path ({@code target/classes}, {@code target/test-classes}, and in a reactor build
 *       those of the modules the module depends on; never library jars) for public case classes.
 *       Surefire itself only offers the classes in {@code target/test-classes} that match its
 *       includes ({@code *Test}, {@code Test*}, ...), and only starts the JUnit Platform when it
 *       finds at least one such class; naming {@code dev.nabla:nabla-junit} in its
 *       {@code dependenciesToScan} makes it find {@link dev.nabla.junit.GradcheckTests} too, so that
 *       a module without any test class of its own still runs its gradchecks. When the run is
 *       narrowed with {@code -Dtest=...} (or {@code -Dit.test=...}) the scan is left out, so
 *       {@code -Dtest=SomeTest} runs just that test, and {@code -Dtest=GradcheckTests} just the
 *       gradchecks.
 *   <li><b>In an IDE or the console launcher</b> nothing is scanned behind the user's back:
 *       selecting an op's function or its {@code gradcheck()} method (or a case class or its
 *       {@code run()} method), a package, a class-path root or a unique id
 *       ({@code [engine:nabla-gradcheck]/[case:com.example.MyReLUFunction]}, or
 *       {@code [engine:nabla-gradcheck]} for all) runs the checks it contains. Class-name and
 *       package-name filters apply to checks found by scanning a package, root or the class path,
 *       not to classes selected by name; the console launcher's default class-name pattern
 *       ({@code *Test}) excludes {@code *Function}, so give it
 *       {@code --include-classname '.*Function'}.
 *   <li>Scanning picks up public classes and public {@code gradcheck()} methods only, as
 *       {@code GradcheckCase} requires; a package-private one runs only when selected by name.
 * </ul>
 *
 * <h2>Configuration</h2>
 *
 * <p>The configuration parameter {@value dev.nabla.junit.GradcheckTestEngine#SCAN_PARAMETER}
 * (in {@code junit-platform.properties}, Surefire's {@code <configurationParameters>}, or as a
 * system property such as {@code mvn test -Dnabla.gradcheck.scan=false}) decides whether a
 * request that selects test classes also scans the class path:
 *
 * <ul>
 *   <li>{@code auto} (the default): only in a Surefire or Failsafe run of the whole suite, as above;
 *   <li>{@code true}: whichever launcher sends the request (for example Gradle, which, like
 *       Surefire, only hands over the test classes it found itself), and also with {@code -Dtest};
 *   <li>{@code false}: never; only cases selected explicitly run.
 * </ul>
 *
 * <p>Any other value fails the engine's discovery with a message naming the parameter.
 */
package dev.nabla.junit;
