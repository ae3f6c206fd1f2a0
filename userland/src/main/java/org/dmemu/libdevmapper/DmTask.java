package org.dmemu.libdevmapper;

import java.util.ArrayList;
import java.util.List;
import org.dmemu.dev.dm.NetbsdDm;
import org.dmemu.libdm.LibdmCmd;
import org.dmemu.libdm.LibdmDev;
import org.dmemu.libdm.LibdmIter;
import org.dmemu.libdm.LibdmTable;
import org.dmemu.libdm.LibdmTarget;
import org.dmemu.libdm.LibdmTask;

/**
 * Emulates LVM2's {@code struct dm_task} and {@code dm_task_run} on NetBSD
 * (libdm-nbsd-iface.c 1.11 {@code _flatten}, {@code _do_dm_ioctl}, {@code _create_and_load_v4},
 * {@code _mknodes_v4}; libdm_netbsd.c 1.6 {@code nbsd_dm_dict_to_dmi}): a task is turned into
 * a libdm dictionary, sent, and the reply converted into the fields of a Linux
 * {@code struct dm_ioctl} that the getters read.
 *
 * <p>Differences from NetBSD: the reply is kept as Java lists instead of a 16 KiB
 * {@code dm_ioctl} buffer (no size limit, no {@code -ENOMEM}); the ENOENT fallback of
 * {@code _do_dm_ioctl}, which reads a freed task in C, reports the request as not existing;
 * node files are not created (see {@link Libdevmapper}); in {@code deps} replies every
 * {@code dev_t} gets its driver's char major (C re-divides its driver count on every entry
 * after the first and may keep the previous major). A {@code message} task also sends
 * {@code version = [4, 0, 0]}, {@code sector} (uint64) and {@code message} (string), as
 * DragonFly's libdm does, for dmemu's {@code message} extension (NetBSD's libdm drops both and
 * sends no version; a NetBSD kernel rejects the command either way).
 */
public final class DmTask {
    /** The task types in Linux order with the NetBSD command strings ({@code _cmd_data_v4}). */
    public enum Type {
        CREATE("create"), RELOAD("reload"), REMOVE("remove"), REMOVE_ALL("remove_all"), SUSPEND("suspend"),
        RESUME("resume"), INFO("info"), DEPS("deps"), RENAME("rename"), VERSION("version"), STATUS("status"),
        TABLE("table"), WAITEVENT("waitevent"), LIST("names"), CLEAR("clear"), MKNODES("mknodes"),
        LIST_VERSIONS("targets"), TARGET_MSG("message"), SET_GEOMETRY("setgeometry");

        final String command;

        Type(String command) {
            this.command = command;
        }
    }

    /** One table line: {@code struct target}. */
    public record Target(long start, long length, String type, String params) {
    }

    /** {@code struct dm_info} as {@code dm_task_get_info} fills it. */
    public record Info(boolean exists, boolean suspended, boolean liveTable, boolean inactiveTable, int openCount,
                       long eventNr, int major, int minor, boolean readOnly, int targetCount) {
    }

    /** A {@code names} entry: name and its {@code dev} (block major, minor). */
    public record Name(String name, int major, int minor) {
    }

    /** A {@code targets} entry. */
    public record Version(String name, long[] version) {
    }

    private final Libdevmapper lib;
    Type type;
    String devName;
    String uuid;
    int major = -1;
    int minor = -1;
    String newname;
    String message;
    long sector;
    boolean geometry;
    boolean readOnly;
    boolean noFlush;
    boolean skipLockfs;
    boolean queryInactive;
    long eventNr;
    List<Target> targets = new ArrayList<>();

    // the reply, as struct dm_ioctl
    private boolean haveDmi;
    private int dmiOpenCount;
    private long dmiEventNr;
    private long dmiFlags;
    private long dmiTargetCount;
    private int dmiMinor;
    private String dmiName = "";
    private String dmiUuid = "";
    private final long[] dmiVersion = new long[3];
    private final List<Version> versions = new ArrayList<>();
    private final List<Name> names = new ArrayList<>();
    private final List<long[]> deps = new ArrayList<>();

    DmTask(Libdevmapper lib, Type type) {
        this.lib = lib;
        this.type = type;
    }

    /**
     * {@code dm_task_set_name}: a path is reduced to its last component only if it names a node
     * of the dm directory ({@code /dev/mapper/NAME} here); names of 128+ characters are refused.
     */
    public boolean setName(String name) {
        int slash = name.lastIndexOf('/');
        if (slash >= 0) {
            if (!name.substring(0, slash).equals("/dev/mapper") || slash == name.length() - 1) {
                lib.logError("dm_task_set_name: Device " + name + " not found");
                return false;
            }
            name = name.substring(slash + 1);
        }
        if (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length >= 128) {
            lib.logError("Name \"" + name + "\" too long");
            return false;
        }
        devName = name;
        return true;
    }

    public void setUuid(String uuid) {
        this.uuid = uuid;
    }

    public void setMajor(int major) {
        this.major = major;
    }

    public void setMinor(int minor) {
        this.minor = minor;
    }

    public void setNewname(String newname) {
        this.newname = newname;
    }

    public void setMessage(String message) {
        this.message = message;
    }

    public void setSector(long sector) {
        this.sector = sector;
    }

    public void setRo() {
        readOnly = true;
    }

    public void noFlush() {
        noFlush = true;
    }

    public void skipLockfs() {
        skipLockfs = true;
    }

    public void queryInactiveTable() {
        queryInactive = true;
    }

    public void setEventNr(long eventNr) {
        this.eventNr = eventNr;
    }

    /** {@code dm_task_add_target}. */
    public void addTarget(long start, long length, String ttype, String params) {
        targets.add(new Target(start, length, ttype, params));
    }

    public List<Target> targets() {
        return targets;
    }

    /** {@code dm_task_run}: 1/0 as true/false. */
    public boolean run() {
        if (type == Type.CREATE && !targets.isEmpty()) {
            return createAndLoad();
        }
        if (type == Type.MKNODES && devName == null && uuid == null && major <= 0) {
            return mknodesAll();
        }
        if (!lib.openControl()) {
            return false;
        }
        return doIoctl();
    }

    private DmTask copyFor(Type t) {
        DmTask n = new DmTask(lib, t);
        n.devName = devName;
        return n;
    }

    /** {@code _create_and_load_v4}: create, reload with the table, resume (or remove on failure). */
    private boolean createAndLoad() {
        lib.out.print("create and load called \n");
        lib.out.flush();
        DmTask create = lib.taskCreate(Type.CREATE);
        if (create == null) {
            lib.logError("Failed to create device-mapper task struct");
            return false;
        }
        create.devName = devName;
        create.uuid = uuid;
        create.major = major;
        create.minor = minor;
        if (!create.run()) {
            return false;
        }
        DmTask load = lib.taskCreate(Type.RELOAD);
        if (load == null) {
            lib.logError("Failed to create device-mapper task struct");
            return false;
        }
        load.devName = devName;
        load.readOnly = readOnly;
        load.targets = targets;
        boolean r = load.run();
        uuid = null;
        if (r) {
            type = Type.RESUME;
            if (run()) {
                return true;
            }
            r = false;
        }
        type = Type.REMOVE;
        if (!run()) {
            lib.logError("Failed to revert device creation.");
        }
        return r;
    }

    /** {@code _mknodes_v4}: (the empty mapper-dir walk), then one mknodes per listed device. */
    private boolean mknodesAll() {
        DmTask list = lib.taskCreate(Type.LIST);
        if (list == null || !list.run()) {
            return false;
        }
        boolean r = true;
        for (Name n : list.names()) {
            devName = n.name();
            if (!run()) {
                r = false;
            }
        }
        return r;
    }

    /** {@code _flatten} + {@code _do_dm_ioctl} + the reply conversion. */
    private boolean doIoctl() {
        LibdmTask task = LibdmTask.create(type.command);
        LibdmCmd cmd = LibdmCmd.create();
        for (Target t : targets) {
            LibdmTable tb = LibdmTable.create();
            tb.setStart(t.start());
            tb.setLength(t.length());
            tb.setTarget(t.type().length() > 15 ? t.type().substring(0, 15) : t.type());
            tb.setParams(t.params());
            cmd.setTable(tb);
        }
        int count = targets.size();
        if (count > 0 && (sector != 0 || message != null)) {
            lib.logError("targets and message are incompatible");
            return false;
        }
        if (count > 0 && newname != null) {
            lib.logError("targets and newname are incompatible");
            return false;
        }
        if (count > 0 && geometry) {
            lib.logError("targets and geometry are incompatible");
            return false;
        }
        if (newname != null && (sector != 0 || message != null)) {
            lib.logError("message and newname are incompatible");
            return false;
        }
        if (sector != 0 && message == null) {
            lib.logError("message is required with sector");
            return false;
        }
        if (major != Libdevmapper.dmBlockMajor() && major != -1) {
            return false;
        }
        long flags = 0;
        if (minor >= 0) {
            flags |= NetbsdDm.DM_PERSISTENT_DEV_FLAG;
            task.setMinor(minor);
        }
        if (devName != null) {
            task.setName(devName);
        }
        if (uuid != null) {
            task.setUuid(uuid);
        }
        if (type == Type.SUSPEND) {
            flags |= NetbsdDm.DM_SUSPEND_FLAG;
        }
        if (noFlush) {
            flags |= NetbsdDm.DM_NOFLUSH_FLAG;
        }
        if (readOnly) {
            flags |= NetbsdDm.DM_READONLY_FLAG;
        }
        if (skipLockfs) {
            flags |= NetbsdDm.DM_SKIP_LOCKFS_FLAG;
        }
        if (queryInactive) {
            if (lib.dmVersionMinor < 16) {
                lib.err.print("WARNING: Inactive table query unsupported by kernel.  It will use live table.\n");
            }
            flags |= NetbsdDm.DM_QUERY_INACTIVE_TABLE_FLAG;
        }
        task.setFlags(flags);
        if (newname != null) {
            cmd.setNewname(newname);
        }
        task.setCmd(cmd);
        if (type == Type.TARGET_MSG && message != null) {
            // dmemu extension (DragonFly's libdm): version, sector and message go to the kernel
            org.dmemu.proplib.PropArray v = new org.dmemu.proplib.PropArray();
            v.addUint32(4);
            v.addUint32(0);
            v.addUint32(0);
            task.dictionary().set(NetbsdDm.DM_IOCTL_VERSION, v);
            task.dictionary().setUint64(NetbsdDm.DM_MESSAGE_SECTOR, sector);
            task.dictionary().setString(NetbsdDm.DM_MESSAGE_STR, message);
        }
        if (type == Type.TABLE) {
            task.setStatusFlag();
        }
        task.setExistsFlag();
        int e = task.run(lib.transport);
        if (e != 0) {
            if (e == 2 && (type == Type.INFO || type == Type.MKNODES || type == Type.STATUS)) {
                toDmi(task);
                dmiFlags &= ~NetbsdDm.DM_EXISTS_FLAG;
                return true;
            }
            lib.logError("ioctl " + type.command + " call failed with errno " + e + "\n");
            return false;
        }
        toDmi(task);
        if (type == Type.STATUS || type == Type.TABLE || type == Type.WAITEVENT) {
            targets = new ArrayList<>(specs);
        }
        return true;
    }

    private final List<Target> specs = new ArrayList<>();

    /** {@code nbsd_dm_dict_to_dmi}. */
    private void toDmi(LibdmTask task) {
        haveDmi = true;
        dmiOpenCount = task.getOpenNum();
        dmiEventNr = task.getEventNum();
        dmiFlags = task.getFlags();
        dmiTargetCount = task.getTargetNum();
        dmiMinor = (int) task.getMinor();
        dmiName = task.getName() == null ? "" : cut(task.getName(), 127);
        dmiUuid = task.getUuid() == null ? "" : cut(task.getUuid(), 128);
        task.getCmdVersion(dmiVersion, 3);
        LibdmCmd cmd = task.getCmd();
        switch (type) {
            case LIST_VERSIONS -> {
                if (cmd != null) {
                    LibdmIter it = cmd.iter();
                    LibdmTarget t;
                    while ((t = it.getTarget()) != null) {
                        long[] v = new long[3];
                        t.getVersion(v, 3);
                        versions.add(new Version(t.getName() == null ? "" : t.getName(), v));
                    }
                    dmiTargetCount = versions.size();
                }
            }
            case LIST -> {
                if (cmd != null) {
                    LibdmIter it = cmd.iter();
                    LibdmDev d;
                    while ((d = it.getDev()) != null) {
                        names.add(new Name(d.getName() == null ? "" : d.getName(), Libdevmapper.dmBlockMajor(),
                                (int) d.getMinor()));
                    }
                    dmiTargetCount = names.size();
                }
            }
            case STATUS, TABLE, WAITEVENT -> {
                if (cmd != null && type != Type.WAITEVENT) {
                    LibdmIter it = cmd.iter();
                    LibdmTable t;
                    while ((t = it.getTable()) != null) {
                        String tt = t.getTarget() == null ? "" : t.getTarget();
                        specs.add(new Target(t.getStart(), t.getLength(), cut(tt, 15),
                                t.getParams() == null ? "" : t.getParams()));
                    }
                    dmiTargetCount = specs.size();
                }
            }
            case DEPS -> {
                if (cmd != null) {
                    LibdmIter it = cmd.iter();
                    long dev;
                    while ((dev = it.getDeps()) != 0) {
                        int bmaj = (int) ((dev & 0x000fff00L) >>> 8);
                        int min = (int) (((dev & 0xfff00000L) >>> 12) | (dev & 0xffL));
                        deps.add(new long[] {Libdevmapper.charMajorOf(bmaj), min});
                    }
                    dmiTargetCount = deps.size();
                }
            }
            default -> {
            }
        }
    }

    private static String cut(String s, int max) {
        return s.length() > max ? s.substring(0, max) : s;
    }

    /** {@code dm_task_get_info}; null when the task never got a reply. */
    public Info getInfo() {
        if (!haveDmi) {
            return null;
        }
        boolean exists = (dmiFlags & NetbsdDm.DM_EXISTS_FLAG) != 0;
        if (!exists) {
            return new Info(false, false, false, false, 0, 0, 0, 0, false, 0);
        }
        return new Info(true, (dmiFlags & NetbsdDm.DM_SUSPEND_FLAG) != 0,
                (dmiFlags & NetbsdDm.DM_ACTIVE_PRESENT_FLAG) != 0,
                (dmiFlags & NetbsdDm.DM_INACTIVE_PRESENT_FLAG) != 0, dmiOpenCount, dmiEventNr,
                Libdevmapper.dmBlockMajor(), dmiMinor, (dmiFlags & NetbsdDm.DM_READONLY_FLAG) != 0,
                (int) dmiTargetCount);
    }

    /** {@code dm_task_get_driver_version}: "a.b.c" of the reply, remembering the minor. */
    String driverVersion() {
        if (!haveDmi) {
            return "";
        }
        lib.dmVersionMinor = (int) dmiVersion[1];
        return dmiVersion[0] + "." + dmiVersion[1] + "." + dmiVersion[2];
    }

    public String getName() {
        return dmiName;
    }

    public String getUuid() {
        return dmiUuid;
    }

    public List<Version> versions() {
        return versions;
    }

    public List<Name> names() {
        return names;
    }

    /** {@code dm_task_get_deps}: (char major, minor) pairs. */
    public List<long[]> deps() {
        return deps;
    }
}
