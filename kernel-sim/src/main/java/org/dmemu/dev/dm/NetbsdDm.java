package org.dmemu.dev.dm;

/**
 * The protocol constants of sys/dev/dm/netbsd-dm.h (rev 1.10) and dm.h (rev 1.56), under their
 * C macro names: the ioctl number, the dictionary keys and the flag bits.
 *
 * <p>Differences from NetBSD: none.
 */
public final class NetbsdDm {
    private NetbsdDm() {
    }

    /** {@code DM_IOCTL}: the ioctl group. */
    public static final int DM_IOCTL = 0xfd;
    /** {@code DM_IOCTL_CMD}: the ioctl number. */
    public static final int DM_IOCTL_CMD = 0;
    /** {@code NETBSD_DM_IOCTL = _IOWR(0xfd, 0, struct plistref)} on LP64 (plistref = 16 bytes). */
    public static final long NETBSD_DM_IOCTL = 0xC010FD00L;
    /** The same on ILP32 (plistref = 8 bytes): not accepted by this LP64 kernel. */
    public static final long NETBSD_DM_IOCTL_ILP32 = 0xC008FD00L;

    public static final String DM_IOCTL_COMMAND = "command";
    public static final String DM_IOCTL_VERSION = "version";
    public static final String DM_IOCTL_OPEN = "open_count";
    public static final String DM_IOCTL_MINOR = "minor";
    public static final String DM_IOCTL_NAME = "name";
    public static final String DM_IOCTL_UUID = "uuid";
    public static final String DM_IOCTL_TARGET_COUNT = "target_count";
    public static final String DM_IOCTL_EVENT = "event_nr";
    public static final String DM_IOCTL_FLAGS = "flags";
    public static final String DM_IOCTL_CMD_DATA = "cmd_data";

    public static final String DM_TARGETS_NAME = "name";
    public static final String DM_TARGETS_VERSION = "ver";

    public static final String DM_DEV_NEWNAME = "newname";
    public static final String DM_DEV_NAME = "name";
    public static final String DM_DEV_DEV = "dev";

    public static final String DM_TABLE_TYPE = "type";
    public static final String DM_TABLE_START = "start";
    public static final String DM_TABLE_STAT = "status";
    public static final String DM_TABLE_LENGTH = "length";
    public static final String DM_TABLE_PARAMS = "params";
    /** DragonFly netbsd-dm.h: the {@code message} command's sector (uint64; dmemu extension). */
    public static final String DM_MESSAGE_SECTOR = "sector";
    /** DragonFly netbsd-dm.h: the {@code message} command's text (string; dmemu extension). */
    public static final String DM_MESSAGE_STR = "message";

    public static final int DM_READONLY_FLAG = 0x1;
    public static final int DM_SUSPEND_FLAG = 0x2;
    public static final int DM_EXISTS_FLAG = 0x4;
    public static final int DM_PERSISTENT_DEV_FLAG = 0x8;
    public static final int DM_STATUS_TABLE_FLAG = 0x10;
    public static final int DM_ACTIVE_PRESENT_FLAG = 0x20;
    public static final int DM_INACTIVE_PRESENT_FLAG = 0x40;
    public static final int DM_BUFFER_FULL_FLAG = 0x100;
    public static final int DM_SKIP_BDGET_FLAG = 0x200;
    public static final int DM_SKIP_LOCKFS_FLAG = 0x400;
    public static final int DM_NOFLUSH_FLAG = 0x800;
    public static final int DM_QUERY_INACTIVE_TABLE_FLAG = 0x1000;

    /** dm.h {@code DM_VERSION_MAJOR}. */
    public static final int DM_VERSION_MAJOR = 4;
    /** dm.h {@code DM_VERSION_MINOR}. */
    public static final int DM_VERSION_MINOR = 16;
    /** dm.h {@code DM_VERSION_PATCHLEVEL}. */
    public static final int DM_VERSION_PATCHLEVEL = 0;

    /** {@code DM_NAME_LEN}: name buffer size (127 characters + NUL). */
    public static final int DM_NAME_LEN = 128;
    /** {@code DM_UUID_LEN}: uuid buffer size. */
    public static final int DM_UUID_LEN = 129;
    /** {@code DM_MAX_PARAMS_SIZE}. */
    public static final int DM_MAX_PARAMS_SIZE = 1024;
    /** Default maximum number of params tokens handed to a target's init. */
    public static final int DM_MAX_ARGC = 20;

    /** The dm block device major (sys/conf/majors). */
    public static final int DM_BMAJOR = 169;
    /** The dm character device major (sys/conf/majors). */
    public static final int DM_CMAJOR = 194;
}
