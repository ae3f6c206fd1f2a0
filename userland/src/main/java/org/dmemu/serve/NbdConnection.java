package org.dmemu.serve;

import static org.dmemu.serve.NbdProto.*;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.dmemu.kern.DiskHandle;
import org.dmemu.sys.Buf;
import org.dmemu.sys.Errno;

/**
 * One NBD client: the fixed-newstyle handshake, option haggling ({@code NBD_OPT_EXPORT_NAME},
 * {@code INFO}, {@code GO}, {@code LIST}, {@code ABORT}; everything else {@code ERR_UNSUP}), then
 * the transmission phase with simple replies, one request at a time.
 *
 * <p>I/O goes through the device's strategy routine the way {@code physio(9)} drives it: the
 * request is cut into transfers of at most {@link #MAXPHYS} bytes, each described by one
 * reusable {@link Buf}; a transfer's {@code b_error} ends the request and becomes the NBD error
 * ({@link NbdProto#nbdError}), a non-zero {@code b_resid} becomes EIO. Requests that are not
 * multiples of the sector size are widened to whole sectors (read-modify-write for writes).
 *
 * <p>Differences from NetBSD: NetBSD has no NBD server; this is the emulator's window onto its
 * disks. {@code NBD_CMD_TRIM} is not offered (dm(4) has {@code nodiscard});
 * {@code NBD_CMD_WRITE_ZEROES} is served by writing zeros. A read-modify-write of a partial
 * sector is not atomic with respect to other connections.
 */
final class NbdConnection implements Runnable {
    /** {@code MAXPHYS} on amd64: the largest single transfer physio hands to a strategy routine. */
    static final int MAXPHYS = 64 * 1024;
    private static final int MAX_OPTION = 64 * 1024;
    private static final byte[] ZEROES = new byte[MAXPHYS];

    private final Socket socket;
    private final NbdExports exports;
    private final NbdServer server;
    private DataInputStream in;
    private DataOutputStream out;
    private boolean noZeroes;

    private DiskHandle disk;
    /** The size announced in the handshake; requests are checked against it. */
    private long exportSize;
    private final Buf bp = new Buf();
    private byte[] data = new byte[MAXPHYS];
    private byte[] bounce = new byte[0];

    NbdConnection(Socket socket, NbdExports exports, NbdServer server) {
        this.socket = socket;
        this.exports = exports;
        this.server = server;
    }

    @Override
    public void run() {
        try {
            socket.setTcpNoDelay(true);
            in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 * 1024));
            out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 64 * 1024));
            if (handshake()) {
                transmission();
            }
        } catch (IOException e) {
            // The client went away or broke the protocol: the connection ends, the server lives.
        } finally {
            if (disk != null) {
                disk.cacheSync();
                disk.close();
            }
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing more to do
            }
            server.connectionDone(this);
        }
    }

    /** Stops reading further requests; a request being served still gets its reply. */
    void shutdownInput() {
        try {
            socket.shutdownInput();
        } catch (IOException ignored) {
            // already closed
        }
    }

    // ---- handshake ----

    /** Returns true when an export was chosen and transmission starts. */
    private boolean handshake() throws IOException {
        out.writeLong(NBDMAGIC);
        out.writeLong(IHAVEOPT);
        out.writeShort(FLAG_FIXED_NEWSTYLE | FLAG_NO_ZEROES);
        out.flush();
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
            int len = in.readInt();
            if (len < 0 || len > MAX_OPTION) {
                return false;
            }
            byte[] payload = new byte[len];
            in.readFully(payload);
            switch (opt) {
                case OPT_EXPORT_NAME -> {
                    disk = exports.open(new String(payload, StandardCharsets.UTF_8));
                    if (disk == null) {
                        return false; // the protocol's only answer to an unknown name here
                    }
                    exportSize = disk.mediaSize();
                    out.writeLong(exportSize);
                    out.writeShort(transmissionFlags());
                    if (!noZeroes) {
                        out.write(new byte[124]);
                    }
                    out.flush();
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
        putShort(export, 10, transmissionFlags());
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
            exportSize = size;
            return true;
        }
        d.close();
        return false;
    }

    private static int transmissionFlags() {
        return FLAG_HAS_FLAGS | FLAG_SEND_FLUSH | FLAG_SEND_FUA | FLAG_SEND_WRITE_ZEROES;
    }

    private void optReply(int opt, int type, byte[] payload) throws IOException {
        out.writeLong(REPLY_MAGIC);
        out.writeInt(opt);
        out.writeInt(type);
        out.writeInt(payload.length);
        out.write(payload);
        out.flush();
    }

    private void optError(int opt, int type, String message) throws IOException {
        optReply(opt, type, message.getBytes(StandardCharsets.UTF_8));
    }

    // ---- transmission ----

    private void transmission() throws IOException {
        while (true) {
            int magic;
            try {
                magic = in.readInt();
            } catch (EOFException e) {
                return;
            }
            if (magic != REQUEST_MAGIC) {
                return;
            }
            int flags = in.readUnsignedShort();
            int type = in.readUnsignedShort();
            long handle = in.readLong();
            long offset = in.readLong();
            long length = in.readInt() & 0xffffffffL;
            server.requestStarted();
            try {
                if (!serve(type, flags, handle, offset, length)) {
                    return;
                }
            } finally {
                server.requestDone();
            }
        }
    }

    /** Serves one request; false when the connection must end. */
    private boolean serve(int type, int flags, long handle, long offset, long length) throws IOException {
        switch (type) {
            case CMD_READ -> {
                if (length > MAX_REQUEST) {
                    reply(handle, EINVAL);
                } else if (!inRange(offset, length)) {
                    reply(handle, EINVAL);
                } else {
                    int len = (int) length;
                    byte[] buf = dataBuffer(len);
                    int err = io(true, offset, buf, len);
                    if (err != 0) {
                        reply(handle, err);
                    } else {
                        out.writeInt(SIMPLE_REPLY_MAGIC);
                        out.writeInt(0);
                        out.writeLong(handle);
                        out.write(buf, 0, len);
                        out.flush();
                    }
                }
            }
            case CMD_WRITE -> {
                if (length > MAX_REQUEST) {
                    in.skipNBytes(length);
                    reply(handle, EINVAL);
                    return true;
                }
                int len = (int) length;
                byte[] buf = dataBuffer(len);
                in.readFully(buf, 0, len);
                if (!inRange(offset, length)) {
                    reply(handle, ENOSPC);
                } else {
                    int err = io(false, offset, buf, len);
                    if (err == 0 && (flags & CMD_FLAG_FUA) != 0) {
                        err = nbdError(disk.cacheSync());
                    }
                    reply(handle, err);
                }
            }
            case CMD_WRITE_ZEROES -> {
                if (!inRange(offset, length)) {
                    reply(handle, ENOSPC);
                } else {
                    int err = writeZeroes(offset, length);
                    if (err == 0 && (flags & CMD_FLAG_FUA) != 0) {
                        err = nbdError(disk.cacheSync());
                    }
                    reply(handle, err);
                }
            }
            case CMD_FLUSH -> reply(handle, nbdError(disk.cacheSync()));
            case CMD_DISC -> {
                return false;
            }
            default -> reply(handle, EINVAL); // includes TRIM, which is not offered
        }
        return true;
    }

    private boolean inRange(long offset, long length) {
        long size = exportSize;
        return offset >= 0 && offset <= size && length <= size - offset;
    }

    private void reply(long handle, int error) throws IOException {
        out.writeInt(SIMPLE_REPLY_MAGIC);
        out.writeInt(error);
        out.writeLong(handle);
        out.flush();
    }

    private byte[] dataBuffer(int len) {
        if (data.length < len) {
            data = new byte[Math.max(len, Math.min(MAX_REQUEST, data.length * 2))];
        }
        return data;
    }

    private int writeZeroes(long offset, long length) {
        long done = 0;
        while (done < length) {
            int chunk = (int) Math.min(MAXPHYS, length - done);
            int err = io(false, offset + done, ZEROES, chunk);
            if (err != 0) {
                return err;
            }
            done += chunk;
        }
        return 0;
    }

    /**
     * Reads or writes {@code len} bytes at byte {@code offset} of the device from/to
     * {@code buf[0..len)}; returns the NBD error value (0 on success).
     */
    int io(boolean read, long offset, byte[] buf, int len) {
        int ss = disk.sectorSize();
        if (offset % ss == 0 && len % ss == 0) {
            return physio(read, offset, buf, 0, len);
        }
        long start = offset - offset % ss;
        long end = (offset + len + ss - 1) / ss * ss;
        int wide = (int) (end - start);
        if (bounce.length < wide) {
            bounce = new byte[wide];
        }
        int head = (int) (offset - start);
        if (read) {
            int err = physio(true, start, bounce, 0, wide);
            if (err == 0) {
                System.arraycopy(bounce, head, buf, 0, len);
            }
            return err;
        }
        int err = physio(true, start, bounce, 0, ss);
        if (err == 0 && wide > ss) {
            err = physio(true, end - ss, bounce, wide - ss, ss);
        }
        if (err != 0) {
            return err;
        }
        System.arraycopy(buf, 0, bounce, head, len);
        return physio(false, start, bounce, 0, wide);
    }

    /** physio(9): whole-sector transfers of at most MAXPHYS through the strategy routine. */
    private int physio(boolean read, long offset, byte[] buf, int bufOff, int len) {
        int done = 0;
        while (done < len) {
            int chunk = Math.min(MAXPHYS, len - done);
            bp.setup(read ? Buf.B_READ : Buf.B_WRITE, (offset + done) >> Buf.DEV_BSHIFT, buf, bufOff + done, chunk);
            disk.strategy(bp);
            if (bp.error() != Errno.NONE) {
                return nbdError(bp.error());
            }
            if (bp.resid() != 0) {
                return EIO;
            }
            done += chunk;
        }
        return 0;
    }

    // ---- byte helpers ----

    private static void putShort(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
    }

    private static void putInt(byte[] b, int at, int v) {
        putShort(b, at, v >>> 16);
        putShort(b, at + 2, v);
    }

    private static void putLong(byte[] b, int at, long v) {
        putInt(b, at, (int) (v >>> 32));
        putInt(b, at + 4, (int) v);
    }

    private static int getInt(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }
}
