package org.dmemu.dev.dm.ioctl;

import java.nio.charset.StandardCharsets;

import org.dmemu.dev.dm.NetbsdDm;
import org.dmemu.proplib.PropArray;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.proplib.PropString;
import org.dmemu.sys.Errno;
import org.dmemu.sys.TracePoint;

/**
 * The helpers dm_ioctl.c builds its handlers from: {@code DM_ADD_FLAG}/{@code DM_REMOVE_FLAG}
 * (re-read {@code flags} from the dictionary, change one bit, store it back as uint32), C-string
 * access to dictionary values, and the common "lookup failed" epilogue.
 *
 * <p>Strings are handled as byte strings: one Java char per byte (ISO-8859-1), cut at the first
 * NUL as {@code prop_dictionary_get_cstring_nocopy} hands them to C.
 *
 * <p>Differences from NetBSD: none.
 */
public final class DmIoctlUtil {
    private DmIoctlUtil() {
    }

    /** {@code prop_dictionary_get_cstring_nocopy}: the value as a byte string, or null. */
    public static String cstr(PropDictionary d, String key) {
        return d.get(key) instanceof PropString s ? bytesToC(s.bytes()) : null;
    }

    /** {@code prop_array_get_cstring_nocopy}. */
    public static String cstr(PropArray a, int i) {
        return a.get(i) instanceof PropString s ? bytesToC(s.bytes()) : null;
    }

    private static String bytesToC(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.ISO_8859_1);
    }

    /** A proplib string holding the bytes of the byte string {@code s}. */
    public static PropString pstr(String s) {
        return PropString.ofBytes(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Converts Java text to the byte string of its UTF-8 encoding. */
    public static String fromText(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    /** Converts a byte string back to Java text (UTF-8). */
    public static String toText(String bytes) {
        return new String(bytes.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    /** {@code strlcpy(dst, s, size)}: at most {@code size - 1} bytes. */
    public static String strlcpy(String s, int size) {
        return s.length() > size - 1 ? s.substring(0, size - 1) : s;
    }

    /** {@code prop_dictionary_get_uint32(d, key, &var)}: the value, or {@code var} unchanged. */
    public static long getU32(PropDictionary d, String key, long var) {
        return d.getUint32(key).orElse(var);
    }

    /** {@code DM_ADD_FLAG(flags, bit)}; returns the new value of the C variable. */
    public static long addFlag(PropDictionary d, long flags, int bit) {
        flags = getU32(d, NetbsdDm.DM_IOCTL_FLAGS, flags) | bit;
        d.setUint32(NetbsdDm.DM_IOCTL_FLAGS, flags);
        return flags;
    }

    /** {@code DM_REMOVE_FLAG(flags, bit)}; returns the new value of the C variable. */
    public static long removeFlag(PropDictionary d, long flags, int bit) {
        flags = getU32(d, NetbsdDm.DM_IOCTL_FLAGS, flags) & ~(long) bit & 0xffffffffL;
        d.setUint32(NetbsdDm.DM_IOCTL_FLAGS, flags);
        return flags;
    }

    /** The first step of the handler {@code function}: the request it got ({@link Request#traceValues}). */
    public static TracePoint requestPoint(String function) {
        return TracePoint.of(function, function + ": name {name:q}, uuid {uuid:q}, minor {minor}, flags 0x{flags:x}");
    }

    /** {@code dm_dev_lookup} found no device: the handler returns ENOENT. */
    public static final TracePoint LOOKUP_NOT_FOUND = TracePoint.of("dm_dev_lookup", "dm_dev_lookup: not found -> {error}");

    /** The lookup-failure epilogue: {@code DM_REMOVE_FLAG(flags, DM_EXISTS_FLAG); return ENOENT}. */
    public static Errno lookupFailed(PropDictionary d, long flags) {
        removeFlag(d, flags, NetbsdDm.DM_EXISTS_FLAG);
        return Errno.ENOENT;
    }

    /** The request's {@code name}, {@code uuid}, {@code flags} and {@code minor} (missing: null/0). */
    public record Request(String name, String uuid, long flags, long minor) {
        public static Request of(PropDictionary d) {
            return new Request(cstr(d, NetbsdDm.DM_IOCTL_NAME), cstr(d, NetbsdDm.DM_IOCTL_UUID),
                    getU32(d, NetbsdDm.DM_IOCTL_FLAGS, 0), getU32(d, NetbsdDm.DM_IOCTL_MINOR, 0));
        }

        /** The request's values for a {@link #requestPoint}: name, uuid, minor, flags. */
        public Object[] traceValues() {
            return new Object[] {name, uuid, minor, flags};
        }
    }
}
