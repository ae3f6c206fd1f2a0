package org.dmemu.proplib.xml;

import org.dmemu.proplib.PropObject;

/**
 * Emulates libprop's {@code struct _prop_object_internalize_context} and its tag scanner:
 * {@code _prop_object_internalize_find_tag}, {@code _prop_object_internalize_match} and
 * {@code _prop_object_internalize_skip_comment} (common/lib/libprop/prop_object.c rev 1.28/1.30,
 * NetBSD 10; proplib-xml.md §3). It also holds the explicit stack of
 * {@code _prop_generic_internalize} (prop_stack.c), so that one object carries all parse state.
 *
 * <p>The per-type internalizers ({@link PropCollectionInternalizer}, {@link PropStringInternalizer},
 * {@link PropNumberInternalizer}, {@link PropDataInternalizer}, {@link PropBoolInternalizer}) read
 * and advance the fields here directly, as libprop's read {@code ctx->poic_cp} and
 * {@code ctx->poic_tagname}.
 *
 * <p>Differences from NetBSD:
 * <ul>
 *   <li>A failure is a {@link PropParseException} with a reason and a byte offset
 *       ({@link #fail}); libprop returns false/NULL.</li>
 *   <li>The tag name is matched once into a kind ({@code kindOf}) instead of by
 *       {@code strncmp} against each internalizer table entry; the accept/reject result is the
 *       same.</li>
 *   <li>Shortcuts ({@link #literalTag}, the end-tag fast path of {@link #findTag}) recognise a
 *       whole attribute-less tag by its exact bytes; they record the same tag state the full
 *       scan would.</li>
 * </ul>
 */
final class PropInternalizeContext {

    // Tag kinds (the names libprop's internalizer table and the structure code know).
    static final int UNKNOWN = 0;
    static final int ARRAY = 1;
    static final int TRUE = 2;
    static final int FALSE = 3;
    static final int DATA = 4;
    static final int DICT = 5;
    static final int INTEGER = 6;
    static final int STRING = 7;
    static final int KEY = 8;
    static final int PLIST = 9;

    // find_tag types (_PROP_TAG_TYPE_START, _END, _EITHER).
    static final int START = 1;
    static final int END = 2;
    static final int EITHER = 3;

    /** Bytes that end a tag name: SP HT LF CR '/' '>' and NUL. */
    private static final boolean[] NAME_STOP = new boolean[256];
    /** libprop's {@code _PROP_ISSPACE}: SP HT LF CR. */
    private static final boolean[] SPACE = new boolean[256];
    /** Bytes that end a run of plain text: '<' '&' and NUL. */
    static final boolean[] TEXT_STOP = new boolean[256];

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
    }

    /** The exact end tag of each kind, e.g. {@code </key>}, for the fast path of findTag. */
    private static final byte[][] END_TAG = new byte[10][];

    static {
        END_TAG[KEY] = ascii("</key>");
        END_TAG[STRING] = ascii("</string>");
        END_TAG[INTEGER] = ascii("</integer>");
        END_TAG[DATA] = ascii("</data>");
        END_TAG[PLIST] = ascii("</plist>");
    }

    static byte[] ascii(String l) {
        return l.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** The input; {@link #base} is the index of the document's first byte. */
    final byte[] s;
    final int base;
    final boolean kernel;
    /** Current position (absolute index into {@link #s}). */
    int p;

    // The last tag found by findTag.
    int tagStart;
    boolean tagIsEnd;
    private int nameAt;
    private int nameLen;
    int kind;
    boolean emptyElement;
    boolean hasAttr;
    int attrAt;
    private int attrLen;
    int valAt;
    int valLen;

    // Result of PropNumberInternalizer.strto().
    long numVal;
    boolean numErange;

    /** Scratch for entity-decoded text and base64. */
    byte[] tmp;

    // The explicit stack of open containers; for a dictionary also its pending key. Pushed and
    // popped by PropCollectionInternalizer.
    PropObject[] stObj = new PropObject[4];
    byte[][] stKeySrc = new byte[4][];
    /** The pending key's offset (high 32 bits) and length (low 32 bits) in stKeySrc. */
    long[] stKey = new long[4];
    /** For an array: where its previous element's start tag was, its length (0: none) and kind. */
    int[] stPrevAt = new int[4];
    int[] stPrevLen = new int[4];
    int[] stPrevKind = new int[4];
    int sp = -1;

    PropInternalizeContext(byte[] s, int base, PropInternalizer.Mode mode) {
        this.s = s;
        this.base = base;
        this.kernel = mode == PropInternalizer.Mode.KERNEL;
    }

    // ---- the tag scanner (_prop_object_internalize_find_tag) ----

    /**
     * Finds the next tag of {@code type} (START, END or EITHER) after optional white space and,
     * where a start tag is allowed, comments. With {@code want} != UNKNOWN the tag name must be
     * that one. {@code what} names the expectation in the error message.
     */
    void findTag(int want, int type, String what) throws PropParseException {
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
    int skipComment(int from, int commentStart) throws PropParseException {
        byte[] s = this.s;
        for (int x = from; s[x] != 0; x++) {
            if (s[x] == '-' && s[x + 1] == '-' && s[x + 2] == '>') {
                return x + 3;
            }
        }
        throw fail("unterminated comment", commentStart);
    }

    /** {@code _prop_object_internalize_match} against every tag name: the kind, or UNKNOWN. */
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

    // ---- shortcuts that record a tag recognised by its exact bytes ----

    /** The index of the first byte at or after {@code x} that is not SP HT LF CR. */
    int skipBlanks(int x) {
        byte[] s = this.s;
        while (SPACE[s[x] & 0xff]) {
            x++;
        }
        return x;
    }

    /** True if the {@code len} bytes at {@code x} equal those at {@code y}. */
    boolean same(int x, int y, int len) {
        byte[] s = this.s;
        for (int i = 0; i < len; i++) {
            if (s[x + i] != s[y + i]) {
                return false;
            }
        }
        return true;
    }

    /** Records a tag recognized as an exact literal without attributes, e.g. {@code <key>}. */
    void literalTag(int x, int k, boolean end, int litLen) {
        tag(x, end, litLen - (end ? 3 : 2), k, false, x + litLen);
    }

    /**
     * Records the tag without attributes that starts at {@code x} and whose name has
     * {@code len} bytes; the scan goes on at {@code next}. The only place besides
     * {@link #findTag} that sets the scanner's tag state, for the shortcuts that recognise a
     * whole tag by its exact bytes.
     */
    void tag(int x, boolean end, int len, int k, boolean empty, int next) {
        tagStart = x;
        tagIsEnd = end;
        nameAt = x + (end ? 2 : 1);
        nameLen = len;
        kind = k;
        emptyElement = empty;
        hasAttr = false;
        p = next;
    }

    // ---- helpers ----

    /**
     * True if the bytes at {@code at} spell the ASCII literal. Stops at the first mismatch, so
     * it never reads past a NUL.
     */
    boolean lit(int at, byte[] l) {
        byte[] s = this.s;
        for (int i = 0; i < l.length; i++) {
            if (s[at + i] != l[i]) {
                return false;
            }
        }
        return true;
    }

    boolean attrNameIs(byte[] name) {
        return attrLen == name.length && lit(attrAt, name);
    }

    /** libprop's {@code _PROP_ISSPACE}: SP, HT, LF, CR only. */
    static boolean isSpace(int c) {
        return SPACE[c & 0xff];
    }

    /** The current tag's name, printable (for messages). */
    String tagName() {
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

    PropParseException fail(String reason, int at) {
        return new PropParseException(reason, at - base);
    }
}
