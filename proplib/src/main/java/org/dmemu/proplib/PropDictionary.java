package org.dmemu.proplib;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Emulates prop_dictionary.c (NetBSD 10, rev 1.42) and prop_dictionary_util.c (rev 1.8):
 * a map from byte-string keys to objects, kept sorted by key in C {@code strcmp} order
 * (unsigned byte-wise), which is also the order in which it is externalized.
 *
 * <p>Keys are 0–{@value #MAX_KEY} bytes ({@code PDK_MAXKEY}); a longer key makes the setter
 * fail. Setting an existing key replaces the value in place. Entries are held in two
 * parallel arrays searched by binary search, as libprop does.
 *
 * <p>Differences from NetBSD: none in behaviour. The arrays grow geometrically (libprop: by 16
 * entries), so that building a dictionary of n keys in order costs O(n), not O(n²).
 */
public final class PropDictionary implements PropObject {
    /** {@code PDK_MAXKEY}: the longest key in bytes. */
    public static final int MAX_KEY = 128;

    private static final byte[][] NO_KEYS = new byte[0][];
    private static final PropObject[] NO_VALUES = new PropObject[0];

    private byte[][] keys = NO_KEYS;
    private PropObject[] values = NO_VALUES;
    private int count;
    private boolean immutable;

    /** {@code prop_dictionary_create()}. */
    public PropDictionary() {
    }

    /** The length of the entry arrays (tests: the growth policy). */
    int capacity() {
        return keys.length;
    }

    /** {@code prop_dictionary_count()}. */
    public int count() {
        return count;
    }

    /** The key at sorted position {@code i} (a copy of its bytes). */
    public byte[] keyBytesAt(int i) {
        return keys(i).clone();
    }

    /** The length in bytes of the key at sorted position {@code i} (no copy; for writers). */
    public int keyLengthAt(int i) {
        return keys(i).length;
    }

    /** Byte {@code j} of the key at sorted position {@code i} (no copy; for writers). */
    public byte keyByteAt(int i, int j) {
        return keys[i][j];
    }

    /** The key at sorted position {@code i}, decoded as UTF-8. */
    public String keyAt(int i) {
        return new String(keys(i), StandardCharsets.UTF_8);
    }

    /** The value at sorted position {@code i}. */
    public PropObject valueAt(int i) {
        keys(i);
        return values[i];
    }

    private byte[] keys(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException(i);
        }
        return keys[i];
    }

    /** The keys in sorted order, decoded as UTF-8. */
    public List<String> keys() {
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(new String(keys[i], StandardCharsets.UTF_8));
        }
        return out;
    }

    /** {@code prop_dictionary_get(d, key)}: the value, or null if absent. */
    public PropObject get(String key) {
        return getBytes(utf8(key));
    }

    /** {@code prop_dictionary_get} with a key given as bytes. */
    public PropObject getBytes(byte[] key) {
        int i = find(key);
        return i >= 0 ? values[i] : null;
    }

    /**
     * {@code prop_dictionary_set(d, key, o)}: inserts or replaces. False if the dictionary is
     * immutable or the key is longer than {@value #MAX_KEY} bytes.
     */
    public boolean set(String key, PropObject o) {
        return setBytes(utf8(key), o);
    }

    /** {@code prop_dictionary_set} with a key given as bytes (the array is copied). */
    public boolean setBytes(byte[] key, PropObject o) {
        if (immutable || key.length > MAX_KEY || o == null) {
            return false;
        }
        int i = find(key);
        if (i >= 0) {
            values[i] = o;
            return true;
        }
        insert(-i - 1, key.clone(), o);
        return true;
    }

    /**
     * {@code prop_dictionary_set} with the key taken from {@code src[off, off+len)} (copied once).
     * Keys that arrive in ascending order, as in any libprop document, are appended without a
     * search.
     */
    public boolean setBytes(byte[] src, int off, int len, PropObject o) {
        if (immutable || len > MAX_KEY || o == null) {
            return false;
        }
        int at;
        if (count == 0 || compareKey(keys[count - 1], src, off, len) < 0) {
            at = count;
        } else {
            int i = find(src, off, len);
            if (i >= 0) {
                values[i] = o;
                return true;
            }
            at = -i - 1;
        }
        insert(at, Arrays.copyOfRange(src, off, off + len), o);
        return true;
    }

    private void insert(int at, byte[] key, PropObject o) {
        if (count == keys.length) {
            // libprop grows by EXPAND_STEP (16), which makes building a dictionary of n keys
            // cost n^2/32 element copies (200,000 keys: seconds). Capacity is not observable:
            // grow by half (amortised O(1) per key), starting smaller than libprop.
            int cap = keys.length == 0 ? 8 : keys.length + Math.max(16, keys.length >> 1);
            keys = Arrays.copyOf(keys, cap);
            values = Arrays.copyOf(values, cap);
        }
        System.arraycopy(keys, at, keys, at + 1, count - at);
        System.arraycopy(values, at, values, at + 1, count - at);
        keys[at] = key;
        values[at] = o;
        count++;
    }

    /** {@code prop_dictionary_remove(d, key)}. */
    public void remove(String key) {
        if (immutable) {
            return;
        }
        int i = find(utf8(key));
        if (i >= 0) {
            System.arraycopy(keys, i + 1, keys, i, count - i - 1);
            System.arraycopy(values, i + 1, values, i, count - i - 1);
            count--;
            keys[count] = null;
            values[count] = null;
        }
    }

    /** {@code prop_dictionary_make_immutable()}. */
    public void makeImmutable() {
        immutable = true;
    }

    public boolean isImmutable() {
        return immutable;
    }

    /** Binary search: the index, or {@code -(insertion point) - 1}. */
    private int find(byte[] key) {
        return find(key, 0, key.length);
    }

    private int find(byte[] key, int off, int len) {
        int lo = 0;
        int hi = count - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            byte[] k = keys[mid];
            int c = compareKey(k, key, off, len);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }

    /** C {@code strcmp} order of {@code a} and {@code b[off, off+len)}: unsigned bytes, shorter first. */
    private static int compareKey(byte[] a, byte[] b, int off, int len) {
        int n = Math.min(a.length, len);
        for (int i = 0; i < n; i++) {
            int c = (a[i] & 0xff) - (b[off + i] & 0xff);
            if (c != 0) {
                return c;
            }
        }
        return a.length - len;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // ---- prop_dictionary_util.c: typed getters (NetBSD 10 range rules) ----

    /** {@code prop_dictionary_get_int32}. */
    public OptionalInt getInt32(String key) {
        return PropGet.int32(get(key));
    }

    /** {@code prop_dictionary_get_uint32}: the value in 0…2^32−1. */
    public OptionalLong getUint32(String key) {
        return PropGet.uint32(get(key));
    }

    /** {@code prop_dictionary_get_int64}. */
    public OptionalLong getInt64(String key) {
        return PropGet.int64(get(key));
    }

    /** {@code prop_dictionary_get_uint64}: the 64 bits, to be read as unsigned. */
    public OptionalLong getUint64(String key) {
        return PropGet.uint64(get(key));
    }

    /** {@code prop_dictionary_get_string}/{@code get_cstring_nocopy}: null unless a string. */
    public String getString(String key) {
        return PropGet.string(get(key));
    }

    /** {@code prop_dictionary_get_bool}: null unless a bool. */
    public PropBool getBool(String key) {
        return PropGet.bool(get(key));
    }

    /** The value if it is a dictionary, else null. */
    public PropDictionary getDictionary(String key) {
        return get(key) instanceof PropDictionary d ? d : null;
    }

    /** The value if it is an array, else null. */
    public PropArray getArray(String key) {
        return get(key) instanceof PropArray a ? a : null;
    }

    // ---- typed setters: set_intN → signed (decimal), set_uintN → unsigned (hex) ----

    /** {@code prop_dictionary_set_int32}. */
    public boolean setInt32(String key, int v) {
        return set(key, PropNumber.signed(v));
    }

    /** {@code prop_dictionary_set_uint32} ({@code v} is taken modulo 2^32). */
    public boolean setUint32(String key, long v) {
        return set(key, PropNumber.unsigned(v & 0xffff_ffffL));
    }

    /** {@code prop_dictionary_set_int64}. */
    public boolean setInt64(String key, long v) {
        return set(key, PropNumber.signed(v));
    }

    /** {@code prop_dictionary_set_uint64} ({@code v}'s 64 bits read as unsigned). */
    public boolean setUint64(String key, long v) {
        return set(key, PropNumber.unsigned(v));
    }

    /** {@code prop_dictionary_set_string}/{@code set_cstring}. */
    public boolean setString(String key, String v) {
        return set(key, PropString.of(v));
    }

    /** {@code prop_dictionary_set_bool}. */
    public boolean setBool(String key, boolean v) {
        return set(key, PropBool.of(v));
    }

    /** {@code prop_dictionary_set_data}. */
    public boolean setData(String key, byte[] v) {
        return set(key, PropData.of(v));
    }

    @Override
    public PropType type() {
        return PropType.DICTIONARY;
    }

    /** {@code prop_dictionary_equals}: same count, and pairwise equal keys and values in order. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof PropDictionary d) || d.count != count) {
            return false;
        }
        for (int i = 0; i < count; i++) {
            if (!Arrays.equals(keys[i], d.keys[i]) || !values[i].equals(d.values[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = count;
        for (int i = 0; i < count; i++) {
            h = 31 * h + Arrays.hashCode(keys[i]);
            h = 31 * h + values[i].hashCode();
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(keyAt(i)).append('=').append(values[i]);
        }
        return sb.append('}').toString();
    }
}
