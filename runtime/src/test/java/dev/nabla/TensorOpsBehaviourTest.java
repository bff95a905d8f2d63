package dev.nabla;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * What the reference values cannot show about the new tensor ops: which results are views of
 * their input (writes show through, as in PyTorch) and which are copies, and the errors of
 * arguments torch's Python API cannot even express (a null tensor, no tensors at all).
 */
class TensorOpsBehaviourTest {
    private static Tensor matrix() {
        return Tensor.arange(DType.FLOAT64, 12).reshape(3, 4);
    }

    @Test
    void permuteFlattenSplitAndChunkAreViews() {
        Tensor x = matrix();
        x.permute(1, 0).narrow(0, 2, 1).fill_(-1);
        assertEquals(-1, x.toDoubleArray()[2]);
        x.flatten().narrow(0, 11, 1).fill_(-2);
        assertEquals(-2, x.toDoubleArray()[11]);
        x.split(2, 1)[1].fill_(-3);
        assertEquals(-3, x.toDoubleArray()[3]);
        x.chunk(3, 0)[2].fill_(-4);
        assertEquals(-4, x.toDoubleArray()[8]);
        assertEquals(4, x.version(), "each write through a view bumps the shared version");
    }

    @Test
    void repeatTrilAndStackCopy() {
        Tensor x = matrix();
        Tensor repeated = x.repeat(1, 1);
        Tensor lower = x.tril(10);
        Tensor stacked = Tensor.stack(0, x);
        x.fill_(7);
        assertEquals(0, repeated.toDoubleArray()[0]);
        assertEquals(0, lower.toDoubleArray()[0]);
        assertEquals(0, stacked.toDoubleArray()[0]);
    }

    @Test
    void flattenOfAContiguousTensorIsAView() {
        Tensor x = matrix();
        assertSame(x.storage(), x.flatten().storage());
        assertSame(x, x.flatten(1, 1), "flattening one dimension changes nothing, as in PyTorch");
        Tensor t = x.t();
        assertTrue(t.flatten().storage() != x.storage(), "a transposed matrix cannot be flattened in place");
    }

    @Test
    void chunkMayReturnFewerPiecesThanAskedFor() {
        Tensor[] pieces = Tensor.arange(6).chunk(4, 0);
        assertEquals(3, pieces.length);
        for (Tensor p : pieces) {
            assertArrayEquals(new long[] {2}, p.shape());
        }
    }

    @Test
    void stackNeedsTensors() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Tensor.stack(0)).getMessage()
                .contains("stack expects a non-empty TensorList"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Tensor.stack(0, matrix(), null)).getMessage()
                .contains("stack: tensor 1 is null"));
    }

    @Test
    void argminAndMinOfFloat32Stay32Bit() {
        Tensor x = Tensor.of(3f, -1f, 2f);
        assertEquals(DType.FLOAT32, x.min().dtype());
        assertEquals(DType.INT64, x.argmin(0).dtype());
        assertEquals(1, x.argmin(0).item());
    }
}
