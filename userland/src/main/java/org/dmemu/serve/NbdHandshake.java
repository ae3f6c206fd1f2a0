package org.dmemu.serve;

import static org.dmemu.serve.NbdProto.*;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import org.dmemu.kern.DiskHandle;

/**
 * The handshake of one NBD connection: the fixed-newstyle greeting and the option haggling
 * ({@code NBD_OPT_EXPORT_NAME}, {@code INFO}, {@code GO}, {@code LIST}, {@code ABORT},
 * {@code STRUCTURED_REPLY}, {@code LIST_META_CONTEXT}, {@code SET_META_CONTEXT}; everything else
 * {@code ERR_UNSUP}). Option data longer than {@link #MAX_OPTION} is skipped and answered
 * {@code ERR_TOO_BIG} (only {@code EXPORT_NAME}, which has no error reply, disconnects).
 * When the haggling ends with an export chosen, {@link #session()} tells what was agreed and
 * the transmission phase ({@link NbdTransmission}) starts.
 *
 * <p>Differences from NetBSD: not a NetBSD component (see {@link NbdConnection}).
 */
final class NbdHandshake {
    private static final int MAX_OPTION = 64 * 1024;

    private final SocketChannel ch;
    private final NbdInput in;
    private final NbdExports exports;
    /** The replies are assembled here, then sent by {@link #sendOut()}. */
    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream(256);
    private final DataOutputStream out = new DataOutputStream(outBytes);
    private final boolean discard;
    private boolean noZeroes;
    private DiskHandle disk;
    private String diskName;
    /** The size announced in the handshake; requests are checked against it. */
    private long exportSize;
    private boolean structured;
    /** {@code base:allocation} selected by SET_META_CONTEXT, for {@link #metaExport}. */
    private boolean baseAllocation;
    private String metaExport;

    /** {@code discard}: false with {@code serve --no-discard} (no TRIM, zeroes never punch). */
    NbdHandshake(SocketChannel ch, NbdInput in, NbdExports exports, boolean discard) {
        this.ch = ch;
        this.in = in;
        this.exports = exports;
        this.discard = discard;
    }

    /** What was agreed, once {@link #run()} returned true. */
    NbdSession session() {
        boolean ro = disk.readOnly();
        return new NbdSession(disk, diskName, exportSize, structured,
                baseAllocation && diskName.equals(metaExport), discard && !ro, ro);
    }

    /** The export chosen (open), or null while none is. The caller closes it. */
    DiskHandle disk() {
        return disk;
    }

    /** Sends what the handshake assembled in {@link #out}. */
    private void sendOut() throws IOException {
        ByteBuffer b = ByteBuffer.wrap(outBytes.toByteArray());
        outBytes.reset();
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /** Runs the handshake; returns true when an export was chosen and transmission starts. */
    boolean run() throws IOException {
        out.writeLong(NBDMAGIC);
        out.writeLong(IHAVEOPT);
        out.writeShort(FLAG_FIXED_NEWSTYLE | FLAG_NO_ZEROES);
        sendOut();
        int clientFlags = in.readInt();
        if ((clientFlags & ~(FLAG_C_FIXED_NEWSTYLE | FLAG_C_NO_ZEROES)) != 0) {
            return false;
        }
        noZeroes = (clientFlags & FLAG_C_NO_ZEROES) != 0;
        while (true) {
            if (in.readLong() != IHAVEOPT) {
                return false;
            }
            int opt = in.readInt();
            long ulen = in.readInt() & 0xffffffffL;
            if (ulen > MAX_OPTION) {
                if (opt == OPT_EXPORT_NAME) {
                    return false; // EXPORT_NAME has no error reply
                }
                in.skip(ulen);
                optError(opt, REP_ERR_TOO_BIG, "option data of " + ulen + " bytes is too long (at most "
                        + MAX_OPTION + ")");
                continue;
            }
            int len = (int) ulen;
            byte[] payload = new byte[len];
            in.readFully(payload, 0, len);
            switch (opt) {
                case OPT_EXPORT_NAME -> {
                    String name = new String(payload, StandardCharsets.UTF_8);
                    disk = exports.open(name);
                    if (disk == null) {
                        return false; // the protocol's only answer to an unknown name here
                    }
                    diskName = name;
                    exportSize = disk.mediaSize();
                    out.writeLong(exportSize);
                    out.writeShort(transmissionFlags(disk));
                    if (!noZeroes) {
                        out.write(new byte[124]);
                    }
                    sendOut();
                    return true;
                }
                case OPT_ABORT -> {
                    optReply(opt, REP_ACK, new byte[0]);
                    return false;
                }
                case OPT_LIST -> {
                    if (len != 0) {
                        optError(opt, REP_ERR_INVALID, "NBD_OPT_LIST takes no data");
                        continue;
                    }
                    for (String name : exports.names()) {
                        byte[] n = name.getBytes(StandardCharsets.UTF_8);
                        byte[] d = new byte[4 + n.length];
                        putInt(d, 0, n.length);
                        System.arraycopy(n, 0, d, 4, n.length);
                        optReply(opt, REP_SERVER, d);
                    }
                    optReply(opt, REP_ACK, new byte[0]);
                }
                case OPT_INFO, OPT_GO -> {
                    if (infoOrGo(opt, payload)) {
                        return true;
                    }
                }
                case OPT_STRUCTURED_REPLY -> {
                    if (len != 0) {
                        optError(opt, REP_ERR_INVALID, "NBD_OPT_STRUCTURED_REPLY takes no data");
                    } else {
                        structured = true;
                        optReply(opt, REP_ACK, new byte[0]);
                    }
                }
                case OPT_LIST_META_CONTEXT, OPT_SET_META_CONTEXT -> metaContext(opt, payload);
                default -> optError(opt, REP_ERR_UNSUP, "option " + opt + " not supported");
            }
        }
    }

    /** {@code NBD_OPT_INFO}/{@code NBD_OPT_GO}; true when GO succeeded. */
    private boolean infoOrGo(int opt, byte[] p) throws IOException {
        if (p.length < 6) {
            optError(opt, REP_ERR_INVALID, "short option data");
            return false;
        }
        long nameLen = getInt(p, 0) & 0xffffffffL;
        if (4 + nameLen + 2 > p.length) {
            optError(opt, REP_ERR_INVALID, "bad name length");
            return false;
        }
        int n = (int) nameLen;
        int nreq = ((p[4 + n] & 0xff) << 8) | (p[5 + n] & 0xff);
        if (6 + n + 2 * nreq != p.length) {
            optError(opt, REP_ERR_INVALID, "bad information request count");
            return false;
        }
        boolean wantName = false;
        for (int i = 0; i < nreq; i++) {
            int t = ((p[6 + n + 2 * i] & 0xff) << 8) | (p[7 + n + 2 * i] & 0xff);
            wantName |= t == INFO_NAME;
        }
        String name = new String(p, 4, n, StandardCharsets.UTF_8);
        DiskHandle d = exports.open(name);
        if (d == null) {
            optError(opt, REP_ERR_UNKNOWN, "no dm device '" + name + "' with an active table");
            return false;
        }
        long size = d.mediaSize();
        byte[] export = new byte[12];
        putShort(export, 0, INFO_EXPORT);
        putLong(export, 2, size);
        putShort(export, 10, transmissionFlags(d));
        optReply(opt, REP_INFO, export);
        if (wantName) {
            byte[] nb = name.getBytes(StandardCharsets.UTF_8);
            byte[] info = new byte[2 + nb.length];
            putShort(info, 0, INFO_NAME);
            System.arraycopy(nb, 0, info, 2, nb.length);
            optReply(opt, REP_INFO, info);
        }
        byte[] bs = new byte[14];
        putShort(bs, 0, INFO_BLOCK_SIZE);
        putInt(bs, 2, 1);
        putInt(bs, 6, Math.max(4096, d.sectorSize()));
        putInt(bs, 10, MAX_REQUEST);
        optReply(opt, REP_INFO, bs);
        optReply(opt, REP_ACK, new byte[0]);
        if (opt == OPT_GO) {
            disk = d;
            diskName = name;
            exportSize = size;
            return true;
        }
        d.close();
        return false;
    }

    /**
     * {@code NBD_OPT_LIST_META_CONTEXT}/{@code SET_META_CONTEXT} ({@link NbdMetaContext}):
     * ERR_INVALID for malformed data, and for SET before structured replies were negotiated;
     * ERR_UNKNOWN for an export that does not exist; otherwise one {@code REP_META_CONTEXT} when
     * {@code base:allocation} matches, then ACK. SET replaces the selection.
     */
    private void metaContext(int opt, byte[] payload) throws IOException {
        NbdMetaContext.Request q = NbdMetaContext.parse(payload);
        if (q.invalid() != null) {
            optError(opt, REP_ERR_INVALID, q.invalid());
            return;
        }
        boolean set = opt == OPT_SET_META_CONTEXT;
        if (set && !structured) {
            optError(opt, REP_ERR_INVALID, "NBD_OPT_SET_META_CONTEXT needs structured replies first");
            return;
        }
        if (!exports.names().contains(q.export())) {
            optError(opt, REP_ERR_UNKNOWN, "no dm device '" + q.export() + "' with an active table");
            return;
        }
        boolean match = NbdMetaContext.matchesBaseAllocation(q.queries(), !set);
        if (match) {
            optReply(opt, REP_META_CONTEXT, NbdMetaContext.baseAllocationReply());
        }
        if (set) {
            baseAllocation = match;
            metaExport = q.export();
        }
        optReply(opt, REP_ACK, new byte[0]);
    }

    /**
     * The transmission flags of export {@code d}. {@code CAN_MULTI_CONN}: every connection to an
     * export writes through the same dm device, and a flush ({@code DIOCCACHESYNC}) syncs every
     * backing disk of its active table, so a flush on one connection also covers the writes
     * completed on the others. A read-only device ({@code READONLY}) is exported read-only,
     * without the write commands; {@code SEND_TRIM} unless {@code --no-discard}.
     */
    private int transmissionFlags(DiskHandle d) {
        if (d.readOnly()) {
            return FLAG_HAS_FLAGS | FLAG_READ_ONLY | FLAG_SEND_FLUSH | FLAG_CAN_MULTI_CONN;
        }
        return FLAG_HAS_FLAGS | FLAG_SEND_FLUSH | FLAG_SEND_FUA | FLAG_SEND_WRITE_ZEROES | FLAG_SEND_FAST_ZERO
                | FLAG_CAN_MULTI_CONN | (discard ? FLAG_SEND_TRIM : 0);
    }

    private void optReply(int opt, int type, byte[] payload) throws IOException {
        out.writeLong(REPLY_MAGIC);
        out.writeInt(opt);
        out.writeInt(type);
        out.writeInt(payload.length);
        out.write(payload);
        sendOut();
    }

    private void optError(int opt, int type, String message) throws IOException {
        optReply(opt, type, message.getBytes(StandardCharsets.UTF_8));
    }

    // ---- byte helpers ----

    static void putShort(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
    }

    static void putInt(byte[] b, int at, int v) {
        putShort(b, at, v >>> 16);
        putShort(b, at + 2, v);
    }

    static void putLong(byte[] b, int at, long v) {
        putInt(b, at, (int) (v >>> 32));
        putInt(b, at + 4, (int) v);
    }

    static int getInt(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }
}
