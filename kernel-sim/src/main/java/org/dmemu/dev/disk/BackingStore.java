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

    /** Makes every write durable (for a file: {@code FileChannel.force}); false on error. */
    boolean flush();

    @Override
    void close();
}
