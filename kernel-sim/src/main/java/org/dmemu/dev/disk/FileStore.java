package org.dmemu.dev.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * A medium backed by an existing host image file, read and written in place with positional
 * {@link FileChannel} I/O; {@link #flush()} is {@code FileChannel.force(true)}.
 *
 * <p>The size is the file's size when it is opened. Bytes past the file's current end (it may
 * shrink behind our back) read as zero.
 *
 * <p>Differences from a real disk: each transfer wraps the caller's array in a heap
 * {@link ByteBuffer} view (one small allocation per call; the JDK's channel API requires it).
 */
final class FileStore implements BackingStore {
    private final FileChannel ch;
    private final long size;

    FileStore(Path path) throws IOException {
        this.ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        this.size = ch.size();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public boolean read(long pos, byte[] b, int off, int len) {
        ByteBuffer bb = ByteBuffer.wrap(b, off, len);
        try {
            while (bb.hasRemaining()) {
                int n = ch.read(bb, pos + (bb.position() - off));
                if (n < 0) {
                    Arrays.fill(b, bb.position(), off + len, (byte) 0);
                    break;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public boolean write(long pos, byte[] b, int off, int len) {
        ByteBuffer bb = ByteBuffer.wrap(b, off, len);
        try {
            while (bb.hasRemaining()) {
                ch.write(bb, pos + (bb.position() - off));
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public boolean flush() {
        try {
            ch.force(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        try {
            ch.close();
        } catch (IOException e) {
            // nothing left to do: the kernel is shutting down
        }
    }
}
