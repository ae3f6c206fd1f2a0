package org.dmemu.cli;

import java.io.PrintStream;
import java.util.List;
import org.dmemu.libdevmapper.DmTask;
import org.dmemu.libdevmapper.DmTask.Type;

/**
 * {@code dmsetup status}, {@code table} and {@code ls}: LVM2 2.02.56 tools/dmsetup.c
 * {@code _status} (shared by the three) and {@code _display_name} (plain {@code ls}). Each
 * table line prints as {@code START LENGTH TYPE PARAMS}, filtered by {@code --target};
 * without a device every device from {@code names} is shown, prefixed with its name.
 * {@code ls --target T} lists the devices with a {@code T} target, one
 * {@code NAME\t(MAJ, MIN)} line each, as plain {@code ls} lists them all.
 *
 * <p>Differences from NetBSD/LVM2: {@code ls --tree} and {@code ls --exec} are refused
 * (see {@link DmsetupOptions}).
 */
final class DmsetupStatus {
    private final DmsetupContext c;
    private final DmsetupOptions o;
    private final PrintStream out;

    DmsetupStatus(DmsetupContext c) {
        this.c = c;
        this.o = c.opts;
        this.out = c.out;
    }

    /** {@code ls [--target T]}: {@code _status} with a target, else {@code _display_name} per device. */
    boolean ls(List<String> argv) {
        if (o.target != null) {
            return status(argv, null);
        }
        return c.processAll(false, n -> {
            out.print(n.name() + "\t(" + n.major() + ", " + n.minor() + ")\n");
            return true;
        });
    }

    /**
     * {@code _status} for {@code status}, {@code table} and {@code ls --target}; {@code data}
     * is the device when called for each of {@code names}, else null.
     */
    boolean status(List<String> argv, DmTask.Name data) {
        String name = null;
        int argc = argv.size();
        if (data != null) {
            name = data.name();
        } else {
            if (argc == 1 && o.uuid == null && !o.majorSet) {
                return c.processAll(false, n -> status(argv, n));
            }
            if (argc == 2) {
                name = argv.get(1);
            }
        }
        Type type = argv.get(0).equals("table") ? Type.TABLE : Type.STATUS;
        boolean lsOnly = argv.get(0).equals("ls");
        DmTask t = c.lib.taskCreate(type);
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
        if (info == null || !info.exists()) {
            return false;
        }
        if (name == null) {
            name = t.getName();
        }
        StringBuilder sb = new StringBuilder();
        List<DmTask.Target> ts = t.targets();
        boolean matched = false;
        int i = 0;
        do {
            DmTask.Target x = i < ts.size() ? ts.get(i) : null;
            i++;
            if (o.target != null && (x == null || !x.type().equals(o.target))) {
                continue;
            }
            if (lsOnly) {
                sb.append(name).append("\t(").append(info.major()).append(", ").append(info.minor()).append(")\n");
                i = ts.size();
            } else {
                if (!matched && o.verbose > 0) {
                    out.print(sb);
                    sb.setLength(0);
                    c.displayInfo(t);
                }
                if (data != null && o.verbose == 0) {
                    sb.append(name).append(": ");
                }
                if (x != null) {
                    String params = x.params();
                    if (!o.showkeys && type == Type.TABLE && x.type().equals("crypt")) {
                        params = blankKey(params);
                    }
                    sb.append(Long.toUnsignedString(x.start())).append(' ').append(Long.toUnsignedString(x.length()))
                            .append(' ').append(x.type()).append(' ').append(params);
                }
                sb.append('\n');
            }
            matched = true;
        } while (i < ts.size());
        if (data != null && o.verbose > 0 && matched && !lsOnly) {
            sb.append('\n');
        }
        out.print(sb);
        return true;
    }

    /** The crypt key (second word) replaced by zeros, as dmsetup hides it without --showkeys. */
    static String blankKey(String params) {
        char[] c = params.toCharArray();
        int p = 0;
        while (p < c.length && c[p] != ' ') {
            p++;
        }
        if (p < c.length) {
            p++;
        }
        while (p < c.length && c[p] != ' ') {
            c[p++] = '0';
        }
        return new String(c);
    }
}
