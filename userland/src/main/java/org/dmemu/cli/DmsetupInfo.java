package org.dmemu.cli;

import java.io.PrintStream;
import java.util.List;
import org.dmemu.libdevmapper.DmTask;
import org.dmemu.libdevmapper.DmTask.Type;

/**
 * {@code dmsetup info} and {@code deps}: LVM2 2.02.56 tools/dmsetup.c {@code _info} and
 * {@code _deps}. Without a device (and without {@code -u}/{@code -j -m}) each runs once per
 * device from {@code names}; the info block itself is
 * {@link DmsetupContext#displayInfo}, and {@code deps} prints
 * {@code N dependencies\t: (MAJ, MIN)...}, prefixed with the name when listing all.
 *
 * <p>Differences from NetBSD/LVM2: none.
 */
final class DmsetupInfo {
    private final DmsetupContext c;
    private final DmsetupOptions o;
    private final PrintStream out;

    DmsetupInfo(DmsetupContext c) {
        this.c = c;
        this.o = c.opts;
        this.out = c.out;
    }

    /** {@code info [DEVICE]}. */
    boolean info(List<String> argv) {
        int argc = argv.size();
        if (argc == 1 && o.uuid == null && !o.majorSet) {
            return c.processAll(false, n -> info(n.name()));
        }
        return info(argc == 2 ? argv.get(1) : null);
    }

    /** {@code deps [DEVICE]}. */
    boolean deps(List<String> argv) {
        int argc = argv.size();
        if (argc == 1 && o.uuid == null && !o.majorSet) {
            return c.processAll(false, n -> deps(n.name(), true));
        }
        return deps(argc == 2 ? argv.get(1) : null, false);
    }

    /** {@code _info} for one device. */
    private boolean info(String name) {
        DmTask t = c.lib.taskCreate(Type.INFO);
        if (t == null || !c.setTaskDevice(t, name, false)) {
            return false;
        }
        if (o.inactive) {
            t.queryInactiveTable();
        }
        if (!t.run()) {
            return false;
        }
        return c.displayInfo(t);
    }

    /** {@code _deps} for one device; {@code all} when called for each of {@code names}. */
    private boolean deps(String name, boolean all) {
        DmTask t = c.lib.taskCreate(Type.DEPS);
        if (t == null || !c.setTaskDevice(t, name, false)) {
            return false;
        }
        if (o.inactive) {
            t.queryInactiveTable();
        }
        if (!t.run()) {
            return false;
        }
        DmTask.Info info = t.getInfo();
        if (info == null) {
            return false;
        }
        if (!info.exists()) {
            out.print("Device does not exist.\n");
            return true;
        }
        if (o.verbose > 0) {
            c.displayInfo(t);
        }
        StringBuilder sb = new StringBuilder();
        if (all && o.verbose == 0) {
            sb.append(name).append(": ");
        }
        sb.append(t.deps().size()).append(" dependencies\t:");
        for (long[] d : t.deps()) {
            sb.append(" (").append(d[0]).append(", ").append(d[1]).append(')');
        }
        sb.append('\n');
        if (all && o.verbose > 0) {
            sb.append('\n');
        }
        out.print(sb);
        return true;
    }
}
