package dev.nabla;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** What users see when they get something wrong, and the version counter behind in-place ops. */
class BroadcastAndErrorsTest {
    private static <T extends Throwable> String message(Class<T> type, Executable call) {
        return assertThrows(type, call).getMessage();
    }

    // ---------------------------------------------------------------- broadcasting

    @Test
    void broadcastShapesFollowNumPy() {
        assertArrayEquals(new long[] {2, 4, 3}, Tensor.zeros(2, 1, 3).add(Tensor.zeros(4, 1)).shape());
        assertArrayEquals(new long[] {2, 0, 3}, Tensor.zeros(2, 0, 3).mul(Tensor.zeros(1, 3)).shape());
        assertArrayEquals(new long[] {}, Tensor.scalar(1).add(Tensor.scalar(2)).shape());
        assertArrayEquals(new long[] {5}, Tensor.scalar(1).sub(Tensor.zeros(5)).shape());
        assertArrayEquals(new long[] {0}, Tensor.zeros(0).add(Tensor.zeros(1)).shape());
    }

    @Test
    void incompatibleShapesNameTheOpAndBothShapes() {
        assertEquals("add: shapes [2, 3] and [4] cannot be broadcast",
                message(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).add(Tensor.zeros(4))));
        assertEquals("gt: shapes [3] and [2, 2] cannot be broadcast",
                message(IllegalArgumentException.class, () -> Tensor.zeros(3).gt(Tensor.zeros(2, 2))));
        assertTrue(message(IllegalArgumentException.class,
                () -> Tensor.where(Tensor.of(true, false), Tensor.zeros(3), Tensor.zeros(3))).startsWith("where:"));
        assertTrue(message(IllegalArgumentException.class,
                () -> Tensor.zeros(2, 3).add_(Tensor.zeros(2, 2))).startsWith("add_:"));
    }

    @Test
    void inPlaceOpsDoNotBroadcastTheirTarget() {
        String m = message(IllegalArgumentException.class, () -> Tensor.zeros(3).add_(Tensor.zeros(2, 3)));
        assertTrue(m.startsWith("add_:"), m);
    }

    // ---------------------------------------------------------------- dtypes

    @Test
    void mmDTypeMismatchNamesBothDTypes() {
        String m = message(IllegalArgumentException.class,
                () -> Tensor.zeros(2, 3).mm(Tensor.zeros(DType.FLOAT64, 3, 2)));
        assertTrue(m.startsWith("mm:"), m);
        assertTrue(m.contains("float32") && m.contains("float64"), m);
        String mm = message(IllegalArgumentException.class,
                () -> Tensor.zeros(DType.INT64, 2, 2, 3).matmul(Tensor.zeros(3, 2)));
        assertTrue(mm.contains("int64") && mm.contains("float32"), mm);
    }

    @Test
    void mmShapeMismatchNamesBothShapes() {
        assertEquals("mm: shapes [2, 3] and [4, 2] cannot be multiplied (2x3 and 4x2)",
                message(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).mm(Tensor.zeros(4, 2))));
    }

    @Test
    void inPlaceOpCannotNarrowItsDType() {
        String m = message(IllegalArgumentException.class, () -> Tensor.zeros(DType.INT64, 3).add_(Tensor.ones(3)));
        assertTrue(m.contains("float32") && m.contains("int64"), m);
        m = message(IllegalArgumentException.class, () -> Tensor.zeros(DType.INT64, 3).mul_(0.5));
        assertTrue(m.startsWith("mul_:"), m);
    }

    @Test
    void floatingOnlyOpsRejectIntegers() {
        assertTrue(message(IllegalArgumentException.class, () -> Tensor.arange(3).mean()).contains("int64"));
        assertTrue(message(IllegalArgumentException.class, () -> Tensor.arange(3).softmax(0)).startsWith("softmax:"));
        assertTrue(message(IllegalArgumentException.class, () -> Tensor.zeros(DType.INT64, 3).uniform_(0, 1))
                .startsWith("uniform_:"));
        assertTrue(message(IllegalArgumentException.class, () -> Tensor.randn(DType.INT64, 3)).startsWith("randn:"));
    }

    // ---------------------------------------------------------------- dimensions and indices

    @Test
    void outOfRangeDimsNameTheOpAndTheRange() {
        Tensor x = Tensor.zeros(2, 3);
        Map<String, Executable> calls = new LinkedHashMap<>();
        calls.put("sum", () -> x.sum(2, false));
        calls.put("mean", () -> x.mean(-3, true));
        calls.put("argmax", () -> x.argmax(5));
        calls.put("softmax", () -> x.softmax(2));
        calls.put("logSoftmax", () -> x.logSoftmax(-3));
        calls.put("transpose", () -> x.transpose(0, 2));
        calls.put("squeeze", () -> x.squeeze(2));
        calls.put("narrow", () -> x.narrow(2, 0, 1));
        calls.put("size", () -> x.size(-3));
        calls.put("cat", () -> Tensor.cat(2, x, x));
        calls.put("indexSelect", () -> x.indexSelect(2, Tensor.of(0L)));
        calls.put("gather", () -> x.gather(2, Tensor.zeros(DType.INT64, 2, 3)));
        for (Map.Entry<String, Executable> call : calls.entrySet()) {
            String m = message(IndexOutOfBoundsException.class, call.getValue());
            assertTrue(m.startsWith(call.getKey() + ": dimension out of range (expected to be in range of [-2, 1], but got "),
                    m);
        }
        String m = message(IndexOutOfBoundsException.class, () -> x.unsqueeze(3));
        assertEquals("unsqueeze: dimension out of range (expected to be in range of [-3, 2], but got 3)", m);
    }

    @Test
    void dimOfZeroDimTensorIsCheckedToo() {
        Tensor s = Tensor.scalar(1.5);
        assertEquals("sum: dimension out of range (expected to be in range of [-1, 0], but got 3)",
                message(IndexOutOfBoundsException.class, () -> s.sum(3, false)));
        assertEquals("mean: dimension out of range (expected to be in range of [-1, 0], but got -2)",
                message(IndexOutOfBoundsException.class, () -> s.mean(-2, false)));
        assertTrue(message(IndexOutOfBoundsException.class, () -> s.softmax(1)).startsWith("softmax:"));
        assertTrue(message(IndexOutOfBoundsException.class, () -> s.argmax(1)).startsWith("argmax:"));
        assertTrue(message(IndexOutOfBoundsException.class, () -> s.transpose(0, 1)).startsWith("transpose:"));
    }

    @Test
    void indexSelectRejectsOutOfRangeIndices() {
        Tensor x = Tensor.zeros(2, 3);
        assertEquals("indexSelect: index 3 is out of bounds for dimension 1 with size 3",
                message(IndexOutOfBoundsException.class, () -> x.indexSelect(1, Tensor.of(0L, 3L))));
        assertEquals("indexSelect: index -1 is out of bounds for dimension 0 with size 2",
                message(IndexOutOfBoundsException.class, () -> x.indexSelect(0, Tensor.of(-1L))));
        assertTrue(message(IllegalArgumentException.class, () -> x.indexSelect(0, Tensor.of(0.0))).contains("int64"));
    }

    @Test
    void gatherRejectsOutOfRangeIndices() {
        Tensor x = Tensor.zeros(2, 3);
        Tensor index = Tensor.of(0L, 5L).reshape(2, 1);
        assertEquals("gather: index 5 is out of bounds for dimension 1 with size 3",
                message(IndexOutOfBoundsException.class, () -> x.gather(1, index)));
        String m = message(IllegalArgumentException.class, () -> x.gather(1, Tensor.zeros(DType.INT64, 3, 1)));
        assertTrue(m.startsWith("gather:") && m.contains("dimension 0"), m);
        assertArrayEquals(new long[] {3, 1}, x.gather(0, Tensor.zeros(DType.INT64, 3, 1)).shape(),
                "the index may be longer than the input along the gathered dimension");
    }

    @Test
    void narrowOutOfRangeNamesTheDimensionSize() {
        Tensor x = Tensor.zeros(2, 3);
        String m = message(IndexOutOfBoundsException.class, () -> x.narrow(1, 2, 2));
        assertTrue(m.startsWith("narrow:") && m.contains("size 3"), m);
    }

    @Test
    void itemNeedsExactlyOneElement() {
        assertEquals("item: a Tensor with 6 elements cannot be converted to a scalar",
                message(IllegalStateException.class, () -> Tensor.zeros(2, 3).item()));
        assertEquals("item: a Tensor with 0 elements cannot be converted to a scalar",
                message(IllegalStateException.class, () -> Tensor.zeros(0).item()));
        assertEquals(2.5, Tensor.full(2.5, 1, 1).item());
        assertEquals(7.0, Tensor.scalar(DType.INT64, 7).item());
    }

    /**
     * Bad arguments of every kind: each must be refused with an exception a user can act on
     * and never with an ArrayIndexOutOfBoundsException (or other internal failure) from a kernel.
     */
    @Test
    void badInputNeverEscapesAsAnInternalFailure() {
        Tensor x = Tensor.zeros(2, 3);
        Tensor i64 = Tensor.arange(6).reshape(2, 3);
        Map<String, Executable> calls = new LinkedHashMap<>();
        calls.put("zeros negative", () -> Tensor.zeros(2, -1));
        calls.put("full negative", () -> Tensor.full(1.0, -3));
        calls.put("randn negative", () -> Tensor.randn(-1));
        calls.put("arange negative", () -> Tensor.arange(-1));
        calls.put("arange bool", () -> Tensor.arange(DType.BOOL, 3));
        calls.put("rand int64", () -> Tensor.rand(DType.INT64, 3));
        calls.put("reshape wrong size", () -> x.reshape(4));
        calls.put("reshape two -1", () -> x.reshape(-1, -1));
        calls.put("reshape -2", () -> x.reshape(-2, -3));
        calls.put("view wrong size", () -> x.view(7));
        calls.put("expand smaller", () -> x.expand(3));
        calls.put("expand mismatch", () -> x.expand(2, 4));
        calls.put("expand negative", () -> x.expand(2, -2));
        calls.put("narrow negative length", () -> x.narrow(0, 0, -1));
        calls.put("narrow start past end", () -> x.narrow(1, 4, 0));
        calls.put("narrow start before begin", () -> x.narrow(1, -4, 1));
        calls.put("narrow zero-dim", () -> Tensor.scalar(1).narrow(0, 0, 1));
        calls.put("cat nothing", () -> Tensor.cat(0));
        calls.put("cat zero-dim", () -> Tensor.cat(0, Tensor.scalar(1), Tensor.scalar(2)));
        calls.put("cat ndim", () -> Tensor.cat(0, x, Tensor.zeros(3)));
        calls.put("cat sizes", () -> Tensor.cat(1, x, Tensor.zeros(3, 3)));
        calls.put("indexSelect 2-D index", () -> x.indexSelect(0, Tensor.zeros(DType.INT64, 1, 1)));
        calls.put("indexSelect big index", () -> x.indexSelect(0, Tensor.of(Long.MAX_VALUE)));
        calls.put("indexSelect zero-dim many", () -> Tensor.scalar(1).indexSelect(0, Tensor.of(0L, 0L)));
        calls.put("gather ndim", () -> x.gather(1, Tensor.of(0L)));
        calls.put("gather float index", () -> x.gather(1, Tensor.zeros(2, 3)));
        calls.put("gather wider index", () -> x.gather(0, Tensor.zeros(DType.INT64, 1, 4)));
        calls.put("gather big index", () -> x.gather(0, Tensor.full(DType.INT64, 1L << 40, 2, 3)));
        calls.put("gather negative index", () -> i64.gather(1, Tensor.full(DType.INT64, -4, 2, 1)));
        calls.put("matmul zero-dim", () -> Tensor.scalar(1).matmul(x));
        calls.put("matmul inner", () -> x.matmul(x));
        calls.put("matmul batch", () -> Tensor.zeros(2, 2, 3).matmul(Tensor.zeros(3, 3, 2)));
        calls.put("matmul vector", () -> Tensor.zeros(3).matmul(Tensor.zeros(4)));
        calls.put("matmul bool", () -> Tensor.zeros(DType.BOOL, 2, 2).matmul(Tensor.zeros(DType.BOOL, 2, 2)));
        calls.put("mm 1-D", () -> Tensor.zeros(3).mm(x));
        calls.put("mm 3-D", () -> Tensor.zeros(1, 2, 3).mm(x.t()));
        calls.put("t 3-D", () -> Tensor.zeros(1, 2, 3).t());
        calls.put("max empty", () -> Tensor.zeros(0, 2).max());
        calls.put("argmax empty", () -> Tensor.zeros(0, 2).argmax(0));
        calls.put("sum dim out of range", () -> x.sum(5, true));
        calls.put("where int condition", () -> Tensor.where(i64, x, x));
        calls.put("maskedFill float mask", () -> x.maskedFill(Tensor.zeros(2, 3), 1));
        calls.put("maskedFill big mask", () -> Tensor.zeros(3).maskedFill(Tensor.zeros(DType.BOOL, 2, 3), 1));
        calls.put("neg bool", () -> Tensor.of(true).neg());
        calls.put("abs bool", () -> Tensor.of(true).abs());
        calls.put("relu bool", () -> Tensor.of(true).relu());
        calls.put("clamp bool", () -> Tensor.of(true).clamp(0, 1));
        calls.put("clamp NaN bound", () -> x.clamp(Double.NaN, 1));
        calls.put("sub bool", () -> Tensor.of(true).sub(Tensor.of(false)));
        calls.put("add_ bool", () -> Tensor.of(true).add_(Tensor.of(true)));
        calls.put("add_ int64 from float", () -> i64.add_(x));
        calls.put("copy_ wrong shape", () -> x.copy_(Tensor.zeros(3, 2)));
        calls.put("uniform_ reversed", () -> x.uniform_(1, 0));
        calls.put("normal_ negative std", () -> x.normal_(0, -1));
        calls.put("item many", () -> x.item());
        calls.put("size", () -> x.size(2));
        calls.put("of ragged", () -> Tensor.of(new float[][] {{1, 2}, {3}}));
        for (Map.Entry<String, Executable> call : calls.entrySet()) {
            RuntimeException e;
            try {
                call.getValue().execute();
                fail(call.getKey() + ": expected an exception");
                return;
            } catch (RuntimeException thrown) {
                e = thrown;
            } catch (Throwable t) {
                fail(call.getKey() + ": threw " + t, t);
                return;
            }
            try {
                OpReferenceTest.assertUserError(e, "");
            } catch (AssertionError a) {
                throw new AssertionError(call.getKey() + ": " + a.getMessage(), e);
            }
        }
    }

    // ---------------------------------------------------------------- version counter

    @Test
    void everyInPlaceOpBumpsTheVersion() {
        Map<String, Consumer<Tensor>> ops = new LinkedHashMap<>();
        ops.put("add_(Tensor)", t -> t.add_(Tensor.ones(3)));
        ops.put("add_(double)", t -> t.add_(1));
        ops.put("sub_(Tensor)", t -> t.sub_(Tensor.ones(3)));
        ops.put("sub_(double)", t -> t.sub_(1));
        ops.put("mul_(Tensor)", t -> t.mul_(Tensor.ones(3)));
        ops.put("mul_(double)", t -> t.mul_(2));
        ops.put("zero_", Tensor::zero_);
        ops.put("fill_", t -> t.fill_(3));
        ops.put("copy_", t -> t.copy_(Tensor.ones(3)));
        ops.put("uniform_", t -> t.uniform_(0, 1));
        ops.put("normal_", t -> t.normal_(0, 1));
        Tensor t = Tensor.zeros(2, 3);
        int expected = 0;
        assertEquals(0, t.version());
        for (Map.Entry<String, Consumer<Tensor>> op : ops.entrySet()) {
            op.getValue().accept(t);
            expected++;
            assertEquals(expected, t.version(), op.getKey());
        }
    }

    @Test
    void inPlaceOpReturnsItsTarget() {
        Tensor t = Tensor.zeros(3);
        assertTrue(t == t.add_(1) && t == t.mul_(Tensor.ones(3)) && t == t.fill_(0) && t == t.copy_(Tensor.ones(3)));
    }

    @Test
    void versionIsSharedByViews() {
        Tensor base = Tensor.zeros(4, 4);
        Tensor row = base.narrow(0, 1, 1);
        Tensor t = base.t();
        Tensor flat = base.view(16);
        row.add_(1);
        assertEquals(1, base.version());
        assertEquals(1, t.version());
        assertEquals(1, flat.version());
        base.fill_(2);
        assertEquals(2, row.version());
        assertEquals(2, flat.unsqueeze(0).version());
    }

    @Test
    void outOfPlaceOpsAndCopiesLeaveTheVersionAlone() {
        Tensor base = Tensor.zeros(2, 3);
        base.add(1);
        base.t().reshape(6);
        base.clone().fill_(1);
        base.to(DType.FLOAT64).add_(1);
        assertEquals(0, base.version());
        Tensor src = Tensor.ones(2, 3);
        base.copy_(src);
        assertEquals(0, src.version(), "the source of copy_ is only read");
    }
}
