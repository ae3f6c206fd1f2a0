package org.dmemu.serve;

import java.nio.ByteBuffer;
import org.dmemu.sys.Buf;

/**
 * A request slot of one NBD connection: the parsed request, its data buffer, its {@link Buf}
 * and its prepared reply. Slots are reused: the reader ({@link NbdTransmission}) fills one, a
 * worker serves it ({@link NbdCommands}) and prepares the reply ({@link NbdReplies}), the sender
 * writes the reply and gives the slot back.
 *
 * <p>Differences from NetBSD: not a NetBSD component (see {@link NbdConnection}).
 */
final class NbdRequest {
    /** A slot's data buffer starts at, and after a larger request shrinks back to, this size. */
    static final int SLOT_BUFFER = 256 * 1024;
    /** A slot keeps a data buffer grown by a large request up to this size. */
    static final int KEEP_BUFFER = 4 * 1024 * 1024;

    final Buf bp = new Buf();
    /** A simple reply (16 bytes) or a structured chunk's header and fixed fields (up to 28). */
    final ByteBuffer header = ByteBuffer.allocateDirect(32);
    /** A structured chunk's variable payload (block status descriptors, error), heap. */
    ByteBuffer meta = ByteBuffer.allocate(256);
    final ByteBuffer[] vec = new ByteBuffer[2];
    /**
     * The data of a read or a write, direct: the strategy routine's disks read the image into it
     * and the reply is sent from it (a write's payload is received into it and written from it),
     * so no byte is copied inside the JVM. Lazily allocated.
     */
    ByteBuffer data;
    byte[] bounce = new byte[0];
    int type;
    int flags;
    long handle;
    long offset;
    long length;
    /** An error decided by the reader (an oversized write whose payload was skipped). */
    int early;
    /** Bytes of device data in the reply (a read's payload), for the server's statistics. */
    int dataLen;
    /** The reply's data, or null for a reply without data. */
    ByteBuffer replyData;

    /** The data buffer, grown to at least {@code len} bytes, with position 0 and limit {@code len}. */
    ByteBuffer dataBuffer(int len) {
        if (data == null || data.capacity() < len) {
            data = ByteBuffer.allocateDirect(Math.max(len, SLOT_BUFFER));
        }
        return data.clear().limit(len);
    }

    /** The meta buffer, cleared, with room for {@code len} bytes. */
    ByteBuffer metaBuffer(int len) {
        if (meta.capacity() < len) {
            meta = ByteBuffer.allocate(len);
        }
        return meta.clear();
    }

    /** After the reply: gives back a buffer grown past {@link #KEEP_BUFFER}. */
    void trim() {
        replyData = null;
        vec[1] = null;
        if (data != null && data.capacity() > KEEP_BUFFER) {
            data = null; // the next request allocates SLOT_BUFFER again
        }
        if (bounce.length > KEEP_BUFFER) {
            bounce = new byte[0];
        }
        if (meta.capacity() > KEEP_BUFFER) {
            meta = ByteBuffer.allocate(256);
        }
    }
}
