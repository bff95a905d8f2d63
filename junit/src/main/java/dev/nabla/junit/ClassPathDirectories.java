package dev.nabla.junit;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.platform.commons.JUnitException;

/**
 * The directories on the test class path: where a project's own compiled classes are
 * ({@code target/classes}, {@code target/test-classes}, and in a reactor build the same
 * folders of the modules it depends on), as opposed to library jars, which are never scanned.
 *
 * <p>Two sources, because neither is complete everywhere. {@code java.class.path} is what the
 * JUnit Platform itself reads; Surefire rewrites it in its fork to the real test class path, but
 * a launcher that starts the JVM from a manifest-only jar (older Surefire versions, an IDE's
 * "shorten command line") leaves just that jar there. The class loader's roots for the empty
 * resource name list every directory it loads from, manifest {@code Class-Path} entries and
 * isolated class loaders ({@code useSystemClassLoader=false}) included; jars contribute only
 * {@code jar:} URLs (multi-release roots such as {@code META-INF/versions/9/}), which are
 * dropped.
 */
final class ClassPathDirectories {
    private ClassPathDirectories() {}

    /**
     * The directories, each once, in class-path order.
     *
     * @throws JUnitException if the class loader cannot list its roots
     */
    static List<Path> find(ClassLoader loader) {
        Set<Path> directories = new LinkedHashSet<>();
        for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            addIfDirectory(directories, entry);
        }
        try {
            Enumeration<URL> roots = loader.getResources("");
            while (roots.hasMoreElements()) {
                URL root = roots.nextElement();
                if ("file".equals(root.getProtocol())) {
                    addIfDirectory(directories, Paths.get(root.toURI()).toString());
                }
            }
        } catch (IOException | URISyntaxException e) {
            throw new JUnitException("Could not list the class path roots of " + loader + " to look for gradcheck cases", e);
        }
        return new ArrayList<>(directories);
    }

    private static void addIfDirectory(Set<Path> directories, String entry) {
        if (entry.isEmpty()) {
            return;
        }
        try {
            Path path = Paths.get(entry).toAbsolutePath().normalize();
            if (Files.isDirectory(path)) {
                directories.add(path);
            }
        } catch (InvalidPathException e) {
            // A malformed class-path entry holds no classes the JVM could load either.
        }
    }
}
