package dev.nabla.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@link Parallel#forRange} on its spinning workers: every index runs exactly once, a failure in
 * any piece reaches the caller after all pieces have ended, and splits that meet (from inside a
 * piece, or from several threads at once) run whole on their callers rather than waiting on each
 * other.
 */
class ParallelTest {
    @Test
    void everyIndexRunsExactlyOnce() {
        for (int round = 0; round < 1000; round++) {
            int n = 1 + round % 97;
            AtomicIntegerArray runs = new AtomicIntegerArray(n);
            Parallel.forRange(n, 1, (from, to) -> {
                for (long i = from; i < to; i++) {
                    runs.incrementAndGet((int) i);
                }
            });
            for (int i = 0; i < n; i++) {
                assertEquals(1, runs.get(i), "index " + i + " of " + n);
            }
        }
    }

    @Test
    void aFailingPieceReachesTheCallerAfterEveryPieceEnded() {
        AtomicLong done = new AtomicLong();
        long n = 1000;
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () ->
                Parallel.forRange(n, 1, (from, to) -> {
                    done.addAndGet(to - from);
                    if (to == n) {
                        throw new IllegalStateException("last piece");
                    }
                }));
        assertEquals("last piece", thrown.getMessage());
        assertEquals(n, done.get());
        // The workers are free again.
        AtomicLong sum = new AtomicLong();
        Parallel.forRange(n, 1, (from, to) -> sum.addAndGet(to - from));
        assertEquals(n, sum.get());
    }

    @Test
    void anErrorInAPieceIsRethrownAsItself() {
        AssertionError error = new AssertionError("from a piece");
        AssertionError thrown = assertThrows(AssertionError.class, () ->
                Parallel.forRange(100, 1, (from, to) -> {
                    if (to == 100) {
                        throw error;
                    }
                }));
        assertSame(error, thrown);
    }

    @Test
    void nestedAndConcurrentSplitsRunOnTheirCallers() throws InterruptedException {
        int callers = 4;
        long[] totals = new long[callers];
        Thread[] threads = new Thread[callers];
        for (int t = 0; t < callers; t++) {
            int me = t;
            threads[t] = new Thread(() -> {
                for (int round = 0; round < 200; round++) {
                    AtomicLong sum = new AtomicLong();
                    Parallel.forRange(64, 1, (from, to) -> Parallel.forRange(100, 1, (a, b) -> {
                        for (long i = a; i < b; i++) {
                            sum.addAndGet(i * (to - from));
                        }
                    }));
                    totals[me] += sum.get();
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        // Each round: sum over pieces of (piece length) * (0 + ... + 99) = 64 * 4950.
        for (int t = 0; t < callers; t++) {
            assertEquals(200L * 64 * 4950, totals[t], "caller " + t);
        }
    }
}
