package org.dmemu.sys;

/**
 * NetBSD errno values (sys/sys/errno.h), with their NetBSD numbers.
 *
 * <p>{@link #NONE} (0) stands for success, so that a {@link Buf} can carry its outcome
 * without a null.
 *
 * <p>Differences from NetBSD: none; only the values the emulator can produce are listed.
 */
public enum Errno {
    NONE(0),
    EPERM(1),
    ENOENT(2),
    ESRCH(3),
    EINTR(4),
    EIO(5),
    ENXIO(6),
    E2BIG(7),
    EBADF(9),
    ENOMEM(12),
    EACCES(13),
    EFAULT(14),
    ENOTBLK(15),
    EBUSY(16),
    EEXIST(17),
    EXDEV(18),
    ENODEV(19),
    ENOTDIR(20),
    EISDIR(21),
    EINVAL(22),
    ENFILE(23),
    EMFILE(24),
    ENOTTY(25),
    EFBIG(27),
    ENOSPC(28),
    ESPIPE(29),
    EROFS(30),
    EPIPE(32),
    ERANGE(34),
    EAGAIN(35),
    EOPNOTSUPP(45),
    ENAMETOOLONG(63),
    ENOSYS(78),
    EFTYPE(79),
    EOVERFLOW(84),
    ENOTSUP(86);

    private static final Errno[] BY_NUMBER = new Errno[87];

    static {
        for (Errno e : values()) {
            BY_NUMBER[e.number] = e;
        }
    }

    private final int number;

    Errno(int number) {
        this.number = number;
    }

    /** The NetBSD errno number. */
    public int number() {
        return number;
    }

    /** The constant for a NetBSD errno number, or null if it is not listed here. */
    public static Errno of(int number) {
        return number >= 0 && number < BY_NUMBER.length ? BY_NUMBER[number] : null;
    }

    /** The form the replay output uses: {@code errno 5 EIO}. */
    public String describe() {
        return "errno " + number + " " + name();
    }
}
