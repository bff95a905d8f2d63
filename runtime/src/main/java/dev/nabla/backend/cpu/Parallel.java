package dev.nabla.backend.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;

/**
 * Splits a range of work across the CPU kernels' threads. Work below the grain runs on the
 * calling thread, so small tensors pay nothing for the pool.
 *
 * <p>The number of threads is {@code -Dnabla.threads=N}, by default the number of cores.
 */
public final class Parallel {
    /** The number of threads kernels use, the caller included. */
    public static final int THREADS = Math.max(1, Integer.getInteger("nabla.threads",
            Runtime.getRuntime().availableProcessors()));

    /** Elements below which elementwise work is not split. */
    public static final long ELEMENTWISE_GRAIN = 1 << 16;

    private static final ForkJoinPool POOL = THREADS == 1 ? null : new ForkJoinPool(THREADS, pool -> {
        ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
        t.setName("nabla-cpu-" + t.getPoolIndex());
        t.setDaemon(true);
        return t;
    }, null, false);

    /** A piece of work over {@code [from, to)}. */
    @FunctionalInterface
    public interface Range {
        /** Does the work for indices {@code from} (inclusive) to {@code to} (exclusive). */
        void run(long from, long to);
    }

    private Parallel() {}

    /** How many chunks {@code n} items of work are split into with this grain. */
    public static int chunks(long n, long grain) {
        if (POOL == null || n < 2 * grain) {
            return 1;
        }
        return (int) Math.min(THREADS, n / grain);
    }

    /** Runs {@code body} over {@code [0, n)}, split into {@link #chunks} pieces of near-equal size. */
    public static void forRange(long n, long grain, Range body) {
        int k = chunks(n, grain);
        if (k == 1) {
            body.run(0, n);
            return;
        }
        ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[k - 1];
        for (int c = 1; c < k; c++) {
            long from = n * c / k;
            long to = n * (c + 1) / k;
            tasks[c - 1] = POOL.submit(() -> body.run(from, to));
        }
        RuntimeException failure = null;
        try {
            body.run(0, n / k);
        } catch (RuntimeException e) {
            failure = e;
        }
        for (ForkJoinTask<?> t : tasks) {
            try {
                t.join();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
