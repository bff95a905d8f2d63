package dev.nabla.data;

import dev.nabla.DType;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * Iterates a {@link Dataset} in batches, as PyTorch's {@code DataLoader} with its default
 * collation: each batch is an array with one tensor per field of the samples, stacked along a
 * new first dimension.
 *
 * <pre>{@code
 * DataLoader loader = DataLoader.builder(train).batchSize(64).shuffle(true).seed(0).build();
 * for (int epoch = 0; epoch < 10; epoch++) {
 *     for (Tensor[] batch : loader) {
 *         Tensor x = batch[0], y = batch[1];
 *         ...
 *     }
 * }
 * }</pre>
 *
 * <p>Each call to {@link #iterator()} is one epoch. With shuffling on, every epoch visits the
 * samples in a fresh random order: drawn from the loader's own generator when a
 * {@linkplain Builder#seed(long) seed} was given (so the sequence of epochs is the same for
 * every loader built with that seed, as PyTorch's {@code generator=} argument), otherwise
 * seeded from Nabla's global generator, so that {@link Nabla#manualSeed(long)} makes it
 * reproducible (the orders are Nabla's own, not PyTorch's). Batches are read with
 * {@link Dataset#batch(Tensor)}: one gather per field for a {@link TensorDataset}.
 *
 * <p>A loader is not meant to be iterated from several threads at once; each iterator is
 * independent of the others.
 */
public final class DataLoader implements Iterable<Tensor[]> {
    private final Dataset dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final boolean dropLast;
    /** The loader's own generator when seeded; null to seed each epoch from Nabla's global one. */
    private final SplittableRandom random;

    private DataLoader(Builder b) {
        this.dataset = b.dataset;
        this.batchSize = b.batchSize;
        this.shuffle = b.shuffle;
        this.dropLast = b.dropLast;
        this.random = b.seeded ? new SplittableRandom(b.seed) : null;
    }

    /**
     * Batches of {@code batchSize} samples in order, the last one possibly smaller.
     *
     * @throws IllegalArgumentException if {@code batchSize < 1}
     */
    public DataLoader(Dataset dataset, int batchSize) {
        this(builder(dataset).batchSize(batchSize));
    }

    /**
     * Batches of {@code batchSize} samples, shuffled each epoch if {@code shuffle} (following
     * {@link Nabla#manualSeed(long)}), the last one possibly smaller.
     *
     * @throws IllegalArgumentException if {@code batchSize < 1}
     */
    public DataLoader(Dataset dataset, int batchSize, boolean shuffle) {
        this(builder(dataset).batchSize(batchSize).shuffle(shuffle));
    }

    /**
     * A builder for a loader over {@code dataset}; by default batch size 1, no shuffling, and
     * a smaller last batch kept.
     */
    public static Builder builder(Dataset dataset) {
        return new Builder(dataset);
    }

    /** The data set this loader reads. */
    public Dataset dataset() {
        return dataset;
    }

    /** The number of samples in each batch but possibly the last. */
    public int batchSize() {
        return batchSize;
    }

    /** Whether each epoch visits the samples in a fresh random order. */
    public boolean shuffle() {
        return shuffle;
    }

    /** Whether a last batch smaller than {@link #batchSize()} is dropped. */
    public boolean dropLast() {
        return dropLast;
    }

    /** The number of batches in one epoch, as Python's {@code len(loader)}. */
    public int numBatches() {
        int n = dataset.size();
        return dropLast ? n / batchSize : (int) ((n + (long) batchSize - 1) / batchSize);
    }

    /**
     * One epoch: the batches in order. With shuffling on, this call draws the epoch's order.
     * Each batch is a fresh array with one tensor per field, the first dimension of each being
     * the batch's number of samples.
     */
    @Override
    public Iterator<Tensor[]> iterator() {
        int n = dataset.size();
        Tensor order = shuffle ? Tensor.of(Batching.permutation(n, epochRandom())) : Tensor.arange(DType.INT64, n);
        int batches = numBatches();
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < batches;
            }

            @Override
            public Tensor[] next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("DataLoader: the epoch's " + batches + " batches are exhausted");
                }
                long start = (long) next * batchSize;
                long length = Math.min(batchSize, n - start);
                next++;
                return dataset.batch(order.narrow(0, start, length));
            }
        };
    }

    private SplittableRandom epochRandom() {
        if (random != null) {
            synchronized (random) {
                return random.split();
            }
        }
        // One uniform float64 from the global generator carries 53 random bits (SplittableRandom's
        // nextDouble), recovered exactly by scaling: enough to seed this epoch's own generator.
        double u = Tensor.rand(DType.FLOAT64, 1).item();
        return new SplittableRandom((long) (u * 0x1p53));
    }

    /** Configures a {@link DataLoader}; obtain one with {@link DataLoader#builder(Dataset)}. */
    public static final class Builder {
        private final Dataset dataset;
        private int batchSize = 1;
        private boolean shuffle;
        private boolean dropLast;
        private boolean seeded;
        private long seed;

        private Builder(Dataset dataset) {
            if (dataset == null) {
                throw new IllegalArgumentException("DataLoader: dataset is null");
            }
            this.dataset = dataset;
        }

        /**
         * The number of samples per batch (default 1).
         *
         * @throws IllegalArgumentException if {@code batchSize < 1}
         */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("DataLoader: batchSize must be a positive integer, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /** Whether each epoch visits the samples in a fresh random order (default false). */
        public Builder shuffle(boolean shuffle) {
            this.shuffle = shuffle;
            return this;
        }

        /**
         * Gives the loader its own generator seeded with {@code seed}, so that its sequence of
         * shuffled epochs is reproducible whatever else draws random numbers; without it the
         * orders follow {@link Nabla#manualSeed(long)}. Has no effect without shuffling.
         */
        public Builder seed(long seed) {
            this.seeded = true;
            this.seed = seed;
            return this;
        }

        /** Whether to drop a last batch smaller than the batch size (default false). */
        public Builder dropLast(boolean dropLast) {
            this.dropLast = dropLast;
            return this;
        }

        /** The configured loader. */
        public DataLoader build() {
            return new DataLoader(this);
        }
    }
}
