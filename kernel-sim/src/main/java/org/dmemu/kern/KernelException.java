package org.dmemu.kern;

import org.dmemu.sys.Errno;

/** A failure of a kernel entry point outside the I/O path, carrying its NetBSD errno. */
public final class KernelException extends Exception {
    private final Errno errno;

    public KernelException(Errno errno, String detail) {
        super(detail);
        this.errno = errno;
    }

    public Errno errno() {
        return errno;
    }
}
