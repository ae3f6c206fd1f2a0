package org.dmemu.serve;

import static org.dmemu.serve.NbdProto.*;

import org.dmemu.kern.DiskHandle;
import org.dmemu.sys.Buf;
import org.dmemu.sys.Errno;

/**
 * The commands of the NBD transmission phase, served against the export's dm device: each
 * request ({@link #serve}) is checked, run through the device's strategy routine and its reply
 * prepared with {@link NbdReplies}.
 *
 * <p>I/O goes through the device's strategy routine the way {@code physio(9)} drives it: the
 * request is cut into transfers of at most {@link NbdConnection#MAXPHYS} bytes, each described
 * by the slot's reusable {@link Buf}; a transfer's {@code b_error} ends the request and becomes
 * the NBD error ({@link NbdProto#nbdError}), a non-zero {@code b_resid} becomes EIO. Requests
 * that are not multiples of the sector size are widened to whole sectors (read-modify-write for
 * writes, one at a time per connection).
 *
 * <p>Differences from NetBSD: not a NetBSD component (see {@link NbdConnection}).
 * {@code NBD_CMD_TRIM} is not offered (dm(4) has {@code nodiscard});
 * {@code NBD_CMD_WRITE_ZEROES} is served by writing zeros. A read-modify-write of a partial
 * sector is not atomic with respect to other connections.
 */
final class NbdCommands {
    private static final byte[] ZEROES = new byte[NbdConnection.MAXPHYS];

    private final DiskHandle disk;
    /** The size announced in the handshake; requests are checked against it. */
    private final long exportSize;
    private final NbdReplies replies;
    /** Serializes the read-modify-writes of partial sectors. */
    private final Object rmwLock = new Object();

    NbdCommands(DiskHandle disk, long exportSize, NbdReplies replies) {
        this.disk = disk;
        this.exportSize = exportSize;
        this.replies = replies;
    }

    /** {@code DIOCCACHESYNC} of the export, as an NBD error value. */
    int sync() {
        return nbdError(disk.cacheSync());
    }

    /** Serves one request (not DISC) and prepares its reply. */
    void serve(NbdRequest r) {
        long offset = r.offset;
        long length = r.length;
        switch (r.type) {
            case CMD_READ -> {
                if (length > MAX_REQUEST || !inRange(offset, length)) {
                    replies.reply(r, EINVAL, 0);
                } else {
                    int len = (int) length;
                    int err = io(r, true, offset, r.dataBuffer(len), len);
                    replies.reply(r, err, err == 0 ? len : 0);
                }
            }
            case CMD_WRITE -> {
                if (r.early != 0) {
                    replies.reply(r, r.early, 0);
                } else if (!inRange(offset, length)) {
                    replies.reply(r, ENOSPC, 0);
                } else {
                    int err = io(r, false, offset, r.data, (int) length);
                    if (err == 0 && (r.flags & CMD_FLAG_FUA) != 0) {
                        err = sync();
                    }
                    replies.reply(r, err, 0);
                }
            }
            case CMD_WRITE_ZEROES -> {
                if (!inRange(offset, length)) {
                    replies.reply(r, ENOSPC, 0);
                } else {
                    int err = writeZeroes(r, offset, length);
                    if (err == 0 && (r.flags & CMD_FLAG_FUA) != 0) {
                        err = sync();
                    }
                    replies.reply(r, err, 0);
                }
            }
            case CMD_FLUSH -> replies.reply(r, sync(), 0);
            default -> replies.reply(r, EINVAL, 0); // includes TRIM, which is not offered
        }
    }

    private boolean inRange(long offset, long length) {
        long size = exportSize;
        return offset >= 0 && offset <= size && length <= size - offset;
    }

    private int writeZeroes(NbdRequest r, long offset, long length) {
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
     * {@code buf[0..len)} with the slot's buf; returns the NBD error value (0 on success).
     */
    private int io(NbdRequest r, boolean read, long offset, byte[] buf, int len) {
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
