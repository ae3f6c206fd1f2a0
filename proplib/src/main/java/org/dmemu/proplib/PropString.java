package org.dmemu.proplib;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Emulates prop_string.c (NetBSD 10, rev 1.15): an immutable byte string without NUL.
 *
 * <p>proplib does not check the encoding; text is UTF-8 only by convention. This class keeps
 * the bytes and decodes them as UTF-8 only for display or for {@link #toString()}.
 *
 * <p>Differences from NetBSD: strings are not uniqued. A NUL byte is accepted here, where C
 * would silently truncate; the internalizer never produces one.
 */
public final class PropString implements PropObject {
    private final byte[] bytes;

    private PropString(byte[] bytes) {
        this.bytes = bytes;
    }

    /** {@code prop_string_create_copy(s)} from Java text, encoded as UTF-8. */
    public static PropString of(String s) {
        return new PropString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A string holding a copy of {@code b}. */
    public static PropString ofBytes(byte[] b) {
        return new PropString(b.clone());
    }

    /** A string holding {@code b[off, off+len)} (copied). */
    public static PropString ofBytes(byte[] b, int off, int len) {
        return new PropString(Arrays.copyOfRange(b, off, off + len));
    }

    /** {@code prop_string_size()}: length in bytes. */
    public int length() {
        return bytes.length;
    }

    /** A copy of the bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The byte at {@code i}, for writers that must not copy. */
    public byte byteAt(int i) {
        return bytes[i];
    }

    /** {@code prop_string_equals_string(this, s)}: byte-wise comparison with UTF-8 of {@code s}. */
    public boolean equalsString(String s) {
        return Arrays.equals(bytes, s.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public PropType type() {
        return PropType.STRING;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PropString s && Arrays.equals(bytes, s.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** The bytes decoded as UTF-8 (malformed sequences become U+FFFD). */
    @Override
    public String toString() {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
