package dev.nabla.processor;

import static com.google.common.truth.Truth.assertWithMessage;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The generated sources compile without a single warning under {@code -Xlint:all -Werror}: they
 * are compiled a second time, with the ops and without the processor, so that only javac's own
 * lint judges them.
 */
class LintTest {
    @Test
    void generatedSourcesCompileWithoutWarnings() {
        List<JavaFileObject> ops = List.of(
                JavaFileObjects.forSourceString("test.MyReLU", TestOps.MY_RELU),
                JavaFileObjects.forSourceString("test.LinearOp", TestOps.LINEAR_OP),
                JavaFileObjects.forSourceString("test.ScaledSign", TestOps.SCALED_SIGN),
                JavaFileObjects.forSourceString("test.CudaMul", TestOps.CUDA_MUL));
        Compilation first = javac().withProcessors(new NablaProcessor()).compile(ops);
        assertThat(first).succeededWithoutWarnings();
        List<JavaFileObject> all = new ArrayList<>(ops);
        for (JavaFileObject f : first.generatedSourceFiles()) {
            all.add(f);
        }
        // One file per op: its function, with its gradient check nested in it.
        assertWithMessage("generated sources").that(first.generatedSourceFiles()).hasSize(4);
        Compilation second = javac().withOptions("-proc:none", "-Xlint:all", "-Werror").compile(all);
        assertThat(second).succeededWithoutWarnings();
    }
}
