package org.dmemu.proplib.xml;

import static org.dmemu.proplib.xml.PropInternalizeContext.END;
import static org.dmemu.proplib.xml.PropInternalizeContext.STRING;
import static org.dmemu.proplib.xml.PropInternalizeContext.TEXT_STOP;
import static org.dmemu.proplib.xml.PropInternalizeContext.ascii;

import java.util.Arrays;
import org.dmemu.proplib.PropObject;
import org.dmemu.proplib.PropString;

/**
 * Emulates {@code _prop_string_internalize} (common/lib/libprop/prop_string.c) and the text
 * decoder it shares with dictionary keys, {@code _prop_object_internalize_decode_string}
 * (prop_object.c rev 1.28/1.30), as in NetBSD 10 (proplib-xml.md §3): the five predefined
 * entities and nothing else (no character references, no CDATA).
 *
 * <p>Differences from NetBSD:
 * <ul>
 *   <li>Text without {@code &} is copied straight from the input; only text with an entity
 *       goes through the decoder. The result is the same.</li>
 *   <li>A failure is a {@link PropParseException} with a reason and a byte offset.</li>
 * </ul>
 */
final class PropStringInternalizer {

    private static final PropString EMPTY_STRING = PropString.ofBytes(new byte[0]);
    private static final byte[] AMP = ascii("amp;");
    private static final byte[] LT = ascii("lt;");
    private static final byte[] GT = ascii("gt;");
    private static final byte[] APOS = ascii("apos;");
    private static final byte[] QUOT = ascii("quot;");

    private PropStringInternalizer() {
    }

    /** {@code _prop_string_internalize}: at a {@code <string>} start tag. */
    static PropObject internalize(PropInternalizeContext c) throws PropParseException {
        if (c.emptyElement) {
            return EMPTY_STRING;
        }
        if (c.hasAttr) {
            throw c.fail("attribute on <string>", c.attrAt);
        }
        byte[] s = c.s;
        int start = c.p;
        int x = start;
        while (!TEXT_STOP[s[x] & 0xff]) {
            x++;
        }
        PropString str;
        if (s[x] == '<') {
            str = PropString.ofBytes(s, start, x - start);
            c.p = x;
        } else {
            int n = decodeString(c, start, Integer.MAX_VALUE);
            str = PropString.ofBytes(c.tmp, 0, n);
        }
        c.findTag(STRING, END, "</string>");
        return str;
    }

    /**
     * {@code _prop_object_internalize_decode_string}: decodes text from {@code start} up to the
     * next {@code <} into the context's scratch buffer (at most {@code max} bytes), leaves the
     * position at the {@code <} and returns the decoded length.
     */
    static int decodeString(PropInternalizeContext c, int start, int max) throws PropParseException {
        byte[] s = c.s;
        byte[] out = c.tmp == null || c.tmp.length < 256 ? (c.tmp = new byte[256]) : c.tmp;
        int n = 0;
        int x = start;
        for (;;) {
            byte b = s[x];
            if (b == 0) {
                throw c.fail("unexpected end of document in text", x);
            }
            if (b == '<') {
                break;
            }
            if (b == '&') {
                if (c.lit(x + 1, AMP)) {
                    x += 5;
                } else if (c.lit(x + 1, LT)) {
                    b = '<';
                    x += 4;
                } else if (c.lit(x + 1, GT)) {
                    b = '>';
                    x += 4;
                } else if (c.lit(x + 1, APOS)) {
                    b = '\'';
                    x += 6;
                } else if (c.lit(x + 1, QUOT)) {
                    b = '"';
                    x += 6;
                } else {
                    throw c.fail("'&' that is not &amp; &lt; &gt; &apos; or &quot;", x);
                }
            } else {
                x++;
            }
            if (n >= max) {
                throw c.fail("key longer than " + max + " bytes", start);
            }
            if (n == out.length) {
                out = c.tmp = Arrays.copyOf(out, n * 2);
            }
            out[n++] = b;
        }
        c.p = x;
        return n;
    }
}
