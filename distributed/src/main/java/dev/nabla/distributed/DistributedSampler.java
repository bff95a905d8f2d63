package dev.nabla.distributed;

import dev.nabla.data.Dataset;
import dev.nabla.data.Subset;

/**
 * Which samples of a data set this rank reads in an epoch, as PyTorch's
 * {@code DistributedSampler}: the epoch's order (shuffled or not) is padded by repeating its
 * first samples until it divides evenly (or cut, with {@code dropLast}), and rank {@code r}
 * takes every {@code numReplicas}-th sample starting at {@code r}. So all ranks read the same
 * number of samples and, together, each sample of the epoch once (the padding aside).
 *
 * <p>The shuffled order is PyTorch's: {@code torch.randperm(size)} from a generator seeded
 * with {@code seed + epoch} (its Mersenne Twister and Fisher-Yates swaps, reproduced), so
 * every rank draws the same order without communicating, and a Nabla job reads the same
 * shards as a PyTorch job with the same seed. Call {@link #setEpoch} at the start of each
 * epoch, as in PyTorch, or every epoch repeats the first order.
 *
 * <pre>{@code
 * DistributedSampler sampler = new DistributedSampler(train, group);
 * for (int epoch = 0; epoch < epochs; epoch++) {
 *     sampler.setEpoch(epoch);
 *     for (Tensor[] batch : DataLoader.builder(sampler.shard()).batchSize(32).build()) { ... }
 * }
 * }</pre>
 */
public final class DistributedSampler {
    private final Dataset dataset;
    private final int numReplicas;
    private final int rank;
    private final boolean shuffle;
    private final long seed;
    private final boolean dropLast;
    private final int numSamples;
    private long epoch;

    /**
     * The shard of {@code group}'s rank among {@code group.size()} ranks, shuffled with seed 0,
     * padded rather than dropping samples (PyTorch's defaults).
     */
    public DistributedSampler(Dataset dataset, ProcessGroup group) {
        this(dataset, group.size(), group.rank(), true, 0, false);
    }

    /**
     * The shard of rank {@code rank} among {@code numReplicas}.
     *
     * @param shuffle whether each epoch's order is a seeded random permutation, rather than the data set's order
     * @param seed the same on every rank; the epoch's permutation is drawn with {@code seed + epoch}
     * @param dropLast cut the tail that does not divide evenly instead of padding by repeating samples
     * @throws IllegalArgumentException if {@code numReplicas < 1} or {@code rank} is outside {@code [0, numReplicas - 1]}
     * @throws NullPointerException if {@code dataset} is null
     */
    public DistributedSampler(Dataset dataset, int numReplicas, int rank, boolean shuffle, long seed, boolean dropLast) {
        if (dataset == null) {
            throw new NullPointerException("DistributedSampler: dataset is null");
        }
        if (numReplicas < 1) {
            throw new IllegalArgumentException("DistributedSampler: numReplicas must be at least 1, got " + numReplicas);
        }
        if (rank < 0 || rank >= numReplicas) {
            throw new IllegalArgumentException("Invalid rank " + rank + ", rank should be in the interval [0, "
                    + (numReplicas - 1) + "]");
        }
        this.dataset = dataset;
        this.numReplicas = numReplicas;
        this.rank = rank;
        this.shuffle = shuffle;
        this.seed = seed;
        this.dropLast = dropLast;
        long n = dataset.size();
        this.numSamples = (int) (dropLast && n % numReplicas != 0
                ? Math.max(0, Math.floorDiv(n - 1, numReplicas)) // PyTorch's ceil((n - numReplicas) / numReplicas)
                : (n + numReplicas - 1) / numReplicas);
    }

    /** Chooses the epoch whose order {@link #indices()} and {@link #shard()} give; the same on every rank. */
    public void setEpoch(long epoch) {
        this.epoch = epoch;
    }

    /** The epoch set last, 0 before any. */
    public long epoch() {
        return epoch;
    }

    /** How many samples each rank reads per epoch (PyTorch's {@code len(sampler)}). */
    public int size() {
        return numSamples;
    }

    /** This rank's indices into the data set for the current epoch, in reading order. */
    public long[] indices() {
        int n = dataset.size();
        long[] order = shuffle ? TorchRandperm.randperm(n, seed + epoch) : identity(n);
        long[] mine = new long[numSamples];
        // Position p of the padded (or cut) order is order[p mod n]: padding repeats from the start.
        for (int i = 0; i < numSamples; i++) {
            long p = rank + (long) i * numReplicas;
            mine[i] = order[(int) (p % n)];
        }
        return mine;
    }

    /** This rank's samples for the current epoch as a data set, for a {@link dev.nabla.data.DataLoader}. */
    public Subset shard() {
        return new Subset(dataset, indices());
    }

    private static long[] identity(int n) {
        long[] order = new long[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        return order;
    }
}
