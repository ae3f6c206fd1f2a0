package org.dmemu.proplib.xml;

import java.util.Arrays;
import java.util.Objects;
import org.dmemu.proplib.PropArray;
import org.dmemu.proplib.PropBool;
import org.dmemu.proplib.PropData;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.proplib.PropNumber;
import org.dmemu.proplib.PropObject;
import org.dmemu.proplib.PropString;

/**
 * Emulates libprop's XML internalization: {@code _prop_generic_internalize},
 * {@code _prop_object_internalize_context_alloc}, {@code _prop_object_internalize_find_tag},
 * {@code _prop_object_internalize_decode_string}, {@code _prop_object_internalize_by_tag}
 * (common/lib/libprop/prop_object.c rev 1.28/1.30) and the per-type internalizers of
 * prop_dictionary.c, prop_array.c, prop_number.c (rev 1.33), prop_string.c, prop_data.c and
 * prop_bool.c, as in NetBSD 10 (proplib-xml.md §3).
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

    // Tag kinds (the names libprop's internalizer table and the structure code know).
    private static final int UNKNOWN = 0;
    private static final int ARRAY = 1;
    private static final int TRUE = 2;
    private static final int FALSE = 3;
    private static final int DATA = 4;
    private static final int DICT = 5;
    private static final int INTEGER = 6;
    private static final int STRING = 7;
    private static final int KEY = 8;
    private static final int PLIST = 9;

    // find_tag types.
    private static final int START = 1;
    private static final int END = 2;
    private static final int EITHER = 3;

    /** Bytes that end a tag name: SP HT LF CR '/' '>' and NUL. */
    private static final boolean[] NAME_STOP = new boolean[256];
    /** libprop's {@code _PROP_ISSPACE}: SP HT LF CR. */
    private static final boolean[] SPACE = new boolean[256];
    /** Bytes that end a run of plain text: '<' '&' and NUL. */
    private static final boolean[] TEXT_STOP = new boolean[256];
    /** Base64 value of a byte, or -1. */
    private static final byte[] B64 = new byte[256];

    static {
        for (char c : new char[] {' ', '\t', '\n', '\r', '/', '>', 0}) {
            NAME_STOP[c] = true;
        }
        SPACE[' '] = true;
        SPACE['\t'] = true;
        SPACE['\n'] = true;
        SPACE['\r'] = true;
        TEXT_STOP['<'] = true;
        TEXT_STOP['&'] = true;
        TEXT_STOP[0] = true;
        Arrays.fill(B64, (byte) -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < alphabet.length(); i++) {
            B64[alphabet.charAt(i)] = (byte) i;
        }
    }

    /** strtoll/strtoull overflow thresholds, [radix][unsigned, negative, positive]. */
    private static final long[][] CUTOFF = new long[17][3];
    private static final int[][] CUTLIM = new int[17][3];

    static {
        long[] limits = {-1L, Long.MIN_VALUE, Long.MAX_VALUE}; // read as unsigned magnitudes
        for (int radix : new int[] {8, 10, 16}) {
            for (int i = 0; i < 3; i++) {
                CUTOFF[radix][i] = Long.divideUnsigned(limits[i], radix);
                CUTLIM[radix][i] = (int) Long.remainderUnsigned(limits[i], radix);
            }
        }
    }

    /** The XML declaration and DOCTYPE libprop writes (each skipped up to its only '>'). */
    private static final byte[] LIBPROP_PROLOG = ascii("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<!DOCTYPE plist PUBLIC \"-//Apple Computer//DTD PLIST 1.0//EN\" "
            + "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">");
    /** The exact end tag of each kind, e.g. {@code </key>}, for the fast path of findTag. */
    private static final byte[][] END_TAG = new byte[10][];
    private static final byte[] XML_DECL = ascii("?xml ");
    private static final byte[] KEY_OPEN = ascii("<key>");
    private static final byte[] DICT_CLOSE = ascii("</dict>");
    private static final byte[] ARRAY_CLOSE = ascii("</array>");
    private static final byte[] DOCTYPE_PLIST = ascii("!DOCTYPE plist");
    private static final byte[] COMMENT_OPEN = ascii("<!--");
    private static final byte[] AMP = ascii("amp;");
    private static final byte[] LT = ascii("lt;");
    private static final byte[] GT = ascii("gt;");
    private static final byte[] APOS = ascii("apos;");
    private static final byte[] QUOT = ascii("quot;");
    private static final byte[] VERSION_ATTR = ascii("version");
    private static final byte[] SIZE_ATTR = ascii("size");

    static {
        END_TAG[KEY] = ascii("</key>");
        END_TAG[STRING] = ascii("</string>");
        END_TAG[INTEGER] = ascii("</integer>");
        END_TAG[DATA] = ascii("</data>");
        END_TAG[PLIST] = ascii("</plist>");
    }

    private static byte[] ascii(String l) {
        return l.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static final PropString EMPTY_STRING = PropString.ofBytes(new byte[0]);

    /** The input; {@link #base} is the index of the document's first byte. */
    private final byte[] s;
    private final int base;
    private final boolean kernel;
    /** Current position (absolute index into {@link #s}). */
    private int p;

    // The last tag found by findTag.
    private int tagStart;
    private boolean tagIsEnd;
    private int nameAt;
    private int nameLen;
    private int kind;
    private boolean emptyElement;
    private boolean hasAttr;
    private int attrAt;
    private int attrLen;
    private int valAt;
    private int valLen;

    // Result of strto().
    private long numVal;
    private boolean numErange;

    /** Scratch for entity-decoded text and base64. */
    private byte[] tmp;

    // The explicit stack of open containers; for a dictionary also its pending key.
    private PropObject[] stObj = new PropObject[4];
    private byte[][] stKeySrc = new byte[4][];
    /** The pending key's offset (high 32 bits) and length (low 32 bits) in stKeySrc. */
    private long[] stKey = new long[4];
    /** For an array: where its previous element's start tag was, its length (0: none) and kind. */
    private int[] stPrevAt = new int[4];
    private int[] stPrevLen = new int[4];
    private int[] stPrevKind = new int[4];
    private int sp = -1;

    private PropInternalizer(byte[] s, int base, Mode mode) {
        this.s = s;
        this.base = base;
        this.kernel = mode == Mode.KERNEL;
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
            return new PropInternalizer(buf, off, mode).document();
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
        return new PropInternalizer(s, 0, mode).document();
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

    private PropObject document() throws PropParseException {
        prolog();
        findTag(PLIST, START, "<plist>");
        if (emptyElement) {
            throw fail("<plist/> must not be empty", tagStart);
        }
        if (hasAttr && !attrNameIs(VERSION_ATTR)) {
            throw fail("<plist> attribute other than 'version'", attrAt);
        }
        findTag(UNKNOWN, START, "the root value's start tag");
        PropObject root = values();
        findTag(PLIST, END, "</plist>");
        return root;
    }

    /**
     * Skips whitespace, {@code <?xml …>} and {@code <!DOCTYPE plist…>} up to their first
     * {@code >}. As in libprop, the comment check here looks one byte too far, so only
     * {@code <<!--} starts a comment at this point; ordinary comments are skipped by findTag.
     */
    private void prolog() throws PropParseException {
        byte[] s = this.s;
        int x = p = base;
        for (;;) {
            while (isSpace(s[x])) {
                x++;
            }
            if (s[x] != '<') {
                throw fail(s[x] == 0 ? "empty document" : "expected '<'", x);
            }
            if (x + LIBPROP_PROLOG.length <= s.length && Arrays.equals(s, x, x + LIBPROP_PROLOG.length,
                    LIBPROP_PROLOG, 0, LIBPROP_PROLOG.length)) {
                // Fast path: libprop's own declaration and DOCTYPE, each ending at its first '>'.
                x += LIBPROP_PROLOG.length;
                continue;
            }
            if (lit(x + 1, XML_DECL) || lit(x + 1, DOCTYPE_PLIST)) {
                int start = x;
                while (s[x] != '>' && s[x] != 0) {
                    x++;
                }
                if (s[x] == 0) {
                    throw fail("unterminated XML declaration or DOCTYPE", start);
                }
                x++;
                continue;
            }
            if (lit(x + 1, COMMENT_OPEN)) {
                x = skipComment(x + 4, x);
                continue;
            }
            break;
        }
        p = x;
    }

    // ---- values, with an explicit stack (_prop_object_internalize_by_tag) ----

    /** Parses the value whose start tag was just found, and everything nested in it. */
    private PropObject values() throws PropParseException {
        PropObject v;
        outer:
        for (;;) {
            switch (kind) {
                case DICT -> {
                    if (hasAttr) {
                        throw fail("attribute on <dict>", attrAt);
                    }
                    PropDictionary d = new PropDictionary();
                    if (emptyElement) {
                        v = d;
                        break;
                    }
                    push(d);
                    if (dictBody()) {
                        continue outer;
                    }
                    v = pop();
                }
                case ARRAY -> {
                    if (hasAttr) {
                        throw fail("attribute on <array>", attrAt);
                    }
                    PropArray a = new PropArray();
                    if (emptyElement) {
                        v = a;
                        break;
                    }
                    push(a);
                    if (arrayBody()) {
                        continue outer;
                    }
                    v = pop();
                }
                case STRING -> v = string();
                case INTEGER -> v = integer();
                case TRUE, FALSE -> {
                    if (hasAttr || !emptyElement) {
                        throw fail("a bool must be written <true/> or <false/>", tagStart);
                    }
                    v = kind == TRUE ? PropBool.TRUE : PropBool.FALSE;
                }
                case DATA -> v = data();
                default -> throw fail("unknown element <" + tagName() + ">", tagStart);
            }
            // Hand v to its container; close every container that ends right after it.
            for (;;) {
                if (sp < 0) {
                    return v;
                }
                PropObject top = stObj[sp];
                if (top instanceof PropDictionary d) {
                    long k = stKey[sp];
                    d.setBytes(stKeySrc[sp], (int) (k >>> 32), (int) k, v);
                    stKeySrc[sp] = null;
                    if (dictBody()) {
                        continue outer;
                    }
                } else {
                    ((PropArray) top).add(v);
                    if (arrayBody()) {
                        continue outer;
                    }
                }
                v = pop();
            }
        }
    }

    private void push(PropObject o) {
        if (++sp == stObj.length) {
            int cap = sp * 2;
            stObj = Arrays.copyOf(stObj, cap);
            stKeySrc = Arrays.copyOf(stKeySrc, cap);
            stKey = Arrays.copyOf(stKey, cap);
            stPrevAt = Arrays.copyOf(stPrevAt, cap);
            stPrevLen = Arrays.copyOf(stPrevLen, cap);
            stPrevKind = Arrays.copyOf(stPrevKind, cap);
        }
        stObj[sp] = o;
        stPrevLen[sp] = 0;
    }

    private PropObject pop() {
        PropObject o = stObj[sp];
        stObj[sp--] = null;
        return o;
    }

    /**
     * {@code _prop_dictionary_internalize_body}: reads the next tag of the dictionary on top of
     * the stack. False at {@code </dict>}; true after a key (stored in the stack slot) and the
     * start tag of its value.
     */
    private boolean dictBody() throws PropParseException {
        int t = skipBlanks(p);
        if (lit(t, KEY_OPEN)) {
            literalTag(t, KEY, false, KEY_OPEN.length);
        } else if (lit(t, DICT_CLOSE)) {
            literalTag(t, DICT, true, DICT_CLOSE.length);
        } else {
            findTag(UNKNOWN, EITHER, "<key> or </dict>");
        }
        if (kind == DICT && tagIsEnd) {
            return false;
        }
        if (kind != KEY || tagIsEnd || emptyElement) {
            throw fail("expected <key> or </dict>", tagStart);
        }
        // Attributes on <key> are not checked, as in libprop.
        byte[] s = this.s;
        int start = p;
        int x = start;
        while (!TEXT_STOP[s[x] & 0xff]) {
            x++;
        }
        if (s[x] == '<') {
            if (x - start > PropDictionary.MAX_KEY) {
                throw fail("key longer than " + PropDictionary.MAX_KEY + " bytes", start);
            }
            stKeySrc[sp] = s;
            stKey[sp] = (long) start << 32 | (x - start);
            p = x;
        } else {
            int n = decodeText(start, PropDictionary.MAX_KEY);
            stKeySrc[sp] = Arrays.copyOf(tmp, n);
            stKey[sp] = n;
        }
        findTag(KEY, END, "</key>");
        findTag(UNKNOWN, START, "the start tag of the key's value");
        return true;
    }

    /**
     * {@code _prop_array_internalize_body}: false at {@code </array>}; otherwise the tag found
     * starts the next element (dispatched on its name even if it is an end tag, as in libprop).
     */
    private boolean arrayBody() throws PropParseException {
        int x = skipBlanks(p);
        if (lit(x, ARRAY_CLOSE)) {
            literalTag(x, ARRAY, true, ARRAY_CLOSE.length);
            return false;
        }
        // Elements of an array tend to repeat: try the previous element's exact start tag.
        int prevLen = stPrevLen[sp];
        if (prevLen > 0 && same(x, stPrevAt[sp], prevLen)) {
            boolean empty = s[stPrevAt[sp] + prevLen - 2] == '/';
            tag(x, false, prevLen - (empty ? 3 : 2), stPrevKind[sp], empty, x + prevLen);
            return true;
        }
        findTag(UNKNOWN, EITHER, "an element or </array>");
        if (kind == ARRAY && tagIsEnd) {
            return false;
        }
        if (!tagIsEnd && !hasAttr) {
            stPrevAt[sp] = tagStart;
            stPrevLen[sp] = p - tagStart;
            stPrevKind[sp] = kind;
        }
        return true;
    }

    /** The index of the first byte at or after {@code x} that is not SP HT LF CR. */
    private int skipBlanks(int x) {
        byte[] s = this.s;
        while (SPACE[s[x] & 0xff]) {
            x++;
        }
        return x;
    }

    /** True if the {@code len} bytes at {@code x} equal those at {@code y}. */
    private boolean same(int x, int y, int len) {
        byte[] s = this.s;
        for (int i = 0; i < len; i++) {
            if (s[x + i] != s[y + i]) {
                return false;
            }
        }
        return true;
    }

    /** Records a tag recognized as an exact literal without attributes, e.g. {@code <key>}. */
    private void literalTag(int x, int k, boolean end, int litLen) {
        tag(x, end, litLen - (end ? 3 : 2), k, false, x + litLen);
    }

    /**
     * Records the tag without attributes that starts at {@code x} and whose name has
     * {@code len} bytes; the scan goes on at {@code next}. The only place besides
     * {@link #findTag} that sets the scanner's tag state, for the shortcuts that recognise a
     * whole tag by its exact bytes.
     */
    private void tag(int x, boolean end, int len, int k, boolean empty, int next) {
        tagStart = x;
        tagIsEnd = end;
        nameAt = x + (end ? 2 : 1);
        nameLen = len;
        kind = k;
        emptyElement = empty;
        hasAttr = false;
        p = next;
    }

    // ---- leaves ----

    /** {@code _prop_string_internalize}. */
    private PropObject string() throws PropParseException {
        if (emptyElement) {
            return EMPTY_STRING;
        }
        if (hasAttr) {
            throw fail("attribute on <string>", attrAt);
        }
        byte[] s = this.s;
        int start = p;
        int x = start;
        while (!TEXT_STOP[s[x] & 0xff]) {
            x++;
        }
        PropString str;
        if (s[x] == '<') {
            str = PropString.ofBytes(s, start, x - start);
            p = x;
        } else {
            int n = decodeText(start, Integer.MAX_VALUE);
            str = PropString.ofBytes(tmp, 0, n);
        }
        findTag(STRING, END, "</string>");
        return str;
    }

    /**
     * {@code _prop_object_internalize_decode_string}: decodes text from {@code start} up to the
     * next {@code <} into {@link #tmp} (at most {@code max} bytes), leaves {@link #p} at the
     * {@code <} and returns the decoded length.
     */
    private int decodeText(int start, int max) throws PropParseException {
        byte[] s = this.s;
        byte[] out = tmp == null || tmp.length < 256 ? (tmp = new byte[256]) : tmp;
        int n = 0;
        int x = start;
        for (;;) {
            byte c = s[x];
            if (c == 0) {
                throw fail("unexpected end of document in text", x);
            }
            if (c == '<') {
                break;
            }
            if (c == '&') {
                if (lit(x + 1, AMP)) {
                    x += 5;
                } else if (lit(x + 1, LT)) {
                    c = '<';
                    x += 4;
                } else if (lit(x + 1, GT)) {
                    c = '>';
                    x += 4;
                } else if (lit(x + 1, APOS)) {
                    c = '\'';
                    x += 6;
                } else if (lit(x + 1, QUOT)) {
                    c = '"';
                    x += 6;
                } else {
                    throw fail("'&' that is not &amp; &lt; &gt; &apos; or &quot;", x);
                }
            } else {
                x++;
            }
            if (n >= max) {
                throw fail("key longer than " + max + " bytes", start);
            }
            if (n == out.length) {
                out = tmp = Arrays.copyOf(out, n * 2);
            }
            out[n++] = c;
        }
        p = x;
        return n;
    }

    /** {@code _prop_number_internalize} (prop_number.c rev 1.33). */
    private PropObject integer() throws PropParseException {
        if (hasAttr) {
            throw fail("attribute on <integer>", attrAt);
        }
        if (emptyElement) {
            throw fail("<integer/> has no value", tagStart);
        }
        byte[] s = this.s;
        int start = p;
        int e;
        boolean uns;
        if (s[start] == '-') {
            e = strto(start, false);
            uns = false;
        } else if (s[start] == '0' && s[start + 1] == 'x') {
            e = strto(start, true);
            uns = true;
        } else {
            e = strto(start, false);
            uns = false;
            if (numErange && !kernel) {
                // Userland: strtoll overflowed, try again as unsigned.
                e = strto(start, true);
                uns = true;
            }
        }
        if (numErange) {
            throw fail("integer out of range", start);
        }
        long v = numVal;
        p = e;
        findTag(INTEGER, END, "</integer> after the number");
        return uns ? PropNumber.unsigned(v) : PropNumber.signed(v);
    }

    /**
     * C {@code strtoll}/{@code strtoull} with base 0 from {@code i}: leading white space
     * (SP HT LF VT FF CR), optional sign, {@code 0x}/{@code 0X} hex, leading-0 octal, else
     * decimal. Returns the end index ({@code i} itself if no digit was consumed) and leaves the
     * value in {@link #numVal}. On overflow sets {@link #numErange}; the userland flavour then
     * consumes all digits and saturates, the kernel flavour reports no digits consumed.
     */
    private int strto(int i, boolean uns) {
        byte[] s = this.s;
        int q = i;
        while (isCSpace(s[q])) {
            q++;
        }
        boolean neg = false;
        if (s[q] == '-') {
            neg = true;
            q++;
        } else if (s[q] == '+') {
            q++;
        }
        int radix = 10;
        if (s[q] == '0') {
            if ((s[q + 1] == 'x' || s[q + 1] == 'X') && digit(s[q + 2]) < 16) {
                radix = 16;
                q += 2;
            } else {
                radix = 8;
            }
        }
        // The largest magnitude: 2^64-1 unsigned, 2^63 negative, 2^63-1 positive.
        int li = uns ? 0 : neg ? 1 : 2;
        long cutoff = CUTOFF[radix][li];
        int cutlim = CUTLIM[radix][li];
        long acc = 0;
        boolean any = false;
        boolean over = false;
        for (;;) {
            int d = digit(s[q]);
            if (d >= radix) {
                break;
            }
            any = true;
            if (!over) {
                if (Long.compareUnsigned(acc, cutoff) > 0 || (acc == cutoff && d > cutlim)) {
                    over = true;
                } else {
                    acc = acc * radix + d;
                }
            }
            q++;
        }
        numErange = over;
        if (!any) {
            numVal = 0;
            return i;
        }
        if (over) {
            numVal = uns ? -1L : neg ? Long.MIN_VALUE : Long.MAX_VALUE;
            return kernel ? i : q;
        }
        numVal = neg ? -acc : acc;
        return q;
    }

    /** {@code _prop_data_internalize} and {@code _prop_data_internalize_decode}. */
    private PropObject data() throws PropParseException {
        if (emptyElement) {
            throw fail("<data/> is not accepted (write <data></data>)", tagStart);
        }
        boolean sized = hasAttr;
        long size = 0;
        if (sized) {
            if (!attrNameIs(SIZE_ATTR) || valLen == 0) {
                throw fail("<data> attribute other than a non-empty 'size'", attrAt);
            }
            int e = strto(valAt, true);
            if (numErange || e != valAt + valLen) {
                throw fail("bad <data size=\"…\"> value", valAt);
            }
            size = numVal;
        }
        byte[] s = this.s;
        byte[] out = tmp == null ? (tmp = new byte[256]) : tmp;
        int n = 0;
        int st = 0;
        int acc = 0;
        int x = p;
        int c;
        for (;;) {
            c = s[x++] & 0xff;
            if (c == 0) {
                throw fail("unexpected end of document in <data>", x - 1);
            }
            if (isSpace(c)) {
                continue;
            }
            if (c == '<') {
                x--;
                break;
            }
            if (c == '=') {
                break;
            }
            int v = B64[c];
            if (v < 0) {
                throw fail("invalid base64 character", x - 1);
            }
            acc = acc << 6 | v;
            if (++st == 4) {
                if (n + 3 > out.length) {
                    out = tmp = Arrays.copyOf(out, out.length * 2);
                }
                out[n] = (byte) (acc >> 16);
                out[n + 1] = (byte) (acc >> 8);
                out[n + 2] = (byte) acc;
                n += 3;
                st = 0;
            }
        }
        if (c == '=') {
            int padAt = x - 1;
            if (s[x] == 0) {
                throw fail("unexpected end of document in <data>", x);
            }
            if (st < 2) {
                throw fail("misplaced base64 padding '='", padAt);
            }
            if (st == 2) {
                for (c = s[x++] & 0xff; c != '<'; c = s[x++] & 0xff) {
                    if (c == 0) {
                        throw fail("unexpected end of document in <data>", x - 1);
                    }
                    if (!isSpace(c)) {
                        break;
                    }
                }
                if (c != '=') {
                    throw fail("base64 group with one '=' where two are needed", padAt);
                }
            }
            for (c = s[x++] & 0xff; c != '<'; c = s[x++] & 0xff) {
                if (c == 0) {
                    throw fail("unexpected end of document in <data>", x - 1);
                }
                if (!isSpace(c)) {
                    throw fail("text after base64 padding", x - 1);
                }
            }
            x--;
            if (n + 2 > out.length) {
                out = tmp = Arrays.copyOf(out, out.length * 2);
            }
            if (st == 2) {
                out[n++] = (byte) (acc >> 4);
            } else {
                out[n++] = (byte) (acc >> 10);
                out[n++] = (byte) (acc >> 2);
            }
        } else if (st != 0) {
            throw fail("base64 length is not a multiple of 4", x);
        }
        if (sized && size != n) {
            throw fail("<data size=\"" + Long.toUnsignedString(size) + "\"> but " + n + " bytes decoded", valAt);
        }
        p = x;
        findTag(DATA, END, "</data>");
        return PropData.of(Arrays.copyOf(out, n));
    }

    // ---- the tag scanner (_prop_object_internalize_find_tag) ----

    /**
     * Finds the next tag of {@code type} (START, END or EITHER) after optional white space and,
     * where a start tag is allowed, comments. With {@code want} != UNKNOWN the tag name must be
     * that one. {@code what} names the expectation in the error message.
     */
    private void findTag(int want, int type, String what) throws PropParseException {
        byte[] s = this.s;
        int x = p;
        if (type == END) {
            // Fast path: blanks, then exactly the wanted end tag with no attribute.
            while (SPACE[s[x] & 0xff]) {
                x++;
            }
            byte[] t = END_TAG[want];
            if (lit(x, t)) {
                literalTag(x, want, true, t.length);
                return;
            }
        }
        for (;;) {
            while (isSpace(s[x])) {
                x++;
            }
            if (s[x] != '<') {
                throw fail((s[x] == 0 ? "unexpected end of document, expected " : "expected ") + what, x);
            }
            tagStart = x;
            x++;
            if (s[x] != '!') {
                break;
            }
            if (s[x + 1] != '-' || s[x + 2] != '-') {
                throw fail("'<!' that does not start a comment", tagStart);
            }
            if (type == END) {
                throw fail("comment where only " + what + " may come", tagStart);
            }
            x = skipComment(x + 3, tagStart);
        }
        if (s[x] == 0) {
            throw fail("unexpected end of document in a tag", x);
        }
        if (s[x] == '/') {
            if (type == START) {
                throw fail("end tag where " + what + " was expected", tagStart);
            }
            x++;
            if (s[x] == 0) {
                throw fail("unexpected end of document in a tag", x);
            }
            tagIsEnd = true;
        } else {
            if (type == END) {
                throw fail("expected " + what, tagStart);
            }
            tagIsEnd = false;
        }
        int at = x;
        while (!NAME_STOP[s[x] & 0xff]) {
            x++;
        }
        if (s[x] == 0) {
            throw fail("unexpected end of document in a tag", x);
        }
        nameAt = at;
        nameLen = x - at;
        kind = kindOf(at, nameLen);
        if (want != UNKNOWN && kind != want) {
            throw fail("expected " + what, tagStart);
        }
        if (s[x] == '/') {
            if (tagIsEnd) {
                throw fail("'/' at the end of an end tag", x);
            }
            emptyElement = true;
            x++;
            if (s[x] != '>') {
                throw fail("'/' not followed by '>' in a tag", x);
            }
        } else {
            emptyElement = false;
        }
        if (s[x] == '>') {
            hasAttr = false;
            p = x + 1;
            return;
        }
        // Exactly one attribute: blanks, name up to '=' or blank, one byte, "value", '>'.
        x++;
        if (s[x] == 0) {
            throw fail("unexpected end of document in a tag", x);
        }
        while (isSpace(s[x])) {
            x++;
        }
        if (s[x] == 0) {
            throw fail("unexpected end of document in a tag", x);
        }
        int aAt = x;
        while (!isSpace(s[x]) && s[x] != '=') {
            if (s[x] == 0) {
                throw fail("unexpected end of document in a tag", x);
            }
            x++;
        }
        attrAt = aAt;
        attrLen = x - aAt;
        x++;
        if (s[x] != '"') {
            throw fail("attribute value must follow as name=\"value\"", x);
        }
        x++;
        int vAt = x;
        while (s[x] != '"') {
            if (s[x] == 0) {
                throw fail("unexpected end of document in an attribute value", x);
            }
            x++;
        }
        valAt = vAt;
        valLen = x - vAt;
        x++;
        if (s[x] != '>') {
            throw fail("'>' expected after the attribute (one attribute at most)", x);
        }
        hasAttr = true;
        p = x + 1;
    }

    /** {@code _prop_object_internalize_skip_comment}: the index after the first "-->". */
    private int skipComment(int from, int commentStart) throws PropParseException {
        byte[] s = this.s;
        for (int x = from; s[x] != 0; x++) {
            if (s[x] == '-' && s[x + 1] == '-' && s[x + 2] == '>') {
                return x + 3;
            }
        }
        throw fail("unterminated comment", commentStart);
    }

    private int kindOf(int at, int len) {
        byte[] s = this.s;
        switch (len) {
            case 3:
                return s[at] == 'k' && s[at + 1] == 'e' && s[at + 2] == 'y' ? KEY : UNKNOWN;
            case 4:
                if (s[at] == 'd') {
                    if (s[at + 1] == 'i') {
                        return s[at + 2] == 'c' && s[at + 3] == 't' ? DICT : UNKNOWN;
                    }
                    return s[at + 1] == 'a' && s[at + 2] == 't' && s[at + 3] == 'a' ? DATA : UNKNOWN;
                }
                return s[at] == 't' && s[at + 1] == 'r' && s[at + 2] == 'u' && s[at + 3] == 'e' ? TRUE : UNKNOWN;
            case 5:
                return five(s, at);
            case 6:
                return s[at] == 's' && s[at + 1] == 't' && s[at + 2] == 'r' && s[at + 3] == 'i'
                        && s[at + 4] == 'n' && s[at + 5] == 'g' ? STRING : UNKNOWN;
            case 7:
                return s[at] == 'i' && s[at + 1] == 'n' && s[at + 2] == 't' && s[at + 3] == 'e'
                        && s[at + 4] == 'g' && s[at + 5] == 'e' && s[at + 6] == 'r' ? INTEGER : UNKNOWN;
            default:
                return UNKNOWN;
        }
    }

    private static int five(byte[] s, int at) {
        byte a = s[at + 1];
        byte b = s[at + 2];
        byte c = s[at + 3];
        byte d = s[at + 4];
        switch (s[at]) {
            case 'a':
                return a == 'r' && b == 'r' && c == 'a' && d == 'y' ? ARRAY : UNKNOWN;
            case 'f':
                return a == 'a' && b == 'l' && c == 's' && d == 'e' ? FALSE : UNKNOWN;
            case 'p':
                return a == 'l' && b == 'i' && c == 's' && d == 't' ? PLIST : UNKNOWN;
            default:
                return UNKNOWN;
        }
    }

    // ---- helpers ----

    /**
     * True if the bytes at {@code at} spell the ASCII literal. Stops at the first mismatch, so
     * it never reads past a NUL.
     */
    private boolean lit(int at, byte[] l) {
        byte[] s = this.s;
        for (int i = 0; i < l.length; i++) {
            if (s[at + i] != l[i]) {
                return false;
            }
        }
        return true;
    }

    private boolean attrNameIs(byte[] name) {
        return attrLen == name.length && lit(attrAt, name);
    }

    /** libprop's {@code _PROP_ISSPACE}: SP, HT, LF, CR only. */
    private static boolean isSpace(int c) {
        return SPACE[c & 0xff];
    }

    /** C {@code isspace} in the C locale, used by strtoll: also VT and FF. */
    private static boolean isCSpace(byte c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    /** Digit value for radix up to 16, or 99. */
    private static int digit(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return 99;
    }

    /** The current tag's name, printable (for messages). */
    private String tagName() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < nameLen && i < 40; i++) {
            int c = s[nameAt + i] & 0xff;
            if (c >= 0x20 && c < 0x7f) {
                sb.append((char) c);
            } else {
                sb.append(String.format("\\x%02x", c));
            }
        }
        if (tagIsEnd) {
            sb.insert(0, '/');
        }
        return sb.toString();
    }

    private PropParseException fail(String reason, int at) {
        return new PropParseException(reason, at - base);
    }
}
