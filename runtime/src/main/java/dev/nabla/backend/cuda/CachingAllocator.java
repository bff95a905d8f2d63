package dev.nabla.backend.cuda;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import jcuda.CudaException;
import jcuda.driver.CUdeviceptr;

/**
 * One device's memory pool, after PyTorch's {@code CUDACachingAllocator}: the driver is asked
 * for large segments, tensors get blocks carved out of them, and a freed block goes back to the
 * pool to be handed out again with no driver call.
 *
 * <p>Note [Pools and blocks]. A request is rounded up to a multiple of {@value #MIN_BLOCK}
 * bytes. Requests of at most {@value #SMALL_SIZE} bytes come from the small pool, whose
 * segments are {@value #SMALL_SEGMENT} bytes; larger ones from the large pool, whose segments
 * are {@value #LARGE_SEGMENT} bytes for requests under {@value #MIN_LARGE_ALLOC} and the request
 * rounded up to {@value #ROUND_LARGE} otherwise. The free block chosen is the smallest that fits
 * (ties broken by address, so memory is reused from the front); when it is larger than needed
 * it is split and the remainder stays in the pool, in the small pool when at least
 * {@value #MIN_BLOCK} bytes remain and in the large pool when more than {@value #SMALL_SIZE}
 * remain (smaller tails of large blocks stay with the block, so that the large pool is not
 * broken into pieces no large request can use). A freed block merges with free neighbours of
 * its segment, so a segment whose blocks are all free is one block again, which
 * {@link #emptyCache()} can return to the driver.
 *
 * <p>Reuse needs no synchronisation with the GPU: every kernel and copy is issued in order on
 * the device's one stream, so work issued with a reused block runs after the work issued with
 * it before.
 *
 * <p>Thread-safe: every method holds the pool's lock. Its statistics count blocks, not the
 * bytes asked for: {@link #allocated()} is the sum of the rounded sizes of the blocks handed
 * out and not freed (PyTorch's {@code memory_allocated}), {@link #reserved()} the sum of the
 * segments held from the driver ({@code memory_reserved}).
 */
final class CachingAllocator {
    /** Every block is a multiple of this size (PyTorch's {@code kMinBlockSize}). */
    static final long MIN_BLOCK = 512;
    /** The largest request served by the small pool ({@code kSmallSize}). */
    static final long SMALL_SIZE = 1L << 20;
    /** The size of a small pool's segment ({@code kSmallBuffer}). */
    static final long SMALL_SEGMENT = 2L << 20;
    /** The size of a large pool's segment for requests under {@link #MIN_LARGE_ALLOC} ({@code kLargeBuffer}). */
    static final long LARGE_SEGMENT = 20L << 20;
    /** Requests from this size get a segment of their own size, rounded ({@code kMinLargeAlloc}). */
    static final long MIN_LARGE_ALLOC = 10L << 20;
    /** What such a segment is rounded up to ({@code kRoundLarge}). */
    static final long ROUND_LARGE = 2L << 20;

    /** Smallest first, then by segment and offset: {@link TreeSet#ceiling} gives the best fit. */
    private static final Comparator<Block> BEST_FIT = Comparator.comparingLong((Block b) -> b.size)
            .thenComparingLong(b -> b.segment).thenComparingLong(b -> b.offset);

    private final Driver driver;
    private final int device;
    private final TreeSet<Block> smallPool = new TreeSet<>(BEST_FIT);
    private final TreeSet<Block> largePool = new TreeSet<>(BEST_FIT);
    private long nextSegment;
    private long allocated;
    private long reserved;
    private long peakAllocated;
    private long peakReserved;
    private long segmentsRequested;

    CachingAllocator(Driver driver, int device) {
        this.driver = driver;
        this.device = device;
    }

    /**
     * A block of memory with its place in its segment. Blocks of one segment form a doubly
     * linked list in address order.
     */
    static final class Block {
        final long segment;
        final long offset;
        final long size;
        final boolean small;
        /** The segment's base address (the address the driver returned). */
        final CUdeviceptr segmentBase;
        /** The block's own address. */
        final CUdeviceptr ptr;
        Block prev;
        Block next;
        boolean allocated;

        Block(long segment, CUdeviceptr segmentBase, long offset, long size, boolean small) {
            this.segment = segment;
            this.segmentBase = segmentBase;
            this.offset = offset;
            this.size = size;
            this.small = small;
            this.ptr = offset == 0 || segmentBase == null ? segmentBase : segmentBase.withByteOffset(offset);
        }

        /** The block's device address. */
        CUdeviceptr ptr() {
            return ptr;
        }

        /** The size in bytes the block occupies (a multiple of {@link #MIN_BLOCK}). */
        long size() {
            return size;
        }
    }

    /** {@code bytes} rounded up to a multiple of {@link #MIN_BLOCK}, at least one. */
    static long roundSize(long bytes) {
        return bytes < MIN_BLOCK ? MIN_BLOCK : MIN_BLOCK * ((bytes + MIN_BLOCK - 1) / MIN_BLOCK);
    }

    /** The size of the segment the driver is asked for to serve a request of {@code size} rounded bytes. */
    static long segmentSize(long size) {
        if (size <= SMALL_SIZE) {
            return SMALL_SEGMENT;
        }
        if (size < MIN_LARGE_ALLOC) {
            return LARGE_SEGMENT;
        }
        return ROUND_LARGE * ((size + ROUND_LARGE - 1) / ROUND_LARGE);
    }

    /**
     * A block of at least {@code bytes > 0} from the pool, or null, having asked the driver
     * nothing, when no free block fits.
     */
    synchronized Block allocateCached(long bytes) {
        long size = roundSize(bytes);
        TreeSet<Block> pool = poolFor(size);
        Block found = pool.ceiling(new Block(Long.MIN_VALUE, null, Long.MIN_VALUE, size, size <= SMALL_SIZE));
        if (found == null) {
            return null;
        }
        pool.remove(found);
        return handOut(found, size);
    }

    /**
     * A block of at least {@code bytes > 0} carved from a new segment the driver allocates.
     *
     * @throws CudaException as the driver's allocation does, for example when the device is out of memory
     */
    synchronized Block allocateSegment(long bytes) {
        long size = roundSize(bytes);
        long segmentBytes = segmentSize(size);
        CUdeviceptr base = driver.malloc(device, segmentBytes);
        segmentsRequested++;
        reserved += segmentBytes;
        peakReserved = Math.max(peakReserved, reserved);
        return handOut(new Block(nextSegment++, base, 0, segmentBytes, size <= SMALL_SIZE), size);
    }

    /** Returns {@code block} to its pool, merged with the free blocks beside it. */
    synchronized void free(Block block) {
        if (!block.allocated) {
            throw new IllegalStateException("CachingAllocator: a block of " + block.size + " bytes freed twice");
        }
        block.allocated = false;
        allocated -= block.size;
        TreeSet<Block> pool = block.small ? smallPool : largePool;
        Block merged = block;
        if (merged.prev != null && !merged.prev.allocated) {
            pool.remove(merged.prev);
            merged = join(merged.prev, merged);
        }
        if (merged.next != null && !merged.next.allocated) {
            pool.remove(merged.next);
            merged = join(merged, merged.next);
        }
        pool.add(merged);
    }

    /**
     * Returns every segment none of whose memory is handed out to the driver, as PyTorch's
     * {@code empty_cache}.
     *
     * @return the bytes given back
     */
    synchronized long emptyCache() {
        long released = 0;
        for (TreeSet<Block> pool : List.of(smallPool, largePool)) {
            List<Block> whole = new ArrayList<>();
            for (Block b : pool) {
                if (b.prev == null && b.next == null) {
                    whole.add(b);
                }
            }
            for (Block b : whole) {
                pool.remove(b);
                reserved -= b.size;
                released += b.size;
                driver.free(device, b.segmentBase);
            }
        }
        return released;
    }

    /** The bytes of the blocks handed out and not freed. */
    synchronized long allocated() {
        return allocated;
    }

    /** The bytes of the segments held from the driver. */
    synchronized long reserved() {
        return reserved;
    }

    /** The most {@link #allocated()} has been since the pool was made or its peaks were reset. */
    synchronized long peakAllocated() {
        return peakAllocated;
    }

    /** The most {@link #reserved()} has been since the pool was made or its peaks were reset. */
    synchronized long peakReserved() {
        return peakReserved;
    }

    /** Sets both peaks to the current values. */
    synchronized void resetPeaks() {
        peakAllocated = allocated;
        peakReserved = reserved;
    }

    /** How many segments the driver has been asked for since the pool was made. */
    synchronized long segmentsRequested() {
        return segmentsRequested;
    }

    private TreeSet<Block> poolFor(long size) {
        return size <= SMALL_SIZE ? smallPool : largePool;
    }

    /** Marks the front {@code size} bytes of the free {@code block} handed out, splitting off the rest if worth it. */
    private Block handOut(Block block, long size) {
        long remaining = block.size - size;
        Block out = block;
        if (block.small ? remaining >= MIN_BLOCK : remaining > SMALL_SIZE) {
            out = new Block(block.segment, block.segmentBase, block.offset, size, block.small);
            Block rest = new Block(block.segment, block.segmentBase, block.offset + size, remaining, block.small);
            link(block.prev, out);
            link(out, rest);
            link(rest, block.next);
            (block.small ? smallPool : largePool).add(rest);
        }
        out.allocated = true;
        allocated += out.size;
        peakAllocated = Math.max(peakAllocated, allocated);
        return out;
    }

    /** One free block covering the adjacent {@code left} and {@code right}. */
    private static Block join(Block left, Block right) {
        Block joined = new Block(left.segment, left.segmentBase, left.offset, left.size + right.size, left.small);
        link(left.prev, joined);
        link(joined, right.next);
        return joined;
    }

    private static void link(Block left, Block right) {
        if (left != null) {
            left.next = right;
        }
        if (right != null) {
            right.prev = left;
        }
    }
}
