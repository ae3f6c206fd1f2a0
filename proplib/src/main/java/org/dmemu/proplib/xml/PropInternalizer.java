package org.dmemu.proplib.xml;

import org.dmemu.proplib.PropObject;

/**
 * Emulates {@code prop_object_internalize} (prop_object.c rev 1.30 / prop_intern.c rev 1.1):
 * parses libprop's XML with its exact accept/reject rules.
 *
 * <p>Differences from NetBSD: a failure carries a reason and a byte offset.
 */
public final class PropInternalizer {
    private PropInternalizer() {
    }

    /** Which integer rules apply: userland libprop's, or the kernel build's (§3.6). */
    public enum Mode { USERLAND, KERNEL }

    /**
     * Parses {@code buf[off, off+len)}. Parsing stops at the first NUL, as C does.
     *
     * @throws PropParseException naming the problem and its byte offset
     */
    public static PropObject internalize(byte[] buf, int off, int len, Mode mode) throws PropParseException {
        throw new UnsupportedOperationException("proplib XML parser: issue #2, in progress");
    }
}
