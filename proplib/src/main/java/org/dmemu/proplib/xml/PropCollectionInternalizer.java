package org.dmemu.proplib.xml;

import static org.dmemu.proplib.xml.PropInternalizeContext.ARRAY;
import static org.dmemu.proplib.xml.PropInternalizeContext.DICT;
import static org.dmemu.proplib.xml.PropInternalizeContext.EITHER;
import static org.dmemu.proplib.xml.PropInternalizeContext.END;
import static org.dmemu.proplib.xml.PropInternalizeContext.KEY;
import static org.dmemu.proplib.xml.PropInternalizeContext.START;
import static org.dmemu.proplib.xml.PropInternalizeContext.TEXT_STOP;
import static org.dmemu.proplib.xml.PropInternalizeContext.UNKNOWN;
import static org.dmemu.proplib.xml.PropInternalizeContext.ascii;

import java.util.Arrays;
import org.dmemu.proplib.PropArray;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.proplib.PropObject;

/**
 * Emulates the container internalizers: {@code _prop_dictionary_internalize},
 * {@code _prop_dictionary_internalize_continue} and {@code _prop_dictionary_internalize_body}
 * (common/lib/libprop/prop_dictionary.c), {@code _prop_array_internalize},
 * {@code _prop_array_internalize_continue} and {@code _prop_array_internalize_body}
 * (prop_array.c), and the push/pop of {@code _prop_stack_push}/{@code _prop_stack_pop}
 * (prop_stack.c), as in NetBSD 10 (proplib-xml.md §3). The stack itself lives in
 * {@link PropInternalizeContext}; {@code PropInternalizer.values} drives it.
 *
 * <p>Differences from NetBSD:
 * <ul>
 *   <li>A dictionary's pending key is kept in its stack slot as a slice of the input (or of a
 *       decoded copy) rather than as a {@code prop_dictionary_keysym_t}.</li>
 *   <li>The bodies first try the tag they expect by its exact bytes ({@code <key>},
 *       {@code </dict>}, {@code </array>}, the previous element's start tag) before the full
 *       scan; the accept/reject result is the same.</li>
 *   <li>An end tag where an array element may start is dispatched on its name, as libprop
 *       does ({@code <array></string></string></array>} is an array holding one empty string):
 *       reproduced, not rejected.</li>
 * </ul>
 */
final class PropCollectionInternalizer {

    private static final byte[] KEY_OPEN = ascii("<key>");
    private static final byte[] DICT_CLOSE = ascii("</dict>");
    private static final byte[] ARRAY_CLOSE = ascii("</array>");

    private PropCollectionInternalizer() {
    }

    /**
     * {@code _prop_dictionary_internalize}: at a {@code <dict>} start tag. Returns the finished
     * dictionary if it is empty, or null once it is pushed and its first value's start tag found.
     */
    static PropObject dictionary(PropInternalizeContext c) throws PropParseException {
        if (c.hasAttr) {
            throw c.fail("attribute on <dict>", c.attrAt);
        }
        PropDictionary d = new PropDictionary();
        if (c.emptyElement) {
            return d;
        }
        push(c, d);
        if (dictBody(c)) {
            return null;
        }
        return pop(c);
    }

    /**
     * {@code _prop_array_internalize}: at an {@code <array>} start tag. Returns the finished
     * array if it is empty, or null once it is pushed and its first element's tag found.
     */
    static PropObject array(PropInternalizeContext c) throws PropParseException {
        if (c.hasAttr) {
            throw c.fail("attribute on <array>", c.attrAt);
        }
        PropArray a = new PropArray();
        if (c.emptyElement) {
            return a;
        }
        push(c, a);
        if (arrayBody(c)) {
            return null;
        }
        return pop(c);
    }

    /**
     * {@code _prop_dictionary_internalize_continue} / {@code _prop_array_internalize_continue}:
     * hands {@code v} to the container on top of the stack. Returns null if the container goes
     * on (the next value's start tag was found), else pops and returns the finished container.
     */
    static PropObject continueWith(PropInternalizeContext c, PropObject v) throws PropParseException {
        int sp = c.sp;
        PropObject top = c.stObj[sp];
        if (top instanceof PropDictionary d) {
            long k = c.stKey[sp];
            d.setBytes(c.stKeySrc[sp], (int) (k >>> 32), (int) k, v);
            c.stKeySrc[sp] = null;
            if (dictBody(c)) {
                return null;
            }
        } else {
            ((PropArray) top).add(v);
            if (arrayBody(c)) {
                return null;
            }
        }
        return pop(c);
    }

    private static void push(PropInternalizeContext c, PropObject o) {
        int sp = ++c.sp;
        if (sp == c.stObj.length) {
            int cap = sp * 2;
            c.stObj = Arrays.copyOf(c.stObj, cap);
            c.stKeySrc = Arrays.copyOf(c.stKeySrc, cap);
            c.stKey = Arrays.copyOf(c.stKey, cap);
            c.stPrevAt = Arrays.copyOf(c.stPrevAt, cap);
            c.stPrevLen = Arrays.copyOf(c.stPrevLen, cap);
            c.stPrevKind = Arrays.copyOf(c.stPrevKind, cap);
        }
        c.stObj[sp] = o;
        c.stPrevLen[sp] = 0;
    }

    private static PropObject pop(PropInternalizeContext c) {
        int sp = c.sp;
        PropObject o = c.stObj[sp];
        c.stObj[sp] = null;
        c.sp = sp - 1;
        return o;
    }

    /**
     * {@code _prop_dictionary_internalize_body}: reads the next tag of the dictionary on top of
     * the stack. False at {@code </dict>}; true after a key (stored in the stack slot) and the
     * start tag of its value.
     */
    private static boolean dictBody(PropInternalizeContext c) throws PropParseException {
        int t = c.skipBlanks(c.p);
        if (c.lit(t, KEY_OPEN)) {
            c.literalTag(t, KEY, false, KEY_OPEN.length);
        } else if (c.lit(t, DICT_CLOSE)) {
            c.literalTag(t, DICT, true, DICT_CLOSE.length);
        } else {
            c.findTag(UNKNOWN, EITHER, "<key> or </dict>");
        }
        if (c.kind == DICT && c.tagIsEnd) {
            return false;
        }
        if (c.kind != KEY || c.tagIsEnd || c.emptyElement) {
            throw c.fail("expected <key> or </dict>", c.tagStart);
        }
        // Attributes on <key> are not checked, as in libprop.
        byte[] s = c.s;
        int start = c.p;
        int x = start;
        while (!TEXT_STOP[s[x] & 0xff]) {
            x++;
        }
        if (s[x] == '<') {
            if (x - start > PropDictionary.MAX_KEY) {
                throw c.fail("key longer than " + PropDictionary.MAX_KEY + " bytes", start);
            }
            c.stKeySrc[c.sp] = s;
            c.stKey[c.sp] = (long) start << 32 | (x - start);
            c.p = x;
        } else {
            int n = PropStringInternalizer.decodeString(c, start, PropDictionary.MAX_KEY);
            c.stKeySrc[c.sp] = Arrays.copyOf(c.tmp, n);
            c.stKey[c.sp] = n;
        }
        c.findTag(KEY, END, "</key>");
        c.findTag(UNKNOWN, START, "the start tag of the key's value");
        return true;
    }

    /**
     * {@code _prop_array_internalize_body}: false at {@code </array>}; otherwise the tag found
     * starts the next element (dispatched on its name even if it is an end tag, as in libprop).
     */
    private static boolean arrayBody(PropInternalizeContext c) throws PropParseException {
        int x = c.skipBlanks(c.p);
        if (c.lit(x, ARRAY_CLOSE)) {
            c.literalTag(x, ARRAY, true, ARRAY_CLOSE.length);
            return false;
        }
        // Elements of an array tend to repeat: try the previous element's exact start tag.
        int sp = c.sp;
        int prevLen = c.stPrevLen[sp];
        if (prevLen > 0 && c.same(x, c.stPrevAt[sp], prevLen)) {
            boolean empty = c.s[c.stPrevAt[sp] + prevLen - 2] == '/';
            c.tag(x, false, prevLen - (empty ? 3 : 2), c.stPrevKind[sp], empty, x + prevLen);
            return true;
        }
        c.findTag(UNKNOWN, EITHER, "an element or </array>");
        if (c.kind == ARRAY && c.tagIsEnd) {
            return false;
        }
        if (!c.tagIsEnd && !c.hasAttr) {
            c.stPrevAt[sp] = c.tagStart;
            c.stPrevLen[sp] = c.p - c.tagStart;
            c.stPrevKind[sp] = c.kind;
        }
        return true;
    }
}
