package org.dmemu.lvm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The device scan every LVM2 command starts with (lib/label/label.c {@code label_scan},
 * lib/cache/lvmcache.c, lib/metadata/metadata.c {@code vg_read}): find the PVs among the
 * devices, read the latest metadata from each PV's metadata areas, and group the PVs into
 * volume groups.
 *
 * <p>A problem with a device that carries an LVM2 label (a damaged label, mda header or
 * metadata text, metadata that contradicts itself or the device) is an error naming the
 * device; {@link #errors()} collects them and callers activate nothing while there are any.
 * A VG whose metadata names a PV that was not found is an error naming the VG and the PV.
 *
 * <p>Copies of a VG's metadata on its PVs must agree (same seqno, same content); otherwise
 * each disagreeing PV is an error and the VG is shown with its newest copy.
 *
 * <p>Differences from LVM2: LVM2 skips a damaged label or mda and goes on with the other
 * copies and, with several metadata versions, repairs the old ones; here every damaged or
 * outdated copy is reported and nothing is written. No lvm.conf filters, no devices file, no lvmetad.
 */
public final class LvmScan {
    /** A device with an LVM2 label, and the VG metadata its metadata areas hold (null if none). */
    public record PhysicalVolume(PvDevice dev, PvLabel label, VgMetadata vg, boolean wrapped) {
    }

    /** A volume group: its latest metadata and, for each metadata PV in order, the device (null if missing). */
    public record VolumeGroup(VgMetadata meta, List<PvDevice> devices) {
        /** The device of the PV with metadata key {@code key}. */
        public PvDevice device(String key) {
            for (int i = 0; i < meta.pvs().size(); i++) {
                if (meta.pvs().get(i).key().equals(key)) {
                    return devices.get(i);
                }
            }
            return null;
        }
    }

    private final List<PhysicalVolume> pvs = new ArrayList<>();
    private final Map<String, VolumeGroup> vgs = new LinkedHashMap<>();
    private final List<String> errors = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    private LvmScan() {
    }

    /** Scans {@code devices} in order. */
    public static LvmScan scan(List<PvDevice> devices) {
        LvmScan s = new LvmScan();
        for (PvDevice d : devices) {
            try {
                s.readDevice(d);
            } catch (LvmFormatException e) {
                s.errors.add(e.getMessage());
            }
        }
        s.group();
        return s;
    }

    private void readDevice(PvDevice d) throws LvmFormatException {
        PvLabel label = PvLabel.read(d);
        if (label == null) {
            return;
        }
        VgMetadata best = null;
        boolean wrapped = false;
        for (PvLabel.DiskLocn area : label.metadataAreas()) {
            MdaHeader mda = MdaHeader.read(d, area.offset(), area.size());
            if (mda.latest() == null) {
                continue;
            }
            VgMetadata vg = VgMetadata.parse(d.name(), mda.readText(d));
            if (best != null && !best.uuid().equals(vg.uuid())) {
                throw new LvmFormatException(d.name() + ": metadata areas name two VGs, " + best.name() + " and "
                        + vg.name());
            }
            if (best == null || vg.seqno() > best.seqno()) {
                best = vg;
                wrapped = mda.wraps();
            }
        }
        if (best != null) {
            checkOwnPv(d, label, best);
        }
        pvs.add(new PhysicalVolume(d, label, best, wrapped));
    }

    /** The VG's entry for this PV must exist and fit the device. */
    private static void checkOwnPv(PvDevice d, PvLabel label, VgMetadata vg) throws LvmFormatException {
        for (VgMetadata.Pv p : vg.pvs()) {
            if (p.uuid().equals(label.pvUuid())) {
                long endSector = p.peStart() + p.peCount() * vg.extentSize();
                if (endSector * 512 > d.size()) {
                    throw new LvmFormatException(d.name() + ": VG " + vg.name() + " metadata: " + p.key()
                            + " pe_start " + p.peStart() + " + " + p.peCount() + " extents of " + vg.extentSize()
                            + " sectors end at sector " + endSector + ", past the device's " + (d.size() / 512));
                }
                return;
            }
        }
        throw new LvmFormatException(d.name() + ": VG " + vg.name() + " metadata does not list this PV ("
                + PvLabel.formatUuid(label.pvUuid()) + ")");
    }

    private void group() {
        Map<String, List<PhysicalVolume>> byVg = new LinkedHashMap<>();
        for (PhysicalVolume pv : pvs) {
            if (pv.vg() != null) {
                byVg.computeIfAbsent(pv.vg().uuid(), k -> new ArrayList<>()).add(pv);
            }
        }
        for (List<PhysicalVolume> members : byVg.values()) {
            VgMetadata latest = members.get(0).vg();
            for (PhysicalVolume pv : members) {
                if (pv.vg().seqno() > latest.seqno()) {
                    latest = pv.vg();
                }
            }
            PhysicalVolume first = members.get(0);
            boolean consistent = true;
            for (PhysicalVolume pv : members) {
                if (pv.vg().seqno() != first.vg().seqno()) {
                    errors.add(pv.dev().name() + ": VG " + pv.vg().name() + " metadata has seqno " + pv.vg().seqno()
                            + ", but " + first.dev().name() + " has seqno " + first.vg().seqno()
                            + " (inconsistent metadata)");
                    consistent = false;
                } else if (!pv.vg().equals(first.vg())) {
                    errors.add(pv.dev().name() + ": VG " + pv.vg().name() + " metadata differs from "
                            + first.dev().name() + "'s with the same seqno " + pv.vg().seqno()
                            + " (inconsistent metadata)");
                    consistent = false;
                }
            }
            if (!consistent) {
                warnings.add("WARNING: VG " + latest.name() + " shown with the metadata of seqno " + latest.seqno());
            }
            List<PvDevice> devs = new ArrayList<>();
            for (VgMetadata.Pv p : latest.pvs()) {
                PvDevice found = null;
                for (PhysicalVolume pv : pvs) {
                    if (pv.label().pvUuid().equals(p.uuid())) {
                        found = pv.dev();
                        break;
                    }
                }
                if (found == null) {
                    errors.add("VG " + latest.name() + ": PV " + p.key() + " (" + PvLabel.formatUuid(p.uuid())
                            + ", last seen on " + p.deviceHint() + ") was not found on any device");
                }
                devs.add(found);
            }
            if (vgs.containsKey(latest.name())) {
                errors.add("two VGs are named " + latest.name() + " (uuids "
                        + PvLabel.formatUuid(vgs.get(latest.name()).meta().uuid()) + " and "
                        + PvLabel.formatUuid(latest.uuid()) + ")");
                continue;
            }
            vgs.put(latest.name(), new VolumeGroup(latest, devs));
        }
    }

    /** Every device with an LVM2 label, in scan order. */
    public List<PhysicalVolume> pvs() {
        return pvs;
    }

    /** The VGs by name, in the order their first PV was found. */
    public Map<String, VolumeGroup> vgs() {
        return vgs;
    }

    /** Messages that forbid activation, each naming a device or VG. */
    public List<String> errors() {
        return errors;
    }

    public List<String> warnings() {
        return warnings;
    }

    /** The VG whose metadata lists the PV with uuid {@code pvUuid} (a PV without metadata areas too), or null. */
    public VolumeGroup vgOfPv(String pvUuid) {
        for (VolumeGroup vg : vgs.values()) {
            for (VgMetadata.Pv p : vg.meta().pvs()) {
                if (p.uuid().equals(pvUuid)) {
                    return vg;
                }
            }
        }
        return null;
    }

    /** The PV record of {@code dev}. */
    public PhysicalVolume pvOf(PvDevice dev) {
        for (PhysicalVolume p : pvs) {
            if (p.dev() == dev) {
                return p;
            }
        }
        return null;
    }
}
