package dev.nabla;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/** Process-wide settings: the random generator behind {@code randn}, {@code rand} and in-place sampling. */
public final class Nabla {
    private static final Generator GENERATOR = new Generator(new SplittableRandom().nextLong());

    private Nabla() {}

    /**
     * Seeds the generator so that every following random tensor is reproducible, as
     * PyTorch's {@code torch.manual_seed}. The sequence is Nabla's own, not PyTorch's.
     */
    public static synchronized void manualSeed(long seed) {
        GENERATOR.restore(seed);
    }

    /**
     * The generator's state, for {@link #setRngState} (PyTorch's {@code torch.get_rng_state}):
     * what activation checkpointing keeps so that a recomputed segment draws the same numbers.
     */
    public static synchronized long rngState() {
        return GENERATOR.state();
    }

    /** Returns the generator to a state {@link #rngState()} gave ({@code torch.set_rng_state}). */
    public static synchronized void setRngState(long state) {
        GENERATOR.restore(state);
    }

    /** Runs {@code body} with the generator held, so concurrent samplers do not interleave. */
    static synchronized void withGenerator(java.util.function.Consumer<RandomGenerator> body) {
        body.accept(GENERATOR);
    }
}
