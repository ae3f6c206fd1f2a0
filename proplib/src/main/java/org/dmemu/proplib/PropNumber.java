package org.dmemu.proplib;

/**
 * Emulates prop_number.c (NetBSD 10, rev 1.33): a 64-bit payload plus a signedness flag.
 *
 * <p>The flag decides the external form: unsigned numbers are written in lower-case hex with a
 * {@code 0x} prefix, signed numbers in decimal. The range-checked getters follow NetBSD 10:
 * only the value's range matters, never its flag (proplib-xml.md §5.1).
 *
 * <p>Differences from NetBSD: only the values 0–31 are shared instances (libprop uniques every
 * number); equality is by value, never identity.
 */
public final class PropNumber implements PropObject {
    private final long bits;
    private final boolean unsigned;

    private PropNumber(long bits, boolean unsigned) {
        this.bits = bits;
        this.unsigned = unsigned;
    }

    /** Shared instances of the small values (libprop uniques every number; these are immutable). */
    private static final PropNumber[] SMALL_SIGNED = new PropNumber[32];
    private static final PropNumber[] SMALL_UNSIGNED = new PropNumber[32];

    static {
        for (int i = 0; i < 32; i++) {
            SMALL_SIGNED[i] = new PropNumber(i, false);
            SMALL_UNSIGNED[i] = new PropNumber(i, true);
        }
    }

    /** {@code prop_number_create_signed(v)}. */
    public static PropNumber signed(long v) {
        return v >= 0 && v < 32 ? SMALL_SIGNED[(int) v] : new PropNumber(v, false);
    }

    /** {@code prop_number_create_unsigned(v)}: {@code v}'s 64 bits read as an unsigned value. */
    public static PropNumber unsigned(long v) {
        return v >= 0 && v < 32 ? SMALL_UNSIGNED[(int) v] : new PropNumber(v, true);
    }

    /** {@code prop_number_unsigned()}: true if this number carries the unsigned flag. */
    public boolean isUnsigned() {
        return unsigned;
    }

    /** {@code prop_number_signed_value()}: the raw 64 bits as a signed value. */
    public long signedValue() {
        return bits;
    }

    /** {@code prop_number_unsigned_value()}: the raw 64 bits (to be read as unsigned). */
    public long unsignedValue() {
        return bits;
    }

    /**
     * True if the value lies within [{@code min}, {@code max}] of a signed C type
     * ({@code prop_number_intN_value} succeeds).
     */
    public boolean fitsSigned(long min, long max) {
        if (unsigned) {
            return bits >= 0 && bits <= max && bits >= min;
        }
        return bits >= min && bits <= max;
    }

    /**
     * True if the value lies within [0, {@code max}] where {@code max} is read as unsigned
     * ({@code prop_number_uintN_value} succeeds).
     */
    public boolean fitsUnsigned(long max) {
        if (unsigned) {
            return Long.compareUnsigned(bits, max) <= 0;
        }
        return bits >= 0 && Long.compareUnsigned(bits, max) <= 0;
    }

    @Override
    public PropType type() {
        return PropType.NUMBER;
    }

    /**
     * {@code prop_number_equals}: same flag and same bits; different flags are equal only when
     * both values lie in 0…INT64_MAX and are equal.
     */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof PropNumber n)) {
            return false;
        }
        if (n.unsigned == unsigned) {
            return n.bits == bits;
        }
        return bits >= 0 && n.bits >= 0 && bits == n.bits;
    }

    @Override
    public int hashCode() {
        // Values in 0..INT64_MAX hash alike whatever their flag, so equal numbers hash equally.
        return bits >= 0 ? Long.hashCode(bits) : Long.hashCode(bits) * 31 + (unsigned ? 1 : 0);
    }

    /** The value as libprop writes it: {@code 0x…} lower-case hex if unsigned, else decimal. */
    @Override
    public String toString() {
        return unsigned ? "0x" + Long.toHexString(bits) : Long.toString(bits);
    }
}
