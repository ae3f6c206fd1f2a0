package org.dmemu.serve;

import static org.dmemu.serve.NbdProto.*;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A minimal NBD client for tests: fixed newstyle, NBD_OPT_GO, simple replies, and (after
 * {@link #structured}) structured reply chunks and {@code base:allocation}.
 */
final class NbdTestClient implements AutoCloseable {
    final Socket socket;
    final DataInputStream in;
    final DataOutputStream out;
    long size;
    int transmissionFlags;
    private long handle;

    NbdTestClient(InetSocketAddress a) throws IOException {
        socket = new Socket(a.getAddress(), a.getPort());
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = new DataOutputStream(socket.getOutputStream());
        if (in.readLong() != NBDMAGIC || in.readLong() != IHAVEOPT) {
            throw new IOException("bad greeting");
        }
        in.readUnsignedShort();
        out.writeInt(FLAG_C_FIXED_NEWSTYLE | FLAG_C_NO_ZEROES);
    }

    /** Sends an option; returns nothing (read replies with {@link #optReply}). */
    void option(int opt, byte[] data) throws IOException {
        out.writeLong(IHAVEOPT);
        out.writeInt(opt);
        out.writeInt(data.length);
        out.write(data);
        out.flush();
    }

    /** Reads one option reply: {type, payload}. */
    Object[] optReply(int opt) throws IOException {
        if (in.readLong() != REPLY_MAGIC) {
            throw new IOException("bad reply magic");
        }
        if (in.readInt() != opt) {
            throw new IOException("reply to another option");
        }
        int type = in.readInt();
        byte[] p = new byte[in.readInt()];
        in.readFully(p);
        return new Object[] {type, p};
    }

    static byte[] goData(String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        byte[] d = new byte[4 + n.length + 2];
        d[0] = (byte) (n.length >>> 24);
        d[1] = (byte) (n.length >>> 16);
        d[2] = (byte) (n.length >>> 8);
        d[3] = (byte) n.length;
        System.arraycopy(n, 0, d, 4, n.length);
        return d;
    }

    static NbdTestClient go(InetSocketAddress a, String name) throws IOException {
        NbdTestClient c = new NbdTestClient(a);
        c.goOn(name);
        return c;
    }

    /** Negotiates structured replies and selects {@code base:allocation} on {@code name}, then GO. */
    static NbdTestClient structured(InetSocketAddress a, String name) throws IOException {
        NbdTestClient c = new NbdTestClient(a);
        c.option(OPT_STRUCTURED_REPLY, new byte[0]);
        if ((int) c.optReply(OPT_STRUCTURED_REPLY)[0] != REP_ACK) {
            throw new IOException("structured replies refused");
        }
        c.option(OPT_SET_META_CONTEXT, metaData(name, CONTEXT_BASE_ALLOCATION));
        Object[] r = c.optReply(OPT_SET_META_CONTEXT);
        if ((int) r[0] != REP_META_CONTEXT || (int) c.optReply(OPT_SET_META_CONTEXT)[0] != REP_ACK) {
            throw new IOException("base:allocation refused");
        }
        c.goOn(name);
        return c;
    }

    /** The data of LIST/SET_META_CONTEXT: export name, then the queries. */
    static byte[] metaData(String export, String... queries) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        try {
            byte[] n = export.getBytes(StandardCharsets.UTF_8);
            d.writeInt(n.length);
            d.write(n);
            d.writeInt(queries.length);
            for (String q : queries) {
                byte[] qb = q.getBytes(StandardCharsets.UTF_8);
                d.writeInt(qb.length);
                d.write(qb);
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return b.toByteArray();
    }

    /** One structured reply chunk. */
    record Chunk(int flags, int type, long handle, byte[] payload) {
        java.nio.ByteBuffer data() {
            return java.nio.ByteBuffer.wrap(payload);
        }
    }

    /** Reads one structured reply chunk. */
    Chunk chunk() throws IOException {
        int magic = in.readInt();
        if (magic != STRUCTURED_REPLY_MAGIC) {
            throw new IOException("not a structured reply: magic 0x" + Integer.toHexString(magic));
        }
        int flags = in.readUnsignedShort();
        int type = in.readUnsignedShort();
        long h = in.readLong();
        byte[] p = new byte[in.readInt()];
        in.readFully(p);
        return new Chunk(flags, type, h, p);
    }

    /** BLOCK_STATUS: "len:state" descriptors of base:allocation, or "error N". */
    String blockStatus(int flags, long offset, int length) throws IOException {
        long h = request(CMD_BLOCK_STATUS, flags, offset, length, null);
        Chunk c = chunk();
        if (c.handle() != h || (c.flags() & REPLY_FLAG_DONE) == 0) {
            throw new IOException("bad block status chunk");
        }
        java.nio.ByteBuffer b = c.data();
        if (c.type() == REPLY_TYPE_ERROR) {
            return "error " + b.getInt();
        }
        if (c.type() != REPLY_TYPE_BLOCK_STATUS || b.getInt() != CONTEXT_BASE_ALLOCATION_ID) {
            throw new IOException("chunk type " + c.type());
        }
        StringBuilder sb = new StringBuilder();
        while (b.hasRemaining()) {
            sb.append(sb.length() == 0 ? "" : " ").append(b.getInt() & 0xffffffffL).append(':').append(b.getInt());
        }
        return sb.toString();
    }

    /** A structured READ: the data of its one OFFSET_DATA chunk, or null after an ERROR chunk (error in lastError). */
    byte[] readStructured(long offset, int length) throws IOException {
        long h = request(CMD_READ, 0, offset, length, null);
        Chunk c = chunk();
        if (c.handle() != h || (c.flags() & REPLY_FLAG_DONE) == 0) {
            throw new IOException("bad read chunk");
        }
        java.nio.ByteBuffer b = c.data();
        if (c.type() == REPLY_TYPE_ERROR) {
            lastError = b.getInt();
            return null;
        }
        if (c.type() != REPLY_TYPE_OFFSET_DATA || b.getLong() != offset) {
            throw new IOException("chunk type " + c.type());
        }
        byte[] d = new byte[b.remaining()];
        b.get(d);
        return d;
    }

    int lastError;

    private void goOn(String name) throws IOException {
        NbdTestClient c = this;
        c.option(OPT_GO, goData(name));
        while (true) {
            Object[] r = c.optReply(OPT_GO);
            int type = (int) r[0];
            byte[] p = (byte[]) r[1];
            if (type == REP_INFO && p.length == 12 && p[0] == 0 && p[1] == INFO_EXPORT) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(p);
                c.size = b.getLong(2);
                c.transmissionFlags = b.getShort(10) & 0xffff;
            } else if (type == REP_ACK) {
                return;
            } else if (type != REP_INFO) {
                c.close();
                throw new IOException("GO refused: reply type 0x" + Integer.toHexString(type) + " "
                        + new String(p, StandardCharsets.UTF_8));
            }
        }
    }

    /** Sends a request; for WRITE, {@code data} is the payload. Returns the handle. */
    long request(int type, int flags, long offset, int length, byte[] data) throws IOException {
        out.writeInt(REQUEST_MAGIC);
        out.writeShort(flags);
        out.writeShort(type);
        out.writeLong(++handle);
        out.writeLong(offset);
        out.writeInt(length);
        if (data != null) {
            out.write(data);
        }
        out.flush();
        return handle;
    }

    /** Reads a simple reply header; returns the error value. */
    int reply(long expectHandle) throws IOException {
        if (in.readInt() != SIMPLE_REPLY_MAGIC) {
            throw new IOException("bad simple reply magic");
        }
        int err = in.readInt();
        if (in.readLong() != expectHandle) {
            throw new IOException("reply for another handle");
        }
        return err;
    }

    byte[] read(long offset, int length) throws IOException {
        long h = request(CMD_READ, 0, offset, length, null);
        int err = reply(h);
        if (err != 0) {
            throw new IOException("NBD error " + err);
        }
        byte[] b = new byte[length];
        in.readFully(b);
        return b;
    }

    @Override
    public void close() throws IOException {
        try {
            request(CMD_DISC, 0, 0, 0, null);
            // As libnbd does: wait until the server has finished (flushed, closed the device)
            // and closed the connection.
            while (in.read() >= 0) {
                // nothing is expected after DISC
            }
        } catch (IOException ignored) {
            // already gone
        }
        socket.close();
    }
}
