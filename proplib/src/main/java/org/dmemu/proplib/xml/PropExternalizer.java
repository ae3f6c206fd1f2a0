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
 *   <li>{@link #externalize(PropObject)} returns the text without the NUL that libprop's buffer
 *       carries; {@link #externalize(PropObject, boolean)} can append it.</li>
 * </ul>
 */
public final class PropExternalizer {
    private static final byte[] HEADER = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<!DOCTYPE plist PUBLIC \"-//Apple Computer//DTD PLIST 1.0//EN\" "
            + "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
            + "<plist version=\"1.0\">\n").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FOOTER = "</plist>\n".getBytes(StandardCharsets.US_ASCII);

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] B64 =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
                    .getBytes(StandardCharsets.US_ASCII);

    private byte[] buf;
    private int n;

    private PropExternalizer(int capacity) {
        buf = new byte[capacity];
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
        if (root == null) {
            throw new NullPointerException("root");
        }
        PropExternalizer w = new PropExternalizer(512);
        w.put(HEADER);
        w.writeTree(root);
        w.put(FOOTER);
        if (nulTerminate) {
            w.ensure(1);
            w.buf[w.n++] = 0;
        }
        return Arrays.copyOf(w.buf, w.n);
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
                    close(depth, "</dict>");
                    objs[sp--] = null;
                    continue;
                }
                tabs(depth + 1);
                putAscii("<key>");
                int kl = d.keyLengthAt(i);
                ensure(kl * 5);
                for (int j = 0; j < kl; j++) {
                    escapeByte(d.keyByteAt(i, j));
                }
                putAscii("</key>\n");
                tabs(depth + 1);
                child = d.valueAt(i);
            } else {
                PropArray a = (PropArray) top;
                if (i == a.count()) {
                    close(depth, "</array>");
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
    private void close(int depth, String endTag) {
        tabs(depth);
        putAscii(endTag);
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
                putAscii("<dict/>");
            } else {
                putAscii("<dict>\n");
                return true;
            }
        } else if (o instanceof PropArray a) {
            if (a.count() == 0) {
                putAscii("<array/>");
            } else {
                putAscii("<array>\n");
                return true;
            }
        } else if (o instanceof PropBool b) {
            putAscii(b.value() ? "<true/>" : "<false/>");
        } else if (o instanceof PropData data) {
            writeData(data);
        } else {
            throw new NullPointerException("null object in a container");
        }
        return false;
    }

    private void writeString(PropString s) {
        int len = s.length();
        if (len == 0) {
            putAscii("<string/>");
            return;
        }
        putAscii("<string>");
        ensure(len * 5);
        for (int j = 0; j < len; j++) {
            escapeByte(s.byteAt(j));
        }
        putAscii("</string>");
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
        putAscii("<integer>");
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
        putAscii("</integer>");
    }

    private void writeData(PropData data) {
        int len = data.length();
        if (len == 0) {
            putAscii("<data/>");
            return;
        }
        putAscii("<data>");
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
        putAscii("</data>");
    }

    // ---- the byte buffer ----

    private void ensure(int more) {
        if (n + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, n + more));
        }
    }

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

    /** Appends an ASCII literal (the tags); literals are compile-time constants. */
    private void putAscii(String s) {
        int len = s.length();
        ensure(len);
        byte[] b = buf;
        int p = n;
        for (int i = 0; i < len; i++) {
            b[p + i] = (byte) s.charAt(i);
        }
        n = p + len;
    }
}
