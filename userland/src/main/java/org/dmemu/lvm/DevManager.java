package org.dmemu.lvm;

import java.util.ArrayList;
import java.util.List;
import org.dmemu.libdevmapper.DmTask;

/**
 * What LVM2's activation code makes of an LV: the dm name, the dm uuid and the table
 * (lib/activate/dev_manager.c {@code build_dm_name}, {@code _build_dlid},
 * {@code add_areas_line}; lib/striped/striped.c {@code _striped_add_target_line};
 * libdm/libdm-deptree.c {@code _emit_segment_line}, {@code _emit_areas_line} as NetBSD's
 * LVM2 import has them).
 *
 * <p>One table line per LV segment, {@code start = start_extent × extent_size},
 * {@code length = extent_count × extent_size}. A segment on one PV is a {@code linear} line,
 * on several a {@code striped} line with LVM2's stripe size in sectors. Each area is
 * {@code " <block device> <pe_start + pe × extent_size>"} — with its leading space, as
 * NetBSD's libdevmapper emits it — so linear params start with a space.
 *
 * <p>Differences from NetBSD: the device is the block node of the raw partition the PV was
 * found on, which is what {@code dm_format_dev} prints for it on NetBSD.
 */
public final class DevManager {
    /** {@code UUID_PREFIX}. */
    public static final String UUID_PREFIX = "LVM-";
    /** The layers {@code _add_lv_to_dtree} looks up besides the LV itself. */
    static final List<String> LAYERS = java.util.Arrays.asList(null, "real", "cow", "_mlog");

    private DevManager() {
    }

    /** {@code build_dm_name}: VG, LV and layer joined by '-', each '-' inside them doubled. */
    public static String dmName(String vg, String lv, String layer) {
        StringBuilder s = new StringBuilder();
        s.append(vg.replace("-", "--")).append('-').append(lv.replace("-", "--"));
        if (layer != null && !layer.isEmpty()) {
            s.append('-').append(layer.replace("-", "--"));
        }
        return s.toString();
    }

    /** {@code _build_dlid}: "LVM-" + VG uuid + LV uuid (no dashes) [+ "-" + layer]. */
    public static String dlid(String vgUuid, String lvUuid, String layer) {
        return UUID_PREFIX + vgUuid + lvUuid + (layer == null || layer.isEmpty() ? "" : "-" + layer);
    }

    /**
     * The table lines for {@code lv} of {@code vg}.
     *
     * @throws LvmFormatException if a segment type cannot be activated or a PV is missing
     */
    public static List<DmTask.Target> table(LvmScan.VolumeGroup vg, VgMetadata.Lv lv) throws LvmFormatException {
        VgMetadata m = vg.meta();
        List<DmTask.Target> out = new ArrayList<>();
        for (VgMetadata.Segment seg : lv.segments()) {
            if (!seg.supported()) {
                throw new LvmFormatException("Can't expand LV " + lv.name() + ": " + seg.type()
                        + " target support missing from kernel?");
            }
            StringBuilder p = new StringBuilder();
            boolean linear = seg.areas().size() == 1;
            if (!linear) {
                p.append(seg.areas().size()).append(' ').append(seg.stripeSize());
            }
            for (VgMetadata.Area a : seg.areas()) {
                VgMetadata.Pv pv = m.pv(a.pvKey());
                PvDevice dev = vg.device(a.pvKey());
                if (dev == null) {
                    throw new LvmFormatException("VG " + m.name() + ": LV " + lv.name() + " needs missing PV "
                            + a.pvKey() + " (" + PvLabel.formatUuid(pv.uuid()) + ")");
                }
                p.append(' ').append(dev.blockName()).append(' ').append(pv.peStart() + a.pe() * m.extentSize());
            }
            out.add(new DmTask.Target(seg.startExtent() * m.extentSize(), seg.extentCount() * m.extentSize(),
                    linear ? "linear" : "striped", p.toString()));
        }
        return out;
    }
}
