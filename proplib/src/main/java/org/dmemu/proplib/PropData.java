package org.dmemu.proplib;

import java.util.Arrays;

/**
 * Emulates prop_data.c (NetBSD 10, rev 1.17): an immutable byte array, possibly empty,
 * possibly holding NUL bytes. Externalized as unwrapped base64.
 *
 * <p>Differences from NetBSD: none.
 */
public final class PropData implements PropObject {
    private final byte[] bytes;

    private PropData(byte[] bytes) {
        this.bytes = bytes;
    }

    /** {@code prop_data_create_copy(b, len)}. */
    public static PropData of(byte[] b) {
        return new PropData(b.clone());
    }

    /** {@code prop_data_size()}. */
    public int length() {
        return bytes.length;
    }

    /** A copy of the bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The byte at {@code i} (no copy; for writers). */
    public byte byteAt(int i) {
        return bytes[i];
    }

    @Override
    public PropType type() {
        return PropType.DATA;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PropData d && Arrays.equals(bytes, d.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "PropData[" + bytes.length + " bytes]";
    }
}
