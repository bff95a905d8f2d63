package dev.nabla.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nabla.DType;
import dev.nabla.Nabla;
import dev.nabla.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class DataLoaderTest {
    /** Sample i is ({@code [i, 10 i]} as float64, label i): its identity is readable from either field. */
    private static TensorDataset numbered(int n) {
        Tensor ids = Tensor.arange(DType.INT64, n);
        Tensor x = Tensor.cat(1, ids.to(DType.FLOAT64).unsqueeze(1), ids.to(DType.FLOAT64).mul(10).unsqueeze(1));
        return new TensorDataset(x, ids);
    }

    /** The label of every sample of every batch, batch by batch, checking that inputs and labels stay paired. */
    private static List<long[]> epoch(DataLoader loader) {
        List<long[]> out = new ArrayList<>();
        for (Tensor[] batch : loader) {
            assertEquals(2, batch.length);
            long[] ids = batch[1].toLongArray();
            double[] x = batch[0].toDoubleArray();
            assertArrayEquals(new long[] {ids.length, 2}, batch[0].shape());
            for (int i = 0; i < ids.length; i++) {
                assertEquals(ids[i], x[2 * i], "input row and label stay paired");
                assertEquals(10 * ids[i], x[2 * i + 1]);
            }
            out.add(ids);
        }
        return out;
    }

    private static long[] flat(List<long[]> batches) {
        return batches.stream().flatMapToLong(Arrays::stream).toArray();
    }

    @Test
    void batchesInOrderWithASmallerLastBatch() {
        DataLoader loader = new DataLoader(numbered(10), 4);
        List<long[]> batches = epoch(loader);
        assertEquals(3, loader.numBatches());
        assertEquals(3, batches.size());
        assertArrayEquals(new long[] {0, 1, 2, 3}, batches.get(0));
        assertArrayEquals(new long[] {4, 5, 6, 7}, batches.get(1));
        assertArrayEquals(new long[] {8, 9}, batches.get(2));
    }

    @Test
    void dropLastDropsOnlyAnIncompleteBatch() {
        DataLoader drop = DataLoader.builder(numbered(10)).batchSize(4).dropLast(true).build();
        assertEquals(2, drop.numBatches());
        assertArrayEquals(new long[] {0, 1, 2, 3, 4, 5, 6, 7}, flat(epoch(drop)));
        DataLoader exact = DataLoader.builder(numbered(8)).batchSize(4).dropLast(true).build();
        assertEquals(2, exact.numBatches());
        assertEquals(2, epoch(exact).size());
        DataLoader tooFew = DataLoader.builder(numbered(3)).batchSize(4).dropLast(true).build();
        assertEquals(0, tooFew.numBatches());
        assertFalse(tooFew.iterator().hasNext());
    }

    @Test
    void shuffledEpochsArePermutationsThatDiffer() {
        DataLoader loader = DataLoader.builder(numbered(50)).batchSize(7).shuffle(true).seed(3).build();
        long[] first = flat(epoch(loader));
        long[] second = flat(epoch(loader));
        assertArrayEquals(sorted(first), range(50));
        assertArrayEquals(sorted(second), range(50));
        assertFalse(Arrays.equals(first, range(50)), "shuffled");
        assertFalse(Arrays.equals(first, second), "each epoch draws a new order");
    }

    @Test
    void shuffledDropLastStillDrawsFromAllSamples() {
        DataLoader loader = DataLoader.builder(numbered(10)).batchSize(3).shuffle(true).dropLast(true).seed(1).build();
        boolean[] seen = new boolean[10];
        for (int e = 0; e < 20; e++) {
            List<long[]> batches = epoch(loader);
            assertEquals(3, batches.size());
            batches.forEach(b -> assertEquals(3, b.length));
            for (long i : flat(batches)) {
                seen[(int) i] = true;
            }
        }
        for (int i = 0; i < 10; i++) {
            assertTrue(seen[i], "sample " + i + " is never dropped in every epoch");
        }
    }

    @Test
    void aSeedMakesTheSequenceOfEpochsReproducible() {
        DataLoader a = DataLoader.builder(numbered(30)).batchSize(8).shuffle(true).seed(42).build();
        DataLoader b = DataLoader.builder(numbered(30)).batchSize(8).shuffle(true).seed(42).build();
        DataLoader c = DataLoader.builder(numbered(30)).batchSize(8).shuffle(true).seed(43).build();
        long[] a1 = flat(epoch(a));
        Tensor.randn(100); // the global generator does not affect a seeded loader
        long[] b1 = flat(epoch(b));
        assertArrayEquals(a1, b1);
        assertArrayEquals(flat(epoch(a)), flat(epoch(b)));
        assertFalse(Arrays.equals(a1, flat(epoch(c))));
    }

    @Test
    void withoutASeedShufflingFollowsManualSeed() {
        DataLoader loader = new DataLoader(numbered(30), 8, true);
        Nabla.manualSeed(7);
        long[] first = flat(epoch(loader));
        long[] second = flat(epoch(loader));
        Nabla.manualSeed(7);
        assertArrayEquals(first, flat(epoch(new DataLoader(numbered(30), 8, true))));
        assertArrayEquals(second, flat(epoch(loader)));
        Nabla.manualSeed(8);
        assertNotEquals(Arrays.toString(first), Arrays.toString(flat(epoch(loader))));
    }

    @Test
    void batchesAreCopiesNotViewsOfTheDataset() {
        TensorDataset data = numbered(4);
        Tensor[] batch = new DataLoader(data, 4).iterator().next();
        batch[0].fill_(-1);
        assertEquals(3.0, data.tensor(0).toDoubleArray()[6]);
    }

    @Test
    void iteratorEndsWithNoSuchElement() {
        Iterator<Tensor[]> it = new DataLoader(numbered(2), 2).iterator();
        it.next();
        assertFalse(it.hasNext());
        NoSuchElementException e = assertThrows(NoSuchElementException.class, it::next);
        assertTrue(e.getMessage().contains("1 batches"), e.getMessage());
    }

    @Test
    void emptyDatasetHasNoBatches() {
        TensorDataset empty = new TensorDataset(Tensor.zeros(0, 3), Tensor.zeros(DType.INT64, 0));
        assertEquals(0, new DataLoader(empty, 5, true).numBatches());
        assertFalse(new DataLoader(empty, 5, true).iterator().hasNext());
    }

    @Test
    void rejectsBadSettings() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DataLoader(numbered(3), 0));
        assertTrue(e.getMessage().contains("batchSize must be a positive integer, got 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DataLoader.builder(null));
    }

    @Test
    void genericDatasetsAreStackedSampleBySample() {
        Dataset squares = new Dataset() {
            @Override
            public int size() {
                return 5;
            }

            @Override
            public Tensor[] get(int index) {
                return new Tensor[] {Tensor.of((float) index, (float) (index * index)), Tensor.scalar(DType.INT64, index)};
            }
        };
        List<Tensor[]> batches = new ArrayList<>();
        new DataLoader(squares, 2).forEach(batches::add);
        assertEquals(3, batches.size());
        assertArrayEquals(new long[] {2, 2}, batches.get(1)[0].shape());
        assertArrayEquals(new float[] {2, 4, 3, 9}, batches.get(1)[0].toFloatArray());
        assertArrayEquals(new long[] {2, 3}, batches.get(1)[1].toLongArray());
        assertArrayEquals(new long[] {1}, batches.get(2)[1].shape());
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> squares.batch(Tensor.of(0L, 5L)));
        assertTrue(e.getMessage().contains("index 5 is out of range for a dataset of size 5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> squares.batch(Tensor.of(1.0)));
    }

    private static long[] sorted(long[] a) {
        long[] s = a.clone();
        Arrays.sort(s);
        return s;
    }

    private static long[] range(int n) {
        long[] r = new long[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }
}
