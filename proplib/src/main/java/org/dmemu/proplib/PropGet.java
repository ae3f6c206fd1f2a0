package org.dmemu.proplib;

import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The NetBSD 10 typed value getters shared by {@link PropDictionary} and {@link PropArray}:
 * {@code prop_number_<T>_value()} applied to an object that may be missing or of another type.
 *
 * <p>Emulates prop_number.c rev 1.33 and prop_dictionary_util.c rev 1.8: a getter fails
 * (empty result, the C output variable left untouched) unless the object is a number whose
 * value lies in the C type's range; the number's signedness flag does not matter.
 *
 * <p>Differences from NetBSD: none.
 */
final class PropGet {
    private PropGet() {
    }

    static OptionalInt int32(PropObject o) {
        return o instanceof PropNumber n && n.fitsSigned(Integer.MIN_VALUE, Integer.MAX_VALUE)
                ? OptionalInt.of((int) n.signedValue()) : OptionalInt.empty();
    }

    /** The value as a non-negative long in 0…2^32−1. */
    static OptionalLong uint32(PropObject o) {
        return o instanceof PropNumber n && n.fitsUnsigned(0xffff_ffffL)
                ? OptionalLong.of(n.unsignedValue()) : OptionalLong.empty();
    }

    static OptionalLong int64(PropObject o) {
        return o instanceof PropNumber n && n.fitsSigned(Long.MIN_VALUE, Long.MAX_VALUE)
                ? OptionalLong.of(n.signedValue()) : OptionalLong.empty();
    }

    /** The value's 64 bits, to be read as unsigned ({@link Long#toUnsignedString}). */
    static OptionalLong uint64(PropObject o) {
        return o instanceof PropNumber n && n.fitsUnsigned(-1L)
                ? OptionalLong.of(n.unsignedValue()) : OptionalLong.empty();
    }

    /** {@code get_cstring_nocopy}: the text if {@code o} is a string, else null. */
    static String string(PropObject o) {
        return o instanceof PropString s ? s.toString() : null;
    }

    static PropBool bool(PropObject o) {
        return o instanceof PropBool b ? b : null;
    }
}
