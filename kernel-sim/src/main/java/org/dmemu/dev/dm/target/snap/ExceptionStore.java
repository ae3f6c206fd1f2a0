package org.dmemu.dev.dm.target.snap;

import java.util.HashMap;
import java.util.Map;

import org.dmemu.dev.dm.DmPdev;
import org.dmemu.sys.Buf;
import org.dmemu.sys.Errno;

/**
 * A snapshot's exception store (Linux drivers/md/dm-exception-store.h): the map from origin
 * chunks to COW chunks, chunk allocation on the COW device and the usage numbers status shows.
 * Two kinds: {@link Persistent} (dm-snap-persistent.c, Linux's on-disk layout) and
 * {@link Transient} (dm-snap-transient.c, memory only). Callers hold the origin's lock
 * ({@link SnapshotRegistry.OriginState}) around every method.
 *
 * <p>Differences from NetBSD: NetBSD 10 has no snapshot target; part of a dmemu extension (--targets snapshot).
 *
 * <p>Differences from Linux: synchronous; a failed metadata write invalidates the snapshot at
 * once (Linux does so from its completion callback).
 */
public abstract class ExceptionStore {
    /** The COW device. */
    public final DmPdev cow;
    /** Chunk size in 512-byte sectors (a power of two). */
    protected long chunkSize;
    /** {@code old_chunk → new_chunk}. */
    protected final Map<Long, Long> exceptions = new HashMap<>();
    /** Still valid (an invalid snapshot fails all its I/O with EIO). */
    protected boolean valid = true;
    /** Snapshots sharing this store (a table reloaded over the same COW device). */
    int users;

    protected ExceptionStore(DmPdev cow, long chunkSize) {
        this.cow = cow;
        this.chunkSize = chunkSize;
    }

    public long chunkSize() {
        return chunkSize;
    }

    public boolean valid() {
        return valid;
    }

    /** The COW chunk holding origin chunk {@code oldChunk}, or -1. */
    public long lookup(long oldChunk) {
        Long n = exceptions.get(oldChunk);
        return n == null ? -1 : n;
    }

    /** The number of exceptions (tests, trace). */
    public int size() {
        return exceptions.size();
    }

    /** {@code prepare_exception}: the next free COW chunk, or -1 when the COW device is full. */
    public abstract long prepare();

    /** {@code commit_exception}: records {@code old → new} (persistent: on disk first). */
    public abstract Errno commit(long oldChunk, long newChunk);

    /** {@code drop_snapshot}: marks the store invalid (persistent: header valid = 0). */
    public abstract void drop();

    /** {@code usage}: {sectors_allocated, total_sectors, metadata_sectors}. */
    public abstract long[] usage();

    /** The table's store letter: P or N. */
    public abstract char type();

    /** The COW device size in 512-byte sectors. */
    protected long cowSectors() {
        return cow.numsec() * (cow.secsize() / Buf.DEV_BSIZE);
    }

    /** Reads or writes whole sectors of the COW device at 512-byte sector {@code sector}. */
    protected Errno cowIo(boolean read, long sector, byte[] b, int off, int len) {
        Buf bp = new Buf().setup(read ? Buf.B_READ : Buf.B_WRITE, sector, b, off, len);
        cow.strategy(bp, 0);
        Errno e = bp.error();
        return e == Errno.NONE && bp.resid() > 0 ? Errno.EIO : e;
    }

    // ------------------------------------------------------------------ transient

    /**
     * dm-snap-transient.c: chunks handed out from the start of the COW device, in sectors
     * ({@code next_free}); no metadata.
     */
    public static final class Transient extends ExceptionStore {
        private long nextFree;

        public Transient(DmPdev cow, long chunkSize) {
            super(cow, chunkSize);
        }

        @Override
        public long prepare() {
            if (cowSectors() < nextFree + chunkSize) {
                return -1;
            }
            long c = nextFree / chunkSize;
            nextFree += chunkSize;
            return c;
        }

        @Override
        public Errno commit(long oldChunk, long newChunk) {
            exceptions.put(oldChunk, newChunk);
            return Errno.NONE;
        }

        @Override
        public void drop() {
            valid = false;
        }

        @Override
        public long[] usage() {
            return new long[] {nextFree, cowSectors(), 0};
        }

        @Override
        public char type() {
            return 'N';
        }
    }
}
