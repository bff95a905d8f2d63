package dev.nabla.processor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * javac finds the processor on a plain class path, through the {@code META-INF/services} entry
 * that AutoService writes, with no {@code -processor} flag, as a user's build does.
 */
class DiscoveryTest {
    @Test
    void processorIsDiscoveredFromTheClassPath(@TempDir Path dir) throws IOException {
        Path source = dir.resolve("src/test/MyReLU.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, TestOps.MY_RELU);
        Path classes = dir.resolve("classes");
        Path generated = dir.resolve("generated");
        Files.createDirectories(classes);
        Files.createDirectories(generated);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> args = List.of("-classpath", System.getProperty("java.class.path"), "-d", classes.toString(),
                "-s", generated.toString(), "-Xlint:-processing", source.toString());
        int status = javac.run(null, out, out, args.toArray(new String[0]));
        assertEquals(0, status, out.toString());
        assertTrue(Files.exists(generated.resolve("test/MyReLUFunction.java")), "MyReLUFunction was not generated");
        assertTrue(Files.exists(classes.resolve("test/MyReLUFunction.class")), "MyReLUFunction was not compiled");
        assertEquals("dev.nabla.processor.NablaProcessor", Files.readString(Path.of("target/classes/META-INF/services/"
                + "javax.annotation.processing.Processor")).trim());
    }
}
