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

    /**
     * Smallest first, then by segment and offset: {@link TreeSet#ceiling} gives the best fit.
     * Written out rather than chained from {@code Comparator.comparingLong}: every allocation
     * and free compares a few dozen times, and the chained lambdas cost several times more.
     */
    private static final Comparator<Block> BEST_FIT = (x, y) -> {
        int c = Long.compare(x.size, y.size);
        if (c == 0) {
            c = Long.compare(x.segment, y.segment);
        }
        return c != 0 ? c : Long.compare(x.offset, y.offset);
    };

    private final Driver driver;
    private final int device;
    private final TreeSet<Block> smallPool = new TreeSet<>(BEST_FIT);
    private final TreeSet<Block> largePool = new TreeSet<>(BEST_FIT);
    /** The key {@link #allocateCached} looks up: the smallest block of a size, before every real one. */
    private final Block probe = new Block(Long.MIN_VALUE, null, null, Long.MIN_VALUE, 0, false);
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
     * linked list in address order. Free blocks are resized in place when split or merged (never
     * while in a pool, whose order depends on their size and offset), so that a tiny op's
     * allocation and free make one block object, not three; a block being freed is never
     * changed, only its free neighbours.
     */
    static final class Block {
        final long segment;
        final boolean small;
        /** The segment's base address (the address the driver returned). */
        final CUdeviceptr segmentBase;
        /**
         * A small segment's block addresses by offset / {@link #MIN_BLOCK}, each made the first
         * time a block there is handed out and shared by the blocks handed out there later, so
         * that a tiny op's output makes no address object; null for a large segment.
         */
        final CUdeviceptr[] addresses;
        long offset;
        long size;
        /** The block's own address, made when it is handed out; cleared when a free block's offset changes. */
        private CUdeviceptr ptr;
        Block prev;
        Block next;
        boolean allocated;

        Block(long segment, CUdeviceptr segmentBase, CUdeviceptr[] addresses, long offset, long size, boolean small) {
            this.segment = segment;
            this.segmentBase = segmentBase;
            this.addresses = addresses;
            this.offset = offset;
            this.size = size;
            this.small = small;
        }

        /** The block's device address; set once the block is handed out. */
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
        probe.size = size;
        Block found = pool.ceiling(probe);
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
        boolean small = size <= SMALL_SIZE;
        CUdeviceptr[] addresses = small ? new CUdeviceptr[(int) (segmentBytes / MIN_BLOCK)] : null;
        return handOut(new Block(nextSegment++, base, addresses, 0, segmentBytes, small), size);
    }

    /** Returns {@code block} to its pool, merged with the free blocks beside it. */
    synchronized void free(Block block) {
        if (!block.allocated) {
            throw new IllegalStateException("CachingAllocator: a block of " + block.size + " bytes freed twice");
        }
        block.allocated = false;
        allocated -= block.size;
        TreeSet<Block> pool = block.small ? smallPool : largePool;
        Block before = block.prev != null && !block.prev.allocated ? block.prev : null;
        Block after = block.next != null && !block.next.allocated ? block.next : null;
        Block merged = block;
        if (before != null) {
            pool.remove(before);
            before.size += block.size;
            link(before, block.next);
            merged = before;
        }
        if (after != null) {
            pool.remove(after);
            if (before != null) {
                before.size += after.size;
                link(before, after.next);
            } else {
                // The free block after takes this one's place, so that this one stays as it was handed out.
                after.offset = block.offset;
                after.size += block.size;
                after.ptr = null;
                link(block.prev, after);
                merged = after;
            }
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
            // The free block, out of its pool, keeps its front; the remainder behind it is a new block.
            Block rest = new Block(block.segment, block.segmentBase, block.addresses, block.offset + size, remaining,
                    block.small);
            link(rest, block.next);
            link(block, rest);
            block.size = size;
            (block.small ? smallPool : largePool).add(rest);
        }
        if (out.ptr == null) {
            out.ptr = address(out);
        }
        out.allocated = true;
        allocated += out.size;
        peakAllocated = Math.max(peakAllocated, allocated);
        return out;
    }

    /** The device address of {@code block}, from its segment's cache of addresses where it has one. */
    private static CUdeviceptr address(Block block) {
        if (block.offset == 0) {
            return block.segmentBase;
        }
        if (block.addresses == null) {
            return block.segmentBase.withByteOffset(block.offset);
        }
        int slot = (int) (block.offset / MIN_BLOCK);
        CUdeviceptr a = block.addresses[slot];
        if (a == null) {
            a = block.segmentBase.withByteOffset(block.offset);
            block.addresses[slot] = a;
        }
        return a;
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
