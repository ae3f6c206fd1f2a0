package org.dmemu.dev.dm;

import java.util.ArrayList;
import java.util.List;

import org.dmemu.sys.Errno;

/**
 * Emulates the device list of sys/dev/dm/dm_dev.c: {@code dm_dev_lookup}, {@code dm_dev_insert},
 * {@code dm_dev_rem}, {@code dm_dev_lookup_minor}, {@code dm_dev_prop_list}'s order.
 *
 * <p>The list is in insertion order (create and rename append at the tail). Callers hold the
 * kernel's ioctl lock, which stands for {@code dm_dev_mutex}.
 *
 * <p>Differences from NetBSD: none known; the newest dm_dev.c could not be read (the rules
 * follow rev 1.9 and the spec's [I] notes; see docs/differences.md).
 */
public final class DmDevList {
    private final List<DmDev> list = new ArrayList<>();

    /**
     * {@code dm_dev_lookup(name, uuid, minor)}: by minor if {@code minor > 0}, else/then by exact
     * non-empty name, then by exact non-empty uuid.
     */
    public DmDev lookup(String name, String uuid, long minor) {
        if (minor > 0) {
            DmDev d = byMinor(minor);
            if (d != null) {
                return d;
            }
        }
        if (name != null && !name.isEmpty()) {
            for (DmDev d : list) {
                if (d.name.equals(name)) {
                    return d;
                }
            }
        }
        if (uuid != null && !uuid.isEmpty()) {
            for (DmDev d : list) {
                if (d.uuid.equals(uuid)) {
                    return d;
                }
            }
        }
        return null;
    }

    /** {@code dm_dev_lookup_minor}. */
    public DmDev byMinor(long minor) {
        for (DmDev d : list) {
            if (d.minor == minor) {
                return d;
            }
        }
        return null;
    }

    /** The device named {@code name} (byte string), or null. */
    public DmDev byName(String name) {
        for (DmDev d : list) {
            if (d.name.equals(name)) {
                return d;
            }
        }
        return null;
    }

    /**
     * {@code dm_dev_insert}: EEXIST if another device has the same non-empty uuid, the same
     * non-empty name or the same minor; else appended at the tail.
     */
    public Errno insert(DmDev dev) {
        for (DmDev d : list) {
            if ((!dev.uuid.isEmpty() && d.uuid.equals(dev.uuid)) || (!dev.name.isEmpty() && d.name.equals(dev.name))
                    || d.minor == dev.minor) {
                return Errno.EEXIST;
            }
        }
        list.add(dev);
        dev.listed = true;
        return Errno.NONE;
    }

    /**
     * {@code dm_dev_rem(name, uuid, minor)}: unlinks and returns the device found by minor
     * ({@code > 0}), else by name, else — quirk of dm_dev.c — by comparing {@code uuid} with the
     * devices' <em>names</em>.
     */
    public DmDev rem(String name, String uuid, long minor) {
        DmDev found = null;
        if (minor > 0) {
            found = byMinor(minor);
        }
        if (found == null && name != null && !name.isEmpty()) {
            found = byName(name);
        }
        if (found == null && uuid != null && !uuid.isEmpty()) {
            found = byName(uuid);
        }
        if (found != null) {
            unlink(found);
        }
        return found;
    }

    /** Unlinks {@code dev} ({@code dm_dev_detach}). */
    public void unlink(DmDev dev) {
        list.remove(dev);
        dev.listed = false;
    }

    /** The devices in list order. */
    public List<DmDev> all() {
        return List.copyOf(list);
    }
}
