package org.dmemu.serve;

import org.dmemu.kern.DiskHandle;
import org.dmemu.kern.IoctlResult;
import org.dmemu.sys.Buf;
import org.dmemu.sys.Errno;

/**
 * One open file description of a disk node (NetBSD's {@code struct file} + its vnode): the open
 * device, the access mode and the file offset, and the read/write paths the kernel takes for it.
 *
 * <ul>
 * <li>A block node ({@code /dev/mapper/NAME}, {@code /dev/wd1a}) is read and written as
 * {@code spec_read}/{@code spec_write} (sys/miscfs/specfs/spec_vnops.c) do it: through
 * {@code BLKDEV_IOSIZE} (2048-byte) blocks aligned on the block size, so any offset and length
 * work; a partial block is read, modified and written back; a block the device cuts short ends
 * the transfer (end of device: 0 bytes).</li>
 * <li>A character node ({@code /dev/rmapper/NAME}, {@code /dev/rwd1d}) as {@code physio}
 * (sys/kern/kern_physio.c): {@code MAXPHYS} (64 KiB) strategy calls at
 * {@code blkno = btodb(offset)}, the driver checking the alignment; the first error or short
 * transfer ends the call.</li>
 * <li>{@code lseek} as {@code sys_lseek}: SEEK_END counts from the vnode's size, 0 for a device
 * node; a negative offset is EINVAL except on a character device.</li>
 * </ul>
 * An error after part of a transfer still moves the offset by the part done
 * ({@code dofileread}/{@code dofilewrite}), and the call answers the error.
 *
 * <p>Differences from NetBSD: there is no buffer cache: a block-node write reaches the device
 * before the call returns and its error is the call's (NetBSD's delayed or asynchronous write
 * would report it later or not at all). The block size is always {@code BLKDEV_IOSIZE}
 * (NetBSD uses a larger one on a disk partition whose label gives an FFS block size).
 */
final class BlockIoFile {
    /** {@code BLKDEV_IOSIZE}. */
    static final int BLKDEV_IOSIZE = 2048;
    /** {@code MAXPHYS}. */
    static final int MAXPHYS = 64 * 1024;

    /** The outcome of a transfer: bytes moved and the errno ({@link Errno#NONE} if none). */
    record Result(long count, Errno error, byte[] data) {
    }

    private final DiskHandle handle;
    private final BlockIoNodes.Node node;
    private final int fflag;
    private final Buf buf = new Buf();
    private long offset;
    private boolean closed;

    BlockIoFile(DiskHandle handle, BlockIoNodes.Node node, int fflag) {
        this.handle = handle;
        this.node = node;
        this.fflag = fflag;
    }

    BlockIoNodes.Node node() {
        return node;
    }

    /** {@code read(2)} ({@code at} &lt; 0: at the file offset, which moves) or {@code pread(2)}. */
    synchronized Result read(int count, boolean positional, long at) {
        if (closed || (fflag & BlockIoProto.FREAD) == 0) {
            return new Result(0, Errno.EBADF, new byte[0]);
        }
        long off = positional ? at : offset;
        if (positional && off < 0 && !node.raw()) {
            return new Result(0, Errno.EINVAL, new byte[0]);
        }
        byte[] data = new byte[count];
        Result r = node.raw() ? physio(true, off, data, count) : specRead(off, data, count);
        if (!positional) {
            offset += r.count();
        }
        return new Result(r.count(), r.error(), data);
    }

    /** {@code write(2)} or {@code pwrite(2)} of {@code data}. */
    synchronized Result write(byte[] data, boolean positional, long at) {
        if (closed || (fflag & BlockIoProto.FWRITE) == 0) {
            return new Result(0, Errno.EBADF, null);
        }
        long off = positional ? at : offset;
        if (positional && off < 0 && !node.raw()) {
            return new Result(0, Errno.EINVAL, null);
        }
        Result r = node.raw() ? physio(false, off, data, data.length) : specWrite(off, data);
        if (!positional) {
            offset += r.count();
        }
        return r;
    }

    /** {@code lseek(2)}. */
    synchronized Result seek(long off, int whence) {
        if (closed) {
            return new Result(0, Errno.EBADF, null);
        }
        long base;
        switch (whence) {
            case 0 -> base = 0;
            case 1 -> base = offset;
            case 2 -> base = 0; // va_size of a device node
            default -> {
                return new Result(0, Errno.EINVAL, null);
            }
        }
        long n = base + off;
        if (n < 0 && !node.raw()) {
            return new Result(0, Errno.EINVAL, null);
        }
        offset = n;
        return new Result(n, Errno.NONE, null);
    }

    /** A disk ioctl: {@code arg} copied in; the reply is what it copied out. */
    synchronized IoctlResult ioctl(long cmd, byte[] arg) {
        if (closed) {
            return new IoctlResult(Errno.EBADF.number(), new byte[0]);
        }
        return handle.ioctl(cmd, arg);
    }

    /** {@code fsync(2)} on a disk node: {@code VOP_FSYNC} → {@code DIOCCACHESYNC}. */
    synchronized Errno fsync() {
        if (closed) {
            return Errno.EBADF;
        }
        Errno e = handle.cacheSync();
        return e == null || e == Errno.ENOTTY ? Errno.NONE : e;
    }

    /** The last close: the device's close routine. */
    synchronized void close() {
        if (!closed) {
            closed = true;
            handle.close();
        }
    }

    /** kern_physio.c {@code physio}: MAXPHYS pieces straight to the strategy routine. */
    private Result physio(boolean read, long off, byte[] data, int count) {
        int done = 0;
        while (done < count) {
            int n = Math.min(MAXPHYS, count - done);
            long blkno = Math.floorDiv(off + done, (long) Buf.DEV_BSIZE);
            buf.setup(read ? Buf.B_READ : Buf.B_WRITE, blkno, data, done, n);
            handle.strategy(buf);
            int moved = buf.bcount() - buf.resid();
            done += Math.max(0, moved);
            if (buf.error() != Errno.NONE) {
                return new Result(done, buf.error(), null);
            }
            if (buf.resid() != 0 || buf.bcount() < n) {
                break;
            }
        }
        return new Result(done, Errno.NONE, null);
    }

    /** spec_vnops.c {@code spec_read}, VBLK: whole blocks through the (absent) buffer cache. */
    private Result specRead(long off, byte[] data, int count) {
        if (off < 0) {
            return new Result(0, Errno.EINVAL, null);
        }
        byte[] blk = new byte[BLKDEV_IOSIZE];
        int done = 0;
        while (done < count) {
            long pos = off + done;
            long bn = (pos >> Buf.DEV_BSHIFT) & ~(long) (BLKDEV_IOSIZE / Buf.DEV_BSIZE - 1);
            int on = (int) (pos % BLKDEV_IOSIZE);
            int n = Math.min(BLKDEV_IOSIZE - on, count - done);
            Errno e = bread(bn, blk);
            if (e != Errno.NONE) {
                return new Result(done, e, null);
            }
            n = Math.min(n, Math.max(0, validBytes() - on));
            if (n <= 0) {
                break;
            }
            System.arraycopy(blk, on, data, done, n);
            done += n;
        }
        return new Result(done, Errno.NONE, null);
    }

    /** spec_vnops.c {@code spec_write}, VBLK: read-modify-write of partial blocks. */
    private Result specWrite(long off, byte[] data) {
        if (off < 0) {
            return new Result(0, Errno.EINVAL, null);
        }
        byte[] blk = new byte[BLKDEV_IOSIZE];
        int done = 0;
        while (done < data.length) {
            long pos = off + done;
            long bn = (pos >> Buf.DEV_BSHIFT) & ~(long) (BLKDEV_IOSIZE / Buf.DEV_BSIZE - 1);
            int on = (int) (pos % BLKDEV_IOSIZE);
            int n = Math.min(BLKDEV_IOSIZE - on, data.length - done);
            int valid = BLKDEV_IOSIZE;
            if (n != BLKDEV_IOSIZE) {
                Errno e = bread(bn, blk);
                if (e != Errno.NONE) {
                    return new Result(done, e, null);
                }
                valid = validBytes();
            }
            n = Math.min(n, Math.max(0, valid - on));
            if (n <= 0) {
                break;
            }
            System.arraycopy(data, done, blk, on, n);
            buf.setup(Buf.B_WRITE, bn, blk, 0, valid);
            handle.strategy(buf);
            if (buf.error() != Errno.NONE) {
                return new Result(done, buf.error(), null);
            }
            done += n;
        }
        return new Result(done, Errno.NONE, null);
    }

    private int lastValid;

    /** {@code bread}: one block into {@code blk}; remembers how much of it the device filled. */
    private Errno bread(long bn, byte[] blk) {
        buf.setup(Buf.B_READ, bn, blk, 0, BLKDEV_IOSIZE);
        handle.strategy(buf);
        lastValid = Math.max(0, buf.bcount() - buf.resid());
        return buf.error();
    }

    /** {@code bsize - b_resid} of the last {@link #bread}. */
    private int validBytes() {
        return lastValid;
    }
}
