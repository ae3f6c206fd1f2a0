package org.dmemu.libdm;

import org.dmemu.proplib.PropArray;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.proplib.PropNumber;
import org.dmemu.proplib.PropObject;

/**
 * Emulates {@code libdm_iter_t} and the {@code libdm_cmd_get_*} iterator functions
 * (lib/libdm/libdm_ioctl.c): each call returns the next element of {@code cmd_data}.
 *
 * <p>Differences from NetBSD: an element of the wrong type gives an empty handle whose getters
 * return null/0 (C would read it as if it had the right type).
 */
public final class LibdmIter {
    private final PropArray array;
    private int next;

    LibdmIter(PropArray array) {
        this.array = array;
    }

    private PropObject nextObject() {
        return next < array.count() ? array.get(next++) : null;
    }

    private static PropDictionary dict(PropObject o) {
        return o instanceof PropDictionary d ? d : new PropDictionary();
    }

    /** {@code libdm_cmd_get_table(iter)}: null at the end. */
    public LibdmTable getTable() {
        PropObject o = nextObject();
        return o == null ? null : new LibdmTable(dict(o));
    }

    /** {@code libdm_cmd_get_target(iter)}: null at the end. */
    public LibdmTarget getTarget() {
        PropObject o = nextObject();
        return o == null ? null : new LibdmTarget(dict(o));
    }

    /** {@code libdm_cmd_get_dev(iter)}: null at the end. */
    public LibdmDev getDev() {
        PropObject o = nextObject();
        return o == null ? null : new LibdmDev(dict(o));
    }

    /** {@code libdm_cmd_get_deps(iter)}: the next element's unsigned value; 0 at the end. */
    public long getDeps() {
        PropObject o = nextObject();
        return o instanceof PropNumber n ? n.unsignedValue() : 0;
    }
}
