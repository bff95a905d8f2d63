package dev.nabla.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nabla.DType;
import dev.nabla.Tensor;
import dev.nabla.data.Dataset;
import dev.nabla.data.TensorDataset;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The shards of every rank, against PyTorch 1.13's DistributedSampler (sampler/make_expected.py). No MPI needed. */
class DistributedSamplerTest {

    private static Dataset ofSize(int n) {
        return new TensorDataset(Tensor.arange(DType.INT64, n));
    }

    @Test
    void indicesEqualPyTorchs() throws IOException {
        JsonNode cases;
        try (InputStream in = DistributedSamplerTest.class.getResourceAsStream("/sampler/expected.json")) {
            cases = new ObjectMapper().readTree(in).get("cases");
        }
        assertTrue(cases.size() >= 10, "reference cases: " + cases.size());
        for (JsonNode c : cases) {
            int size = c.get("size").asInt();
            int replicas = c.get("num_replicas").asInt();
            String name = c.toString().substring(0, 110);
            for (int rank = 0; rank < replicas; rank++) {
                DistributedSampler sampler = new DistributedSampler(ofSize(size), replicas, rank, c.get("shuffle").asBoolean(),
                        c.get("seed").asLong(), c.get("drop_last").asBoolean());
                sampler.setEpoch(c.get("epoch").asLong());
                JsonNode want = c.get("ranks").get(rank);
                long[] expected = new long[want.size()];
                for (int i = 0; i < expected.length; i++) {
                    expected[i] = want.get(i).asLong();
                }
                assertEquals(c.get("len").asInt(), sampler.size(), name);
                assertArrayEquals(expected, sampler.indices(), name + " rank " + rank);
            }
        }
    }

    @Test
    void ranksCoverTheDataSetOncePerEpochAndEpochsDiffer() {
        int n = 1001;
        int replicas = 4;
        long[] seen = new long[n];
        long[] firstEpochRank0 = null;
        for (int epoch = 0; epoch < 2; epoch++) {
            Arrays.fill(seen, 0);
            for (int rank = 0; rank < replicas; rank++) {
                DistributedSampler sampler = new DistributedSampler(ofSize(n), replicas, rank, true, 3, false);
                sampler.setEpoch(epoch);
                long[] mine = sampler.indices();
                assertEquals(251, mine.length);
                for (long i : mine) {
                    seen[(int) i]++;
                }
                if (rank == 0 && epoch == 0) {
                    firstEpochRank0 = mine;
                } else if (rank == 0) {
                    assertTrue(!Arrays.equals(firstEpochRank0, mine), "epoch 1 repeats epoch 0's order");
                }
            }
            // 4 * 251 = 1004: three samples are read twice (the padding), every other once.
            long twice = Arrays.stream(seen).filter(k -> k == 2).count();
            assertEquals(3, twice);
            assertTrue(Arrays.stream(seen).allMatch(k -> k == 1 || k == 2));
        }
    }

    @Test
    void shardReadsThisRanksSamples() {
        DistributedSampler sampler = new DistributedSampler(ofSize(10), 3, 1, false, 0, false);
        Tensor[] batch = sampler.shard().batch(Tensor.arange(DType.INT64, sampler.size()));
        assertArrayEquals(new long[] {1, 4, 7, 0}, batch[0].toLongArray());
    }

    @Test
    void badRankIsRejectedWithPyTorchsMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DistributedSampler(ofSize(4), 2, 2, true, 0, false));
        assertEquals("Invalid rank 2, rank should be in the interval [0, 1]", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DistributedSampler(ofSize(4), 0, 0, true, 0, false));
    }
}
