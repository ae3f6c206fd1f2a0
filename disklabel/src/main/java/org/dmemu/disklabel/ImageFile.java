package org.dmemu.disklabel;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A disk image file seen as a {@link SectorDevice}. Reads past the end of the file fail;
 * a trailing partial sector is not part of the disk.
 */
public final class ImageFile implements SectorDevice, Closeable {
    private final FileChannel ch;
    private final long sectors;

    private ImageFile(FileChannel ch) throws IOException {
        this.ch = ch;
        this.sectors = ch.size() / DEV_BSIZE;
    }

    /** Opens {@code path} read-only. */
    public static ImageFile openReadOnly(Path path) throws IOException {
        return new ImageFile(FileChannel.open(path, StandardOpenOption.READ));
    }

    /** Opens {@code path} for reading and writing. */
    public static ImageFile openReadWrite(Path path) throws IOException {
        return new ImageFile(FileChannel.open(path, StandardOpenOption.READ,
                StandardOpenOption.WRITE));
    }

    @Override
    public long sectorCount() {
        return sectors;
    }

    @Override
    public void read(long blkno, byte[] buf, int off, int count) throws IOException {
        if (blkno < 0 || blkno + count > sectors) {
            throw new IOException("read of sectors " + blkno + "+" + count + " outside the image");
        }
        ByteBuffer bb = ByteBuffer.wrap(buf, off, count * DEV_BSIZE);
        long pos = blkno * DEV_BSIZE;
        while (bb.hasRemaining()) {
            int n = ch.read(bb, pos);
            if (n < 0) {
                throw new IOException("short read at byte " + pos);
            }
            pos += n;
        }
    }

    /** Reads up to {@code len} bytes at byte {@code pos}; returns how many were read (pread). */
    public int pread(byte[] buf, int off, int len, long pos) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(buf, off, len);
        int total = 0;
        while (bb.hasRemaining()) {
            int n = ch.read(bb, pos + total);
            if (n <= 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    @Override
    public void write(long blkno, byte[] buf, int off, int count) throws IOException {
        if (blkno < 0 || blkno + count > sectors) {
            throw new IOException("write of sectors " + blkno + "+" + count
                    + " outside the image");
        }
        ByteBuffer bb = ByteBuffer.wrap(buf, off, count * DEV_BSIZE);
        long pos = blkno * DEV_BSIZE;
        while (bb.hasRemaining()) {
            pos += ch.write(bb, pos);
        }
    }

    /** Writes {@code len} bytes at byte {@code pos} (pwrite). */
    public void pwrite(byte[] buf, int off, int len, long pos) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(buf, off, len);
        long p = pos;
        while (bb.hasRemaining()) {
            p += ch.write(bb, p);
        }
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
