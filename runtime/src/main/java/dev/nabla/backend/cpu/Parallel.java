package dev.nabla.backend.cpu;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits a range of work across the CPU kernels' threads. Work below the grain runs on the
 * calling thread, so small tensors pay nothing for the pool.
 *
 * <p>The number of threads is {@code -Dnabla.threads=N}, by default the number of cores: the
 * calling thread and {@code N - 1} workers of ours.
 *
 * <p>Note [Spinning workers]: a worker that has finished its piece spins for the next one for
 * {@code -Dnabla.spinMicros} (100 by default) before it parks. Waking a parked thread took about
 * 66 us on the 2-core machine (a {@code ForkJoinPool}, which parks its idle workers at once:
 * {@code forRange} over two empty pieces cost 66 us a call), longer than many of the pieces
 * themselves, and a training step makes dozens of such calls in a row, a few hundred
 * microseconds apart. PyTorch's OpenMP threads spin likewise. The spin is bounded so that an idle
 * process gives its cores back; {@code -Dnabla.spinMicros=0} parks at once.
 *
 * <p>One split runs at a time: a {@code forRange} that finds the workers busy (called from inside
 * a piece, or from another thread at the same moment) runs its whole range on its caller.
 */
public final class Parallel {
    /** The number of threads kernels use, the caller included. */
    public static final int THREADS = Math.max(1, Integer.getInteger("nabla.threads",
            Runtime.getRuntime().availableProcessors()));

    /** Elements below which elementwise work is not split. */
    public static final long ELEMENTWISE_GRAIN = 1 << 16;

    /** How long an idle worker waits for its next piece before parking; see Note [Spinning workers]. */
    private static final long SPIN_NANOS = Math.max(0, Long.getLong("nabla.spinMicros", 100)) * 1000;

    private static final Worker[] WORKERS = new Worker[THREADS - 1];

    /** Whether a split is running on the workers. */
    private static final AtomicBoolean BUSY = new AtomicBoolean();

    static {
        for (int i = 0; i < WORKERS.length; i++) {
            WORKERS[i] = new Worker("nabla-cpu-" + i);
            WORKERS[i].start();
        }
    }

    /** A piece of work over {@code [from, to)}. */
    @FunctionalInterface
    public interface Range {
        /** Does the work for indices {@code from} (inclusive) to {@code to} (exclusive). */
        void run(long from, long to);
    }

    private Parallel() {}

    /** How many chunks {@code n} items of work are split into with this grain. */
    public static int chunks(long n, long grain) {
        if (THREADS == 1 || n < 2 * grain) {
            return 1;
        }
        return (int) Math.min(THREADS, n / grain);
    }

    /**
     * Runs {@code body} over {@code [0, n)}, split into {@link #chunks} pieces of near-equal size:
     * the first on the calling thread, the others on the workers. The first failure (the caller's
     * own first) is thrown once every piece has ended.
     */
    public static void forRange(long n, long grain, Range body) {
        int k = chunks(n, grain);
        if (k == 1 || !BUSY.compareAndSet(false, true)) {
            body.run(0, n);
            return;
        }
        try {
            for (int c = 1; c < k; c++) {
                WORKERS[c - 1].post(body, n * c / k, n * (c + 1) / k);
            }
            Throwable failure = null;
            try {
                body.run(0, n / k);
            } catch (RuntimeException | Error e) {
                failure = e;
            }
            for (int c = 1; c < k; c++) {
                Throwable f = WORKERS[c - 1].await();
                if (failure == null) {
                    failure = f;
                }
            }
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            if (failure instanceof Error e) {
                throw e;
            }
        } finally {
            BUSY.set(false);
        }
    }

    /**
     * A worker thread with one piece at a time. Only the thread holding {@link #BUSY} posts and
     * awaits; the piece's fields are published by the volatile write of {@code posted} and its
     * outcome by that of {@code finished}.
     */
    private static final class Worker extends Thread {
        private volatile long posted;
        private volatile long finished;
        private volatile boolean parked;
        private Range body;
        private long from;
        private long to;
        private Throwable failure;

        Worker(String name) {
            super(name);
            setDaemon(true);
        }

        void post(Range work, long start, long end) {
            body = work;
            from = start;
            to = end;
            failure = null;
            posted = posted + 1;
            // After the write of posted: a worker that set parked before reading posted is unparked,
            // one that read posted after it runs the piece (both fields are volatile).
            if (parked) {
                LockSupport.unpark(this);
            }
        }

        /** Waits for the piece posted last; returns its failure, or null. */
        Throwable await() {
            long target = posted;
            for (int spins = 0; finished != target; spins++) {
                if (spins < 1 << 12) {
                    Thread.onSpinWait();
                } else {
                    // The worker may not have a core yet: let it have this one.
                    Thread.yield();
                }
            }
            body = null;
            return failure;
        }

        @Override
        public void run() {
            long seen = 0;
            while (true) {
                long spinStart = System.nanoTime();
                while (posted == seen) {
                    if (System.nanoTime() - spinStart < SPIN_NANOS) {
                        Thread.onSpinWait();
                    } else {
                        parked = true;
                        if (posted == seen) {
                            LockSupport.park(this);
                        }
                        parked = false;
                        spinStart = System.nanoTime();
                    }
                }
                seen = posted;
                try {
                    body.run(from, to);
                } catch (RuntimeException | Error e) {
                    failure = e;
                }
                finished = seen;
            }
        }
    }
}
