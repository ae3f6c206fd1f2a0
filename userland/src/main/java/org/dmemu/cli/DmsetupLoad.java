package org.dmemu.cli;

import java.io.PrintStream;
import java.util.List;
import org.dmemu.libdevmapper.DmTask;
import org.dmemu.libdevmapper.DmTask.Type;

/**
 * {@code dmsetup create}, {@code load} and {@code reload}: LVM2 2.02.56 tools/dmsetup.c
 * {@code _create} and {@code _load} ({@code reload} is {@code load} under another name). Both
 * read the table with {@link DmsetupTableFile} and send one task ({@code CREATE} with the
 * table, or {@code RELOAD} into the inactive slot); with {@code -v} the device's info follows.
 *
 * <p>Differences from NetBSD/LVM2: no node files exist, so {@code create} does not make a
 * {@code /dev/mapper} node.
 */
final class DmsetupLoad {
    private final DmsetupContext c;
    private final DmsetupOptions o;
    private final PrintStream err;

    DmsetupLoad(DmsetupContext c) {
        this.c = c;
        this.o = c.opts;
        this.err = c.err;
    }

    /** {@code _create}: {@code create NAME [TABLE_FILE]}. */
    boolean create(List<String> argv) {
        String file = argv.size() == 3 ? argv.get(2) : null;
        DmTask t = c.lib.taskCreate(Type.CREATE);
        if (t == null || !t.setName(argv.get(1))) {
            return false;
        }
        if (o.uuid != null) {
            t.setUuid(o.uuid);
        }
        if (!o.notable && !new DmsetupTableFile(c).parseFile(t, file)) {
            return false;
        }
        if (o.readOnly) {
            t.setRo();
        }
        if (o.majorSet) {
            t.setMajor(o.majorArg);
        }
        if (o.minorSet) {
            t.setMinor(o.minorArg);
        }
        if (o.inactive) {
            t.queryInactiveTable();
        }
        if (!t.run()) {
            return false;
        }
        return o.verbose == 0 || c.displayInfo(t);
    }

    /** {@code _load}: {@code load|reload DEVICE [TABLE_FILE]}. */
    boolean load(List<String> argv) {
        if (o.notable) {
            err.print("--notable only available when creating new device\n\n");
            return false;
        }
        String name = null;
        List<String> a = argv;
        if (o.uuid == null && !o.majorSet) {
            if (a.size() == 1) {
                err.print("Please specify device.\n\n");
                return false;
            }
            name = a.get(1);
            a = a.subList(1, a.size());
        } else if (a.size() > 2) {
            err.print("Too many command line arguments.\n\n");
            return false;
        }
        String file = a.size() == 2 ? a.get(1) : null;
        DmTask t = c.lib.taskCreate(Type.RELOAD);
        if (t == null || !c.setTaskDevice(t, name, false) || !new DmsetupTableFile(c).parseFile(t, file)) {
            return false;
        }
        if (o.readOnly) {
            t.setRo();
        }
        if (o.inactive) {
            t.queryInactiveTable();
        }
        if (!t.run()) {
            return false;
        }
        return o.verbose == 0 || c.displayInfo(t);
    }
}
