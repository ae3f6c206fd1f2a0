package org.dmemu.proplib.xml;

import static org.dmemu.proplib.xml.PropInternalizeContext.DATA;
import static org.dmemu.proplib.xml.PropInternalizeContext.END;
import static org.dmemu.proplib.xml.PropInternalizeContext.ascii;
import static org.dmemu.proplib.xml.PropInternalizeContext.isSpace;

import java.util.Arrays;
import org.dmemu.proplib.PropData;
import org.dmemu.proplib.PropObject;

/**
 * Emulates {@code _prop_data_internalize} and {@code _prop_data_internalize_decode}
 * (common/lib/libprop/prop_data.c, NetBSD 10; proplib-xml.md §3): base64 text with white
 * space allowed anywhere, {@code =} padding, and an optional {@code size="n"} attribute that
 * must equal the decoded length.
 *
 * <p>Differences from NetBSD:
 * <ul>
 *   <li>The base64 text is decoded in one pass into the context's scratch buffer, then
 *       copied out at its exact length; the result is the same.</li>
 *   <li>A failure is a {@link PropParseException} with a reason and a byte offset.</li>
 * </ul>
 */
final class PropDataInternalizer {

    private static final byte[] SIZE_ATTR = ascii("size");
    /** Base64 value of a byte, or -1. */
    private static final byte[] B64 = new byte[256];

    static {
        Arrays.fill(B64, (byte) -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < alphabet.length(); i++) {
            B64[alphabet.charAt(i)] = (byte) i;
        }
    }

    private PropDataInternalizer() {
    }

    /** {@code _prop_data_internalize}: at a {@code <data>} start tag. */
    static PropObject internalize(PropInternalizeContext c) throws PropParseException {
        if (c.emptyElement) {
            throw c.fail("<data/> is not accepted (write <data></data>)", c.tagStart);
        }
        boolean sized = c.hasAttr;
        long size = 0;
        if (sized) {
            if (!c.attrNameIs(SIZE_ATTR) || c.valLen == 0) {
                throw c.fail("<data> attribute other than a non-empty 'size'", c.attrAt);
            }
            int e = PropNumberInternalizer.strto(c, c.valAt, true);
            if (c.numErange || e != c.valAt + c.valLen) {
                throw c.fail("bad <data size=\"…\"> value", c.valAt);
            }
            size = c.numVal;
        }
        byte[] s = c.s;
        byte[] out = c.tmp == null ? (c.tmp = new byte[256]) : c.tmp;
        int n = 0;
        int st = 0;
        int acc = 0;
        int x = c.p;
        int b;
        for (;;) {
            b = s[x++] & 0xff;
            if (b == 0) {
                throw c.fail("unexpected end of document in <data>", x - 1);
            }
            if (isSpace(b)) {
                continue;
            }
            if (b == '<') {
                x--;
                break;
            }
            if (b == '=') {
                break;
            }
            int v = B64[b];
            if (v < 0) {
                throw c.fail("invalid base64 character", x - 1);
            }
            acc = acc << 6 | v;
            if (++st == 4) {
                if (n + 3 > out.length) {
                    out = c.tmp = Arrays.copyOf(out, out.length * 2);
                }
                out[n] = (byte) (acc >> 16);
                out[n + 1] = (byte) (acc >> 8);
                out[n + 2] = (byte) acc;
                n += 3;
                st = 0;
            }
        }
        if (b == '=') {
            int padAt = x - 1;
            if (s[x] == 0) {
                throw c.fail("unexpected end of document in <data>", x);
            }
            if (st < 2) {
                throw c.fail("misplaced base64 padding '='", padAt);
            }
            if (st == 2) {
                for (b = s[x++] & 0xff; b != '<'; b = s[x++] & 0xff) {
                    if (b == 0) {
                        throw c.fail("unexpected end of document in <data>", x - 1);
                    }
                    if (!isSpace(b)) {
                        break;
                    }
                }
                if (b != '=') {
                    throw c.fail("base64 group with one '=' where two are needed", padAt);
                }
            }
            for (b = s[x++] & 0xff; b != '<'; b = s[x++] & 0xff) {
                if (b == 0) {
                    throw c.fail("unexpected end of document in <data>", x - 1);
                }
                if (!isSpace(b)) {
                    throw c.fail("text after base64 padding", x - 1);
                }
            }
            x--;
            if (n + 2 > out.length) {
                out = c.tmp = Arrays.copyOf(out, out.length * 2);
            }
            if (st == 2) {
                out[n++] = (byte) (acc >> 4);
            } else {
                out[n++] = (byte) (acc >> 10);
                out[n++] = (byte) (acc >> 2);
            }
        } else if (st != 0) {
            throw c.fail("base64 length is not a multiple of 4", x);
        }
        if (sized && size != n) {
            throw c.fail("<data size=\"" + Long.toUnsignedString(size) + "\"> but " + n + " bytes decoded",
                    c.valAt);
        }
        c.p = x;
        c.findTag(DATA, END, "</data>");
        return PropData.of(Arrays.copyOf(out, n));
    }
}
