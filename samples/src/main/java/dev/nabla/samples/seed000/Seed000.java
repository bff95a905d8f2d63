package dev.nabla.samples.seed000;

import dev.nabla.Device;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import dev.nabla.backend.Backends;
import java.util.Arrays;

/**
 * Seed 000, "PyTorch 커스텀 백엔드 작성" (writing a custom PyTorch backend), in Java.
 *
 * <ol>
 *   <li>Build set-up: none. The post builds PyTorch from source; here the op {@link MyCustom}
 *       and the backend {@link CountingBackend} are plain classes of this jar, and the annotation
 *       processor runs as part of {@code javac}.</li>
 *   <li>The custom function: {@link MyCustom}, from which the processor generates
 *       {@code MyCustomFunction}.</li>
 *   <li>The module around it: {@link MyCustomModule}.</li>
 *   <li>The test: a random {@code [10, 20]} input through the module, then
 *       {@code output.backward(Tensor.onesLike(output))} and {@code input.grad()} printed.</li>
 *   <li>The backend: the post's {@code torch.backends.custom_backend = 'my_custom_backend'}
 *       becomes {@code Backends.use("counting")}; the same test then runs on
 *       {@link CountingBackend}, which prints how often each kernel ran. The CPU backend is
 *       selected again afterwards, even if the run fails.</li>
 * </ol>
 */
public final class Seed000 {
    /** Seeds the random input, so that every run prints the same numbers. */
    static final long SEED = 0;

    private Seed000() {}

    /** Runs the post's examples in order and prints what they print. */
    public static void main(String[] args) {
        System.out.println("# 4. custom function test");
        Tensor grad = gradientThroughModule();
        System.out.println(grad);

        System.out.println();
        System.out.println("# 5. custom backend: Backends.use(\"" + CountingBackend.NAME + "\")");
        Backends.use(CountingBackend.NAME);
        try {
            CountingBackend.reset();
            Tensor countedGrad = gradientThroughModule();
            System.out.println("backend in use: " + Backends.forDevice(Device.CPU).name());
            System.out.println("kernel calls: " + CountingBackend.counts());
            System.out.println("same input.grad as on the cpu backend: "
                    + Arrays.equals(grad.toFloatArray(), countedGrad.toFloatArray()));
        } finally {
            Backends.use("cpu");
        }
        System.out.println("backend in use: " + Backends.forDevice(Device.CPU).name());
    }

    /**
     * The post's test: {@code input = torch.randn(10, 20, requires_grad=True)} through a
     * {@link MyCustomModule}, then {@code output.backward(torch.ones_like(output))}.
     *
     * @return {@code input.grad}, the derivative of softplus, {@code sigmoid(input)}
     */
    static Tensor gradientThroughModule() {
        Nabla.manualSeed(SEED);
        Tensor input = Tensor.randn(10, 20).requiresGrad(true);
        MyCustomModule customModule = new MyCustomModule();

        Tensor output = customModule.forward(input);

        // The gradient of the output with respect to itself: ones, as the post passes.
        output.backward(Tensor.onesLike(output));
        return input.grad();
    }
}
