package org.dmemu.dev.dm.target.snap;

import java.util.Arrays;

import org.dmemu.dev.dm.DmPdev;
import org.dmemu.sys.Buf;
import org.dmemu.sys.DmException;
import org.dmemu.sys.Errno;

/**
 * The persistent exception store of Linux's drivers/md/dm-snap-persistent.c, in its on-disk
 * layout, so that a COW image written here reads as Linux would lay it out:
 *
 * <pre>
 * chunk 0                 header: le32 magic 0x70416e53 ("SnAp"), le32 valid, le32 version = 1,
 *                         le32 chunk_size (sectors); the rest of the chunk zero
 * chunk 1                 metadata area 0: (chunk_size * 512 / 16) entries of
 *                         {le64 old_chunk, le64 new_chunk}; new_chunk 0 ends the list
 * chunks 2 … E+1          data chunks of area 0 (E = exceptions per area)
 * chunk E+2               metadata area 1, and so on: area k at 1 + (E + 1) * k
 * </pre>
 *
 * Data chunks are handed out in order, skipping the metadata chunks; a new exception's data
 * is written before its metadata entry (so a crash never exposes a chunk that was not
 * copied). On load an existing header is honoured (its chunk size overrides the table's, a
 * cleared valid flag makes the snapshot Invalid) and the areas are read until one is not full.
 *
 * <p>Differences from NetBSD: NetBSD 10 has no snapshot target; part of a dmemu extension (--targets snapshot).
 *
 * <p>Differences from Linux: when an area fills, the next area's metadata chunk is zeroed on
 * disk at once (Linux zeroes only area 0 at creation and relies on the next commit).
 */
public final class PersistentStore extends ExceptionStore {
    /** {@code SNAP_MAGIC}: "SnAp" read as a little-endian 32-bit number. */
    public static final int SNAP_MAGIC = 0x70416e53;
    /** {@code SNAPSHOT_DISK_VERSION}. */
    public static final int SNAPSHOT_DISK_VERSION = 1;
    /** {@code NUM_SNAPSHOT_HDR_CHUNKS}. */
    public static final int NUM_SNAPSHOT_HDR_CHUNKS = 1;
    /** Bytes of one {@code struct disk_exception}. */
    public static final int DISK_EXCEPTION_SIZE = 16;

    private long exceptionsPerArea;
    private long nextFree;
    private long currentArea;
    private long committed;
    private byte[] area;

    private PersistentStore(DmPdev cow, long chunkSize) {
        super(cow, chunkSize);
    }

    /**
     * {@code persistent_read_metadata}: opens the store on {@code cow}: a zeroed header makes a
     * new store (header and area 0 written), else the header and areas are read.
     *
     * @param chunkSize the table's chunk size (0: take it from the header)
     * @throws DmException EINVAL ("Chunk size not set", bad version), ENXIO (bad magic), EIO
     */
    public static PersistentStore open(DmPdev cow, long chunkSize) throws DmException {
        PersistentStore s = new PersistentStore(cow, chunkSize);
        byte[] hdr = new byte[s.blockSize()];
        if (s.cowIo(true, 0, hdr, 0, hdr.length) != Errno.NONE) {
            throw new DmException(Errno.EIO, "Failed to read snapshot metadata");
        }
        int magic = le32(hdr, 0);
        if (magic == 0) {
            if (chunkSize == 0) {
                throw new DmException(Errno.EINVAL, "Chunk size not set");
            }
            s.init();
            s.nextFree = NUM_SNAPSHOT_HDR_CHUNKS + 1;
            if (s.writeHeader(true) != Errno.NONE || s.zeroArea(0) != Errno.NONE) {
                throw new DmException(Errno.EIO, "Failed to read snapshot metadata");
            }
            return s;
        }
        if (magic != SNAP_MAGIC) {
            throw new DmException(Errno.ENXIO, "Failed to read snapshot metadata");
        }
        int version = le32(hdr, 8);
        long cs = le32(hdr, 12) & 0xffffffffL;
        if (version != SNAPSHOT_DISK_VERSION || cs == 0 || Long.bitCount(cs) != 1 || cs > (Integer.MAX_VALUE >> 9)) {
            throw new DmException(Errno.EINVAL, "Failed to read snapshot metadata");
        }
        s.chunkSize = cs;
        s.init();
        s.valid = le32(hdr, 4) != 0;
        s.nextFree = NUM_SNAPSHOT_HDR_CHUNKS + 1;
        if (s.valid && s.readExceptions() != Errno.NONE) {
            throw new DmException(Errno.EIO, "Failed to read snapshot metadata");
        }
        return s;
    }

    private void init() {
        exceptionsPerArea = exceptionsPerArea(chunkSize);
        area = new byte[(int) (chunkSize * Buf.DEV_BSIZE)];
    }

    /** {@code read_exceptions}: every full area, then the first one that is not full. */
    private Errno readExceptions() {
        long total = cowSectors() / chunkSize;
        for (currentArea = 0;; currentArea++) {
            long loc = areaLocation(currentArea, exceptionsPerArea);
            if (loc >= total) {
                break;
            }
            Errno e = cowIo(true, loc * chunkSize, area, 0, area.length);
            if (e != Errno.NONE) {
                return e;
            }
            committed = 0;
            boolean full = true;
            for (int i = 0; i < exceptionsPerArea; i++) {
                long oldC = le64(area, i * DISK_EXCEPTION_SIZE);
                long newC = le64(area, i * DISK_EXCEPTION_SIZE + 8);
                if (newC == 0) {
                    full = false;
                    break;
                }
                exceptions.put(oldC, newC);
                committed++;
                if (nextFree <= newC) {
                    nextFree = newC + 1;
                }
            }
            if (!full) {
                break;
            }
        }
        if (committed == exceptionsPerArea) {
            currentArea++;
            committed = 0;
            Arrays.fill(area, (byte) 0);
        }
        // skip_metadata: never hand out a metadata chunk
        if (nextFree % (exceptionsPerArea + 1) == NUM_SNAPSHOT_HDR_CHUNKS) {
            nextFree++;
        }
        return Errno.NONE;
    }

    @Override
    public long prepare() {
        if (cowSectors() < (nextFree + 1) * chunkSize) {
            return -1;
        }
        long c = nextFree;
        nextFree = nextFreeAfter(nextFree, exceptionsPerArea);
        return c;
    }

    @Override
    public Errno commit(long oldChunk, long newChunk) {
        int at = (int) (committed * DISK_EXCEPTION_SIZE);
        putLe64(area, at, oldChunk);
        putLe64(area, at + 8, newChunk);
        int bs = blockSize();
        int sec = at / bs * bs;
        Errno e = cowIo(false, areaLocation(currentArea, exceptionsPerArea) * chunkSize + sec / Buf.DEV_BSIZE, area,
                sec, bs);
        if (e != Errno.NONE) {
            return e;
        }
        exceptions.put(oldChunk, newChunk);
        if (++committed == exceptionsPerArea) {
            currentArea++;
            committed = 0;
            Arrays.fill(area, (byte) 0);
            if (areaLocation(currentArea, exceptionsPerArea) < cowSectors() / chunkSize) {
                return zeroArea(currentArea);
            }
        }
        return Errno.NONE;
    }

    @Override
    public void drop() {
        valid = false;
        writeHeader(false);
    }

    /** {@code persistent_usage}: next_free × chunk, the COW size, (current area + 2) × chunk. */
    @Override
    public long[] usage() {
        return new long[] {nextFree * chunkSize, cowSectors(),
                (currentArea + 1 + NUM_SNAPSHOT_HDR_CHUNKS) * chunkSize};
    }

    @Override
    public char type() {
        return 'P';
    }

    /** The COW device's sector size: the unit of every metadata write (Linux: logical block size). */
    private int blockSize() {
        return Math.max(Buf.DEV_BSIZE, cow.secsize());
    }

    private Errno writeHeader(boolean whole) {
        byte[] b = new byte[whole ? (int) (chunkSize * Buf.DEV_BSIZE) : blockSize()];
        byte[] h = header(valid, chunkSize);
        System.arraycopy(h, 0, b, 0, h.length);
        return cowIo(false, 0, b, 0, b.length);
    }

    private Errno zeroArea(long a) {
        byte[] z = new byte[(int) (chunkSize * Buf.DEV_BSIZE)];
        return cowIo(false, areaLocation(a, exceptionsPerArea) * chunkSize, z, 0, z.length);
    }

    // ------------------------------------------------------------------ layout (pure)

    /** {@code exceptions_per_area}: entries in one metadata chunk. */
    public static long exceptionsPerArea(long chunkSize) {
        return chunkSize * Buf.DEV_BSIZE / DISK_EXCEPTION_SIZE;
    }

    /** {@code area_location}: the chunk holding metadata area {@code area}. */
    public static long areaLocation(long area, long exceptionsPerArea) {
        return NUM_SNAPSHOT_HDR_CHUNKS + (exceptionsPerArea + 1) * area;
    }

    /** The free chunk after {@code nextFree}, skipping the metadata chunk that may follow it. */
    public static long nextFreeAfter(long nextFree, long exceptionsPerArea) {
        long n = nextFree + 1;
        return n % (exceptionsPerArea + 1) == NUM_SNAPSHOT_HDR_CHUNKS ? n + 1 : n;
    }

    /** The 16 bytes of {@code struct disk_header}. */
    public static byte[] header(boolean valid, long chunkSize) {
        byte[] h = new byte[16];
        putLe32(h, 0, SNAP_MAGIC);
        putLe32(h, 4, valid ? 1 : 0);
        putLe32(h, 8, SNAPSHOT_DISK_VERSION);
        putLe32(h, 12, (int) chunkSize);
        return h;
    }

    static int le32(byte[] b, int o) {
        return (b[o] & 0xff) | (b[o + 1] & 0xff) << 8 | (b[o + 2] & 0xff) << 16 | (b[o + 3] & 0xff) << 24;
    }

    static long le64(byte[] b, int o) {
        return (le32(b, o) & 0xffffffffL) | ((long) le32(b, o + 4)) << 32;
    }

    static void putLe32(byte[] b, int o, int v) {
        for (int i = 0; i < 4; i++) {
            b[o + i] = (byte) (v >>> (8 * i));
        }
    }

    static void putLe64(byte[] b, int o, long v) {
        for (int i = 0; i < 8; i++) {
            b[o + i] = (byte) (v >>> (8 * i));
        }
    }
}
