package org.dmemu.dev.dm.target;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Emulates the target registry of sys/dev/dm/dm_target.c: the list in registration order,
 * {@code dm_target_lookup} by exact name, and {@code dm_target_init}'s built-ins.
 *
 * <p>Built in (order = {@code targets} reply order): linear 1.0.2, striped 1.0.3, error 1.0.0,
 * zero 1.0.0. delay and flakey are appended (in that order) only when the kernel config names
 * them; multipath, snapshot (registering snapshot-origin and snapshot) and mirror, Linux's
 * targets, are appended after them when named, then crypt
 * (Linux's dm-crypt table syntax, not a NetBSD target). Module autoload always fails (no module loader).
 *
 * <p>Differences from NetBSD: target reference counts are not kept (no module unload).
 */
public final class DmTargetList {
    private final List<DmTarget> targets = new ArrayList<>();

    /** The registry {@code dm_target_init} builds, plus the named extras (delay, flakey). */
    public static DmTargetList builtins(Set<String> extra) {
        return builtins(extra, null);
    }

    /** {@link #builtins(Set)} with the trace targets with background work (mirror resync) write to. */
    public static DmTargetList builtins(Set<String> extra, org.dmemu.sys.Trace trace) {
        DmTargetList l = new DmTargetList();
        l.targets.add(new DmTargetLinear());
        l.targets.add(new DmTargetStripe());
        l.targets.add(new DmTargetError());
        l.targets.add(new DmTargetZero());
        if (extra.contains("delay")) {
            l.targets.add(new DmTargetDelay());
        }
        if (extra.contains("flakey")) {
            l.targets.add(new DmTargetFlakey());
        }
        // issue 10 (Linux targets, dmemu extensions): appended in this order when named
        if (extra.contains("multipath")) {
            l.targets.add(new DmTargetMultipath());
        }
        if (extra.contains("snapshot")) {
            org.dmemu.dev.dm.target.snap.SnapshotRegistry reg = new org.dmemu.dev.dm.target.snap.SnapshotRegistry();
            l.targets.add(new DmTargetSnapshotOrigin(reg));
            l.targets.add(new DmTargetSnapshot(reg));
        }
        if (extra.contains("mirror")) {
            l.targets.add(new DmTargetMirror(trace));
        }
        if (extra.contains("crypt")) {
            l.targets.add(new DmTargetCrypt());
        }
        return l;
    }

    /** The names {@link #builtins} accepts as extras. */
    public static final Set<String> EXTRAS = Set.of("delay", "flakey", "multipath", "snapshot", "mirror", "crypt");

    /** {@code dm_target_lookup(name)}: exact match, or null (also for a null name). */
    public DmTarget lookup(String name) {
        if (name == null) {
            return null;
        }
        for (DmTarget t : targets) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }

    /** The targets in registration order. */
    public List<DmTarget> all() {
        return List.copyOf(targets);
    }
}
