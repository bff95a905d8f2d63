package dev.nabla.backend.cuda;

import java.lang.ref.PhantomReference;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import jcuda.CudaException;
import jcuda.driver.CUdeviceptr;

/**
 * The device memory of one {@link Driver}: a {@link CachingAllocator} per device, and the
 * return of unreachable storages' blocks to it.
 *
 * <p>Note [Memory that comes back by itself]. Java has no reference counts, so a tensor's
 * memory comes back when the garbage collector finds its storage unreachable: each storage is
 * watched by a {@link Lease}, a phantom reference the collector enqueues once nothing can reach
 * the storage (a tensor saved for a backward pass is reachable from its graph, so it is live).
 * The queue is drained by the threads that allocate (and by the statistics), never on a
 * collector's thread, so blocks return to the pool only under its lock and no driver call is
 * made off the allocating thread.
 *
 * <p>The collector runs when the Java heap fills, which can be long after the device did: a
 * training step leaves megabytes of device memory behind it and a few kilobytes of Java
 * objects. So when a request cannot be served from the pool and the pool would grow, the
 * device's own pressure decides: if more bytes were handed out since the last collection than
 * {@code nabla.cuda.gcPercent} percent of the bytes in use just after it (and at least
 * {@code nabla.cuda.gcMinBytes}), a collection ({@link System#gc()}) and a drain come first,
 * as Go's {@code GOGC} paces its collector. A failed driver allocation collects too, then
 * returns the pool's unused segments to the driver and tries once more.
 *
 * <p>Settings, read as system properties at each decision:
 * <ul>
 *   <li>{@code nabla.cuda.gcPercent} (default {@value #DEFAULT_GC_PERCENT}): the growth
 *       in percent of the memory in use that is allowed before the pool grows without a
 *       collection; negative disables collections under pressure (a failed allocation still
 *       collects).
 *   <li>{@code nabla.cuda.gcMinBytes} (default {@value #DEFAULT_GC_MIN_BYTES}): the bytes
 *       handed out since the last collection below which the pool grows without one, so that
 *       small models do not collect every few steps.
 * </ul>
 */
final class CudaMemory {
    /** Default of {@code nabla.cuda.gcPercent}. */
    static final long DEFAULT_GC_PERCENT = 100;
    /** Default of {@code nabla.cuda.gcMinBytes}: 256 MiB. */
    static final long DEFAULT_GC_MIN_BYTES = 256L << 20;
    /** The longest a collection waits for the collector to enqueue what it found. */
    private static final long ENQUEUE_WAIT_MILLIS = 200;

    /** Where the collector puts the leases of unreachable storages, of every driver. */
    private static final ReferenceQueue<Object> UNREACHABLE = new ReferenceQueue<>();

    private final Driver driver;
    /** The pools by device ordinal, made on first use. */
    private final Map<Integer, CachingAllocator> pools = new TreeMap<>();
    /**
     * The first of the leases whose blocks are not yet returned, linked through their own fields
     * (as {@code java.lang.ref.Cleaner} keeps its references): keeps each lease reachable until
     * then, as phantom references must be, with no allocation per lease. Guarded by
     * {@link #liveLock}, which is taken last and alone: a drain may release the leases of
     * another driver's memory while holding this one's lock.
     */
    private Lease live;
    private final Object liveLock = new Object();
    private long handedOutSinceCollection;
    private long inUseAfterCollection;
    private long collections;

    CudaMemory(Driver driver) {
        this.driver = driver;
    }

    /**
     * The claim of one storage on one block: returned to the pool once, by {@link #release()}
     * or when the collector finds the storage unreachable.
     */
    static final class Lease extends PhantomReference<Object> {
        private final CudaMemory memory;
        private final CachingAllocator pool;
        private final CachingAllocator.Block block;
        /** Set once, under the memory's {@code liveLock}; read without it by {@link #isReleased()}. */
        private volatile boolean released;
        /** The neighbours in the memory's list of live leases, guarded by its {@code liveLock}. */
        private Lease previous;
        private Lease next;

        private Lease(Object storage, CudaMemory memory, CachingAllocator pool, CachingAllocator.Block block) {
            super(storage, UNREACHABLE);
            this.memory = memory;
            this.pool = pool;
            this.block = block;
        }

        /** The block's address; a fresh null pointer for an empty storage. */
        CUdeviceptr ptr() {
            return block == null ? new CUdeviceptr() : block.ptr();
        }

        /** The bytes of the block (0 for an empty storage). */
        long bytes() {
            return block == null ? 0 : block.size();
        }

        /** Whether the block went back to the pool. */
        boolean isReleased() {
            return released;
        }

        /** Returns the block to the pool, the first time only. */
        void release() {
            synchronized (memory.liveLock) {
                if (released) {
                    return;
                }
                released = true;
                memory.untrack(this);
            }
            clear();
            if (block != null) {
                pool.free(block);
            }
        }
    }

    /**
     * A lease on {@code bytes} of {@code device} for {@code storage}: from the pool when a free
     * block fits, after a collection under pressure, or from a new segment.
     *
     * @throws IllegalStateException {@code "CUDA out of memory: ..."} when the device has no room even after
     *         a collection and after returning the pool's unused segments
     */
    Lease allocate(Object storage, int device, long bytes) {
        drain();
        if (bytes == 0) {
            return track(new Lease(storage, this, null, null));
        }
        synchronized (this) {
            CachingAllocator pool = pool(device);
            handedOutSinceCollection += CachingAllocator.roundSize(bytes);
            CachingAllocator.Block block = pool.allocateCached(bytes);
            if (block == null && underPressure()) {
                collect();
                block = pool.allocateCached(bytes);
            }
            if (block == null) {
                block = grow(pool, device, bytes);
            }
            return track(new Lease(storage, this, pool, block));
        }
    }

    /** Puts {@code lease} at the head of the live list. */
    private Lease track(Lease lease) {
        synchronized (liveLock) {
            lease.next = live;
            if (live != null) {
                live.previous = lease;
            }
            live = lease;
        }
        return lease;
    }

    /** Takes {@code lease} out of the live list. */
    private void untrack(Lease lease) {
        assert Thread.holdsLock(liveLock);
        if (lease.previous != null) {
            lease.previous.next = lease.next;
        } else {
            live = lease.next;
        }
        if (lease.next != null) {
            lease.next.previous = lease.previous;
        }
        lease.previous = null;
        lease.next = null;
    }

    /** A new segment for the request, collecting and emptying the cache once if the driver has no room. */
    private CachingAllocator.Block grow(CachingAllocator pool, int device, long bytes) {
        try {
            return pool.allocateSegment(bytes);
        } catch (CudaException e) {
            if (!CudaDriver.isOutOfMemory(e)) {
                throw e;
            }
        }
        collect();
        CachingAllocator.Block block = pool.allocateCached(bytes);
        if (block != null) {
            return block;
        }
        emptyCache();
        try {
            return pool.allocateSegment(bytes);
        } catch (CudaException e) {
            if (!CudaDriver.isOutOfMemory(e)) {
                throw e;
            }
            throw new IllegalStateException("CUDA out of memory: tried to allocate " + bytes + " bytes on cuda:" + device
                    + " (" + pool.allocated() + " bytes allocated to live tensors, " + pool.reserved()
                    + " reserved by Nabla on this device)", e);
        }
    }

    /** Whether enough was handed out since the last collection that the pool should not grow before one. */
    private boolean underPressure() {
        long percent = Long.getLong("nabla.cuda.gcPercent", DEFAULT_GC_PERCENT);
        if (percent < 0) {
            return false;
        }
        long minBytes = Long.getLong("nabla.cuda.gcMinBytes", DEFAULT_GC_MIN_BYTES);
        long allowed = Math.max(minBytes, inUseAfterCollection / 100 * percent);
        return handedOutSinceCollection > allowed;
    }

    /**
     * Runs the collector, waits until it has enqueued what it found unreachable (or
     * {@value #ENQUEUE_WAIT_MILLIS} ms), and returns those blocks to their pools.
     */
    private synchronized void collect() {
        collections++;
        // A reference to an object nobody holds: once the collector has enqueued it, it has enqueued what it
        // found with it.
        PhantomReference<Object> marker = new PhantomReference<>(new Object(), UNREACHABLE);
        System.gc();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ENQUEUE_WAIT_MILLIS);
        try {
            long left;
            while ((left = deadline - System.nanoTime()) > 0) {
                Reference<?> r = UNREACHABLE.remove(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                if (r == marker) {
                    break;
                }
                returnBlock(r);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Reference.reachabilityFence(marker);
        drain();
        handedOutSinceCollection = 0;
        inUseAfterCollection = allocated();
    }

    /** Returns the blocks of every storage the collector found unreachable so far. */
    static void drain() {
        Reference<?> r;
        while ((r = UNREACHABLE.poll()) != null) {
            returnBlock(r);
        }
    }

    private static void returnBlock(Reference<?> r) {
        if (r instanceof Lease) {
            ((Lease) r).release();
        }
    }

    /** The pool of {@code device}, made on first use. */
    synchronized CachingAllocator pool(int device) {
        return pools.computeIfAbsent(device, d -> new CachingAllocator(driver, d));
    }

    /** Bytes handed out to live storages, over every device. */
    synchronized long allocated() {
        return sum(CachingAllocator::allocated);
    }

    /** Bytes held from the driver, over every device. */
    synchronized long reserved() {
        return sum(CachingAllocator::reserved);
    }

    /** The peak of {@link #allocated()} per device, summed. */
    synchronized long peakAllocated() {
        return sum(CachingAllocator::peakAllocated);
    }

    /** The peak of {@link #reserved()} per device, summed. */
    synchronized long peakReserved() {
        return sum(CachingAllocator::peakReserved);
    }

    private long sum(ToLongFunction<CachingAllocator> statistic) {
        return pools.values().stream().mapToLong(statistic).sum();
    }

    /** Sets every device's peaks to its current values. */
    synchronized void resetPeaks() {
        pools.values().forEach(CachingAllocator::resetPeaks);
    }

    /** Returns every device's unused segments to the driver. */
    synchronized void emptyCache() {
        pools.values().forEach(CachingAllocator::emptyCache);
    }

    /** How many collections allocation pressure or a failed allocation has run. */
    synchronized long collections() {
        return collections;
    }
}
