package org.dmemu.proplib.xml;

import static org.dmemu.proplib.xml.PropInternalizeContext.TRUE;

import org.dmemu.proplib.PropBool;
import org.dmemu.proplib.PropObject;

/**
 * Emulates {@code _prop_bool_internalize} (common/lib/libprop/prop_bool.c, NetBSD 10;
 * proplib-xml.md §3): a bool is exactly {@code <true/>} or {@code <false/>}, with no attribute
 * and no end tag.
 *
 * <p>Differences from NetBSD:
 * <ul>
 *   <li>A failure is a {@link PropParseException} with a reason and a byte offset.</li>
 * </ul>
 */
final class PropBoolInternalizer {

    private PropBoolInternalizer() {
    }

    /** {@code _prop_bool_internalize}: at a {@code <true>} or {@code <false>} tag. */
    static PropObject internalize(PropInternalizeContext c) throws PropParseException {
        if (c.hasAttr || !c.emptyElement) {
            throw c.fail("a bool must be written <true/> or <false/>", c.tagStart);
        }
        return c.kind == TRUE ? PropBool.TRUE : PropBool.FALSE;
    }
}
