package org.dmemu.dev.dm;

import java.util.List;

import org.dmemu.dev.dm.ioctl.DmDevCreateIoctl;
import org.dmemu.dev.dm.ioctl.DmDevListIoctl;
import org.dmemu.dev.dm.ioctl.DmDevRemoveIoctl;
import org.dmemu.dev.dm.ioctl.DmDevRenameIoctl;
import org.dmemu.dev.dm.ioctl.DmDevResumeIoctl;
import org.dmemu.dev.dm.ioctl.DmDevStatusIoctl;
import org.dmemu.dev.dm.ioctl.DmDevSuspendIoctl;
import org.dmemu.dev.dm.ioctl.DmIoctlHandler;
import org.dmemu.dev.dm.ioctl.DmListVersionsIoctl;
import org.dmemu.dev.dm.ioctl.DmTableClearIoctl;
import org.dmemu.dev.dm.ioctl.DmTableDepsIoctl;
import org.dmemu.dev.dm.ioctl.DmTableLoadIoctl;
import org.dmemu.dev.dm.ioctl.DmTableStatusIoctl;
import org.dmemu.dev.dm.ioctl.DmTargetMsgIoctl;
import org.dmemu.dev.dm.target.DmTarget;
import org.dmemu.dev.dm.target.DmTargetList;
import org.dmemu.sys.TracePoint;

/**
 * Emulates {@code cmd_fn[]} of sys/dev/dm/device-mapper.c rev 1.64: each command string, its
 * handler (null for {@code version}) and whether unprivileged callers may run it.
 *
 * <p>Differences from NetBSD: {@link #MESSAGE} (DragonFly's {@code "message"} row,
 * {@code dm_message_ioctl}) is appended by {@link #forTargets} only when a registered target
 * has a message hook (multipath); NetBSD answers the command with EINVAL (unknown command).
 */
public final class DmCommandTable {
    private DmCommandTable() {
    }

    /**
     * One row of {@code cmd_fn[]}.
     *
     * @param returns the trace step of the handler's return, named after the handler
     */
    public record CmdFunction(String cmd, DmIoctlHandler fn, boolean allowed, String cName, TracePoint returns) {
        public CmdFunction(String cmd, DmIoctlHandler fn, boolean allowed, String cName) {
            this(cmd, fn, allowed, cName, TracePoint.of(cName, cName + " returns {errno}{error? {error}}"));
        }
    }

    /** The table, in NetBSD's order. */
    public static final List<CmdFunction> CMD_FN = List.of(
            new CmdFunction("version", null, true, "(none)"),
            new CmdFunction("targets", new DmListVersionsIoctl(), true, "dm_list_versions_ioctl"),
            new CmdFunction("create", new DmDevCreateIoctl(), false, "dm_dev_create_ioctl"),
            new CmdFunction("info", new DmDevStatusIoctl(), true, "dm_dev_status_ioctl"),
            new CmdFunction("mknodes", new DmDevStatusIoctl(), true, "dm_dev_status_ioctl"),
            new CmdFunction("names", new DmDevListIoctl(), true, "dm_dev_list_ioctl"),
            new CmdFunction("suspend", new DmDevSuspendIoctl(), false, "dm_dev_suspend_ioctl"),
            new CmdFunction("remove", new DmDevRemoveIoctl(), false, "dm_dev_remove_ioctl"),
            new CmdFunction("rename", new DmDevRenameIoctl(), false, "dm_dev_rename_ioctl"),
            new CmdFunction("resume", new DmDevResumeIoctl(), false, "dm_dev_resume_ioctl"),
            new CmdFunction("clear", new DmTableClearIoctl(), false, "dm_table_clear_ioctl"),
            new CmdFunction("deps", new DmTableDepsIoctl(), true, "dm_table_deps_ioctl"),
            new CmdFunction("reload", new DmTableLoadIoctl(), false, "dm_table_load_ioctl"),
            new CmdFunction("status", new DmTableStatusIoctl(), true, "dm_table_status_ioctl"),
            new CmdFunction("table", new DmTableStatusIoctl(), true, "dm_table_status_ioctl"));

    /** DragonFly's {@code { .cmd = "message", .fn = dm_message_ioctl }}: privileged, as in Linux. */
    public static final CmdFunction MESSAGE = new CmdFunction("message", new DmTargetMsgIoctl(), false,
            "dm_message_ioctl");

    /** {@link #CMD_FN}, plus {@link #MESSAGE} when a target of {@code targets} has a message hook. */
    public static List<CmdFunction> forTargets(DmTargetList targets) {
        for (DmTarget t : targets.all()) {
            if (t.hasMessage()) {
                java.util.ArrayList<CmdFunction> l = new java.util.ArrayList<>(CMD_FN);
                l.add(MESSAGE);
                return List.copyOf(l);
            }
        }
        return CMD_FN;
    }
}
