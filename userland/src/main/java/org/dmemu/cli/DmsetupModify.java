package org.dmemu.cli;

import java.util.List;
import org.dmemu.libdevmapper.DmTask;
import org.dmemu.libdevmapper.DmTask.Type;

/**
 * The commands that send one task carrying words beyond the device: {@code dmsetup rename},
 * {@code message} and {@code setgeometry}, after LVM2 2.02.56 tools/dmsetup.c
 * {@code _rename}, {@code _message} and {@code _setgeometry}. The device is the first operand,
 * or {@code -u}/{@code -j -m} when given (then the operands start one word earlier).
 *
 * <p>Differences from NetBSD/LVM2: no node files exist, so {@code rename} renames no
 * {@code /dev/mapper} node. {@code setgeometry} fails as on NetBSD, where
 * {@code dm_task_set_geometry} is a stub returning 0, so its task is never sent.
 */
final class DmsetupModify {
    private final DmsetupContext c;
    private final DmsetupOptions o;

    DmsetupModify(DmsetupContext c) {
        this.c = c;
        this.o = c.opts;
    }

    /** {@code _rename}: {@code rename [DEVICE] NEW_NAME}. */
    boolean rename(List<String> argv) {
        DmTask t = c.lib.taskCreate(Type.RENAME);
        if (t == null || !c.setTaskDevice(t, argv.size() == 3 ? argv.get(1) : null, false)) {
            return false;
        }
        t.setNewname(argv.get(argv.size() - 1));
        if (o.inactive) {
            t.queryInactiveTable();
        }
        return t.run();
    }

    /** {@code _message}: {@code message [DEVICE] SECTOR WORD...}, the words joined by spaces. */
    boolean message(List<String> argv) {
        DmTask t = c.lib.taskCreate(Type.TARGET_MSG);
        if (t == null) {
            return false;
        }
        List<String> a = argv;
        if (o.uuid != null || o.majorSet) {
            if (!c.setTaskDevice(t, null, false)) {
                return false;
            }
        } else {
            if (!c.setTaskDevice(t, a.get(1), false)) {
                return false;
            }
            a = a.subList(1, a.size());
        }
        if (a.size() < 2) {
            return false;
        }
        t.setSector(DmsetupOptions.atoi(a.get(1)));
        a = a.subList(2, a.size());
        if (a.isEmpty()) {
            c.err.print("No message supplied.\n\n");
        }
        t.setMessage(String.join(" ", a));
        if (o.inactive) {
            t.queryInactiveTable();
        }
        return t.run();
    }

    /** {@code _setgeometry}: {@code setgeometry DEVICE CYL HEAD SECT START}. */
    boolean setgeometry(List<String> argv) {
        DmTask t = c.lib.taskCreate(Type.SET_GEOMETRY);
        if (t == null) {
            return false;
        }
        if (o.uuid != null || o.majorSet) {
            c.setTaskDevice(t, null, false);
        } else {
            c.setTaskDevice(t, argv.get(1), false);
        }
        return false; // dm_task_set_geometry is a stub returning 0 on NetBSD
    }
}
