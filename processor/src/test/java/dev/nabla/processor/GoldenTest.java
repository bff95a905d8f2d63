package dev.nabla.processor;

import static com.google.common.truth.Truth.assertWithMessage;
import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.JavaFileObject;
import javax.tools.StandardLocation;
import org.junit.jupiter.api.Test;

/**
 * Generated sources compared, character for character, with golden files under
 * {@code src/test/resources/goldens/GoldenTest/<method>/<qualified name>.java} (Dagger's layout).
 * After an intended change to the generators, rerun with {@code -Dgoldens.update=true} to rewrite
 * the goldens, and review their diff.
 */
class GoldenTest {
    private static final boolean UPDATE = Boolean.getBoolean("goldens.update");

    private static void assertGolden(String method, String op, String source, String... generated) {
        Compilation compilation = javac().withProcessors(new NablaProcessor())
                .compile(JavaFileObjects.forSourceString(op, source));
        assertWithMessage("%s", compilation.diagnostics()).that(compilation.status())
                .isEqualTo(Compilation.Status.SUCCESS);
        for (String name : generated) {
            JavaFileObject file = compilation.generatedFile(StandardLocation.SOURCE_OUTPUT,
                    name.replace('.', '/') + ".java").orElseThrow(() -> new AssertionError("not generated: " + name));
            String actual;
            try {
                actual = file.getCharContent(false).toString();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            String resource = "goldens/GoldenTest/" + method + "/" + name + ".java";
            if (UPDATE) {
                write(Path.of("src/test/resources", resource), actual);
                continue;
            }
            assertWithMessage("%s differs from %s (rerun with -Dgoldens.update=true after an intended change)", name,
                    resource).that(actual).isEqualTo(read(resource));
        }
    }

    private static String read(String resource) {
        try (InputStream in = GoldenTest.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new AssertionError("no golden file " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path path, String content) {
        try {
            Files.createDirectories(path.getParent());
            Files.writeString(path, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void myRelu() {
        assertGolden("myRelu", "test.MyReLU", TestOps.MY_RELU, "test.MyReLUFunction");
    }

    @Test
    void linearOp() {
        assertGolden("linearOp", "test.LinearOp", TestOps.LINEAR_OP, "test.LinearOpFunction");
    }

    @Test
    void scaledSign() {
        assertGolden("scaledSign", "test.ScaledSign", TestOps.SCALED_SIGN, "test.ScaledSignFunction");
    }

    @Test
    void cudaMul() {
        assertGolden("cudaMul", "test.CudaMul", TestOps.CUDA_MUL, "test.CudaMulFunction");
    }
}
