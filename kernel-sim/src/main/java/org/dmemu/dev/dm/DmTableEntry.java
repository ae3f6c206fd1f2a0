package org.dmemu.dev.dm;

import java.util.ArrayList;
import java.util.List;

import org.dmemu.dev.dm.target.DmTarget;

/**
 * Emulates {@code struct dm_table_entry} (dm.h 1.56): one line of a table — start and length in
 * 512-byte sectors, the target, the target's private config, and the pdevs it maps onto
 * ({@code pdev_maps}, filled by {@link #addDeps}).
 *
 * <p>Differences from NetBSD: none.
 */
public final class DmTableEntry {
    /** {@code start}: the first sector of the dm device this entry maps (uint64). */
    public final long start;
    /** {@code length}: the number of sectors (uint64). */
    public final long length;
    /** {@code target}. */
    public final DmTarget target;
    /** The params string as loaded (null if the request had none). */
    public final String params;
    private Object config;
    private final List<DmPdev> pdevMaps = new ArrayList<>(2);

    public DmTableEntry(long start, long length, DmTarget target, String params) {
        this.start = start;
        this.length = length;
        this.target = target;
        this.params = params;
    }

    /** {@code target_config} (null until init succeeds). */
    public Object config() {
        return config;
    }

    public void setConfig(Object config) {
        this.config = config;
    }

    /** {@code dm_table_add_deps(entry, pdev)}: records {@code pdev} unless already listed. */
    public void addDeps(DmPdev pdev) {
        if (!pdevMaps.contains(pdev)) {
            pdevMaps.add(pdev);
        }
    }

    /** The pdevs of this entry in registration order. */
    public List<DmPdev> pdevMaps() {
        return pdevMaps;
    }

    @Override
    public String toString() {
        return Long.toUnsignedString(start) + " " + Long.toUnsignedString(length) + " " + target.name()
                + (params == null ? "" : " " + target.redactParams(params));
    }
}
