package org.dmemu.dev.disk;

/**
 * The medium behind an emulated disk: memory or a host image file. Byte-addressed; the caller
 * (the disk's strategy routine) has already checked the range.
 *
 * <p>No method throws on the I/O path: a failure is reported as {@code false}, which the disk
 * turns into EIO in the buf.
 *
 * <p>Differences from NetBSD: dmemu's own abstraction (NetBSD disks sit on hardware).
 */
public interface BackingStore extends AutoCloseable {
    /** The size in bytes. */
    long size();

    /** Reads {@code len} bytes at {@code pos} into {@code b[off…]}; false on an I/O error. */
    boolean read(long pos, byte[] b, int off, int len);

    /** Writes {@code len} bytes from {@code b[off…]} at {@code pos}; false on an I/O error. */
    boolean write(long pos, byte[] b, int off, int len);

    /**
     * Reads {@code len} bytes at {@code pos} into {@code b[off…]} (absolute indexes; position and
     * limit untouched); false on an I/O error. The default goes through a heap array; a file
     * store reads straight into the buffer.
     */
    default boolean read(long pos, java.nio.ByteBuffer b, int off, int len) {
        byte[] t = new byte[len];
        if (!read(pos, t, 0, len)) {
            return false;
        }
        b.put(off, t, 0, len);
        return true;
    }

    /** Writes {@code len} bytes from {@code b[off…]} at {@code pos}; as {@link #read(long, java.nio.ByteBuffer, int, int)}. */
    default boolean write(long pos, java.nio.ByteBuffer b, int off, int len) {
        byte[] t = new byte[len];
        b.get(off, t, 0, len);
        return write(pos, t, 0, len);
    }

    /** Makes every write durable (for a file: {@code FileChannel.force}); false on error. */
    boolean flush();

    /**
     * {@code SEEK_DATA}: the first offset ≥ {@code pos} that may hold data, {@link #size()} when
     * there is none, or −1 when the store cannot tell (the caller then treats the rest as data).
     * The default: every byte is data.
     */
    default long nextData(long pos) {
        return pos;
    }

    /**
     * {@code SEEK_HOLE}: the first offset ≥ {@code pos} inside a hole, {@link #size()} when
     * there is none (the end counts as a hole), or −1 when the store cannot tell. The default:
     * no holes.
     */
    default long nextHole(long pos) {
        return size();
    }

    /**
     * Discards {@code len} bytes at {@code pos} (range already checked): afterwards they read
     * as zeros and, where whole allocation units are covered, no longer take space. Returns
     * NONE, ENODEV when this store cannot discard (the default: {@code nodiscard}), or EIO.
     */
    default org.dmemu.sys.Errno discard(long pos, long len) {
        return org.dmemu.sys.Errno.ENODEV;
    }

    @Override
    void close();
}
