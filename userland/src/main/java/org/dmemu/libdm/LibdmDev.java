package org.dmemu.libdm;

import org.dmemu.proplib.PropDictionary;

/** Emulates {@code libdm_dev_t}: one element of a {@code names} reply ({@code name}, {@code dev}). */
public final class LibdmDev {
    private final PropDictionary dict;

    LibdmDev(PropDictionary dict) {
        this.dict = dict;
    }

    public String getName() {
        return dict.getString("name");
    }

    /** {@code libdm_dev_get_minor}: {@code dev} read as uint32 (0 if absent). */
    public long getMinor() {
        return dict.getUint32("dev").orElse(0);
    }
}
