package org.dmemu.serve;

import static org.dmemu.serve.NbdProto.*;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The transmission phase of one NBD connection: up to {@link NbdConnection#WORKERS} threads
 * (the connection's own and helpers started on demand) serving requests as leader and
 * followers, the way nbdkit's worker threads do: a thread takes the read lock, reads one request
 * (and a write's payload) into a free {@link NbdRequest} slot, releases the lock, serves the
 * request itself ({@link NbdCommands}) and queues its reply ({@link NbdReplies}). No request is
 * handed from one thread to another, so none waits for a wake-up; while one thread serves,
 * the next one reads. A thread that leaves the read lock with no other thread waiting for it
 * starts one more helper (up to the limit), so the reading never stalls behind the serving.
 *
 * <p>{@code NBD_CMD_FLUSH} is served by the thread that read it, still holding the read lock,
 * once every request received before it has been answered: it covers every write completed
 * before it arrived, and no later request is read meanwhile. {@code NBD_CMD_DISC}, the end of
 * the input and a broken connection end the reading; {@link #stopWorkers()} lets the requests in
 * flight finish (they are answered while the socket works).
 *
 * <p>Differences from NetBSD: not a NetBSD component (see {@link NbdConnection}).
 */
final class NbdTransmission {
    private static final int REQUEST_HEADER = 28;
    /** Request slots per connection: one being served per thread, and as many waiting to be sent. */
    static final int SLOTS = 2 * NbdConnection.WORKERS;

    private final NbdInput input;
    private final NbdServer server;
    private final NbdReplies replies;
    private final NbdCommands commands;

    /** Held while a request is read; the reading state below is guarded by it. */
    private final ReentrantLock readLock = new ReentrantLock();
    /** Set when the reading ended (DISC, end of input, a broken connection). */
    private volatile boolean done;
    /** The first read failure, rethrown on the connection's thread. */
    private IOException failure;
    private final BlockingQueue<NbdRequest> free = new ArrayBlockingQueue<>(SLOTS);
    /** Slots created so far (lazily, up to {@link #SLOTS}); guarded by the read lock. */
    private int slots;
    private final Thread[] helpers = new Thread[NbdConnection.WORKERS - 1];
    /** Helpers started; guarded by the read lock. */
    private int started;
    /** Requests read and not yet answered; guarded by {@link #idle}. */
    private final Object idle = new Object();
    private int pending;

    /** The transmission phase on {@code ch} for what the handshake agreed on. */
    NbdTransmission(SocketChannel ch, NbdInput input, NbdServer server, NbdSession session) {
        this.input = input;
        this.server = server;
        this.replies = new NbdReplies(ch, SLOTS, this::release);
        this.commands = new NbdCommands(session, replies);
    }

    /**
     * Serves requests on the connection's thread (with helpers) until DISC, the end of input or
     * a broken connection; a read failure is rethrown here.
     */
    void run() throws IOException {
        workLoop();
        readLock.lock();
        try {
            if (failure != null) {
                throw failure;
            }
        } finally {
            readLock.unlock();
        }
    }

    private void workLoop() {
        while (true) {
            NbdRequest r;
            readLock.lock();
            try {
                if (done) {
                    return;
                }
                try {
                    r = read();
                } catch (IOException e) {
                    if (failure == null) {
                        failure = e;
                    }
                    r = null;
                }
                if (r == null) {
                    done = true;
                    return;
                }
                if (r.type == CMD_FLUSH) {
                    // Nothing else may be in flight: answer every earlier request first, then
                    // sync and answer here, before any later request is read.
                    waitIdle(1);
                    complete(r);
                    continue;
                }
                if (!readLock.hasQueuedThreads() && started < helpers.length) {
                    startHelper();
                }
            } finally {
                readLock.unlock();
            }
            complete(r);
        }
    }

    /**
     * Reads the next request into a free slot and counts it as pending; null at DISC, at the end
     * of the input or on a bad magic. Called with the read lock held.
     */
    private NbdRequest read() throws IOException {
        ByteBuffer in = input.buffer();
        try {
            input.need(REQUEST_HEADER);
        } catch (EOFException e) {
            return null;
        }
        if (in.getInt() != REQUEST_MAGIC) {
            return null;
        }
        int flags = in.getShort() & 0xffff;
        int type = in.getShort() & 0xffff;
        long handle = in.getLong();
        long offset = in.getLong();
        long length = in.getInt() & 0xffffffffL;
        if (type == CMD_DISC) {
            return null;
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
                    input.readFully(r.dataBuffer((int) length));
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
        return r;
    }

    private NbdRequest newSlot() {
        slots++;
        return server.takeSlot();
    }

    private void startHelper() {
        Thread t = new Thread(this::workLoop, "nbd-io");
        t.setDaemon(true);
        helpers[started++] = t;
        t.start();
    }

    /** Serves one request and queues its reply; a failure closes the connection. */
    private void complete(NbdRequest r) {
        try {
            commands.serve(r);
        } catch (RuntimeException e) {
            // The device misbehaved: the connection is over (the readers stop at the closed channel).
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

    /** Waits until at most {@code left} requests read so far are still unanswered. */
    private void waitIdle(int left) {
        boolean interrupted = false;
        synchronized (idle) {
            while (pending > left) {
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

    /** Lets the requests in flight finish, then ends the helpers. */
    void stopWorkers() {
        done = true;
        waitIdle(0);
        boolean interrupted = false;
        int n;
        readLock.lock();
        try {
            n = started;
        } finally {
            readLock.unlock();
        }
        for (int i = 0; i < n; i++) {
            while (true) {
                try {
                    helpers[i].join();
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
