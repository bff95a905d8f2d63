package dev.nabla;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/** Process-wide settings: the random generator behind {@code randn}, {@code rand} and in-place sampling. */
public final class Nabla {
    private static SplittableRandom random = new SplittableRandom();

    private Nabla() {}

    /**
     * Seeds the generator so that every following random tensor is reproducible, as
     * PyTorch's {@code torch.manual_seed}. The sequence is Nabla's own, not PyTorch's.
     */
    public static synchronized void manualSeed(long seed) {
        random = new SplittableRandom(seed);
    }

    /** Runs {@code body} with the generator held, so concurrent samplers do not interleave. */
    static synchronized void withGenerator(java.util.function.Consumer<RandomGenerator> body) {
        body.accept(random);
    }
}
