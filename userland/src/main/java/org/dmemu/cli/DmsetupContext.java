package org.dmemu.cli;

import java.io.InputStream;
import java.io.PrintStream;
import org.dmemu.libdevmapper.DmTask;
import org.dmemu.libdevmapper.DmTask.Type;
import org.dmemu.libdevmapper.Libdevmapper;

/**
 * What every dmsetup command shares: the library handle, the streams, the parsed switches,
 * and the helpers LVM2 2.02.56 tools/dmsetup.c's commands call on each other:
 * {@code _set_task_device}, {@code _simple}, {@code _process_all} and
 * {@code _display_info} / {@code _display_info_long}.
 *
 * <p>Differences from NetBSD/LVM2: none; the C file keeps this state in file-scope statics
 * ({@code _switches[]}, {@code _int_args[]}, {@code _string_args[]}).
 */
final class DmsetupContext {
    final Libdevmapper lib;
    final InputStream in;
    final PrintStream out;
    final PrintStream err;
    final DmsetupOptions opts;

    /** The per-device callback of {@link #processAll}. */
    @FunctionalInterface
    interface PerDevice {
        boolean apply(DmTask.Name n);
    }

    DmsetupContext(Libdevmapper lib, InputStream in, PrintStream out, PrintStream err, DmsetupOptions opts) {
        this.lib = lib;
        this.in = in;
        this.out = out;
        this.err = err;
        this.opts = opts;
    }

    /**
     * {@code _set_task_device}: the device is {@code name}, else {@code -u}, else
     * {@code -j}/{@code -m}; without one, "No device specified." unless {@code optional}.
     */
    boolean setTaskDevice(DmTask t, String name, boolean optional) {
        if (name != null) {
            return t.setName(name);
        } else if (opts.uuid != null) {
            t.setUuid(opts.uuid);
        } else if (opts.majorSet && opts.minorSet) {
            t.setMajor(opts.majorArg);
            t.setMinor(opts.minorArg);
        } else if (!optional) {
            err.print("No device specified.\n");
            return false;
        }
        return true;
    }

    /**
     * {@code _simple}: one task of {@code type} on the device, with the switches that apply;
     * with {@code display} and {@code -v}, the device's info after it.
     */
    boolean simple(Type type, String name, long eventNr, boolean display) {
        DmTask t = lib.taskCreate(type);
        if (t == null || !setTaskDevice(t, name, false)) {
            return false;
        }
        if (eventNr != 0) {
            t.setEventNr(eventNr);
        }
        if (opts.noflush) {
            t.noFlush();
        }
        if (opts.inactive) {
            t.queryInactiveTable();
        }
        if (opts.nolockfs) {
            t.skipLockfs();
        }
        boolean r = t.run();
        if (r && display && opts.verbose > 0) {
            r = displayInfo(t);
        }
        return r;
    }

    /** {@code _process_all}: {@code names}, then {@code fn} for each device. */
    boolean processAll(boolean silent, PerDevice fn) {
        DmTask t = lib.taskCreate(Type.LIST);
        if (t == null || !t.run()) {
            return false;
        }
        if (t.names().isEmpty()) {
            if (!silent) {
                out.print("No devices found\n");
            }
            return true;
        }
        boolean r = true;
        for (DmTask.Name n : t.names()) {
            if (!fn.apply(n)) {
                r = false;
            }
        }
        return r;
    }

    /** {@code _display_info} / {@code _display_info_long}. */
    boolean displayInfo(DmTask t) {
        DmTask.Info info = t.getInfo();
        if (info == null) {
            return false;
        }
        if (!info.exists()) {
            out.print("Device does not exist.\n");
            return false;
        }
        StringBuilder sb = new StringBuilder();
        sb.append("Name:              ").append(t.getName()).append('\n');
        sb.append("State:             ").append(info.suspended() ? "SUSPENDED" : "ACTIVE")
                .append(info.readOnly() ? " (READ-ONLY)" : "").append('\n');
        sb.append("Read Ahead:        0\n");
        if (!info.liveTable() && !info.inactiveTable()) {
            sb.append("Tables present:    None\n");
        } else {
            sb.append("Tables present:    ").append(info.liveTable() ? "LIVE" : "")
                    .append(info.liveTable() && info.inactiveTable() ? " & " : "")
                    .append(info.inactiveTable() ? "INACTIVE" : "").append('\n');
        }
        if (info.openCount() != -1) {
            sb.append("Open count:        ").append(info.openCount()).append('\n');
        }
        sb.append("Event number:      ").append(info.eventNr()).append('\n');
        sb.append("Major, minor:      ").append(info.major()).append(", ").append(info.minor()).append('\n');
        if (info.targetCount() != -1) {
            sb.append("Number of targets: ").append(info.targetCount()).append('\n');
        }
        if (!t.getUuid().isEmpty()) {
            sb.append("UUID: ").append(t.getUuid()).append('\n');
        }
        sb.append('\n');
        out.print(sb);
        return true;
    }
}
