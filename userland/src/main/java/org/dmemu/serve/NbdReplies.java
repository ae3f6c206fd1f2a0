package org.dmemu.serve;

import static org.dmemu.serve.NbdProto.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The replies of one NBD connection in the transmission phase: preparing a request's reply in
 * its slot ({@link #reply}), and sending the prepared replies ({@link #send}). Whichever worker
 * finds no one sending sends the queued replies, each whole with one gathering write, while the
 * others go on serving; replies may leave out of order (the handle tells them apart). A failed
 * write marks the connection {@link #broken()}: later replies are dropped and the reader stops
 * at the closed channel.
 *
 * <p>Differences from NetBSD: not a NetBSD component (see {@link NbdConnection}).
 */
final class NbdReplies {
    private final SocketChannel ch;
    /** Called for each slot once its reply was written (or dropped). */
    private final Consumer<NbdRequest> released;
    /** Replies ready to be sent; whoever holds {@link #sending} sends them. */
    private final BlockingQueue<NbdRequest> replies;
    private final AtomicBoolean sending = new AtomicBoolean();
    /** Set when the socket failed: replies are dropped, the reader stops. */
    private volatile boolean broken;

    NbdReplies(SocketChannel ch, int slots, Consumer<NbdRequest> released) {
        this.ch = ch;
        this.replies = new ArrayBlockingQueue<>(slots);
        this.released = released;
    }

    /** True once the connection failed (a write failed or the device misbehaved). */
    boolean broken() {
        return broken;
    }

    /** Ends the connection: closes the channel, drops the replies not yet written. */
    void fail() {
        broken = true;
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing more to do
        }
    }

    /** Prepares a simple reply, followed by {@code len} bytes of the slot's (direct) data buffer. */
    void reply(NbdRequest r, int error, int len) {
        ByteBuffer h = r.header;
        h.clear();
        h.putInt(SIMPLE_REPLY_MAGIC).putInt(error).putLong(r.handle).flip();
        r.dataLen = len;
        if (len == 0) {
            r.replyData = null;
            return;
        }
        ByteBuffer d = r.data.clear().limit(len); // the bytes the disks read: sent as they are
        r.vec[0] = h;
        r.vec[1] = d;
        r.replyData = d;
    }

    /**
     * Prepares a structured read reply: one {@code OFFSET_DATA} chunk (flag DONE) with the
     * request's offset and {@code len} bytes of the slot's data; for a read of 0 bytes one
     * {@code NONE} chunk.
     */
    void readChunk(NbdRequest r, int len) {
        if (len == 0) {
            chunk(r, REPLY_TYPE_NONE, r.metaBuffer(0).flip());
            return;
        }
        ByteBuffer h = r.header;
        h.clear();
        h.putInt(STRUCTURED_REPLY_MAGIC).putShort((short) REPLY_FLAG_DONE).putShort((short) REPLY_TYPE_OFFSET_DATA)
                .putLong(r.handle).putInt(8 + len).putLong(r.offset).flip();
        r.dataLen = len;
        ByteBuffer d = r.data.clear().limit(len); // the bytes the disks read: sent as they are
        r.vec[0] = h;
        r.vec[1] = d;
        r.replyData = d;
    }

    /** Prepares a structured reply of one {@code NBD_REPLY_TYPE_ERROR} chunk (flag DONE), no message. */
    void errorChunk(NbdRequest r, int error) {
        ByteBuffer m = r.metaBuffer(6);
        m.putInt(error).putShort((short) 0).flip();
        chunk(r, REPLY_TYPE_ERROR, m);
    }

    /**
     * Prepares a structured reply of one {@code NBD_REPLY_TYPE_BLOCK_STATUS} chunk (flag DONE)
     * for the {@code base:allocation} context: a descriptor (length, state) per extent.
     */
    void blockStatusChunk(NbdRequest r, org.dmemu.sys.Extents e) {
        int n = e.count();
        ByteBuffer m = r.metaBuffer(4 + 8 * n);
        m.putInt(CONTEXT_BASE_ALLOCATION_ID);
        for (int i = 0; i < n; i++) {
            int f = e.flags(i);
            int state = ((f & org.dmemu.sys.Extents.HOLE) != 0 ? STATE_HOLE : 0)
                    | ((f & org.dmemu.sys.Extents.ZERO) != 0 ? STATE_ZERO : 0);
            m.putInt((int) e.length(i)).putInt(state);
        }
        m.flip();
        chunk(r, REPLY_TYPE_BLOCK_STATUS, m);
    }

    private static void chunk(NbdRequest r, int type, ByteBuffer payload) {
        ByteBuffer h = r.header;
        h.clear();
        h.putInt(STRUCTURED_REPLY_MAGIC).putShort((short) REPLY_FLAG_DONE).putShort((short) type)
                .putLong(r.handle).putInt(payload.remaining()).flip();
        r.dataLen = 0;
        r.vec[0] = h;
        r.vec[1] = payload;
        r.replyData = payload;
    }

    /**
     * Queues {@code r}'s reply and, unless another thread is sending already (it will send this
     * reply too), sends the queued replies, each with one gathering write, releasing their slots.
     * So no worker waits for the socket while another one writes: it goes on to its next request.
     */
    void send(NbdRequest r) {
        replies.add(r);
        while (sending.compareAndSet(false, true)) {
            try {
                NbdRequest x;
                while ((x = replies.poll()) != null) {
                    write(x);
                    released.accept(x);
                }
            } finally {
                sending.set(false);
            }
            if (replies.isEmpty()) {
                return;
            }
        }
    }

    private void write(NbdRequest x) {
        if (broken) {
            return;
        }
        try {
            if (x.replyData == null) {
                ByteBuffer h = x.header;
                while (h.hasRemaining()) {
                    ch.write(h);
                }
            } else {
                ByteBuffer d = x.replyData;
                ByteBuffer h = x.vec[0];
                while (h.hasRemaining() || d.hasRemaining()) {
                    ch.write(x.vec);
                }
            }
        } catch (IOException e) {
            // The client is gone: stop the reader; the other replies are dropped.
            fail();
        }
    }
}
