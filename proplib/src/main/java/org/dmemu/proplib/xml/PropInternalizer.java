package org.dmemu.proplib.xml;

import static org.dmemu.proplib.xml.PropInternalizeContext.ARRAY;
import static org.dmemu.proplib.xml.PropInternalizeContext.DATA;
import static org.dmemu.proplib.xml.PropInternalizeContext.DICT;
import static org.dmemu.proplib.xml.PropInternalizeContext.END;
import static org.dmemu.proplib.xml.PropInternalizeContext.FALSE;
import static org.dmemu.proplib.xml.PropInternalizeContext.INTEGER;
import static org.dmemu.proplib.xml.PropInternalizeContext.PLIST;
import static org.dmemu.proplib.xml.PropInternalizeContext.START;
import static org.dmemu.proplib.xml.PropInternalizeContext.STRING;
import static org.dmemu.proplib.xml.PropInternalizeContext.TRUE;
import static org.dmemu.proplib.xml.PropInternalizeContext.UNKNOWN;
import static org.dmemu.proplib.xml.PropInternalizeContext.ascii;
import static org.dmemu.proplib.xml.PropInternalizeContext.isSpace;

import java.util.Arrays;
import java.util.Objects;
import org.dmemu.proplib.PropObject;

/**
 * Emulates libprop's XML internalization driver: {@code _prop_object_internalize_context_alloc}
 * (the prolog and the {@code <plist>} wrapper), {@code _prop_generic_internalize} (the loop
 * with its explicit stack) and {@code _prop_object_internalize_by_tag} (common/lib/libprop/
 * prop_object.c rev 1.28/1.30), as in NetBSD 10 (proplib-xml.md §3). The rest follows libprop's
 * own split, in this package:
 * <ul>
 *   <li>{@link PropInternalizeContext}: the context and its tag scanner
 *       ({@code _prop_object_internalize_find_tag}, {@code _match}, {@code _skip_comment});</li>
 *   <li>{@link PropCollectionInternalizer}: prop_dictionary.c and prop_array.c;</li>
 *   <li>{@link PropStringInternalizer}: prop_string.c and
 *       {@code _prop_object_internalize_decode_string};</li>
 *   <li>{@link PropNumberInternalizer}: prop_number.c (rev 1.33) and {@code strtoll}/{@code strtoull};</li>
 *   <li>{@link PropDataInternalizer}: prop_data.c; {@link PropBoolInternalizer}: prop_bool.c.</li>
 * </ul>
 *
 * <p>This is a byte-level scanner with exactly libprop's accept/reject rules, not an XML
 * parser: an optional {@code <?xml }… and {@code <!DOCTYPE plist}… prolog whose contents are
 * ignored, a mandatory {@code <plist>} wrapper, at most one attribute per tag, comments only
 * where a start tag may come, the five predefined entities and nothing else (no character
 * references, no CDATA, no DTD), C {@code strtoll}/{@code strtoull} base-0 integers. In
 * {@link Mode#KERNEL} integers follow the kernel's {@code strtoll}/{@code strtoull} (overflow
 * consumes no digits, so decimal ≥ 2^63 is rejected); in {@link Mode#USERLAND} a decimal that
 * overflows {@code int64} is re-read as unsigned.
 *
 * <p>Nesting is handled with an explicit heap stack, so no depth can overflow the Java stack.
 * Parsing stops at the first NUL; bytes after {@code </plist>} are ignored.
 *
 * <p>Differences from NetBSD:
 * <ul>
 *   <li>A failure carries a reason and a byte offset (libprop returns NULL).</li>
 *   <li>The root may be any type (NetBSD 10's {@code prop_dictionary_internalize} asks for a
 *       {@code dict}; the kernel copyin in {@code PropKern} checks the type, which yields the
 *       same accept/reject result as asking for {@code dict} up front).</li>
 *   <li>An end tag where an array element may start is dispatched on its name, as libprop
 *       does ({@code <array></string></string></array>} is an array holding one empty string):
 *       reproduced, not rejected.</li>
 * </ul>
 */
public final class PropInternalizer {

    /** Which integer rules apply: userland libprop's, or the kernel build's (§3.6). */
    public enum Mode { USERLAND, KERNEL }

    /** The XML declaration and DOCTYPE libprop writes (each skipped up to its only '>'). */
    private static final byte[] LIBPROP_PROLOG = ascii("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<!DOCTYPE plist PUBLIC \"-//Apple Computer//DTD PLIST 1.0//EN\" "
            + "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">");
    private static final byte[] XML_DECL = ascii("?xml ");
    private static final byte[] DOCTYPE_PLIST = ascii("!DOCTYPE plist");
    private static final byte[] COMMENT_OPEN = ascii("<!--");
    private static final byte[] VERSION_ATTR = ascii("version");

    private PropInternalizer() {
    }

    /**
     * Parses {@code buf[off, off+len)}. Parsing stops at the first NUL, as C does.
     *
     * @throws PropParseException naming the problem and its byte offset (relative to {@code off})
     */
    public static PropObject internalize(byte[] buf, int off, int len, Mode mode) throws PropParseException {
        Objects.checkFromIndexSize(off, len, buf.length);
        Objects.requireNonNull(mode, "mode");
        if (len > 0 && buf[off + len - 1] == 0) {
            // Already NUL-terminated (a copyin buffer): every scan stops at or before that NUL,
            // and every look-ahead stops at its first mismatch, which that NUL is.
            return document(new PropInternalizeContext(buf, off, mode));
        }
        // Otherwise C would find a NUL after the text: parse a copy that has one, plus zero
        // look-ahead room, in a per-thread buffer (every object copies its bytes out of it).
        byte[] s = PADDED.get();
        if (s.length < len + PAD) {
            s = new byte[len + PAD];
            if (s.length <= KEEP_MAX) {
                PADDED.set(s);
            }
        }
        System.arraycopy(buf, off, s, 0, len);
        Arrays.fill(s, len, len + PAD, (byte) 0);
        return document(new PropInternalizeContext(s, 0, mode));
    }

    /** Zero bytes after a copied document: the terminating NUL plus look-ahead room. */
    private static final int PAD = 24;
    /** Padded copies up to this size are kept per thread for the next call. */
    private static final int KEEP_MAX = 256 * 1024;
    private static final ThreadLocal<byte[]> PADDED = ThreadLocal.withInitial(() -> new byte[4096]);

    /** {@link #internalize(byte[], int, int, Mode)} of the whole array. */
    public static PropObject internalize(byte[] buf, Mode mode) throws PropParseException {
        return internalize(buf, 0, buf.length, mode);
    }

    // ---- document structure (_prop_object_internalize_context_alloc, _prop_generic_internalize) ----

    private static PropObject document(PropInternalizeContext c) throws PropParseException {
        prolog(c);
        c.findTag(PLIST, START, "<plist>");
        if (c.emptyElement) {
            throw c.fail("<plist/> must not be empty", c.tagStart);
        }
        if (c.hasAttr && !c.attrNameIs(VERSION_ATTR)) {
            throw c.fail("<plist> attribute other than 'version'", c.attrAt);
        }
        c.findTag(UNKNOWN, START, "the root value's start tag");
        PropObject root = values(c);
        c.findTag(PLIST, END, "</plist>");
        return root;
    }

    /**
     * Skips whitespace, {@code <?xml …>} and {@code <!DOCTYPE plist…>} up to their first
     * {@code >}. As in libprop, the comment check here looks one byte too far, so only
     * {@code <<!--} starts a comment at this point; ordinary comments are skipped by findTag.
     */
    private static void prolog(PropInternalizeContext c) throws PropParseException {
        byte[] s = c.s;
        int x = c.p = c.base;
        for (;;) {
            while (isSpace(s[x])) {
                x++;
            }
            if (s[x] != '<') {
                throw c.fail(s[x] == 0 ? "empty document" : "expected '<'", x);
            }
            if (x + LIBPROP_PROLOG.length <= s.length && Arrays.equals(s, x, x + LIBPROP_PROLOG.length,
                    LIBPROP_PROLOG, 0, LIBPROP_PROLOG.length)) {
                // Fast path: libprop's own declaration and DOCTYPE, each ending at its first '>'.
                x += LIBPROP_PROLOG.length;
                continue;
            }
            if (c.lit(x + 1, XML_DECL) || c.lit(x + 1, DOCTYPE_PLIST)) {
                int start = x;
                while (s[x] != '>' && s[x] != 0) {
                    x++;
                }
                if (s[x] == 0) {
                    throw c.fail("unterminated XML declaration or DOCTYPE", start);
                }
                x++;
                continue;
            }
            if (c.lit(x + 1, COMMENT_OPEN)) {
                x = c.skipComment(x + 4, x);
                continue;
            }
            break;
        }
        c.p = x;
    }

    // ---- values, with an explicit stack (_prop_generic_internalize, _prop_object_internalize_by_tag) ----

    /**
     * Parses the value whose start tag was just found, and everything nested in it. A
     * container's internalizer returns null when it has pushed itself and found the start tag
     * of its first value; {@link PropCollectionInternalizer#continueWith} likewise after each
     * value it takes, or the finished container once its end tag is read.
     */
    private static PropObject values(PropInternalizeContext c) throws PropParseException {
        for (;;) {
            PropObject v = switch (c.kind) {
                case DICT -> PropCollectionInternalizer.dictionary(c);
                case ARRAY -> PropCollectionInternalizer.array(c);
                case STRING -> PropStringInternalizer.internalize(c);
                case INTEGER -> PropNumberInternalizer.internalize(c);
                case TRUE, FALSE -> PropBoolInternalizer.internalize(c);
                case DATA -> PropDataInternalizer.internalize(c);
                default -> throw c.fail("unknown element <" + c.tagName() + ">", c.tagStart);
            };
            // Hand v to its container; close every container that ends right after it.
            while (v != null) {
                if (c.sp < 0) {
                    return v;
                }
                v = PropCollectionInternalizer.continueWith(c, v);
            }
        }
    }
}
