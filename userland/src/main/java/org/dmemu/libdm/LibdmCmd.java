package org.dmemu.libdm;

import org.dmemu.proplib.PropArray;
import org.dmemu.proplib.PropString;

/**
 * Emulates {@code libdm_cmd_t} (lib/libdm/libdm_ioctl.c): the {@code cmd_data} array.
 *
 * <p>Differences from NetBSD: no reference counting, so the C over-release bugs of the
 * iterator getters do not exist here.
 */
public final class LibdmCmd {
    private final PropArray array;

    LibdmCmd(PropArray array) {
        this.array = array;
    }

    /** {@code libdm_cmd_create()}: an empty array. */
    public static LibdmCmd create() {
        return new LibdmCmd(new PropArray());
    }

    public PropArray array() {
        return array;
    }

    /** {@code libdm_cmd_iter_create(cmd)}. */
    public LibdmIter iter() {
        return new LibdmIter(array);
    }

    /** {@code libdm_cmd_set_table(table, cmd)}: appends the table dictionary. */
    public boolean setTable(LibdmTable table) {
        return array.add(table.dictionary());
    }

    /**
     * {@code libdm_dev_set_newname(name, cmd)}: stores the string at index 0 (appends if the
     * array is empty, replaces element 0 otherwise); ENOENT for a null name.
     */
    public int setNewname(String name) {
        if (name == null) {
            return LibdmTask.ENOENT;
        }
        return array.set(0, PropString.of(name)) ? 0 : LibdmTask.ENOENT;
    }
}
