package org.dmemu.proplib;

/**
 * Emulates prop_kern.c (rev 1.19/1.27): {@code prop_dictionary_copyin_ioctl} and
 * {@code prop_dictionary_copyout_ioctl}, the plistref rules of the kernel side.
 *
 * <p>Differences from NetBSD: user memory is a Java byte array; the copied-out buffer is
 * returned instead of being mapped into a process.
 */
public final class PropKern {
    /** {@code prop_object_copyin_limit}: 128 KiB since NetBSD 8. */
    public static final int COPYIN_LIMIT = 128 * 1024;

    private PropKern() {
    }

    /** A copyin/copyout failure: the NetBSD errno the kernel returns (E2BIG 7, EIO 5, EFAULT 14, ENOMEM 12). */
    public static final class PropKernException extends Exception {
        private final int errno;

        public PropKernException(int errno, String detail) {
            super(detail);
            this.errno = errno;
        }

        public int errno() {
            return errno;
        }
    }

    /**
     * {@code prop_dictionary_copyin_ioctl(pref, cmd, &dict)}: {@code user} holds the bytes at
     * {@code pref_plist}, {@code prefLen} is {@code pref_len}.
     */
    public static PropDictionary copyinIoctl(long cmd, byte[] user, long prefLen) throws PropKernException {
        throw new UnsupportedOperationException("plistref copyin: issue #2, in progress");
    }

    /**
     * {@code prop_dictionary_copyout_ioctl(pref, cmd, dict)}: the bytes the caller finds at the
     * returned {@code pref_plist}, {@code pref_len} of them (the NUL included).
     */
    public static byte[] copyoutIoctl(long cmd, PropDictionary dict) throws PropKernException {
        throw new UnsupportedOperationException("plistref copyout: issue #2, in progress");
    }
}
