package dev.nabla.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nabla.Tensor;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Note [Shared-memory all-reduce] with threads standing for the ranks: one direct buffer as the
 * segment, a {@link Phaser} as MPI's barrier. No MPI needed.
 */
class SharedMemoryAllReduceTest {
    private static final int FLOATS_PER_PIECE = SharedMemoryAllReduce.PIECE_BYTES / Float.BYTES;
    /** Sizes around the pieces and chunks: none, fewer elements than ranks, one piece, several and a remainder. */
    private static final int[] SIZES = {0, 1, 2, 5, FLOATS_PER_PIECE, 2 * FLOATS_PER_PIECE + 7};

    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    /** Runs {@code allReduce} on {@code inputs.size()} ranks at once, one thread each, and returns their tensors. */
    private List<Tensor> allReduce(List<Tensor> inputs) throws Exception {
        int size = inputs.size();
        ByteBuffer segment = HostBuffers.allocate(SharedMemoryAllReduce.segmentBytes(size));
        Phaser barrier = new Phaser(size);
        List<Future<?>> ranks = new ArrayList<>();
        for (int r = 0; r < size; r++) {
            SharedMemoryAllReduce group = new SharedMemoryAllReduce(segment, r, size);
            Tensor t = inputs.get(r);
            ranks.add(threads.submit(() -> {
                group.allReduce(t, () -> {
                    int phase = barrier.arrive();
                    return () -> {
                        try {
                            barrier.awaitAdvanceInterruptibly(phase, 1, TimeUnit.MINUTES);
                        } catch (InterruptedException | TimeoutException e) {
                            throw new IllegalStateException(e);
                        }
                    };
                });
                return null;
            }));
        }
        for (Future<?> f : ranks) {
            f.get(2, TimeUnit.MINUTES);
        }
        return inputs;
    }

    private static List<Tensor> ranks(int size, IntFunction<Tensor> input) {
        List<Tensor> inputs = new ArrayList<>();
        for (int r = 0; r < size; r++) {
            inputs.add(input.apply(r));
        }
        return inputs;
    }

    private static float[] randomFloats(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            // Magnitudes over six decades, so that the order of summation shows in the last bits.
            v[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(6)));
        }
        return v;
    }

    @Test
    void float32EveryRankGetsTheSumInRankOrderBitForBit() throws Exception {
        for (int size : new int[] {2, 3}) {
            for (int n : SIZES) {
                Random random = new Random(31L * n + size);
                List<float[]> values = new ArrayList<>();
                for (int r = 0; r < size; r++) {
                    values.add(randomFloats(random, n));
                }
                float[] expected = values.get(0).clone();
                for (int r = 1; r < size; r++) {
                    for (int i = 0; i < n; i++) {
                        expected[i] += values.get(r)[i];
                    }
                }
                List<Tensor> out = allReduce(ranks(size, r -> Tensor.of(values.get(r).clone())));
                for (int r = 0; r < size; r++) {
                    assertArrayEquals(expected, out.get(r).toFloatArray(), size + " ranks, " + n + " elements, rank " + r);
                }
            }
        }
    }

    @Test
    void threeRanksSumLeftToRightWhereOrderChangesTheResult() throws Exception {
        // (1e8 + -1e8) + 1 is 1, but 1e8 + (-1e8 + 1) rounds to 0 in float32.
        float[][] values = {{1e8f, 1f}, {-1e8f, -1e8f}, {1f, 1e8f}};
        List<Tensor> out = allReduce(ranks(3, r -> Tensor.of(values[r].clone())));
        for (int r = 0; r < 3; r++) {
            assertArrayEquals(new float[] {1f, 0f}, out.get(r).toFloatArray(), "rank " + r);
        }
    }

    @Test
    void float64AndInt64() throws Exception {
        int n = SharedMemoryAllReduce.PIECE_BYTES / Double.BYTES + 3;
        for (int size : new int[] {2, 3}) {
            double[] doubles = new double[n];
            long[] longs = new long[n];
            for (int i = 0; i < n; i++) {
                for (int r = 0; r < size; r++) {
                    doubles[i] += i * 0.25 + r;
                    longs[i] += (long) i << 33 | r;
                }
            }
            List<Tensor> d = allReduce(ranks(size, r -> {
                double[] v = new double[n];
                for (int i = 0; i < n; i++) {
                    v[i] = i * 0.25 + r;
                }
                return Tensor.of(v);
            }));
            List<Tensor> l = allReduce(ranks(size, r -> {
                long[] v = new long[n];
                for (int i = 0; i < n; i++) {
                    v[i] = (long) i << 33 | r;
                }
                return Tensor.of(v);
            }));
            for (int r = 0; r < size; r++) {
                assertArrayEquals(doubles, d.get(r).toDoubleArray(), size + " ranks, rank " + r);
                assertArrayEquals(longs, l.get(r).toLongArray(), size + " ranks, rank " + r);
            }
        }
    }

    @Test
    void aViewSumsItsElementsAndLeavesTheRestOfItsStorage() throws Exception {
        List<Tensor> bases = ranks(2, r -> Tensor.of(10f * r, 1f + r, 2f + r, 3f + r, 10f * r));
        allReduce(ranks(2, r -> bases.get(r).narrow(0, 1, 3)));
        for (int r = 0; r < 2; r++) {
            assertArrayEquals(new float[] {10f * r, 3f, 5f, 7f, 10f * r}, bases.get(r).toFloatArray(), "rank " + r);
        }
    }

    @Test
    void aSegmentTooSmallForTheRanksIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SharedMemoryAllReduce(HostBuffers.allocate(SharedMemoryAllReduce.segmentBytes(2)), 0, 3));
        assertEquals("a shared segment for 3 ranks needs " + SharedMemoryAllReduce.segmentBytes(3) + " bytes, got "
                + SharedMemoryAllReduce.segmentBytes(2), e.getMessage());
    }
}
