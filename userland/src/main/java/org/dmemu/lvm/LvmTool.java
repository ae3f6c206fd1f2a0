package org.dmemu.lvm;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.dmemu.kern.DiskSpec;
import org.dmemu.kern.Kernel;
import org.dmemu.kern.KernelConfig;
import org.dmemu.libdm.DmTransport;
import org.dmemu.libdm.UnixSocketTransport;

/**
 * {@code dmemu lvm}: LVM2's {@code lvm} tool for the emulated machine — it reads the LVM2
 * metadata on the emulated disks and activates logical volumes in a running {@code dmemu serve}
 * through its control socket, with the requests NetBSD's LVM2 sends.
 *
 * <pre>
 * dmemu lvm [--control PATH] [--state DIR] [--disk UNIT=SOURCE[,secsize=N]]... COMMAND [ARGS]
 *   pvs | vgs | lvs  [-a] [--segments] [-o [+]FIELD,...] [--noheadings] [--separator S]
 *                    [--units hsbkmgt] [--nosuffix] [VG|VG/LV ...]
 *   lvdisplay [-m|--maps] [VG|VG/LV ...]
 *   vgchange -a y|n [VG ...]      lvchange -a y|n VG/LV ...      vgscan
 *   (reports and lvdisplay also take --driverloaded n: do not ask the driver)
 * </pre>
 *
 * <p>The disks are read the way {@code serve} attaches them: {@code --disk} as for serve, or
 * by default the state directory's {@code wd0.img} and {@code wd1.img}. They must be the
 * disks the running serve has (LVM2 on NetBSD opens the raw partitions {@code /dev/rwd*}
 * itself; here the same images are opened read-only through the emulated disk driver in this
 * process). The control socket is {@code --control}, else {@code $DMEMU_CONTROL}, else
 * {@code STATE/control}.
 *
 * <p>Exit status as LVM2's: 0 done, 3 bad command line, 5 failed.
 *
 * <p>Differences from NetBSD: see {@link LvmScan}, {@link LvmActivate} and
 * {@link LvmReport}; no metadata is ever written (no pvcreate, vgcreate, lvcreate);
 * {@code TZ} names the zone of {@code lvdisplay}'s creation times.
 */
public final class LvmTool {
    /** {@code EINVALID_CMD_LINE}. */
    public static final int EINVALID_CMD_LINE = 3;
    /** {@code ECMD_FAILED}. */
    public static final int ECMD_FAILED = 5;

    static final String USAGE = "usage: dmemu lvm [--control PATH] [--state DIR] [--disk UNIT=SOURCE]... "
            + "pvs|vgs|lvs|lvdisplay|vgchange|lvchange|vgscan [ARGS]";

    private LvmTool() {
    }

    /** The subcommand. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        return run(args, System.getenv(), null, out, err);
    }

    /**
     * Runs with an explicit environment and, if not null, a transport that replaces the control
     * socket (tests).
     */
    public static int run(String[] args, Map<String, String> env, DmTransport transport, PrintStream out,
                          PrintStream err) {
        String control = null;
        Path state = null;
        List<DiskSpec> disks = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if ((a.equals("--control") || a.equals("--state") || a.equals("--disk")) && rest.isEmpty()) {
                if (i + 1 >= args.length) {
                    err.println("dmemu lvm: " + a + " needs a value");
                    return EINVALID_CMD_LINE;
                }
                String v = args[++i];
                switch (a) {
                    case "--control" -> control = v;
                    case "--state" -> state = Path.of(v);
                    default -> {
                        try {
                            disks.add(DiskSpec.parse(v));
                        } catch (IllegalArgumentException e) {
                            err.println("dmemu lvm: --disk: " + e.getMessage());
                            return EINVALID_CMD_LINE;
                        }
                    }
                }
            } else {
                rest.add(a);
            }
        }
        if (rest.isEmpty() || rest.get(0).equals("--help") || rest.get(0).equals("-h")
                || rest.get(0).equals("help")) {
            (rest.isEmpty() ? err : out).println(USAGE);
            return rest.isEmpty() ? EINVALID_CMD_LINE : 0;
        }
        String cmd = rest.remove(0);
        if (!LvmCommands.NAMES.contains(cmd)) {
            err.println("dmemu lvm: no such command '" + cmd + "' (pvs, vgs, lvs, lvdisplay, vgchange, lvchange, vgscan)");
            return EINVALID_CMD_LINE;
        }
        LvmCommands.Options o;
        try {
            o = LvmCommands.Options.parse(cmd, rest);
        } catch (IllegalArgumentException e) {
            err.println("dmemu lvm " + cmd + ": " + e.getMessage());
            return EINVALID_CMD_LINE;
        }
        Path stateDir = state != null ? state : Path.of("state");
        if (disks.isEmpty()) {
            for (int u = 0; u < 2; u++) {
                Path img = stateDir.resolve("wd" + u + ".img");
                if (Files.exists(img)) {
                    disks.add(new DiskSpec("wd" + u, "file:" + img.toAbsolutePath(), 512));
                }
            }
            if (disks.isEmpty()) {
                err.println("dmemu lvm: no disks: " + stateDir.resolve("wd0.img")
                        + " does not exist (give --state DIR or --disk UNIT=SOURCE as to serve)");
                return ECMD_FAILED;
            }
        }
        DmTransport t = transport;
        if (t == null) {
            Path c;
            if (control != null) {
                c = Path.of(control);
            } else if (state == null && env.get("DMEMU_CONTROL") != null && !env.get("DMEMU_CONTROL").isEmpty()) {
                c = Path.of(env.get("DMEMU_CONTROL"));
            } else {
                c = stateDir.resolve("control");
            }
            t = new UnixSocketTransport(c);
        }
        try (Kernel k = Kernel.boot(new KernelConfig(disks, Set.of(), false, false, null))) {
            LvmScan scan = LvmScan.scan(KernelPvDevice.scanDevices(k));
            String tz = env.get("TZ");
            java.time.ZoneId zone;
            try {
                zone = tz != null && !tz.isEmpty() ? java.time.ZoneId.of(tz) : java.time.ZoneId.systemDefault();
            } catch (java.time.DateTimeException e) {
                zone = java.time.ZoneId.systemDefault();
            }
            return new LvmCommands(scan, t, out, err, zone).run(cmd, o);
        } catch (IOException | RuntimeException e) {
            err.println("dmemu lvm: cannot read the disks: " + e.getMessage());
            return ECMD_FAILED;
        }
    }
}
