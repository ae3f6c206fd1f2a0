package org.dmemu.proplib.xml;

import org.dmemu.proplib.PropObject;

/**
 * Emulates {@code prop_object_externalize} (common/lib/libprop/prop_object.c rev 1.30,
 * prop_extern.c rev 1.1): writes an object tree as libprop's XML, byte for byte.
 *
 * <p>Differences from NetBSD: none.
 */
public final class PropExternalizer {
    private PropExternalizer() {
    }

    /** The complete document (header, DOCTYPE, plist element, trailing LF), without a NUL. */
    public static byte[] externalize(PropObject root) {
        throw new UnsupportedOperationException("proplib XML writer: issue #2, in progress");
    }
}
