package org.dmemu.lvm;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.dmemu.libdevmapper.DmTask;
import org.dmemu.libdevmapper.Libdevmapper;

/**
 * LV activation and deactivation through libdevmapper, request for request as NetBSD's LVM2
 * does it (lib/activate/activate.c {@code lv_info}, {@code _lv_activate},
 * {@code lv_deactivate}, {@code lvs_in_vg_activated}, {@code lvs_in_vg_opened};
 * lib/activate/dev_manager.c {@code _info}, {@code _add_dev_to_dtree},
 * {@code _add_lv_to_dtree}, {@code _tree_action}; libdm/libdm-deptree.c {@code _deps},
 * {@code _create_node}, {@code _load_node}, {@code _resume_node}, {@code _deactivate_node},
 * {@code dm_tree_deactivate_children}; NetBSD's dev_manager.c 1.1.1.1.2.1).
 *
 * <p>Activating a fresh LV sends: {@code lv_info} (info by uuid {@code LVM-<vg><lv>}, by the
 * uuid without "LVM-", by name), the dependency tree for the ACTIVATE action (the same three
 * look-ups for the LV and its layers {@code -real}, {@code -cow}, {@code -_mlog}),
 * {@code create} (name, uuid), {@code table} by minor (the identical-reload check),
 * {@code reload} by minor, {@code resume} (name and minor), and the CLEAN tree (the look-ups
 * again; the LV now exists, so its {@code deps} by minor too). Deactivation: {@code lv_info},
 * the DEACTIVATE tree, {@code info} by minor (open count), {@code remove} by minor.
 *
 * <p>Differences from NetBSD: no {@code /dev/mapper} nodes or {@code /dev/VG/LV} links are
 * made (libdevmapper's {@code mknod}s are not emulated); no locking, no memory locking, no
 * udev cookies; read-ahead is not set (NetBSD reports none).
 */
public final class LvmActivate {
    private final Libdevmapper lib;
    private final PrintStream err;

    /** One node of the dependency tree ({@code struct dm_tree_node}): the look-up's result. */
    private record Node(String name, String uuid, DmTask.Info info) {
    }

    public LvmActivate(Libdevmapper lib, PrintStream err) {
        this.lib = lib;
        this.err = err;
    }

    /** {@code _info_run}: one {@code info} task by name, uuid or device number; null if it failed. */
    private DmTask.Info infoRun(String name, String uuid, int minor) {
        DmTask t = lib.taskCreate(DmTask.Type.INFO);
        if (t == null) {
            return null;
        }
        if (name != null && !t.setName(name)) {
            return null;
        }
        if (uuid != null && !uuid.isEmpty()) {
            t.setUuid(uuid);
        }
        if (minor >= 0) {
            t.setMajor(Libdevmapper.dmBlockMajor());
            t.setMinor(minor);
        }
        if (!t.run()) {
            return null;
        }
        return t.getInfo();
    }

    /** {@code _info}: by uuid, by the uuid without "LVM-", then by name. */
    private DmTask.Info info(String name, String dlid) {
        DmTask.Info i = infoRun(null, dlid, -1);
        if (i != null && i.exists()) {
            return i;
        }
        i = infoRun(null, dlid.substring(DevManager.UUID_PREFIX.length()), -1);
        if (i != null && i.exists()) {
            return i;
        }
        return infoRun(name, null, -1);
    }

    /** {@code lv_info}: the LV's dm device as the kernel reports it; null when the look-up failed. */
    public DmTask.Info lvInfo(VgMetadata vg, VgMetadata.Lv lv) {
        return info(DevManager.dmName(vg.name(), lv.name(), null), DevManager.dlid(vg.uuid(), lv.uuid(), null));
    }

    /** {@code _deps} of a dm device by number (its name and uuid come back with it). */
    private Node deps(int minor) {
        DmTask t = lib.taskCreate(DmTask.Type.DEPS);
        if (t == null) {
            return null;
        }
        t.setMajor(Libdevmapper.dmBlockMajor());
        t.setMinor(minor);
        if (!t.run()) {
            return null;
        }
        DmTask.Info i = t.getInfo();
        return i == null || !i.exists() ? null : new Node(t.getName(), t.getUuid(), i);
    }

    /** {@code _create_partial_dtree} → {@code _add_lv_to_dtree}: the existing nodes of the LV's layers. */
    private List<Node> partialTree(VgMetadata vg, VgMetadata.Lv lv) {
        List<Node> nodes = new ArrayList<>();
        for (String layer : DevManager.LAYERS) {
            String name = DevManager.dmName(vg.name(), lv.name(), layer);
            DmTask.Info i = info(name, DevManager.dlid(vg.uuid(), lv.uuid(), layer));
            if (i == null) {
                err.print("  Failed to get info for " + name + " [" + DevManager.dlid(vg.uuid(), lv.uuid(), layer)
                        + "].\n");
                return null;
            }
            if (i.exists()) {
                Node n = deps(i.minor());
                if (n != null) {
                    nodes.add(n);
                }
            }
        }
        return nodes;
    }

    /**
     * {@code _lv_activate}: activates {@code lv} unless it is already active.
     *
     * @return false after an error message
     */
    public boolean activate(LvmScan.VolumeGroup vg, VgMetadata.Lv lv) {
        VgMetadata m = vg.meta();
        List<DmTask.Target> table;
        try {
            table = DevManager.table(vg, lv);
        } catch (LvmFormatException e) {
            err.print("  " + e.getMessage() + "\n");
            return false;
        }
        DmTask.Info info = lvInfo(m, lv);
        if (info == null) {
            return false;
        }
        if (info.exists() && !info.suspended() && info.liveTable()) {
            return true;
        }
        String dlid = DevManager.dlid(m.uuid(), lv.uuid(), null);
        String name = DevManager.dmName(m.name(), lv.name(), null);
        boolean ro = !m.writable() || !lv.writable();
        // ACTIVATE
        List<Node> tree = partialTree(m, lv);
        if (tree == null) {
            return false;
        }
        Node node = null;
        for (Node n : tree) {
            if (n.uuid().equals(dlid)) {
                node = n;
            }
        }
        DmTask.Info ni = node == null ? null : node.info();
        if (ni == null) {
            ni = createNode(name, dlid, ro);
            if (ni == null) {
                return false;
            }
        }
        if (!ni.inactiveTable()) {
            ni = loadNode(name, ni.minor(), ro, table);
            if (ni == null) {
                return false;
            }
        }
        if (ni.inactiveTable() || ni.suspended()) {
            if (!resumeNode(name, ni.minor())) {
                err.print("  Unable to resume " + name + " (" + Libdevmapper.dmBlockMajor() + ":" + ni.minor()
                        + ")\n");
                return false;
            }
        }
        // CLEAN: the tree again; no layer devices exist, so there is nothing to remove.
        return partialTree(m, lv) != null;
    }

    /** {@code _create_node}: the reply's info, or null. */
    private DmTask.Info createNode(String name, String dlid, boolean ro) {
        DmTask t = lib.taskCreate(DmTask.Type.CREATE);
        if (t == null || !t.setName(name)) {
            return null;
        }
        t.setUuid(dlid);
        if (ro) {
            t.setRo();
        }
        if (!t.run()) {
            return null;
        }
        DmTask.Info i = t.getInfo();
        if (i == null || !i.exists()) {
            err.print("  device-mapper: create ioctl failed: Device or resource busy\n");
            return null;
        }
        return i;
    }

    /**
     * {@code _load_node} with {@code dm_task_suppress_identical_reload}: the live table by
     * number first; the {@code reload} only when it differs.
     */
    private DmTask.Info loadNode(String name, int minor, boolean ro, List<DmTask.Target> table) {
        DmTask q = lib.taskCreate(DmTask.Type.TABLE);
        if (q == null) {
            return null;
        }
        q.setMajor(Libdevmapper.dmBlockMajor());
        q.setMinor(minor);
        if (!q.run()) {
            return null;
        }
        DmTask.Info live = q.getInfo();
        if (live != null && live.exists() && live.liveTable() && live.readOnly() == ro && same(q.targets(), table)) {
            return live;
        }
        DmTask t = lib.taskCreate(DmTask.Type.RELOAD);
        if (t == null) {
            return null;
        }
        t.setMajor(Libdevmapper.dmBlockMajor());
        t.setMinor(minor);
        if (ro) {
            t.setRo();
        }
        for (DmTask.Target x : table) {
            t.addTarget(x.start(), x.length(), x.type(), x.params());
        }
        if (!t.run()) {
            return null;
        }
        DmTask.Info i = t.getInfo();
        if (i == null || !i.exists() || !i.inactiveTable()) {
            err.print("  device-mapper: reload ioctl failed: Invalid argument\n");
            return null;
        }
        return i;
    }

    private static boolean same(List<DmTask.Target> live, List<DmTask.Target> table) {
        if (live.size() != table.size()) {
            return false;
        }
        for (int i = 0; i < live.size(); i++) {
            DmTask.Target a = live.get(i);
            DmTask.Target b = table.get(i);
            if (a.start() != b.start() || a.length() != b.length() || !a.type().equals(b.type())
                    || !a.params().strip().equals(b.params().strip())) {
                return false;
            }
        }
        return true;
    }

    /** {@code _resume_node}: by name and number. */
    private boolean resumeNode(String name, int minor) {
        DmTask t = lib.taskCreate(DmTask.Type.RESUME);
        if (t == null || !t.setName(name)) {
            return false;
        }
        t.setMajor(Libdevmapper.dmBlockMajor());
        t.setMinor(minor);
        if (!t.run()) {
            return false;
        }
        DmTask.Info i = t.getInfo();
        return i != null && i.exists() && !i.suspended();
    }

    /**
     * {@code lv_deactivate}: removes the LV's dm device (and any layer of it) unless it is open.
     *
     * @return false after an error message
     */
    public boolean deactivate(VgMetadata vg, VgMetadata.Lv lv) {
        DmTask.Info info = lvInfo(vg, lv);
        if (info == null) {
            return false;
        }
        if (!info.exists()) {
            return true;
        }
        if (info.openCount() > 0 && lv.visible()) {
            err.print("  LV " + vg.name() + "/" + lv.name() + " in use: not deactivating\n");
            return false;
        }
        List<Node> tree = partialTree(vg, lv);
        if (tree == null) {
            return false;
        }
        String prefix = DevManager.UUID_PREFIX + vg.uuid();
        boolean ok = true;
        for (Node n : tree) {
            if (!n.uuid().startsWith(prefix)) {
                continue;
            }
            DmTask.Info i = infoRun(null, null, n.info().minor());
            if (i == null || !i.exists()) {
                continue;
            }
            if (i.openCount() > 0) {
                err.print("  Unable to deactivate open " + n.name() + " (" + i.major() + ":" + i.minor() + ")\n");
                ok = false;
                continue;
            }
            DmTask t = lib.taskCreate(DmTask.Type.REMOVE);
            if (t == null) {
                return false;
            }
            t.setMajor(Libdevmapper.dmBlockMajor());
            t.setMinor(i.minor());
            if (!t.run() || t.getInfo() == null || !t.getInfo().exists()) {
                err.print("  Unable to deactivate " + n.name() + " (" + i.major() + ":" + i.minor() + ")\n");
                ok = false;
            }
        }
        return ok;
    }

    /** {@code lvs_in_vg_activated}: visible LVs whose dm device exists. */
    public int lvsInVgActivated(VgMetadata vg) {
        int n = 0;
        for (VgMetadata.Lv lv : vg.lvs()) {
            if (lv.visible()) {
                DmTask.Info i = lvInfo(vg, lv);
                if (i != null && i.exists()) {
                    n++;
                }
            }
        }
        return n;
    }

    /** {@code lvs_in_vg_opened}: visible LVs whose dm device is open. */
    public int lvsInVgOpened(VgMetadata vg) {
        int n = 0;
        for (VgMetadata.Lv lv : vg.lvs()) {
            if (lv.visible()) {
                DmTask.Info i = lvInfo(vg, lv);
                if (i != null && i.exists() && i.openCount() > 0) {
                    n++;
                }
            }
        }
        return n;
    }
}
