package dev.nabla;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * The process's random generator: {@link SplittableRandom}'s algorithm (SplitMix64, same
 * seed, same numbers from every {@link RandomGenerator} method), with a state that can be
 * read and restored, which {@code SplittableRandom} does not allow; activation checkpointing
 * restores it so that a recomputed segment draws the same dropout masks.
 */
final class Generator implements RandomGenerator {
    /** {@code SplittableRandom}'s increment for a generator made from a seed. */
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

    private long seed;

    Generator(long seed) {
        this.seed = seed;
    }

    @Override
    public long nextLong() {
        long z = seed += GOLDEN_GAMMA;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    @Override
    public int nextInt() {
        long z = seed += GOLDEN_GAMMA;
        z = (z ^ (z >>> 33)) * 0x62a9d9ed799705f5L;
        return (int) (((z ^ (z >>> 28)) * 0xcb24d0a5c88c35b3L) >>> 32);
    }

    /** The whole state: the next draws depend on nothing else. */
    long state() {
        return seed;
    }

    /** Returns to a state {@link #state()} gave. */
    void restore(long state) {
        seed = state;
    }
}
