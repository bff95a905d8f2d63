package dev.nabla.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nabla.DType;
import dev.nabla.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DatasetsTest {
    @Test
    void digitsAreTheBenchmarksInputsAndLabels() {
        TensorDataset digits = Datasets.digits();
        assertEquals(1797, digits.size());
        Tensor x = digits.tensor(0);
        Tensor y = digits.tensor(1);
        assertEquals(DType.FLOAT32, x.dtype());
        assertArrayEquals(new long[] {1797, 64}, x.shape());
        assertEquals(DType.INT64, y.dtype());
        assertArrayEquals(new long[] {1797}, y.shape());
        // The file's first row: pixels, then its label 0, as PyTorch's side divides them by 16.
        float[] first = {0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0, 0, 3, 15, 2, 0, 11, 8, 0, 0, 4, 12, 0, 0, 8, 8, 0,
            0, 5, 8, 0, 0, 9, 8, 0, 0, 4, 11, 0, 1, 12, 7, 0, 0, 2, 14, 5, 10, 12, 0, 0, 0, 0, 6, 13, 10, 0, 0, 0};
        for (int i = 0; i < first.length; i++) {
            first[i] /= 16f;
        }
        assertArrayEquals(first, x.narrow(0, 0, 1).reshape(64).toFloatArray());
        assertArrayEquals(new long[] {0, 1, 2}, y.narrow(0, 0, 3).toLongArray());
        for (float v : x.toFloatArray()) {
            assertTrue(v >= 0 && v <= 1 && v * 16 == Math.rint(v * 16), "pixel " + v);
        }
        long[] counts = new long[10];
        for (long label : y.toLongArray()) {
            counts[(int) label]++;
        }
        assertArrayEquals(new long[] {178, 182, 177, 183, 181, 182, 181, 179, 174, 180}, counts);
    }

    @Test
    void irisHasFourFeaturesAndThreeBalancedClasses() {
        TensorDataset iris = Datasets.iris();
        assertEquals(150, iris.size());
        assertArrayEquals(new long[] {150, 4}, iris.tensor(0).shape());
        assertEquals(DType.FLOAT32, iris.tensor(0).dtype());
        assertEquals(DType.INT64, iris.tensor(1).dtype());
        assertArrayEquals(new float[] {5.1f, 3.5f, 1.4f, 0.2f}, iris.get(0)[0].toFloatArray());
        assertArrayEquals(new float[] {5.9f, 3.0f, 5.1f, 1.8f}, iris.get(149)[0].toFloatArray());
        long[] counts = new long[3];
        for (long label : iris.tensor(1).toLongArray()) {
            counts[(int) label]++;
        }
        assertArrayEquals(new long[] {50, 50, 50}, counts);
        assertEquals(0, iris.get(0)[1].item());
        assertEquals(2, iris.get(149)[1].item());
    }

    @Test
    void eachCallReturnsFreshTensors() {
        TensorDataset a = Datasets.iris();
        a.tensor(0).fill_(0);
        assertEquals(5.1f, Datasets.iris().tensor(0).toFloatArray()[0]);
    }

    @Test
    void splitIsDisjointCompleteAndSizedLikeScikitLearn() {
        TensorDataset ids = new TensorDataset(Tensor.arange(DType.INT64, 1797));
        Split<TensorDataset> split = Datasets.split(ids, 0.2, 0);
        assertEquals(360, split.test().size(), "ceil(0.2 * 1797)");
        assertEquals(1437, split.train().size());
        long[] all = new long[1797];
        System.arraycopy(split.train().tensor(0).toLongArray(), 0, all, 0, 1437);
        System.arraycopy(split.test().tensor(0).toLongArray(), 0, all, 1437, 360);
        Arrays.sort(all);
        for (int i = 0; i < all.length; i++) {
            assertEquals(i, all[i], "every sample in exactly one part");
        }
    }

    @Test
    void splitIsReproducibleForASeedAndTheSameForAnyDataset() {
        TensorDataset ids = new TensorDataset(Tensor.arange(DType.INT64, 100));
        long[] a = Datasets.split(ids, 0.25, 11).test().tensor(0).toLongArray();
        Tensor.randn(10); // the global generator does not matter
        long[] b = Datasets.split(ids, 0.25, 11).test().tensor(0).toLongArray();
        long[] c = Datasets.split(ids, 0.25, 12).test().tensor(0).toLongArray();
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));

        Dataset view = new Subset(ids, rangeOf(100));
        Split<Dataset> viaSubset = Datasets.split(view, 0.25, 11);
        assertTrue(viaSubset.test() instanceof Subset);
        assertArrayEquals(a, ((Subset) viaSubset.test()).indices());
    }

    @Test
    void splitOfAGeneralDatasetBatchesThroughTheUnderlyingOne() {
        TensorDataset digits = Datasets.digits();
        Split<Dataset> split = Datasets.split((Dataset) new Subset(digits, rangeOf(digits.size())), 0.3, 5);
        Subset test = (Subset) split.test();
        Tensor[] batch = new DataLoader(test, 16).iterator().next();
        long first = test.indices()[0];
        assertArrayEquals(digits.get((int) first)[0].toFloatArray(), batch[0].narrow(0, 0, 1).reshape(64).toFloatArray());
        assertEquals(digits.get((int) first)[1].item(), batch[1].toLongArray()[0]);
    }

    @Test
    void splitRejectsBadFractions() {
        TensorDataset ids = new TensorDataset(Tensor.arange(DType.INT64, 10));
        for (double f : new double[] {0, 1, -0.1, 1.5, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Datasets.split(ids, f, 0));
            assertTrue(e.getMessage().contains("strictly between 0 and 1"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Datasets.split(ids, 0.95, 0));
        assertTrue(e.getMessage().contains("leaves no training samples"), e.getMessage());
    }

    @Test
    void tensorDatasetChecksItsTensors() {
        IllegalArgumentException mismatch = assertThrows(IllegalArgumentException.class,
                () -> new TensorDataset(Tensor.zeros(3, 2), Tensor.zeros(DType.INT64, 4)));
        assertTrue(mismatch.getMessage().contains("tensor 0 has shape [3, 2] but tensor 1 has shape [4]"), mismatch.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TensorDataset());
        IllegalArgumentException scalar = assertThrows(IllegalArgumentException.class,
                () -> new TensorDataset(Tensor.scalar(1.0)));
        assertTrue(scalar.getMessage().contains("0-dimensional"), scalar.getMessage());

        TensorDataset data = new TensorDataset(Tensor.arange(DType.FLOAT32, 6).reshape(3, 2), Tensor.of(7L, 8L, 9L));
        Tensor[] sample = data.get(1);
        assertArrayEquals(new float[] {2, 3}, sample[0].toFloatArray());
        assertArrayEquals(new long[0], sample[1].shape());
        assertEquals(8, sample[1].item());
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> data.get(3));
        assertTrue(e.getMessage().contains("index 3 is out of range for a dataset of size 3"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> data.tensor(2));
        Tensor[] batch = data.batch(Tensor.of(2L, 0L, 2L));
        assertArrayEquals(new float[] {4, 5, 0, 1, 4, 5}, batch[0].toFloatArray());
        assertArrayEquals(new long[] {9, 7, 9}, batch[1].toLongArray());
    }

    private static long[] rangeOf(int n) {
        long[] r = new long[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }
}
