package org.dmemu.libdm;

import org.dmemu.proplib.PropDictionary;

/**
 * Emulates {@code libdm_table_t} (lib/libdm/libdm_ioctl.c): one table-entry dictionary
 * ({@code start} uint64, {@code length} uint64, {@code type} string, {@code params} string,
 * {@code status} int32 in replies).
 *
 * <p>Differences from NetBSD: absent numbers read as 0 (undefined in C).
 */
public final class LibdmTable {
    public static final String DM_TABLE_TYPE = "type";
    public static final String DM_TABLE_START = "start";
    public static final String DM_TABLE_LENGTH = "length";
    public static final String DM_TABLE_PARAMS = "params";
    public static final String DM_TABLE_STAT = "status";

    private final PropDictionary dict;

    LibdmTable(PropDictionary dict) {
        this.dict = dict;
    }

    /** {@code libdm_table_create()}. */
    public static LibdmTable create() {
        return new LibdmTable(new PropDictionary());
    }

    public PropDictionary dictionary() {
        return dict;
    }

    public boolean setStart(long start) {
        return dict.setUint64(DM_TABLE_START, start);
    }

    public long getStart() {
        return dict.getUint64(DM_TABLE_START).orElse(0);
    }

    public boolean setLength(long length) {
        return dict.setUint64(DM_TABLE_LENGTH, length);
    }

    public long getLength() {
        return dict.getUint64(DM_TABLE_LENGTH).orElse(0);
    }

    public boolean setTarget(String type) {
        return dict.setString(DM_TABLE_TYPE, type);
    }

    public String getTarget() {
        return dict.getString(DM_TABLE_TYPE);
    }

    public boolean setParams(String params) {
        return dict.setString(DM_TABLE_PARAMS, params);
    }

    /** Null if absent. */
    public String getParams() {
        return dict.getString(DM_TABLE_PARAMS);
    }

    public int getStatus() {
        return dict.getInt32(DM_TABLE_STAT).orElse(0);
    }
}
