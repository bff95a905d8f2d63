package dev.nabla.distributed;

/**
 * PyTorch's {@code torch.randperm(n, generator=g)} on the CPU after {@code g.manual_seed(seed)},
 * value for value, so that {@link DistributedSampler} shards as PyTorch's does: the generator
 * is a 32-bit Mersenne Twister (MT19937) seeded with the seed's low 32 bits, and the
 * permutation swaps position {@code i} with {@code i + random() % (n - i)} for each
 * {@code i < n - 1} (ATen's {@code randperm_cpu}).
 */
final class TorchRandperm {
    private static final int N = 624;
    private static final int M = 397;

    private final int[] state = new int[N];
    private int next = N;

    private TorchRandperm(long seed) {
        state[0] = (int) seed;
        for (int i = 1; i < N; i++) {
            state[i] = 1812433253 * (state[i - 1] ^ (state[i - 1] >>> 30)) + i;
        }
    }

    /** A permutation of {@code 0 .. n-1}, equal to PyTorch's for the same {@code n} and seed. */
    static long[] randperm(int n, long seed) {
        TorchRandperm random = new TorchRandperm(seed);
        long[] r = new long[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        for (int i = 0; i < n - 1; i++) {
            int z = i + (int) (random.nextUnsigned() % (n - i));
            long t = r[i];
            r[i] = r[z];
            r[z] = t;
        }
        return r;
    }

    /** The next 32 random bits, as an unsigned value. */
    private long nextUnsigned() {
        if (next >= N) {
            for (int k = 0; k < N; k++) {
                int y = (state[k] & 0x80000000) | (state[(k + 1) % N] & 0x7fffffff);
                state[k] = state[(k + M) % N] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
            }
            next = 0;
        }
        int y = state[next++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y & 0xffffffffL;
    }
}
