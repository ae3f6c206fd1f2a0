package org.dmemu.serve;

import static org.dmemu.serve.NbdProto.*;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The transmission phase of one NBD connection: the request reader and the connection's worker
 * threads.
 *
 * <p>Transmission is pipelined: the connection's thread only reads and parses requests (and the
 * payloads of writes) and hands each one, in a reusable {@link NbdRequest} slot, to one of
 * {@link NbdConnection#WORKERS} worker threads of the connection, which serves it
 * ({@link NbdCommands}) and queues its reply ({@link NbdReplies}). So reading the next requests,
 * the I/O of several requests and the sending of replies overlap. {@code NBD_CMD_FLUSH} waits
 * until every request received before it has been answered, then syncs the device and answers:
 * it covers every write completed before it arrived. {@code NBD_CMD_DISC}, the end of the input
 * and a broken connection all stop the reading; {@link #stopWorkers()} lets the requests in
 * flight finish (they are answered while the socket works).
 *
 * <p>Differences from NetBSD: not a NetBSD component (see {@link NbdConnection}).
 */
final class NbdTransmission {
    private static final int REQUEST_HEADER = 28;
    /** Request slots per connection: the reader may read ahead this many requests. */
    static final int SLOTS = 2 * NbdConnection.WORKERS;
    /** The marker that stops a worker. */
    private static final NbdRequest STOP = new NbdRequest();

    private final NbdInput input;
    private final NbdServer server;
    private final NbdReplies replies;
    private final NbdCommands commands;

    private final BlockingQueue<NbdRequest> free = new ArrayBlockingQueue<>(SLOTS);
    private final BlockingQueue<NbdRequest> work = new ArrayBlockingQueue<>(SLOTS + NbdConnection.WORKERS);
    private final Thread[] workers = new Thread[NbdConnection.WORKERS];
    private int started;
    /** Slots created so far (lazily, up to {@link #SLOTS}); only the reader touches this. */
    private int slots;
    /** Requests handed to a worker and not yet answered; guarded by {@link #idle}. */
    private final Object idle = new Object();
    private int pending;

    /** The transmission phase on {@code ch} for what the handshake agreed on. */
    NbdTransmission(SocketChannel ch, NbdInput input, NbdServer server, NbdSession session) {
        this.input = input;
        this.server = server;
        this.replies = new NbdReplies(ch, SLOTS, this::release);
        this.commands = new NbdCommands(session, replies);
    }

    /** Reads and dispatches requests until DISC, the end of input or a broken connection. */
    void run() throws IOException {
        ByteBuffer in = input.buffer();
        while (true) {
            try {
                input.need(REQUEST_HEADER);
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
            NbdRequest r = free.poll();
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
                        input.skip(length);
                        r.early = EINVAL;
                    } else {
                        input.readFully(r.dataBuffer((int) length), 0, (int) length);
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
                if (started < NbdConnection.WORKERS && started < pending) {
                    startWorker();
                }
                work.add(r);
            }
        }
    }

    private NbdRequest newSlot() {
        slots++;
        return server.takeSlot();
    }

    private void startWorker() {
        Thread t = new Thread(this::workLoop, "nbd-io");
        t.setDaemon(true);
        workers[started++] = t;
        t.start();
    }

    private void workLoop() {
        while (true) {
            NbdRequest r = take(work);
            if (r == STOP) {
                return;
            }
            complete(r);
        }
    }

    /** Serves one request and queues its reply; a failure closes the connection. */
    private void complete(NbdRequest r) {
        try {
            commands.serve(r);
        } catch (RuntimeException e) {
            // The device misbehaved: the connection is over (the reader stops at the closed channel).
            replies.fail();
            r.replyData = null;
            r.dataLen = 0;
        }
        if (r.dataLen > 0) {
            server.countRead(r.dataLen);
        }
        replies.send(r);
    }

    /** After a slot's reply was written: the slot is free again, the request is done. */
    private void release(NbdRequest x) {
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

    /** True when a write command was served: the device is synced at the end. */
    boolean wrote() {
        return commands.wrote();
    }

    /** Lets the requests in flight finish, then ends the workers. */
    void stopWorkers() {
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
        NbdRequest r;
        while ((r = free.poll()) != null) {
            server.giveSlot(r);
        }
    }

    /** {@code q.take()}, not interruptible: a slot always comes back. */
    private static NbdRequest take(BlockingQueue<NbdRequest> q) {
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
}
