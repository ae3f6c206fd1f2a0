package org.dmemu.sys;

/**
 * A failure inside the emulated kernel outside the I/O path: an errno plus readable detail,
 * like Linux's {@code ti->error} string beside NetBSD's plain errno return.
 *
 * <p>Differences from NetBSD: NetBSD functions return the errno; the detail text is dmemu's.
 */
public final class DmException extends Exception {
    private final Errno errno;

    public DmException(Errno errno, String detail) {
        super(detail, null, false, false);
        this.errno = errno;
    }

    public Errno errno() {
        return errno;
    }
}
