package org.dmemu.serve;

import static org.dmemu.serve.NbdProto.*;

import java.nio.ByteBuffer;
import org.dmemu.kern.DiskHandle;
import org.dmemu.sys.Buf;
import org.dmemu.sys.Errno;
import org.dmemu.sys.Extents;

/**
 * The commands of the NBD transmission phase, served against the export's dm device: each
 * request ({@link #serve}) is checked, run through the device and its reply prepared with
 * {@link NbdReplies}.
 *
 * <p>Checks, in nbdkit's order: an unknown command, or one not offered (TRIM with
 * {@code --no-discard}, BLOCK_STATUS without {@code base:allocation}), is EINVAL; so is a flag
 * the command does not take or that was not negotiated (FUA on WRITE, TRIM, WRITE_ZEROES;
 * NO_HOLE and FAST_ZERO on WRITE_ZEROES; REQ_ONE on BLOCK_STATUS; nothing else), and a FLUSH
 * with an offset or a length. A write command on a read-only export is EPERM. Then the range:
 * past the export's end EINVAL for READ and BLOCK_STATUS, ENOSPC for the write commands.
 *
 * <p>I/O goes through the device's strategy routine the way {@code physio(9)} drives it: the
 * request is cut into transfers of at most {@link NbdConnection#MAXPHYS} bytes, each described
 * by the slot's reusable {@link Buf}; a transfer's {@code b_error} ends the request and becomes
 * the NBD error ({@link NbdProto#nbdError}), a non-zero {@code b_resid} becomes EIO. An EINVAL
 * for a request inside the announced size whose end lies past the device's size now (a reload
 * shrank it) becomes EIO. Requests that are not multiples of the sector size are widened to
 * whole sectors (read-modify-write for writes, one at a time per connection).
 *
 * <p>TRIM and WRITE_ZEROES discard the whole sectors of the range through the device
 * ({@link DiskHandle#discard}: memory chunks dropped, holes punched in image files); the
 * partial sectors at either end are written with zeros. TRIM is advisory: where the device
 * cannot discard (ENODEV) it succeeds doing nothing. WRITE_ZEROES with NO_HOLE, with
 * {@code --no-discard}, or where the device cannot discard writes zeros, unless FAST_ZERO
 * asked not to be slow: then ENOTSUP, before anything is written. BLOCK_STATUS asks the device
 * ({@link DiskHandle#blockStatus}) and answers {@code base:allocation} descriptors.
 *
 * <p>Differences from NetBSD: not a NetBSD component (see {@link NbdConnection}). NetBSD's dm
 * has no discard and no block status: both are dmemu extensions of the emulated kernel
 * ({@code DmBlockOps}). A read-modify-write of a partial sector is not atomic with respect to
 * other connections.
 */
final class NbdCommands {
    private static final byte[] ZEROES = new byte[NbdConnection.MAXPHYS];
    /** The most descriptors in one block-status reply. */
    static final int MAX_EXTENTS = 16384;

    private final DiskHandle disk;
    private final NbdSession session;
    /** The size announced in the handshake; requests are checked against it. */
    private final long exportSize;
    private final NbdReplies replies;
    /** Serializes the read-modify-writes of partial sectors. */
    private final Object rmwLock = new Object();

    NbdCommands(NbdSession session, NbdReplies replies) {
        this.session = session;
        this.disk = session.disk();
        this.exportSize = session.exportSize();
        this.replies = replies;
    }

    /** Set by the first write command: the connection syncs the device when it ends. */
    private volatile boolean wrote;

    /** True once a write command was served. */
    boolean wrote() {
        return wrote;
    }

    /** {@code DIOCCACHESYNC} of the export, as an NBD error value. */
    int sync() {
        return nbdError(disk.cacheSync());
    }

    /** The flags each command takes (−1: the command is not offered). */
    private int allowedFlags(int type) {
        return switch (type) {
            case CMD_READ, CMD_FLUSH -> 0;
            case CMD_WRITE -> CMD_FLAG_FUA;
            case CMD_TRIM -> session.discard() ? CMD_FLAG_FUA : -1;
            case CMD_WRITE_ZEROES -> CMD_FLAG_FUA | CMD_FLAG_NO_HOLE | CMD_FLAG_FAST_ZERO;
            case CMD_BLOCK_STATUS -> session.baseAllocation() ? CMD_FLAG_REQ_ONE : -1;
            default -> -1;
        };
    }

    /** Serves one request (not DISC) and prepares its reply. */
    void serve(NbdRequest r) {
        long offset = r.offset;
        long length = r.length;
        int type = r.type;
        int allowed = allowedFlags(type);
        if (allowed < 0 || (r.flags & ~allowed) != 0
                || (type == CMD_FLUSH && (offset != 0 || length != 0))) {
            fail(r, EINVAL);
            return;
        }
        boolean write = type == CMD_WRITE || type == CMD_TRIM || type == CMD_WRITE_ZEROES;
        if (write && session.readOnly()) {
            fail(r, EPERM);
            return;
        }
        if (write && !wrote) {
            wrote = true;
        }
        switch (type) {
            case CMD_READ -> {
                if (length > MAX_REQUEST || !inRange(offset, length)) {
                    fail(r, EINVAL);
                } else {
                    int len = (int) length;
                    int err = io(r, true, offset, r.dataBuffer(len), len);
                    if (err != 0) {
                        fail(r, err);
                    } else if (session.structured()) {
                        replies.readChunk(r, len);
                    } else {
                        replies.reply(r, 0, len);
                    }
                }
            }
            case CMD_WRITE -> {
                if (r.early != 0) {
                    replies.reply(r, r.early, 0);
                } else if (!inRange(offset, length)) {
                    replies.reply(r, ENOSPC, 0);
                } else {
                    replies.reply(r, fua(r, io(r, false, offset, r.data, (int) length)), 0);
                }
            }
            case CMD_TRIM -> replies.reply(r, !inRange(offset, length) ? ENOSPC : fua(r, trim(offset, length)), 0);
            case CMD_WRITE_ZEROES -> replies.reply(r, !inRange(offset, length) ? ENOSPC
                    : fua(r, writeZeroes(r, offset, length)), 0);
            case CMD_BLOCK_STATUS -> blockStatus(r, offset, length);
            default -> replies.reply(r, sync(), 0); // FLUSH
        }
    }

    /** An error reply: structured for READ and BLOCK_STATUS when structured replies are on. */
    private void fail(NbdRequest r, int err) {
        if (session.structured() && (r.type == CMD_READ || r.type == CMD_BLOCK_STATUS)) {
            replies.errorChunk(r, err);
        } else {
            replies.reply(r, err, 0);
        }
    }

    /** After a successful write command with FUA: the sync's result. */
    private int fua(NbdRequest r, int err) {
        return err == 0 && (r.flags & CMD_FLAG_FUA) != 0 ? sync() : err;
    }

    /** {@code NBD_CMD_BLOCK_STATUS} for {@code base:allocation}. */
    private void blockStatus(NbdRequest r, long offset, long length) {
        if (length == 0 || !inRange(offset, length)) {
            fail(r, EINVAL);
            return;
        }
        Extents e = new Extents((r.flags & CMD_FLAG_REQ_ONE) != 0 ? 1 : MAX_EXTENTS);
        Errno err = disk.blockStatus(offset, length, e);
        if (err != Errno.NONE || e.count() == 0) {
            int nerr = err == Errno.NONE ? EIO : nbdError(err);
            fail(r, shrunk(nerr, offset, length));
            return;
        }
        replies.blockStatusChunk(r, e);
    }

    /** {@code NBD_CMD_TRIM}: discards the whole sectors inside the range; ENODEV is success. */
    private int trim(long offset, long length) {
        int ss = disk.sectorSize();
        long a = (offset + ss - 1) / ss * ss;
        long b = (offset + length) / ss * ss;
        if (a >= b) {
            return 0;
        }
        Errno e = disk.discard(a, b - a);
        if (e == Errno.NONE || e == Errno.ENODEV || e == Errno.EOPNOTSUPP || e == Errno.ENOTSUP) {
            return 0;
        }
        return shrunk(nbdError(e), a, b - a);
    }

    /**
     * {@code NBD_CMD_WRITE_ZEROES}: discard the whole sectors (they read as zeros afterwards)
     * and write zeros at the partial ends; or write zeros throughout (NO_HOLE, no discard).
     */
    private int writeZeroes(NbdRequest r, long offset, long length) {
        boolean fast = (r.flags & CMD_FLAG_FAST_ZERO) != 0;
        if ((r.flags & CMD_FLAG_NO_HOLE) != 0 || !session.discard()) {
            return fast ? ENOTSUP : writeZeroBytes(r, offset, length);
        }
        int ss = disk.sectorSize();
        long a = (offset + ss - 1) / ss * ss;
        long b = (offset + length) / ss * ss;
        if (a >= b) {
            return writeZeroBytes(r, offset, length); // inside one sector: quick either way
        }
        Errno e = disk.discard(a, b - a);
        if (e == Errno.ENODEV || e == Errno.EOPNOTSUPP || e == Errno.ENOTSUP) {
            return fast ? ENOTSUP : writeZeroBytes(r, offset, length);
        }
        if (e != Errno.NONE) {
            return shrunk(nbdError(e), a, b - a);
        }
        int err = writeZeroBytes(r, offset, a - offset);
        return err != 0 ? err : writeZeroBytes(r, b, offset + length - b);
    }

    /**
     * EINVAL from the kernel for a range inside the announced size, now past the device's end
     * (a reload shrank it, or it was removed): EIO, as a disk that lost its tail.
     */
    private int shrunk(int err, long offset, long length) {
        if (err == EINVAL && disk.currentSize() < offset + length) {
            return EIO;
        }
        return err;
    }

    private boolean inRange(long offset, long length) {
        long size = exportSize;
        return offset >= 0 && offset <= size && length <= size - offset;
    }

    private int writeZeroBytes(NbdRequest r, long offset, long length) {
        long done = 0;
        while (done < length) {
            int chunk = (int) Math.min(NbdConnection.MAXPHYS, length - done);
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
     * {@code buf[0..len)} (the slot's direct buffer, absolute indexes) with the slot's buf;
     * returns the NBD error value (0 on success).
     */
    private int io(NbdRequest r, boolean read, long offset, ByteBuffer buf, int len) {
        int err = io0(r, read, offset, buf, len);
        return err == 0 ? 0 : shrunk(err, offset, len);
    }

    /** As above from/to a heap array (write-zeroes' zeros). */
    private int io(NbdRequest r, boolean read, long offset, byte[] buf, int len) {
        int err = io0(r, read, offset, ByteBuffer.wrap(buf), len);
        return err == 0 ? 0 : shrunk(err, offset, len);
    }

    private int io0(NbdRequest r, boolean read, long offset, ByteBuffer buf, int len) {
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
                buf.put(0, bounce, head, len);
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
            buf.get(0, bounce, head, len);
            return physio(r.bp, false, start, bounce, 0, wide);
        }
    }

    /** physio(9) on a ByteBuffer data area: the disks transfer straight to/from it. */
    private int physio(Buf bp, boolean read, long offset, ByteBuffer buf, int bufOff, int len) {
        if (buf.hasArray()) {
            return physio(bp, read, offset, buf.array(), buf.arrayOffset() + bufOff, len);
        }
        int done = 0;
        while (done < len) {
            int chunk = Math.min(NbdConnection.MAXPHYS, len - done);
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

    /** physio(9): whole-sector transfers of at most MAXPHYS through the strategy routine. */
    private int physio(Buf bp, boolean read, long offset, byte[] buf, int bufOff, int len) {
        int done = 0;
        while (done < len) {
            int chunk = Math.min(NbdConnection.MAXPHYS, len - done);
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
}
