package org.dmemu.proplib;

/**
 * A proplib object: the common supertype of the six NetBSD proplib types.
 *
 * <p>Emulates {@code prop_object_t}, common/lib/libprop/prop_object.c (NetBSD 10,
 * the 2020 overhaul). Leaves ({@link PropBool}, {@link PropNumber}, {@link PropString},
 * {@link PropData}) are immutable; containers ({@link PropArray}, {@link PropDictionary})
 * are mutable until {@code makeImmutable()}.
 *
 * <p>Equality is proplib's {@code prop_object_equals}: deep, and for numbers the
 * cross-signedness rule of {@link PropNumber#equals(Object)}.
 *
 * <p>Differences from NetBSD: none in behaviour. Objects are garbage collected instead
 * of reference counted, and leaves are not uniqued (equality is by value, never identity).
 */
public sealed interface PropObject
        permits PropDictionary, PropArray, PropNumber, PropString, PropData, PropBool {

    /** The proplib type of this object ({@code prop_object_type}). */
    PropType type();
}
