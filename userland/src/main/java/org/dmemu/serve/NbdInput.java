package org.dmemu.serve;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The input side of one NBD connection: a read-ahead buffer over the socket, shared by the
 * handshake ({@link NbdHandshake}) and the request reader ({@link NbdTransmission}). Only the
 * connection's reading thread uses it.
 *
 * <p>Differences from NetBSD: not a NetBSD component (see {@link NbdConnection}).
 */
final class NbdInput {
    /** The read-ahead buffer of the socket's input. */
    static final int INPUT_BUFFER = 512 * 1024;

    private final SocketChannel ch;
    /** Bytes received and not yet parsed, between position and limit. */
    private final ByteBuffer in = ByteBuffer.allocateDirect(INPUT_BUFFER).flip();

    NbdInput(SocketChannel ch) {
        this.ch = ch;
    }

    /** The unparsed bytes (position to limit); callers {@link #need} before they get. */
    ByteBuffer buffer() {
        return in;
    }

    /** Reads more bytes from the socket into the buffer; EOFException at the end of input. */
    private void fill() throws IOException {
        in.compact();
        int n;
        try {
            n = ch.read(in);
        } finally {
            in.flip();
        }
        if (n < 0) {
            throw new EOFException();
        }
    }

    /** Makes at least {@code n} (≤ {@link #INPUT_BUFFER}) unparsed bytes available. */
    void need(int n) throws IOException {
        while (in.remaining() < n) {
            fill();
        }
    }

    int readInt() throws IOException {
        need(4);
        return in.getInt();
    }

    long readLong() throws IOException {
        need(8);
        return in.getLong();
    }

    void readFully(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (!in.hasRemaining()) {
                fill();
            }
            int n = Math.min(len, in.remaining());
            in.get(b, off, n);
            off += n;
            len -= n;
        }
    }

    /**
     * Fills {@code dst} (position to limit): first from the read-ahead buffer, then, for a large
     * rest, straight from the socket into {@code dst} (a write's payload lands in the request's
     * buffer with no copy in between).
     */
    void readFully(ByteBuffer dst) throws IOException {
        while (dst.hasRemaining()) {
            if (in.hasRemaining()) {
                int n = Math.min(dst.remaining(), in.remaining());
                int lim = in.limit();
                in.limit(in.position() + n);
                dst.put(in);
                in.limit(lim);
            } else if (dst.remaining() >= DIRECT_READ) {
                if (ch.read(dst) < 0) {
                    throw new EOFException();
                }
            } else {
                fill();
            }
        }
    }

    /** A payload rest at least this large is read from the socket without the read-ahead buffer. */
    private static final int DIRECT_READ = 64 * 1024;

    void skip(long len) throws IOException {
        while (len > 0) {
            if (!in.hasRemaining()) {
                fill();
            }
            int n = (int) Math.min(len, in.remaining());
            in.position(in.position() + n);
            len -= n;
        }
    }
}
