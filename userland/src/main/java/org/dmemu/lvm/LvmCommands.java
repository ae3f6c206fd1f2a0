package org.dmemu.lvm;

import java.io.IOException;
import java.io.PrintStream;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.dmemu.libdevmapper.DmTask;
import org.dmemu.libdevmapper.Libdevmapper;
import org.dmemu.libdm.DmTransport;
import org.dmemu.libdm.UnixSocketTransport;

/**
 * The commands of {@code dmemu lvm} (LVM2 tools/reporter.c {@code pvs}, {@code vgs},
 * {@code lvs}; tools/vgchange.c {@code _vgchange_available}, {@code _activate_lvs_in_vg};
 * tools/lvchange.c {@code lvchange_availability}; tools/vgscan.c), on one device scan.
 *
 * <p>Messages are LVM2 2.02's (as NetBSD ships it), indented by two spaces.
 *
 * <p>Differences from LVM2: a scan error (a damaged label, mda or metadata, a missing PV)
 * makes {@code vgchange}/{@code lvchange} activate nothing at all and exit 5; reports still
 * show what could be read, print the errors on stderr and exit 5.
 */
final class LvmCommands {
    static final Set<String> NAMES = Set.of("pvs", "vgs", "lvs", "lvdisplay", "vgchange", "lvchange", "vgscan");

    /** The parsed arguments of one command. */
    record Options(List<String> fields, boolean addFields, boolean all, boolean segments, boolean headings,
                   String separator, char unit, boolean suffix, Boolean activate, List<String> names,
                   boolean maps, boolean driverLoaded) {

        static Options parse(String cmd, List<String> args) {
            List<String> fields = null;
            boolean add = false;
            boolean all = false;
            boolean segments = false;
            boolean headings = true;
            String separator = null;
            char unit = 'h';
            boolean suffix = true;
            Boolean activate = null;
            List<String> names = new ArrayList<>();
            boolean maps = false;
            boolean driverLoaded = true;
            boolean report = cmd.equals("pvs") || cmd.equals("vgs") || cmd.equals("lvs");
            boolean change = cmd.equals("vgchange") || cmd.equals("lvchange");
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                if (report && (a.equals("-o") || a.equals("--options"))) {
                    String v = value(args, ++i, a);
                    add = v.startsWith("+");
                    fields = new ArrayList<>(List.of((add ? v.substring(1) : v).split(",")));
                } else if (report && a.startsWith("-o") && a.length() > 2) {
                    String v = a.substring(2);
                    add = v.startsWith("+");
                    fields = new ArrayList<>(List.of((add ? v.substring(1) : v).split(",")));
                } else if (report && (a.equals("-a") || a.equals("--all"))) {
                    all = true;
                } else if (cmd.equals("lvs") && a.equals("--segments")) {
                    segments = true;
                } else if (report && a.equals("--noheadings")) {
                    headings = false;
                } else if (report && a.equals("--separator")) {
                    separator = value(args, ++i, a);
                } else if (report && a.equals("--nosuffix")) {
                    suffix = false;
                } else if (report && a.equals("--units")) {
                    String v = value(args, ++i, a);
                    if (v.length() != 1 || "hsbkmgt".indexOf(Character.toLowerCase(v.charAt(0))) < 0) {
                        throw new IllegalArgumentException("--units: invalid unit '" + v + "' (h, s, b, k, m, g, t)");
                    }
                    unit = Character.toLowerCase(v.charAt(0));
                } else if (cmd.equals("lvdisplay") && (a.equals("-m") || a.equals("--maps"))) {
                    maps = true;
                } else if ((report || cmd.equals("lvdisplay")) && a.equals("--driverloaded")) {
                    driverLoaded = yn(value(args, ++i, a));
                } else if (change && (a.equals("-a") || a.equals("--activate") || a.equals("--available"))) {
                    activate = yn(value(args, ++i, a));
                } else if (change && a.startsWith("-a") && a.length() > 2) {
                    activate = yn(a.substring(2));
                } else if (a.startsWith("-")) {
                    throw new IllegalArgumentException("unknown option " + a);
                } else {
                    names.add(a);
                }
            }
            if (change && activate == null) {
                throw new IllegalArgumentException("-a y|n is required");
            }
            if (cmd.equals("lvchange") && names.isEmpty()) {
                throw new IllegalArgumentException("please give a logical volume path (VG/LV)");
            }
            if (cmd.equals("vgscan") && !names.isEmpty()) {
                throw new IllegalArgumentException("takes no arguments");
            }
            return new Options(fields, add, all, segments, headings, separator, unit, suffix, activate, names, maps,
                    driverLoaded);
        }

        private static String value(List<String> args, int i, String opt) {
            if (i >= args.size()) {
                throw new IllegalArgumentException(opt + " needs a value");
            }
            return args.get(i);
        }

        private static Boolean yn(String v) {
            return switch (v) {
                case "y", "ay" -> true;
                case "n", "an" -> false;
                default -> throw new IllegalArgumentException("invalid argument '" + v + "' (y or n)");
            };
        }
    }

    private final LvmScan scan;
    private final DmTransport transport;
    private final PrintStream out;
    private final PrintStream err;

    private final java.time.ZoneId zone;

    LvmCommands(LvmScan scan, DmTransport transport, PrintStream out, PrintStream err, java.time.ZoneId zone) {
        this.zone = zone;
        this.scan = scan;
        this.transport = transport;
        this.out = out;
        this.err = err;
    }

    int run(String cmd, Options o) {
        for (String w : scan.warnings()) {
            err.print("  " + w + "\n");
        }
        return switch (cmd) {
            case "pvs", "vgs", "lvs" -> report(cmd, o);
            case "vgscan" -> vgscan();
            case "lvdisplay" -> lvdisplay(o);
            default -> change(cmd, o);
        };
    }

    /**
     * Whether the control socket answers: a missing or dead socket is reported once here
     * instead of once per request (libdevmapper would print its "Failure to communicate"
     * line for each).
     */
    private boolean kernelReachable() {
        if (!(transport instanceof UnixSocketTransport u)) {
            return true;
        }
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(u.path()))) {
            return true;
        } catch (IOException e) {
            err.print("  Failure to communicate with kernel device-mapper driver.\n");
            err.print("  (no 'dmemu serve' answers on " + u.path() + ")\n");
            return false;
        }
    }

    private int errors() {
        for (String e : scan.errors()) {
            err.print("  " + e + "\n");
        }
        return scan.errors().isEmpty() ? 0 : LvmTool.ECMD_FAILED;
    }

    private int vgscan() {
        int r = errors();
        out.print("  Reading all physical volumes.  This may take a while...\n");
        for (LvmScan.VolumeGroup vg : scan.vgs().values()) {
            out.print("  Found volume group \"" + vg.meta().name() + "\" using metadata type lvm2\n");
        }
        return r;
    }

    private int report(String cmd, Options o) {
        int r = errors();
        String prefix = cmd.equals("pvs") ? "pv_" : cmd.equals("vgs") ? "vg_" : "lv_";
        List<String> defaults = switch (cmd) {
            case "pvs" -> List.of("pv_name", "vg_name", "pv_fmt", "pv_attr", "pv_size", "pv_free");
            case "vgs" -> List.of("vg_name", "pv_count", "lv_count", "snap_count", "vg_attr", "vg_size", "vg_free");
            default -> o.segments() ? List.of("lv_name", "vg_name", "lv_attr", "stripes", "segtype", "seg_size")
                    : List.of("lv_name", "vg_name", "lv_attr", "lv_size");
        };
        List<String> fields = new ArrayList<>(o.fields() == null || o.addFields() ? defaults : List.of());
        if (o.fields() != null) {
            for (String f : o.fields()) {
                String n = LvmReport.resolve(f.trim(), prefix);
                if (n == null) {
                    err.print("  Unrecognised field: " + f.trim() + "\n");
                    return LvmTool.ECMD_FAILED;
                }
                fields.add(n);
            }
        }
        List<LvmReport.Row> rows = new ArrayList<>();
        for (String n : o.names()) {
            String vgName = n.contains("/") ? n.substring(0, n.indexOf('/')) : n;
            if (cmd.equals("pvs") ? false : !scan.vgs().containsKey(vgName)) {
                err.print("  Volume group \"" + vgName + "\" not found\n");
                r = LvmTool.ECMD_FAILED;
            }
        }
        boolean wantInfo = (fields.contains("lv_attr") || fields.contains("lv_active")) && cmd.equals("lvs")
                && o.driverLoaded() && kernelReachable();
        LvmActivate act = wantInfo ? new LvmActivate(new Libdevmapper(transport, out, err), err) : null;
        switch (cmd) {
            case "pvs" -> {
                for (LvmScan.PhysicalVolume pv : scan.pvs()) {
                    LvmScan.VolumeGroup vg = scan.vgOfPv(pv.label().pvUuid());
                    if (o.names().isEmpty() || o.names().contains(pv.dev().name())) {
                        rows.add(new LvmReport.Row(pv, vg, null, null, null));
                    }
                }
                rows.sort(LvmReport.BY_PV);
            }
            case "vgs" -> {
                for (LvmScan.VolumeGroup vg : scan.vgs().values()) {
                    if (o.names().isEmpty() || o.names().contains(vg.meta().name())) {
                        rows.add(new LvmReport.Row(null, vg, null, null, null));
                    }
                }
                rows.sort(LvmReport.BY_VG);
            }
            default -> {
                for (LvmScan.VolumeGroup vg : scan.vgs().values()) {
                    for (VgMetadata.Lv lv : vg.meta().lvs()) {
                        if (!selected(o.names(), vg.meta().name(), lv.name()) || (!lv.visible() && !o.all())) {
                            continue;
                        }
                        DmTask.Info info = act == null ? null : act.lvInfo(vg.meta(), lv);
                        if (o.segments()) {
                            for (VgMetadata.Segment s : lv.segments()) {
                                rows.add(new LvmReport.Row(null, vg, lv, s, info));
                            }
                        } else {
                            rows.add(new LvmReport.Row(null, vg, lv, null, info));
                        }
                    }
                }
                rows.sort(LvmReport.BY_LV);
            }
        }
        LvmReport rep = new LvmReport(o.unit(), o.suffix());
        for (String line : rep.render(fields, rows, o.headings(), o.separator())) {
            out.print(line + "\n");
        }
        return r;
    }

    /** {@code lvdisplay [-m]}: every selected LV in metadata order. */
    private int lvdisplay(Options o) {
        int r = errors();
        for (String n : o.names()) {
            String vgName = n.contains("/") ? n.substring(0, n.indexOf('/')) : n;
            if (!scan.vgs().containsKey(vgName)) {
                err.print("  Volume group \"" + vgName + "\" not found\n");
                r = LvmTool.ECMD_FAILED;
            }
        }
        LvmActivate act = o.driverLoaded() && kernelReachable()
                ? new LvmActivate(new Libdevmapper(transport, out, err), err) : null;
        LvDisplay d = new LvDisplay(out, zone);
        for (LvmScan.VolumeGroup vg : scan.vgs().values()) {
            for (VgMetadata.Lv lv : vg.meta().lvs()) {
                if (lv.visible() && selected(o.names(), vg.meta().name(), lv.name())) {
                    d.display(vg, lv, o.maps(), act == null ? null : act.lvInfo(vg.meta(), lv));
                }
            }
        }
        return r;
    }

    private static boolean selected(List<String> names, String vg, String lv) {
        return names.isEmpty() || names.contains(vg) || names.contains(vg + "/" + lv);
    }

    /** vgchange / lvchange {@code -a y|n}. */
    private int change(String cmd, Options o) {
        if (errors() != 0) {
            err.print("  Nothing activated or deactivated: the metadata above must be repaired first.\n");
            return LvmTool.ECMD_FAILED;
        }
        List<LvmScan.VolumeGroup> vgs = new ArrayList<>();
        List<VgMetadata.Lv> only = new ArrayList<>();
        int r = 0;
        if (cmd.equals("vgchange")) {
            if (o.names().isEmpty()) {
                vgs.addAll(scan.vgs().values());
            }
            for (String n : o.names()) {
                LvmScan.VolumeGroup vg = scan.vgs().get(n);
                if (vg == null) {
                    err.print("  Volume group \"" + n + "\" not found\n");
                    r = LvmTool.ECMD_FAILED;
                } else {
                    vgs.add(vg);
                }
            }
        } else {
            for (String n : o.names()) {
                int slash = n.indexOf('/');
                LvmScan.VolumeGroup vg = slash < 0 ? null : scan.vgs().get(n.substring(0, slash));
                VgMetadata.Lv lv = vg == null ? null : vg.meta().lv(n.substring(slash + 1));
                if (slash < 0) {
                    err.print("  \"" + n + "\": Invalid path for Logical Volume\n");
                    r = LvmTool.ECMD_FAILED;
                } else if (vg == null) {
                    err.print("  Volume group \"" + n.substring(0, slash) + "\" not found\n");
                    r = LvmTool.ECMD_FAILED;
                } else if (lv == null) {
                    err.print("  One or more specified logical volume(s) not found.\n");
                    r = LvmTool.ECMD_FAILED;
                } else {
                    vgs.add(vg);
                    only.add(lv);
                }
            }
        }
        if (!vgs.isEmpty() && !kernelReachable()) {
            return LvmTool.ECMD_FAILED;
        }
        LvmActivate act = new LvmActivate(new Libdevmapper(transport, out, err), err);
        for (int i = 0; i < vgs.size(); i++) {
            LvmScan.VolumeGroup vg = vgs.get(i);
            if (cmd.equals("lvchange")) {
                VgMetadata.Lv lv = only.get(i);
                boolean ok = o.activate() ? act.activate(vg, lv) : act.deactivate(vg.meta(), lv);
                if (!ok) {
                    r = LvmTool.ECMD_FAILED;
                }
                continue;
            }
            if (!vgchange(act, vg, o.activate())) {
                r = LvmTool.ECMD_FAILED;
            }
        }
        return r;
    }

    /** {@code _vgchange_available}. */
    private boolean vgchange(LvmActivate act, LvmScan.VolumeGroup vg, boolean activate) {
        VgMetadata m = vg.meta();
        if (activate) {
            act.lvsInVgActivated(m);
        } else {
            int open = act.lvsInVgOpened(m);
            if (open > 0) {
                err.print("  Can't deactivate volume group \"" + m.name() + "\" with " + open
                        + " open logical volume(s)\n");
                return false;
            }
        }
        boolean ok = true;
        for (VgMetadata.Lv lv : m.lvs()) {
            if (!(activate ? act.activate(vg, lv) : act.deactivate(m, lv))) {
                ok = false;
            }
        }
        out.print("  " + act.lvsInVgActivated(m) + " logical volume(s) in volume group \"" + m.name()
                + "\" now active\n");
        return ok;
    }
}
