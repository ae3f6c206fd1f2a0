package org.dmemu.proplib;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Emulates prop_array.c (NetBSD 10) and prop_array_util.c: an ordered list of objects.
 *
 * <p>{@link #get(int)} beyond the end returns null, as {@code prop_array_get} does. Setters
 * fail (return false) once the array is immutable.
 *
 * <p>Differences from NetBSD: {@code prop_array_set} with an index past the end is an
 * assertion in C; here it returns false.
 */
public final class PropArray implements PropObject, Iterable<PropObject> {
    private final ArrayList<PropObject> items;
    private boolean immutable;

    /** {@code prop_array_create()}. */
    public PropArray() {
        this.items = new ArrayList<>();
    }

    /** {@code prop_array_create_with_capacity(n)}. */
    public PropArray(int capacity) {
        this.items = new ArrayList<>(capacity);
    }

    /** {@code prop_array_count()}. */
    public int count() {
        return items.size();
    }

    /** {@code prop_array_get(a, i)}: the object at {@code i}, or null if {@code i >= count}. */
    public PropObject get(int i) {
        return i >= 0 && i < items.size() ? items.get(i) : null;
    }

    /** {@code prop_array_add(a, o)}: appends; false if immutable or {@code o} is null. */
    public boolean add(PropObject o) {
        if (immutable || o == null) {
            return false;
        }
        items.add(o);
        return true;
    }

    /** {@code prop_array_set(a, i, o)}: replaces at {@code i}, appends at {@code i == count}. */
    public boolean set(int i, PropObject o) {
        if (immutable || o == null || i < 0 || i > items.size()) {
            return false;
        }
        if (i == items.size()) {
            items.add(o);
        } else {
            items.set(i, o);
        }
        return true;
    }

    /** {@code prop_array_remove(a, i)}. */
    public void remove(int i) {
        if (!immutable && i >= 0 && i < items.size()) {
            items.remove(i);
        }
    }

    /** {@code prop_array_make_immutable()}. */
    public void makeImmutable() {
        immutable = true;
    }

    /** {@code prop_array_mutable()} negated. */
    public boolean isImmutable() {
        return immutable;
    }

    /** A read-only view of the elements in order. */
    public List<PropObject> items() {
        return Collections.unmodifiableList(items);
    }

    @Override
    public Iterator<PropObject> iterator() {
        return items().iterator();
    }

    public OptionalInt getInt32(int i) {
        return PropGet.int32(get(i));
    }

    public OptionalLong getUint32(int i) {
        return PropGet.uint32(get(i));
    }

    public OptionalLong getInt64(int i) {
        return PropGet.int64(get(i));
    }

    public OptionalLong getUint64(int i) {
        return PropGet.uint64(get(i));
    }

    /** {@code prop_array_get_string}/{@code get_cstring_nocopy}: null unless a string. */
    public String getString(int i) {
        return PropGet.string(get(i));
    }

    /** {@code prop_array_add_uint32}: appends an unsigned number. */
    public boolean addUint32(long v) {
        return add(PropNumber.unsigned(v & 0xffff_ffffL));
    }

    /** {@code prop_array_set_uint32}: sets an unsigned number at {@code i}. */
    public boolean setUint32(int i, long v) {
        return set(i, PropNumber.unsigned(v & 0xffff_ffffL));
    }

    /** {@code prop_array_add_cstring}. */
    public boolean addString(String s) {
        return add(PropString.of(s));
    }

    @Override
    public PropType type() {
        return PropType.ARRAY;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PropArray a && items.equals(a.items);
    }

    @Override
    public int hashCode() {
        return items.hashCode();
    }

    @Override
    public String toString() {
        return items.toString();
    }
}
