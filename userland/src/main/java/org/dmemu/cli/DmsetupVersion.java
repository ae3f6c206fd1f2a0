package org.dmemu.cli;

import java.util.List;
import org.dmemu.libdevmapper.DmTask;
import org.dmemu.libdevmapper.DmTask.Type;

/**
 * What the library and the driver offer: {@code dmsetup version} and {@code targets}, after
 * LVM2 2.02.56 tools/dmsetup.c {@code _version} and {@code _targets}. {@code version} prints
 * the library version, then the driver's (failing if the driver cannot be asked);
 * {@code targets} prints one {@code %-16s v%d.%d.%d} line per registered target.
 *
 * <p>Differences from NetBSD/LVM2: none.
 */
final class DmsetupVersion {
    private final DmsetupContext c;

    DmsetupVersion(DmsetupContext c) {
        this.c = c;
    }

    /** {@code _version}. */
    boolean version() {
        c.out.print("Library version:   " + c.lib.libraryVersion() + "\n");
        String v = c.lib.driverVersion();
        if (v == null) {
            return false;
        }
        c.out.print("Driver version:    " + v + "\n");
        return true;
    }

    /** {@code _targets}: an empty list still prints one line (a nameless v0.0.0), as C's do-while does. */
    boolean targets() {
        DmTask t = c.lib.taskCreate(Type.LIST_VERSIONS);
        if (t == null || !t.run()) {
            return false;
        }
        List<DmTask.Version> vs = t.versions();
        if (vs.isEmpty()) {
            vs = List.of(new DmTask.Version("", new long[3]));
        }
        StringBuilder sb = new StringBuilder();
        for (DmTask.Version v : vs) {
            sb.append(String.format("%-16s v%d.%d.%d\n", v.name(), (int) v.version()[0], (int) v.version()[1],
                    (int) v.version()[2]));
        }
        c.out.print(sb);
        return true;
    }
}
