package org.dmemu.disklabel;

/**
 * The disk ioctl commands of sys/sys/dkio.h that emulated disks answer, encoded as on an
 * LP64 (amd64) kernel by sys/sys/ioccom.h: direction in bits 30–31 (out 0x40000000,
 * in 0x80000000), parameter length in bits 16–28, group {@code 'd'} in bits 8–15, number in
 * bits 0–7. The length of {@code struct disklabel} is 408 on amd64, so the label ioctls differ
 * from i386's (404).
 *
 * <p>Differences from NetBSD: none in the numbers.
 */
public final class DiskIoctls {
    /** {@code IOC_OUT}, {@code IOC_IN}. */
    public static final long IOC_OUT = 0x40000000L;
    public static final long IOC_IN = 0x80000000L;
    /** {@code IOCPARM_MASK}, {@code IOCPARM_SHIFT}. */
    public static final int IOCPARM_MASK = 0x1fff;
    public static final int IOCPARM_SHIFT = 16;

    /** {@code sizeof(struct partinfo)}. */
    public static final int SIZEOF_PARTINFO = 32;

    /** {@code DIOCGDINFO = _IOR('d', 101, struct disklabel)}: 0x41986465. */
    public static final long DIOCGDINFO = ior(101, DisklabelCodec.SIZEOF);
    /** {@code DIOCSDINFO = _IOW('d', 102, struct disklabel)}: 0x81986466. */
    public static final long DIOCSDINFO = iow(102, DisklabelCodec.SIZEOF);
    /** {@code DIOCWDINFO = _IOW('d', 103, struct disklabel)}: 0x81986467. */
    public static final long DIOCWDINFO = iow(103, DisklabelCodec.SIZEOF);
    /**
     * {@code DIOCGPARTINFO = _IOW('d', 104, struct partinfo)}: 0x80206468. A "get" encoded as
     * {@code _IOW}: sys/dkio.h rev 1.26 defines it only under {@code _KERNEL}, for callers inside
     * the kernel (the callee fills the caller's structure). Issued from user space the argument
     * is copied in and nothing is copied back.
     */
    public static final long DIOCGPARTINFO = iow(104, SIZEOF_PARTINFO);
    /** {@code DIOCWLABEL = _IOW('d', 109, int)}: 0x8004646D. */
    public static final long DIOCWLABEL = iow(109, 4);
    /** {@code DIOCGDEFLABEL = _IOR('d', 114, struct disklabel)}: 0x41986472. */
    public static final long DIOCGDEFLABEL = ior(114, DisklabelCodec.SIZEOF);
    /** {@code DIOCCACHESYNC = _IOW('d', 118, int)}: 0x80046476. */
    public static final long DIOCCACHESYNC = iow(118, 4);
    /** {@code DIOCGMEDIASIZE = _IOR('d', 132, off_t)}: 0x40086484. */
    public static final long DIOCGMEDIASIZE = ior(132, 8);
    /** {@code DIOCGSECTORSIZE = _IOR('d', 133, u_int)}: 0x40046485. */
    public static final long DIOCGSECTORSIZE = ior(133, 4);

    /** NetBSD errno numbers (sys/errno.h) these ioctls return. */
    public static final int ESRCH = 3;
    public static final int EIO = 5;
    public static final int ENXIO = 6;
    public static final int EBADF = 9;
    public static final int EFAULT = 14;
    public static final int EBUSY = 16;
    public static final int EINVAL = 22;
    public static final int ENOTTY = 25;
    public static final int EROFS = 30;

    private DiskIoctls() {
    }

    private static long ior(int nr, int len) {
        return IOC_OUT | ((long) (len & IOCPARM_MASK) << IOCPARM_SHIFT) | 'd' << 8 | nr;
    }

    private static long iow(int nr, int len) {
        return IOC_IN | ((long) (len & IOCPARM_MASK) << IOCPARM_SHIFT) | 'd' << 8 | nr;
    }

    /** {@code IOCPARM_LEN(cmd)}: the size of the argument buffer. */
    public static int parmLen(long cmd) {
        return (int) (cmd >>> IOCPARM_SHIFT) & IOCPARM_MASK;
    }

    /** The macro name of {@code cmd}, or null for a command not listed here. */
    public static String name(long cmd) {
        if (cmd == DIOCGDINFO) {
            return "DIOCGDINFO";
        } else if (cmd == DIOCSDINFO) {
            return "DIOCSDINFO";
        } else if (cmd == DIOCWDINFO) {
            return "DIOCWDINFO";
        } else if (cmd == DIOCGPARTINFO) {
            return "DIOCGPARTINFO";
        } else if (cmd == DIOCWLABEL) {
            return "DIOCWLABEL";
        } else if (cmd == DIOCGDEFLABEL) {
            return "DIOCGDEFLABEL";
        } else if (cmd == DIOCCACHESYNC) {
            return "DIOCCACHESYNC";
        } else if (cmd == DIOCGMEDIASIZE) {
            return "DIOCGMEDIASIZE";
        } else if (cmd == DIOCGSECTORSIZE) {
            return "DIOCGSECTORSIZE";
        }
        return null;
    }
}
