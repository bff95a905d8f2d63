package dev.nabla.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The caching allocator's bookkeeping, over an {@link EmulatedDevice} that counts the driver's
 * allocations: rounding, the two pools and their segment sizes, best fit, splitting, merging,
 * the statistics and {@code emptyCache}, as PyTorch's {@code CUDACachingAllocator} does them.
 */
class CachingAllocatorTest {
    private static final long MIB = 1L << 20;

    private final EmulatedDevice device = new EmulatedDevice(1);
    private final CachingAllocator pool = new CachingAllocator(device, 0);

    /** A block from the pool when one fits, else from a new segment, as {@link CudaMemory} asks. */
    private CachingAllocator.Block allocate(long bytes) {
        CachingAllocator.Block b = pool.allocateCached(bytes);
        return b != null ? b : pool.allocateSegment(bytes);
    }

    private static long offset(CachingAllocator.Block b) {
        return ((EmulatedDevice.Address) b.ptr()).offset;
    }

    private static int segment(CachingAllocator.Block b) {
        return ((EmulatedDevice.Address) b.ptr()).id;
    }

    @Test
    void sizesAreRoundedToMultiplesOf512() {
        assertEquals(512, CachingAllocator.roundSize(1));
        assertEquals(512, CachingAllocator.roundSize(512));
        assertEquals(1024, CachingAllocator.roundSize(513));
        assertEquals(1024, allocate(700).size());
        assertEquals(1024, pool.allocated());
    }

    @Test
    void segmentSizesFollowPyTorch() {
        assertEquals(2 * MIB, CachingAllocator.segmentSize(512));
        assertEquals(2 * MIB, CachingAllocator.segmentSize(MIB));
        assertEquals(20 * MIB, CachingAllocator.segmentSize(MIB + 512));
        assertEquals(20 * MIB, CachingAllocator.segmentSize(10 * MIB - 512));
        assertEquals(10 * MIB, CachingAllocator.segmentSize(10 * MIB));
        assertEquals(12 * MIB, CachingAllocator.segmentSize(10 * MIB + 512));
    }

    @Test
    void aFreedBlockIsReusedWithNoDriverCall() {
        CachingAllocator.Block first = allocate(300);
        assertEquals(1, device.mallocs());
        pool.free(first);
        CachingAllocator.Block again = allocate(400);
        assertEquals(1, device.mallocs(), "served from the pool");
        assertEquals(List.of(segment(first), offset(first)), List.of(segment(again), offset(again)), "the same memory");
        assertEquals(2 * MIB, pool.reserved());
    }

    @Test
    void smallRequestsShareTwoMebibyteSegments() {
        List<CachingAllocator.Block> blocks = new ArrayList<>();
        for (int i = 0; i < 4096; i++) {
            blocks.add(allocate(512));
        }
        assertEquals(1, device.mallocs(), "4096 blocks of 512 bytes fill one 2 MiB segment");
        assertEquals(2 * MIB, pool.allocated());
        assertNull(pool.allocateCached(1), "the small pool is full");
        allocate(1);
        assertEquals(2, device.mallocs());
        assertEquals(4 * MIB, pool.reserved());
    }

    @Test
    void smallAndLargeRequestsUseSeparatePools() {
        CachingAllocator.Block small = allocate(MIB);
        pool.free(small);
        assertNull(pool.allocateCached(MIB + 1), "a large request does not take a small segment's memory");
        CachingAllocator.Block large = allocate(MIB + 1);
        assertEquals(MIB + 512, large.size());
        assertEquals(2 * MIB + 20 * MIB, pool.reserved());
        pool.free(large);
        CachingAllocator.Block smallAgain = allocate(1000);
        assertEquals(segment(small), segment(smallAgain), "a small request does not take a large segment's memory");
    }

    @Test
    void largeBlocksSplitTakingTheBestFitAndMergeWhenFreed() {
        CachingAllocator.Block a = allocate(2 * MIB);
        CachingAllocator.Block b = allocate(3 * MIB);
        CachingAllocator.Block c = allocate(4 * MIB);
        assertEquals(1, device.mallocs(), "three large requests under 10 MiB split one 20 MiB segment");
        assertEquals(List.of(0L, 2 * MIB, 5 * MIB), List.of(offset(a), offset(b), offset(c)));
        assertEquals(9 * MIB, pool.allocated());

        pool.free(b);
        CachingAllocator.Block fits = allocate(3 * MIB);
        assertEquals(2 * MIB, offset(fits), "the 3 MiB hole fits best, not the 11 MiB tail");
        pool.free(fits);
        pool.free(a);
        CachingAllocator.Block merged = allocate(5 * MIB);
        assertEquals(0, offset(merged), "the freed 2 MiB and 3 MiB blocks merged into one 5 MiB block");
        assertEquals(1, device.mallocs());

        pool.free(merged);
        pool.free(c);
        CachingAllocator.Block whole = allocate(20 * MIB);
        assertEquals(0, offset(whole), "all blocks free: the segment is whole again");
        assertEquals(segment(a), segment(whole));
        assertEquals(1, device.mallocs());
    }

    @Test
    void aLargeBlockKeepsATailOfAtMostOneMebibyte() {
        allocate(2 * MIB);
        CachingAllocator.Block rest = allocate(17 * MIB + MIB / 2);
        assertEquals(18 * MIB, rest.size(), "the half-mebibyte tail stays with the block, as PyTorch's");
        assertEquals(20 * MIB, pool.allocated());
    }

    @Test
    void largeRequestsFromTenMebibytesGetSegmentsOfTheirOwnSize() {
        CachingAllocator.Block b = allocate(11 * MIB);
        assertEquals(12 * MIB, pool.reserved(), "rounded up to 2 MiB");
        assertEquals(12 * MIB, b.size(), "a tail of 1 MiB is not split off");
        assertEquals(12 * MIB, pool.allocated());
    }

    @Test
    void statisticsAndPeaks() {
        CachingAllocator.Block a = allocate(5 * MIB);
        CachingAllocator.Block b = allocate(600);
        assertEquals(5 * MIB + 1024, pool.allocated());
        assertEquals(22 * MIB, pool.reserved());
        pool.free(a);
        assertEquals(1024, pool.allocated());
        assertEquals(5 * MIB + 1024, pool.peakAllocated());
        assertEquals(22 * MIB, pool.peakReserved());
        pool.resetPeaks();
        assertEquals(1024, pool.peakAllocated());
        pool.free(b);
        assertEquals(0, pool.allocated());
        assertEquals(1024, pool.peakAllocated());
        assertEquals(22 * MIB, pool.reserved(), "freed blocks stay reserved");
    }

    @Test
    void emptyCacheReturnsOnlySegmentsWithNothingHandedOut() {
        CachingAllocator.Block small = allocate(100);
        CachingAllocator.Block large = allocate(3 * MIB);
        CachingAllocator.Block own = allocate(21 * MIB);
        pool.free(large);
        pool.free(own);
        assertEquals(2 * MIB + 20 * MIB + 22 * MIB, pool.reserved());
        assertEquals(42 * MIB, pool.emptyCache());
        assertEquals(2 * MIB, pool.reserved(), "the small segment holds a live block");
        assertEquals(512, pool.allocated());
        pool.free(small);
        pool.emptyCache();
        assertEquals(0, pool.reserved());
        allocate(100);
        assertEquals(4, device.mallocs(), "a segment returned to the driver is asked for again");
    }

    @Test
    void aBlockFreedTwiceIsAnError() {
        CachingAllocator.Block a = allocate(100);
        pool.free(a);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.free(a));
        assertEquals("CachingAllocator: a block of 512 bytes freed twice", e.getMessage());
        CachingAllocator.Block again = allocate(100);
        assertEquals(List.of(segment(a), 0L), List.of(segment(again), offset(again)), "the pool is intact");
        assertEquals(1, device.mallocs());
    }

    @Test
    void manyInterleavedAllocationsNeverOverlapAndAllMergeBack() {
        // Free blocks are split and merged in place and small segments share their addresses between
        // blocks handed out at one place: live blocks must still never overlap, and freeing all of them
        // must leave whole segments.
        Random random = new Random(13);
        List<CachingAllocator.Block> live = new ArrayList<>();
        for (int step = 0; step < 20_000; step++) {
            if (!live.isEmpty() && random.nextInt(100) < 45) {
                pool.free(live.remove(random.nextInt(live.size())));
            } else {
                long bytes = random.nextInt(100) < 90 ? 1 + random.nextInt(4096) : 1 + random.nextInt(3 * (int) MIB);
                live.add(allocate(bytes));
            }
            if (step % 1000 == 0) {
                assertDisjoint(live);
            }
        }
        assertDisjoint(live);
        long handedOut = live.stream().mapToLong(CachingAllocator.Block::size).sum();
        assertEquals(handedOut, pool.allocated());
        live.forEach(pool::free);
        assertEquals(0, pool.allocated());
        long reserved = pool.reserved();
        assertEquals(reserved, pool.emptyCache(), "every segment is one free block again");
        assertEquals(0, pool.reserved());
    }

    /** No two of the blocks share a byte. */
    private static void assertDisjoint(List<CachingAllocator.Block> blocks) {
        TreeMap<Long, CachingAllocator.Block> byStart = new TreeMap<>();
        for (CachingAllocator.Block b : blocks) {
            byStart.put(((long) segment(b) << 40) + offset(b), b);
        }
        assertEquals(blocks.size(), byStart.size(), "two live blocks at one address");
        long previousEnd = Long.MIN_VALUE;
        for (var e : byStart.entrySet()) {
            assertTrue(previousEnd <= e.getKey(), "blocks overlap at " + e.getValue().ptr());
            previousEnd = e.getKey() + e.getValue().size();
        }
    }
}
