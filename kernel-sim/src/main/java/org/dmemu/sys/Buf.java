package org.dmemu.sys;

import java.nio.ByteBuffer;

/**
 * Emulates {@code struct buf} (sys/sys/buf.h) as far as a disk strategy routine uses it.
 *
 * <p>A Buf is reusable and mutable: the caller fills it with {@link #setup}, hands it to a
 * strategy routine, and reads {@link #error()} and {@link #resid()} when the routine returns.
 * No exception is ever thrown on this path; the outcome is the errno in {@code b_error}.
 *
 * <p>The data area ({@code b_data}) is a Java array plus an offset, or — for a caller whose
 * bytes live outside the heap, such as the NBD server's socket buffers — a {@link ByteBuffer}
 * plus an offset ({@link #buffer()}; {@link #data()} is then null). Code that moves bytes in or
 * out handles both (the disks, {@link #setupSlice}, {@link #zero}, {@link #setByte}); a dm
 * target that does not ({@code DmTarget.buffers()} false) gets a heap copy from dmstrategy.
 *
 * <p>Differences from NetBSD: completion is synchronous (the strategy routine has finished
 * the buf when it returns), so there is no {@code biodone}/{@code biowait} pair; the data
 * area is a Java array or a ByteBuffer plus an offset instead of {@code b_data}.
 */
public final class Buf {
    /** {@code DEV_BSIZE}: the unit of {@code b_blkno}. */
    public static final int DEV_BSIZE = 512;
    /** {@code DEV_BSHIFT}. */
    public static final int DEV_BSHIFT = 9;

    /** {@code B_READ} (sys/buf.h): the transfer reads from the device. */
    public static final int B_READ = 0x00100000;
    /** {@code B_WRITE}: no bit set. */
    public static final int B_WRITE = 0;

    private int flags;
    private long blkno;
    private int bcount;
    private byte[] data;
    private ByteBuffer buffer;
    private int dataOffset;
    private Errno error = Errno.NONE;
    private int resid;
    private Object priv;

    /** Fills the buf for a new transfer: clears error and sets resid to 0. */
    public Buf setup(int flags, long blkno, byte[] data, int dataOffset, int bcount) {
        this.flags = flags;
        this.blkno = blkno;
        // reference fields are only stored when they change: a reused buf then pays no GC
        // write barrier on the I/O path
        if (this.data != data) {
            this.data = data;
        }
        if (this.buffer != null) {
            this.buffer = null;
        }
        this.dataOffset = dataOffset;
        this.bcount = bcount;
        if (this.error != Errno.NONE) {
            this.error = Errno.NONE;
        }
        this.resid = 0;
        return this;
    }

    /**
     * Fills the buf for a transfer whose data area is {@code buffer[dataOffset, +bcount)}
     * (absolute indexes; the buffer's position and limit are not used); {@link #data()} is null.
     */
    public Buf setup(int flags, long blkno, ByteBuffer buffer, int dataOffset, int bcount) {
        this.flags = flags;
        this.blkno = blkno;
        if (this.buffer != buffer) {
            this.buffer = buffer;
        }
        if (this.data != null) {
            this.data = null;
        }
        this.dataOffset = dataOffset;
        this.bcount = bcount;
        if (this.error != Errno.NONE) {
            this.error = Errno.NONE;
        }
        this.resid = 0;
        return this;
    }

    /**
     * {@code nestiobuf_setup}: fills the buf for a transfer of {@code bcount} bytes of
     * {@code parent}'s data area from byte {@code off} of it, whichever kind the parent's is.
     */
    public Buf setupSlice(int flags, long blkno, Buf parent, int off, int bcount) {
        return parent.buffer != null ? setup(flags, blkno, parent.buffer, parent.dataOffset + off, bcount)
                : setup(flags, blkno, parent.data, parent.dataOffset + off, bcount);
    }

    /** Zeroes the data area ({@code b_bcount} bytes). */
    public void zero() {
        if (buffer == null) {
            java.util.Arrays.fill(data, dataOffset, dataOffset + bcount, (byte) 0);
            return;
        }
        int at = dataOffset;
        int end = dataOffset + bcount;
        while (at < end) {
            int n = Math.min(ZEROES.length, end - at);
            buffer.put(at, ZEROES, 0, n);
            at += n;
        }
    }

    private static final byte[] ZEROES = new byte[64 * 1024];

    /** Sets byte {@code i} of the data area. */
    public void setByte(int i, byte v) {
        if (buffer == null) {
            data[dataOffset + i] = v;
        } else {
            buffer.put(dataOffset + i, v);
        }
    }

    /** {@code b_flags}. */
    public int flags() {
        return flags;
    }

    /** True if {@code B_READ} is set. */
    public boolean isRead() {
        return (flags & B_READ) != 0;
    }

    /** {@code b_blkno}: the block number in {@link #DEV_BSIZE} units. */
    public long blkno() {
        return blkno;
    }

    public void setBlkno(long blkno) {
        this.blkno = blkno;
    }

    /** {@code b_bcount}: the byte count of the transfer. */
    public int bcount() {
        return bcount;
    }

    public void setBcount(int bcount) {
        this.bcount = bcount;
    }

    /**
     * {@code b_data}: the array holding the transfer's bytes, starting at {@link #dataOffset()};
     * null when the data area is a {@link #buffer()}.
     */
    public byte[] data() {
        return data;
    }

    /** The ByteBuffer holding the transfer's bytes, or null when the data area is {@link #data()}. */
    public ByteBuffer buffer() {
        return buffer;
    }

    /** Where {@code b_data} starts inside {@link #data()} or {@link #buffer()}. */
    public int dataOffset() {
        return dataOffset;
    }

    /** {@code b_error}: {@link Errno#NONE} on success. */
    public Errno error() {
        return error;
    }

    public void setError(Errno error) {
        this.error = error;
    }

    /** {@code b_resid}: the bytes not transferred. */
    public int resid() {
        return resid;
    }

    public void setResid(int resid) {
        this.resid = resid;
    }

    /**
     * {@code b_private}: a field the driver owning the buf may use. The dm driver caches its
     * per-thread reader context here so that a buf reused by one thread finds it without a
     * ThreadLocal lookup. Callers never need to touch it.
     */
    public Object priv() {
        return priv;
    }

    public void setPriv(Object priv) {
        this.priv = priv;
    }

    @Override
    public String toString() {
        return "Buf[" + (isRead() ? "read" : "write") + " blkno=" + blkno + " bcount=" + bcount
                + " error=" + error + " resid=" + resid + "]";
    }
}
