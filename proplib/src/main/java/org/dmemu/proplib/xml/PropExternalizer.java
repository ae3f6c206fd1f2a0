package org.dmemu.proplib.xml;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.dmemu.proplib.PropArray;
import org.dmemu.proplib.PropBool;
import org.dmemu.proplib.PropData;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.proplib.PropNumber;
import org.dmemu.proplib.PropObject;
import org.dmemu.proplib.PropString;

/**
 * Emulates {@code prop_object_externalize} / {@code prop_dictionary_externalize}
 * (common/lib/libprop/prop_object.c rev 1.30, prop_dictionary.c, prop_array.c, prop_number.c,
 * prop_string.c, prop_data.c, prop_bool.c; prop_extern.c rev 1.1): writes an object tree as
 * libprop's XML, byte for byte (proplib-xml.md §2).
 *
 * <p>One TAB per depth level, LF line ends, the Apple header and DOCTYPE, signed numbers in
 * decimal, unsigned numbers as lower-case {@code 0x} hex, only {@code & < >} escaped in strings
 * and keys, data as unwrapped base64, empty containers/strings/data in the {@code <x/>} form.
 *
 * <p>The writer is a single loop over an explicit stack appending bytes to a growable buffer:
 * no per-node strings, and no depth limit other than memory.
 *
 * <p>Differences from NetBSD:
 * <ul>
 *   <li>libprop recurses on the C stack; this writer uses a heap stack (no overflow).</li>
 *   <li>A string or key holding a NUL byte (possible in the Java model, not in C) is written
 *       up to that NUL, as libprop would see the C string.</li>
 *   <li>{@link #externalize(PropObject)} returns the text without the NUL that libprop's buffer
 *       carries; {@link #externalize(PropObject, boolean)} can append it.</li>
 *   <li>{@link #externalizeBounded} stops as soon as the document would pass a byte limit and
 *       answers null (libprop grows its buffer until memory runs out). The kernel's copyout
 *       uses it (issue 16 point 8): one TAB per depth level makes the text of a deeply nested
 *       tree grow with the square of its depth.</li>
 * </ul>
 */
public final class PropExternalizer {
    private static final byte[] HEADER = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<!DOCTYPE plist PUBLIC \"-//Apple Computer//DTD PLIST 1.0//EN\" "
            + "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
            + "<plist version=\"1.0\">\n").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FOOTER = "</plist>\n".getBytes(StandardCharsets.US_ASCII);

    private static final byte[] T_END_ARRAY = ascii("</array>");
    private static final byte[] T_END_DATA = ascii("</data>");
    private static final byte[] T_END_DICT = ascii("</dict>");
    private static final byte[] T_END_INTEGER = ascii("</integer>");
    private static final byte[] T_END_KEY_NL = ascii("</key>\n");
    private static final byte[] T_END_STRING = ascii("</string>");
    private static final byte[] T_ARRAY_EMPTY = ascii("<array/>");
    private static final byte[] T_ARRAY_NL = ascii("<array>\n");
    private static final byte[] T_DATA_EMPTY = ascii("<data/>");
    private static final byte[] T_DATA = ascii("<data>");
    private static final byte[] T_DICT_EMPTY = ascii("<dict/>");
    private static final byte[] T_DICT_NL = ascii("<dict>\n");
    private static final byte[] T_FALSE_EMPTY = ascii("<false/>");
    private static final byte[] T_INTEGER = ascii("<integer>");
    private static final byte[] T_KEY = ascii("<key>");
    private static final byte[] T_STRING_EMPTY = ascii("<string/>");
    private static final byte[] T_STRING = ascii("<string>");
    private static final byte[] T_TRUE_EMPTY = ascii("<true/>");

    private static byte[] ascii(String l) {
        return l.getBytes(StandardCharsets.US_ASCII);
    }

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] B64 =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
                    .getBytes(StandardCharsets.US_ASCII);

    /** A per-thread scratch buffer, so that steady-state writing never grows a buffer. */
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[2048]);
    /** Scratch buffers larger than this are not kept for the next call. */
    private static final int KEEP_MAX = 256 * 1024;

    /** Thrown by {@link #ensure} past {@link #limit}; preallocated, no stack trace. */
    private static final RuntimeException TOO_LARGE = new RuntimeException("document too large", null, false, false) {
        private static final long serialVersionUID = 1L;
    };

    private byte[] buf;
    private int n;
    /** The largest document (in bytes, NUL included) this writer may produce. */
    private final int limit;

    private PropExternalizer(byte[] buf, int limit) {
        this.buf = buf;
        this.limit = limit;
    }

    /** The complete document (header, DOCTYPE, plist element, trailing LF), without a NUL. */
    public static byte[] externalize(PropObject root) {
        return externalize(root, false);
    }

    /**
     * The complete document; with {@code nulTerminate} followed by one NUL byte, as the buffer
     * libprop hands to {@code ioctl} ({@code pref_len} = text + 1).
     */
    public static byte[] externalize(PropObject root, boolean nulTerminate) {
        byte[] out = externalizeBounded(root, nulTerminate, Integer.MAX_VALUE - 64);
        if (out == null) {
            throw new OutOfMemoryError("plist document larger than a Java array");
        }
        return out;
    }

    /**
     * As {@link #externalize(PropObject, boolean)}, but null if the document (its NUL included)
     * would be longer than {@code maxBytes}: the writer stops at that point, so a tree whose
     * text would be huge costs at most {@code maxBytes} of buffer and the time to write them.
     */
    public static byte[] externalizeBounded(PropObject root, boolean nulTerminate, int maxBytes) {
        if (root == null) {
            throw new NullPointerException("root");
        }
        byte[] scratch = SCRATCH.get();
        PropExternalizer w = new PropExternalizer(scratch, maxBytes);
        try {
            w.put(HEADER);
            w.writeTree(root);
            w.put(FOOTER);
            if (nulTerminate) {
                w.ensure(1);
                w.buf[w.n++] = 0;
            }
            if (w.n > maxBytes) {
                return null;
            }
            return Arrays.copyOf(w.buf, w.n);
        } catch (RuntimeException e) {
            if (e == TOO_LARGE) {
                return null;
            }
            throw e;
        } finally {
            SCRATCH.set(w.buf.length <= KEEP_MAX ? w.buf : scratch);
        }
    }

    // ---- the tree walk ----

    private void writeTree(PropObject root) {
        if (!openOrWriteLeaf(root)) {
            lf();
            return;
        }
        PropObject[] objs = new PropObject[16];
        int[] next = new int[16];
        int sp = 0;
        objs[0] = root;
        next[0] = 0;
        while (sp >= 0) {
            PropObject top = objs[sp];
            int i = next[sp];
            int depth = sp; // the container at stack slot sp sits at depth sp
            PropObject child;
            if (top instanceof PropDictionary d) {
                if (i == d.count()) {
                    close(depth, T_END_DICT);
                    objs[sp--] = null;
                    continue;
                }
                tabs(depth + 1);
                put(T_KEY);
                int kl = d.keyLengthAt(i);
                for (int j = 0; j < kl; j++) {
                    if (d.keyByteAt(i, j) == 0) {
                        kl = j; // a C string ends at its NUL
                        break;
                    }
                }
                int el = kl;
                for (int j = 0; j < kl; j++) {
                    el += escapeExtra(d.keyByteAt(i, j));
                }
                ensure(el);
                for (int j = 0; j < kl; j++) {
                    escapeByte(d.keyByteAt(i, j));
                }
                put(T_END_KEY_NL);
                tabs(depth + 1);
                child = d.valueAt(i);
            } else {
                PropArray a = (PropArray) top;
                if (i == a.count()) {
                    close(depth, T_END_ARRAY);
                    objs[sp--] = null;
                    continue;
                }
                tabs(depth + 1);
                child = a.get(i);
            }
            next[sp] = i + 1;
            if (openOrWriteLeaf(child)) {
                if (++sp == objs.length) {
                    objs = Arrays.copyOf(objs, sp * 2);
                    next = Arrays.copyOf(next, sp * 2);
                }
                objs[sp] = child;
                next[sp] = 0;
            } else {
                lf();
            }
        }
    }

    /** TAB×depth, the end tag, LF. */
    private void close(int depth, byte[] endTag) {
        tabs(depth);
        put(endTag);
        lf();
    }

    /**
     * Writes a leaf or an empty container and returns false; for a non-empty container writes
     * its start tag and LF and returns true (the caller then walks its entries).
     */
    private boolean openOrWriteLeaf(PropObject o) {
        if (o instanceof PropString s) {
            writeString(s);
        } else if (o instanceof PropNumber num) {
            writeNumber(num);
        } else if (o instanceof PropDictionary d) {
            if (d.count() == 0) {
                put(T_DICT_EMPTY);
            } else {
                put(T_DICT_NL);
                return true;
            }
        } else if (o instanceof PropArray a) {
            if (a.count() == 0) {
                put(T_ARRAY_EMPTY);
            } else {
                put(T_ARRAY_NL);
                return true;
            }
        } else if (o instanceof PropBool b) {
            put(b.value() ? T_TRUE_EMPTY : T_FALSE_EMPTY);
        } else if (o instanceof PropData data) {
            writeData(data);
        } else {
            throw new NullPointerException("null object in a container");
        }
        return false;
    }

    private void writeString(PropString s) {
        int len = s.length();
        for (int j = 0; j < len; j++) {
            if (s.byteAt(j) == 0) {
                len = j; // a C string ends at its NUL
                break;
            }
        }
        if (len == 0) {
            put(T_STRING_EMPTY);
            return;
        }
        put(T_STRING);
        int el = len;
        for (int j = 0; j < len; j++) {
            el += escapeExtra(s.byteAt(j));
        }
        ensure(el);
        for (int j = 0; j < len; j++) {
            escapeByte(s.byteAt(j));
        }
        put(T_END_STRING);
    }

    /** The bytes {@link #escapeByte} adds for {@code c} beyond the byte itself. */
    private static int escapeExtra(byte c) {
        return c == '&' ? 4 : c == '<' || c == '>' ? 3 : 0;
    }

    /** Appends one byte, replacing {@code & < >} by their entities; capacity is pre-ensured. */
    private void escapeByte(byte c) {
        byte[] b = buf;
        int p = n;
        switch (c) {
            case '&' -> {
                b[p] = '&'; b[p + 1] = 'a'; b[p + 2] = 'm'; b[p + 3] = 'p'; b[p + 4] = ';';
                p += 5;
            }
            case '<' -> {
                b[p] = '&'; b[p + 1] = 'l'; b[p + 2] = 't'; b[p + 3] = ';';
                p += 4;
            }
            case '>' -> {
                b[p] = '&'; b[p + 1] = 'g'; b[p + 2] = 't'; b[p + 3] = ';';
                p += 4;
            }
            default -> b[p++] = c;
        }
        n = p;
    }

    private void writeNumber(PropNumber num) {
        put(T_INTEGER);
        ensure(20);
        long v = num.signedValue();
        if (num.isUnsigned()) {
            buf[n++] = '0';
            buf[n++] = 'x';
            int digits = v == 0 ? 1 : (67 - Long.numberOfLeadingZeros(v)) >> 2;
            for (int k = digits - 1; k >= 0; k--) {
                buf[n++] = HEX[(int) (v >>> (k << 2)) & 0xf];
            }
        } else {
            if (v < 0) {
                buf[n++] = '-';
            }
            // Work with the negative magnitude so that Long.MIN_VALUE needs no special case.
            long neg = v < 0 ? v : -v;
            int start = n;
            do {
                buf[n++] = (byte) ('0' - (int) (neg % 10));
                neg /= 10;
            } while (neg != 0);
            for (int lo = start, hi = n - 1; lo < hi; lo++, hi--) {
                byte t = buf[lo];
                buf[lo] = buf[hi];
                buf[hi] = t;
            }
        }
        put(T_END_INTEGER);
    }

    private void writeData(PropData data) {
        int len = data.length();
        if (len == 0) {
            put(T_DATA_EMPTY);
            return;
        }
        put(T_DATA);
        ensure((len + 2) / 3 * 4);
        byte[] b = buf;
        int p = n;
        int i = 0;
        for (; i + 2 < len; i += 3) {
            int v = (data.byteAt(i) & 0xff) << 16 | (data.byteAt(i + 1) & 0xff) << 8
                    | (data.byteAt(i + 2) & 0xff);
            b[p++] = B64[v >>> 18];
            b[p++] = B64[(v >>> 12) & 0x3f];
            b[p++] = B64[(v >>> 6) & 0x3f];
            b[p++] = B64[v & 0x3f];
        }
        if (i < len) {
            int v = (data.byteAt(i) & 0xff) << 16;
            boolean two = i + 1 < len;
            if (two) {
                v |= (data.byteAt(i + 1) & 0xff) << 8;
            }
            b[p++] = B64[v >>> 18];
            b[p++] = B64[(v >>> 12) & 0x3f];
            b[p++] = two ? B64[(v >>> 6) & 0x3f] : (byte) '=';
            b[p++] = '=';
        }
        n = p;
        put(T_END_DATA);
    }

    // ---- the byte buffer ----

    private void ensure(int more) {
        if (n + more > buf.length) {
            grow(more);
        }
    }

    /**
     * Doubles the buffer, never past {@link #limit} plus {@link #SLACK} (a number reserves its
     * 20 digits before it knows how many it has; the exact size is checked at the end); a need
     * beyond that: {@link #TOO_LARGE}.
     */
    private void grow(int more) {
        long need = (long) n + more;
        long cap = (long) limit + SLACK;
        if (need > cap) {
            throw TOO_LARGE;
        }
        buf = Arrays.copyOf(buf, (int) Math.min(cap, Math.max(2L * buf.length, need)));
    }

    /** Room reserved beyond {@link #limit} for over-estimates of {@link #ensure}. */
    private static final int SLACK = 32;

    private void tabs(int depth) {
        ensure(depth);
        Arrays.fill(buf, n, n + depth, (byte) '\t');
        n += depth;
    }

    private void lf() {
        ensure(1);
        buf[n++] = '\n';
    }

    private void put(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, n, b.length);
        n += b.length;
    }
}
