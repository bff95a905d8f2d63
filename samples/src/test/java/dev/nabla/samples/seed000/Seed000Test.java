package dev.nabla.samples.seed000;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nabla.Device;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import dev.nabla.backend.Backend;
import dev.nabla.backend.Backends;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Seed 000: the custom function, its module, and the custom backend selected by name. */
class Seed000Test {
    private static final Pattern COUNT = Pattern.compile("(\\w+)=(\\d+)");

    @AfterEach
    void restoreCpuBackend() {
        Backends.use("cpu");
    }

    @Test
    void mainPrintsTheInputGradientThenCountsTheSameRunOnTheCountingBackend() {
        String out = runMain();

        // The post's print(input.grad): the whole [10, 20] gradient, 10 rows wrapped at 80 columns.
        String grad = Seed000.gradientThroughModule().toString();
        assertTrue(out.startsWith("# 4. custom function test\n" + grad + "\n"), out);
        assertEquals(10, grad.lines().filter(l -> l.startsWith("tensor([[") || l.startsWith("        [")).count(), grad);

        assertTrue(out.contains("\nbackend in use: counting\n"), out);
        Map<String, Long> counts = kernelCounts(out);
        // randn's sampling, the forward's exp and log and the backward's sigmoid ran on the counting backend.
        assertEquals(1, counts.get("normal"), counts.toString());
        assertTrue(counts.get("unary") >= 3, counts.toString());
        assertTrue(counts.get("binary") >= 2, counts.toString());
        assertTrue(out.contains("\nsame input.grad as on the cpu backend: true\n"), out);
        assertTrue(out.endsWith("backend in use: cpu\n"), out);
        assertEquals("cpu", Backends.forDevice(Device.CPU).name());
    }

    @Test
    void inputGradientIsTheSigmoidOfTheInput() {
        Tensor grad = Seed000.gradientThroughModule();

        // The same input, differentiated by autograd through built-in ops instead of the custom backward.
        Nabla.manualSeed(Seed000.SEED);
        Tensor x = Tensor.randn(10, 20).requiresGrad(true);
        x.exp().add(1).log().sum().backward();
        assertArrayEquals(x.grad().toFloatArray(), grad.toFloatArray(), 1e-6f);
        assertArrayEquals(x.sigmoid().toFloatArray(), grad.toFloatArray(), 1e-6f);
    }

    @Test
    void customFunctionComputesSoftplusAndRecordsItsBackward() {
        Tensor x = Tensor.of(0.0, 2.0, -1.0, 800.0, -800.0).requiresGrad(true);
        Tensor y = new MyCustomModule().forward(x);
        // At +-800 a naive log(1 + exp(x)) would be infinite; softplus is x there, and 0.
        assertArrayEquals(new double[] {Math.log(2), Math.log1p(Math.exp(2)), Math.log1p(Math.exp(-1)), 800, 0},
                y.toDoubleArray(), 1e-12);
        assertEquals("MyCustomBackward", y.gradFn().name());
        y.backward(Tensor.onesLike(y));
        assertArrayEquals(new double[] {0.5, 1 / (1 + Math.exp(-2)), 1 / (1 + Math.exp(1)), 1, 0},
                x.grad().toDoubleArray(), 1e-12);
        assertEquals("MyCustomModule()", new MyCustomModule().toString());
    }

    @Test
    void generatedGradientCheckPassesIncludingDoubleBackward() {
        MyCustomFunction.gradcheck().run();
    }

    @Test
    void countingBackendIsFoundByNameAndCountsOnlyWhileSelected() {
        assertTrue(Backends.all().stream().map(Backend::name).anyMatch(CountingBackend.NAME::equals));
        Tensor x = Tensor.of(1f, 2f, 3f);

        Backends.use(CountingBackend.NAME);
        CountingBackend.reset();
        Tensor y = x.mul(2).add(1);
        assertEquals(Map.of("allocate", 2L, "binaryScalar", 2L), CountingBackend.counts());

        Backends.use("cpu");
        Tensor z = x.mul(2).add(1);
        assertArrayEquals(y.toFloatArray(), z.toFloatArray());
        assertArrayEquals(new float[] {3, 5, 7}, y.toFloatArray());
        assertEquals(Map.of("allocate", 2L, "binaryScalar", 2L), CountingBackend.counts());
    }

    private static Map<String, Long> kernelCounts(String out) {
        Matcher line = Pattern.compile("\nkernel calls: \\{(.*)}\n").matcher(out);
        assertTrue(line.find(), out);
        Map<String, Long> counts = new TreeMap<>();
        Matcher m = COUNT.matcher(line.group(1));
        while (m.find()) {
            counts.put(m.group(1), Long.parseLong(m.group(2)));
        }
        return counts;
    }

    /** Runs {@link Seed000#main} and returns what it printed, with {@code \n} line ends. */
    private static String runMain() {
        PrintStream original = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            Seed000.main(new String[0]);
        } finally {
            System.setOut(original);
        }
        return buffer.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
    }
}
