package org.dmemu.proplib;

import java.util.Arrays;
import org.dmemu.proplib.xml.PropExternalizer;
import org.dmemu.proplib.xml.PropInternalizer;
import org.dmemu.proplib.xml.PropInternalizer.Mode;
import org.dmemu.proplib.xml.PropParseException;

/**
 * Emulates prop_kern.c (rev 1.19/1.27): {@code prop_dictionary_copyin_ioctl} and
 * {@code prop_dictionary_copyout_ioctl}, the plistref rules of the kernel side, plus the user
 * side of {@code prop_dictionary_sendrecv_ioctl} ({@link #externalizeRequest} and
 * {@link #internalizeReply}) for clients (proplib-xml.md §4).
 *
 * <p>Errnos (NetBSD numbers): EFAULT 14 for a command without the needed direction bit or
 * user memory shorter than {@code pref_len}; E2BIG 7 for {@code pref_len >= 131072}; EIO 5 for
 * an unparseable document or a root that is not a dictionary.
 *
 * <p>Differences from NetBSD:
 * <ul>
 *   <li>User memory is a Java byte array; "bad address" means fewer than {@code pref_len}
 *       bytes available.</li>
 *   <li>The copied-out buffer is returned instead of being mapped into a process (so the
 *       user side has nothing to {@code munmap}).</li>
 *   <li>The failure's detail text (parse reason and offset) is dmemu's addition.</li>
 *   <li>A reply longer than {@link #COPYOUT_LIMIT} bytes fails with ENOMEM 12, found while
 *       writing it (the writer stops at the limit). NetBSD's {@code prop_object_externalize}
 *       grows its kernel buffer until memory runs out; a 128 KiB request nesting thousands of
 *       arrays would make it write tens of megabytes of TABs (issue 16 point 8).</li>
 * </ul>
 */
public final class PropKern {
    /** {@code prop_object_copyin_limit}: 128 KiB since NetBSD 8. */
    public static final int COPYIN_LIMIT = 128 * 1024;

    /**
     * The longest reply {@link #copyoutIoctl} produces, NUL included: 16 MiB. A table status of
     * 10,000 entries is well under 4 MiB; the limit only stops replies that amplify their request.
     */
    public static final int COPYOUT_LIMIT = 16 * 1024 * 1024;

    /** {@code IOC_OUT} (sys/ioccom.h): the ioctl copies data out to the caller. */
    public static final long IOC_OUT = 0x40000000L;
    /** {@code IOC_IN} (sys/ioccom.h): the ioctl copies data in from the caller. */
    public static final long IOC_IN = 0x80000000L;

    /** NetBSD errno values used here. */
    public static final int EIO = 5;
    public static final int E2BIG = 7;
    public static final int ENOMEM = 12;
    public static final int EFAULT = 14;

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
     * {@code pref_plist}, {@code prefLen} is {@code pref_len} (a C {@code size_t}: compared
     * unsigned). Steps: no IN bit in {@code cmd} → EFAULT; {@code prefLen >= 131072} → E2BIG;
     * fewer than {@code prefLen} bytes in {@code user} → EFAULT; copy {@code prefLen} bytes and
     * append a NUL; internalize with the kernel's rules; failure or a non-dictionary root → EIO.
     */
    public static PropDictionary copyinIoctl(long cmd, byte[] user, long prefLen) throws PropKernException {
        if ((cmd & IOC_IN) == 0) {
            throw new PropKernException(EFAULT, "ioctl command 0x" + Long.toHexString(cmd) + " has no IN bit");
        }
        if (Long.compareUnsigned(prefLen, COPYIN_LIMIT) >= 0) {
            throw new PropKernException(E2BIG, "pref_len " + Long.toUnsignedString(prefLen)
                    + " >= copyin limit " + COPYIN_LIMIT);
        }
        int len = (int) prefLen;
        if (user == null || user.length < len) {
            throw new PropKernException(EFAULT, "copyin of " + len + " bytes: only "
                    + (user == null ? 0 : user.length) + " available");
        }
        byte[] buf = Arrays.copyOf(user, len + 1); // buf[len] = NUL
        return internalizeDictionary(buf, len + 1, Mode.KERNEL);
    }

    /**
     * {@code prop_dictionary_copyout_ioctl(pref, cmd, dict)}: the bytes the caller finds at the
     * returned {@code pref_plist}, {@code pref_len} of them (the NUL included). No OUT bit in
     * {@code cmd} → EFAULT; a reply longer than {@link #COPYOUT_LIMIT} → ENOMEM.
     */
    public static byte[] copyoutIoctl(long cmd, PropDictionary dict) throws PropKernException {
        return copyoutIoctl(cmd, dict, COPYOUT_LIMIT);
    }

    /** {@link #copyoutIoctl(long, PropDictionary)} with another reply limit (tests). */
    public static byte[] copyoutIoctl(long cmd, PropDictionary dict, int limit) throws PropKernException {
        if ((cmd & IOC_OUT) == 0) {
            throw new PropKernException(EFAULT, "ioctl command 0x" + Long.toHexString(cmd) + " has no OUT bit");
        }
        byte[] out = PropExternalizer.externalizeBounded(dict, true, limit);
        if (out == null) {
            throw new PropKernException(ENOMEM, "prop_object_externalize: reply longer than " + limit + " bytes");
        }
        return out;
    }

    /**
     * The send half of {@code prop_dictionary_sendrecv_ioctl}: the request buffer a client
     * passes in its plistref ({@code pref_len} = its length: the text plus one NUL).
     */
    public static byte[] externalizeRequest(PropDictionary dict) {
        return PropExternalizer.externalize(dict, true);
    }

    /**
     * The receive half of {@code prop_dictionary_sendrecv_ioctl} ({@code _prop_object_recv_ioctl}):
     * {@code buf[0, len)} is the plistref the kernel returned. {@code len == 0} → EIO; the last
     * byte is forced to NUL; internalized with userland rules; failure or a non-dictionary root
     * → EIO. {@code buf} shorter than {@code len} → EFAULT.
     */
    public static PropDictionary internalizeReply(byte[] buf, int len) throws PropKernException {
        if (len <= 0) {
            throw new PropKernException(EIO, "reply plistref has pref_len " + len);
        }
        if (buf == null || buf.length < len) {
            throw new PropKernException(EFAULT, "reply of " + len + " bytes: only "
                    + (buf == null ? 0 : buf.length) + " available");
        }
        byte[] copy = Arrays.copyOf(buf, len);
        copy[len - 1] = 0;
        return internalizeDictionary(copy, len, Mode.USERLAND);
    }

    private static PropDictionary internalizeDictionary(byte[] buf, int len, Mode mode) throws PropKernException {
        PropObject o;
        try {
            o = PropInternalizer.internalize(buf, 0, len, mode);
        } catch (PropParseException e) {
            throw new PropKernException(EIO, e.getMessage());
        }
        if (!(o instanceof PropDictionary d)) {
            throw new PropKernException(EIO, "plist root is " + o.type().xmlTag() + ", not a dictionary");
        }
        return d;
    }
}
