package org.dmemu.cli;

import java.util.List;
import org.dmemu.libdevmapper.DmTask;
import org.dmemu.libdevmapper.DmTask.Type;

/**
 * {@code dmsetup remove} and {@code remove_all}, with and without {@code -f}: LVM2 2.02.56
 * tools/dmsetup.c {@code _remove}, {@code _remove_all}, {@code _error_device} and
 * {@code _get_device_size}. With {@code -f} a device's table is first replaced by one
 * {@code error} target of the same size and resumed, so a device still open can go;
 * {@code remove_all -f} does that to every device left after a first {@code REMOVE_ALL}, tries
 * again, and counts what remains.
 *
 * <p>Differences from NetBSD/LVM2: no node files exist, so removing touches no
 * {@code /dev/mapper} directory.
 */
final class DmsetupRemove {
    private final DmsetupContext c;
    private final DmsetupOptions o;

    DmsetupRemove(DmsetupContext c) {
        this.c = c;
        this.o = c.opts;
    }

    /** {@code _remove}: {@code remove [-f] DEVICE}. */
    boolean remove(List<String> argv) {
        int argc = argv.size();
        if (o.force && argc > 1) {
            errorDevice(argv.get(1));
        }
        return c.simple(Type.REMOVE, argc > 1 ? argv.get(1) : null, 0, false);
    }

    /** {@code _remove_all}: {@code remove_all [-f]}. */
    boolean removeAll() {
        boolean r = c.simple(Type.REMOVE_ALL, "", 0, false) | c.lib.mknodes(null);
        if (!o.force) {
            return r;
        }
        int[] count = {0};
        r |= c.processAll(true, n -> {
            count[0]++;
            return true;
        });
        if (count[0] == 0) {
            return r;
        }
        r |= c.processAll(true, n -> errorDevice(n.name()));
        r |= c.simple(Type.REMOVE_ALL, "", 0, false) | c.lib.mknodes(null);
        count[0] = 0;
        r |= c.processAll(true, n -> {
            count[0]++;
            return true;
        });
        if (count[0] == 0) {
            return r;
        }
        c.err.print("Unable to remove " + count[0] + " device(s).\n");
        return r;
    }

    /** {@code _get_device_size}: Σ lengths of the table, 0 if absent. */
    private long deviceSize(String name) {
        DmTask t = c.lib.taskCreate(Type.TABLE);
        if (t == null || !c.setTaskDevice(t, name, false)) {
            return 0;
        }
        if (o.inactive) {
            t.queryInactiveTable();
        }
        if (!t.run()) {
            return 0;
        }
        DmTask.Info info = t.getInfo();
        if (info == null || !info.exists()) {
            return 0;
        }
        long size = 0;
        for (DmTask.Target x : t.targets()) {
            size += x.length();
        }
        return size;
    }

    /** {@code _error_device}: replace the table by one error target of the same size. */
    private boolean errorDevice(String name) {
        long size = deviceSize(name);
        DmTask t = c.lib.taskCreate(Type.RELOAD);
        if (t == null || !c.setTaskDevice(t, name, false)) {
            return false;
        }
        t.addTarget(0, size, "error", "");
        if (o.readOnly) {
            t.setRo();
        }
        if (o.inactive) {
            t.queryInactiveTable();
        }
        if (!t.run()) {
            return false;
        }
        if (!c.simple(Type.RESUME, name, 0, false)) {
            c.simple(Type.CLEAR, name, 0, false);
            return false;
        }
        return true;
    }
}
