package org.dmemu.serve;

import static org.dmemu.serve.NbdProto.*;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.dmemu.kern.DiskHandle;
import org.dmemu.sys.Buf;
import org.dmemu.sys.Errno;

/**
 * One NBD client: the fixed-newstyle handshake, option haggling ({@code NBD_OPT_EXPORT_NAME},
 * {@code INFO}, {@code GO}, {@code LIST}, {@code ABORT}; everything else {@code ERR_UNSUP}), then
 * the transmission phase with simple replies.
 *
 * <p>Transmission is pipelined: the connection's thread only reads and parses requests (and the
 * payloads of writes) and hands each one, in a reusable {@link Request} slot, to one of
 * {@link #WORKERS} worker threads of the connection, which runs it through the strategy routine
 * and queues its reply; whichever thread finds no one sending sends the queued replies, each
 * whole with one gathering write, while the others go on serving. Replies may leave out of order
 * (the protocol allows it, the handle tells them apart). So reading the next requests, the I/O
 * of several requests and the sending of replies overlap. {@code NBD_CMD_FLUSH}
 * waits until every request received before it has been answered, then syncs the device and
 * answers: it covers every write completed before it arrived. {@code NBD_CMD_DISC}, the end of the
 * input and a broken connection all stop the reading; the requests in flight finish (and are
 * answered while the socket works), then the device is synced and closed.
 *
 * <p>I/O goes through the device's strategy routine the way {@code physio(9)} drives it: the
 * request is cut into transfers of at most {@link #MAXPHYS} bytes, each described by the slot's
 * reusable {@link Buf}; a transfer's {@code b_error} ends the request and becomes the NBD error
 * ({@link NbdProto#nbdError}), a non-zero {@code b_resid} becomes EIO. Requests that are not
 * multiples of the sector size are widened to whole sectors (read-modify-write for writes, one
 * at a time per connection).
 *
 * <p>Differences from NetBSD: NetBSD has no NBD server; this is the emulator's window onto its
 * disks. {@code NBD_CMD_TRIM} is not offered (dm(4) has {@code nodiscard});
 * {@code NBD_CMD_WRITE_ZEROES} is served by writing zeros. A read-modify-write of a partial
 * sector is not atomic with respect to other connections.
 */
final class NbdConnection implements Runnable {
    /** {@code MAXPHYS} on amd64: the largest single transfer physio hands to a strategy routine. */
    static final int MAXPHYS = 64 * 1024;
    /** Worker threads per connection (requests served at once). */
    static final int WORKERS = 4;
    /** Request slots per connection: the reader may read ahead this many requests. */
    private static final int SLOTS = 2 * WORKERS;
    /** A slot's data buffer starts at, and after a larger request shrinks back to, this size. */
    private static final int SLOT_BUFFER = 256 * 1024;
    /** A slot keeps a data buffer grown by a large request up to this size. */
    private static final int KEEP_BUFFER = 4 * 1024 * 1024;
    /** A slot's direct reply buffer grows up to this size; larger replies are sent from the heap. */
    private static final int DIRECT_MAX = 2 * 1024 * 1024;
    /** The read-ahead buffer of the socket's input. */
    private static final int INPUT_BUFFER = 512 * 1024;
    private static final int REQUEST_HEADER = 28;
    private static final int MAX_OPTION = 64 * 1024;
    private static final byte[] ZEROES = new byte[MAXPHYS];

    private final SocketChannel ch;
    private final NbdExports exports;
    private final NbdServer server;
    /** Bytes received and not yet parsed, between position and limit. */
    private final ByteBuffer in = ByteBuffer.allocateDirect(INPUT_BUFFER).flip();
    /** The handshake's replies are assembled here, then sent by {@link #sendOut()}. */
    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream(256);
    private final DataOutputStream out = new DataOutputStream(outBytes);
    private boolean noZeroes;

    private DiskHandle disk;
    /** The size announced in the handshake; requests are checked against it. */
    private long exportSize;

    /** Replies ready to be sent; whoever holds {@link #sending} sends them. */
    private final BlockingQueue<Request> replies = new ArrayBlockingQueue<>(SLOTS);
    private final AtomicBoolean sending = new AtomicBoolean();
    /** Set when the socket failed: replies are dropped, the reader stops. */
    private volatile boolean broken;
    /** Serializes the read-modify-writes of partial sectors. */
    private final Object rmwLock = new Object();
    private final BlockingQueue<Request> free = new ArrayBlockingQueue<>(SLOTS);
    private final BlockingQueue<Request> work = new ArrayBlockingQueue<>(SLOTS + WORKERS);
    private final Thread[] workers = new Thread[WORKERS];
    private int started;
    /** Slots created so far (lazily, up to {@link #SLOTS}); only the reader touches this. */
    private int slots;
    /** Requests handed to a worker and not yet answered; guarded by {@link #idle}. */
    private final Object idle = new Object();
    private int pending;
    /** The marker that stops a worker. */
    private static final Request STOP = new Request();

    NbdConnection(SocketChannel ch, NbdExports exports, NbdServer server) {
        this.ch = ch;
        this.exports = exports;
        this.server = server;
    }

    @Override
    public void run() {
        try {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (handshake()) {
                transmission();
            }
        } catch (IOException e) {
            // The client went away or broke the protocol: the connection ends, the server lives.
        } finally {
            stopWorkers();
            if (disk != null) {
                disk.cacheSync();
                disk.close();
            }
            closeChannel();
            server.connectionDone(this);
        }
    }

    /** Stops reading further requests; the requests being served still get their replies. */
    void shutdownInput() {
        try {
            ch.shutdownInput();
        } catch (IOException ignored) {
            // already closed
        }
    }

    private void closeChannel() {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing more to do
        }
    }

    // ---- socket input ----

    /** Reads more bytes from the socket into {@link #in}; EOFException at the end of input. */
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
    private void need(int n) throws IOException {
        while (in.remaining() < n) {
            fill();
        }
    }

    private int readInt() throws IOException {
        need(4);
        return in.getInt();
    }

    private long readLong() throws IOException {
        need(8);
        return in.getLong();
    }

    private void readFully(byte[] b, int off, int len) throws IOException {
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

    private void skip(long len) throws IOException {
        while (len > 0) {
            if (!in.hasRemaining()) {
                fill();
            }
            int n = (int) Math.min(len, in.remaining());
            in.position(in.position() + n);
            len -= n;
        }
    }

    /** Sends what the handshake assembled in {@link #out}. */
    private void sendOut() throws IOException {
        ByteBuffer b = ByteBuffer.wrap(outBytes.toByteArray());
        outBytes.reset();
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    // ---- handshake ----

    /** Returns true when an export was chosen and transmission starts. */
    private boolean handshake() throws IOException {
        out.writeLong(NBDMAGIC);
        out.writeLong(IHAVEOPT);
        out.writeShort(FLAG_FIXED_NEWSTYLE | FLAG_NO_ZEROES);
        sendOut();
        int clientFlags = readInt();
        if ((clientFlags & ~(FLAG_C_FIXED_NEWSTYLE | FLAG_C_NO_ZEROES)) != 0) {
            return false;
        }
        noZeroes = (clientFlags & FLAG_C_NO_ZEROES) != 0;
        while (true) {
            if (readLong() != IHAVEOPT) {
                return false;
            }
            int opt = readInt();
            int len = readInt();
            if (len < 0 || len > MAX_OPTION) {
                return false;
            }
            byte[] payload = new byte[len];
            readFully(payload, 0, len);
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

    /**
     * The transmission flags. {@code CAN_MULTI_CONN}: every connection to an export writes through
     * the same dm device, and a flush ({@code DIOCCACHESYNC}) syncs every backing disk of its
     * active table, so a flush on one connection also covers the writes completed on the others.
     */
    private static int transmissionFlags() {
        return FLAG_HAS_FLAGS | FLAG_SEND_FLUSH | FLAG_SEND_FUA | FLAG_SEND_WRITE_ZEROES | FLAG_CAN_MULTI_CONN;
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

    // ---- transmission ----

    /** A request slot: the parsed request, its data buffer, its buf and its reply. */
    private static final class Request {
        final Buf bp = new Buf();
        final ByteBuffer header = ByteBuffer.allocateDirect(16);
        final ByteBuffer[] vec = new ByteBuffer[2];
        /** Reply data is copied here by the worker, so that sending it copies nothing more. */
        ByteBuffer direct;
        byte[] data = new byte[0];
        ByteBuffer dataView = ByteBuffer.wrap(data);
        byte[] bounce = new byte[0];
        int type;
        int flags;
        long handle;
        long offset;
        long length;
        /** An error decided by the reader (an oversized write whose payload was skipped). */
        int early;
        /** The reply's data, or null for a reply without data. */
        ByteBuffer replyData;

        byte[] dataBuffer(int len) {
            if (data.length < len) {
                data = new byte[Math.max(len, SLOT_BUFFER)];
                dataView = ByteBuffer.wrap(data);
            }
            return data;
        }

        /** After the reply: gives back a buffer grown past {@link #KEEP_BUFFER}. */
        void trim() {
            replyData = null;
            vec[1] = null;
            if (data.length > KEEP_BUFFER) {
                data = new byte[SLOT_BUFFER];
                dataView = ByteBuffer.wrap(data);
            }
            if (bounce.length > KEEP_BUFFER) {
                bounce = new byte[0];
            }
        }
    }

    private void transmission() throws IOException {
        while (true) {
            try {
                need(REQUEST_HEADER);
            } catch (EOFException e) {
                return;
            }
            if (in.getInt() != REQUEST_MAGIC) {
                return;
            }
            int flags = in.getShort() & 0xffff;
            int type = in.getShort() & 0xffff;
            long handle = in.getLong();
            long offset = in.getLong();
            long length = in.getInt() & 0xffffffffL;
            if (type == CMD_DISC) {
                return;
            }
            if (type == CMD_FLUSH) {
                waitIdle();
            }
            Request r = free.poll();
            if (r == null) {
                r = slots < SLOTS ? newSlot() : take(free);
            }
            r.type = type;
            r.flags = flags;
            r.handle = handle;
            r.offset = offset;
            r.length = length;
            r.early = 0;
            if (type == CMD_WRITE) {
                try {
                    if (length > MAX_REQUEST) {
                        skip(length);
                        r.early = EINVAL;
                    } else {
                        readFully(r.dataBuffer((int) length), 0, (int) length);
                    }
                } catch (IOException e) {
                    free.add(r);
                    throw e;
                }
            }
            server.requestStarted();
            synchronized (idle) {
                pending++;
            }
            if (type == CMD_FLUSH) {
                // Nothing else is in flight: sync and answer here, before reading further requests.
                complete(r);
            } else {
                if (started < WORKERS && started < pending) {
                    startWorker();
                }
                work.add(r);
            }
        }
    }

    private Request newSlot() {
        slots++;
        return new Request();
    }

    private void startWorker() {
        Thread t = new Thread(this::workLoop, "nbd-io");
        t.setDaemon(true);
        workers[started++] = t;
        t.start();
    }

    private void workLoop() {
        while (true) {
            Request r = take(work);
            if (r == STOP) {
                return;
            }
            complete(r);
        }
    }

    /** Serves one request and queues its reply; a failure closes the connection. */
    private void complete(Request r) {
        try {
            serve(r);
        } catch (RuntimeException e) {
            // The device misbehaved: the connection is over (the reader stops at the closed channel).
            broken = true;
            closeChannel();
            r.replyData = null;
        }
        send(r);
    }

    /**
     * Queues {@code r}'s reply and, unless another thread is sending already (it will send this
     * reply too), sends the queued replies, each with one gathering write, releasing their slots.
     * So no worker waits for the socket while another one writes: it goes on to its next request.
     */
    private void send(Request r) {
        replies.add(r);
        while (sending.compareAndSet(false, true)) {
            try {
                Request x;
                while ((x = replies.poll()) != null) {
                    write(x);
                    release(x);
                }
            } finally {
                sending.set(false);
            }
            if (replies.isEmpty()) {
                return;
            }
        }
    }

    private void write(Request x) {
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
                while (d.hasRemaining()) {
                    ch.write(x.vec);
                }
            }
        } catch (IOException e) {
            // The client is gone: stop the reader; the other replies are dropped.
            broken = true;
            closeChannel();
        }
    }

    private void release(Request x) {
        x.trim();
        free.add(x);
        server.requestDone();
        synchronized (idle) {
            pending--;
            idle.notifyAll();
        }
    }

    /** Waits until every request received so far has been answered. */
    private void waitIdle() {
        boolean interrupted = false;
        synchronized (idle) {
            while (pending > 0) {
                try {
                    idle.wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Lets the requests in flight finish, then ends the workers. */
    private void stopWorkers() {
        waitIdle();
        for (int i = 0; i < started; i++) {
            work.add(STOP);
        }
        boolean interrupted = false;
        for (int i = 0; i < started; i++) {
            while (true) {
                try {
                    workers[i].join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code q.take()}, not interruptible: a slot always comes back. */
    private static Request take(BlockingQueue<Request> q) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return q.take();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Serves one request (not DISC) and prepares its reply. */
    private void serve(Request r) {
        long offset = r.offset;
        long length = r.length;
        switch (r.type) {
            case CMD_READ -> {
                if (length > MAX_REQUEST || !inRange(offset, length)) {
                    reply(r, EINVAL, 0);
                } else {
                    int len = (int) length;
                    int err = io(r, true, offset, r.dataBuffer(len), len);
                    reply(r, err, err == 0 ? len : 0);
                }
            }
            case CMD_WRITE -> {
                if (r.early != 0) {
                    reply(r, r.early, 0);
                } else if (!inRange(offset, length)) {
                    reply(r, ENOSPC, 0);
                } else {
                    int err = io(r, false, offset, r.data, (int) length);
                    if (err == 0 && (r.flags & CMD_FLAG_FUA) != 0) {
                        err = nbdError(disk.cacheSync());
                    }
                    reply(r, err, 0);
                }
            }
            case CMD_WRITE_ZEROES -> {
                if (!inRange(offset, length)) {
                    reply(r, ENOSPC, 0);
                } else {
                    int err = writeZeroes(r, offset, length);
                    if (err == 0 && (r.flags & CMD_FLAG_FUA) != 0) {
                        err = nbdError(disk.cacheSync());
                    }
                    reply(r, err, 0);
                }
            }
            case CMD_FLUSH -> reply(r, nbdError(disk.cacheSync()), 0);
            default -> reply(r, EINVAL, 0); // includes TRIM, which is not offered
        }
    }

    private boolean inRange(long offset, long length) {
        long size = exportSize;
        return offset >= 0 && offset <= size && length <= size - offset;
    }

    /**
     * Prepares a simple reply, followed by {@code len} bytes of the slot's data (copied into the
     * slot's direct buffer here, outside the sending, when it fits).
     */
    private void reply(Request r, int error, int len) {
        ByteBuffer h = r.header;
        h.clear();
        h.putInt(SIMPLE_REPLY_MAGIC).putInt(error).putLong(r.handle).flip();
        if (len == 0) {
            r.replyData = null;
            return;
        }
        ByteBuffer d = r.dataView;
        d.clear().limit(len);
        if (len <= DIRECT_MAX) {
            if (r.direct == null || r.direct.capacity() < len) {
                r.direct = ByteBuffer.allocateDirect(Math.max(len, SLOT_BUFFER));
            }
            d = r.direct.clear().put(d).flip();
        }
        r.vec[0] = h;
        r.vec[1] = d;
        r.replyData = d;
    }

    private int writeZeroes(Request r, long offset, long length) {
        long done = 0;
        while (done < length) {
            int chunk = (int) Math.min(MAXPHYS, length - done);
            int err = io(r, false, offset + done, ZEROES, chunk);
            if (err != 0) {
                return err;
            }
            done += chunk;
        }
        return 0;
    }

    /**
     * Reads or writes {@code len} bytes at byte {@code offset} of the device from/to
     * {@code buf[0..len)} with the slot's buf; returns the NBD error value (0 on success).
     */
    private int io(Request r, boolean read, long offset, byte[] buf, int len) {
        int ss = disk.sectorSize();
        if (offset % ss == 0 && len % ss == 0) {
            return physio(r.bp, read, offset, buf, 0, len);
        }
        long start = offset - offset % ss;
        long end = (offset + len + ss - 1) / ss * ss;
        int wide = (int) (end - start);
        if (r.bounce.length < wide) {
            r.bounce = new byte[wide];
        }
        byte[] bounce = r.bounce;
        int head = (int) (offset - start);
        if (read) {
            int err = physio(r.bp, true, start, bounce, 0, wide);
            if (err == 0) {
                System.arraycopy(bounce, head, buf, 0, len);
            }
            return err;
        }
        synchronized (rmwLock) {
            int err = physio(r.bp, true, start, bounce, 0, ss);
            if (err == 0 && wide > ss) {
                err = physio(r.bp, true, end - ss, bounce, wide - ss, ss);
            }
            if (err != 0) {
                return err;
            }
            System.arraycopy(buf, 0, bounce, head, len);
            return physio(r.bp, false, start, bounce, 0, wide);
        }
    }

    /** physio(9): whole-sector transfers of at most MAXPHYS through the strategy routine. */
    private int physio(Buf bp, boolean read, long offset, byte[] buf, int bufOff, int len) {
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
