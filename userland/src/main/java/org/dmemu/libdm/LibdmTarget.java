package org.dmemu.libdm;

import org.dmemu.proplib.PropDictionary;

/** Emulates {@code libdm_target_t}: one element of a {@code targets} reply ({@code name}, {@code ver}). */
public final class LibdmTarget {
    private final PropDictionary dict;

    LibdmTarget(PropDictionary dict) {
        this.dict = dict;
    }

    public String getName() {
        return dict.getString("name");
    }

    /** {@code libdm_target_get_version}: as {@link LibdmTask#getCmdVersion}, from {@code ver}. */
    public int getVersion(long[] ver, int n) {
        return LibdmTask.readVersion(dict.getArray("ver"), ver, n);
    }
}
