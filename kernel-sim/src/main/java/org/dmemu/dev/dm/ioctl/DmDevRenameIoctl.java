package org.dmemu.dev.dm.ioctl;

import static org.dmemu.dev.dm.NetbsdDm.*;
import static org.dmemu.dev.dm.ioctl.DmIoctlUtil.*;

import org.dmemu.dev.dm.DeviceMapper;
import org.dmemu.dev.dm.DmDev;
import org.dmemu.dev.dm.DmTableEntry;
import org.dmemu.proplib.PropArray;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.proplib.PropNumber;
import org.dmemu.sys.Errno;
import org.dmemu.sys.TracePoint;

/**
 * Emulates {@code dm_dev_rename_ioctl()}, sys/dev/dm/dm_ioctl.c (rev 1.31 read in full; newer revisions per
 * docs/protocol.md "Verification notes").
 *
 * <p>New name = {@code cmd_data[0]}; 128 bytes or more → EINVAL (before the lookup).
 * {@code dm_dev_rem} (minor, name, then uuid compared with <em>names</em>) → ENOENT; else the
 * name changes (no uniqueness check), reply {@code open_count}, {@code minor}, {@code uuid}
 * ({@code name} keeps the old value), and the device is re-inserted at the tail; if that insert
 * clashes the device silently leaves the list.
 *
 * <p>Differences from NetBSD: a missing {@code cmd_data} or a non-string element 0 (NetBSD:
 * uninitialised pointer) → EINVAL, reply unchanged.
 */
public final class DmDevRenameIoctl implements DmIoctlHandler {
    @Override
    public Errno handle(DeviceMapper dm, PropDictionary d) {
        Request q = Request.of(d);
        dm.trace(2, START, q.traceValues());
        PropArray cmd = d.getArray(DM_IOCTL_CMD_DATA);
        String newName = cmd == null ? null : cstr(cmd, 0);
        if (newName == null) {
            dm.trace(3, NO_NEW_NAME, Errno.EINVAL);
            return Errno.EINVAL;
        }
        if (newName.length() + 1 > DM_NAME_LEN) {
            dm.trace(3, NAME_TOO_LONG, newName.length(), Errno.EINVAL);
            return Errno.EINVAL;
        }
        DmDev dev = dm.devs().rem(q.name(), q.uuid(), q.minor());
        if (dev == null) {
            dm.trace(3, REM_NOT_FOUND, Errno.ENOENT);
            return lookupFailed(d, q.flags());
        }
        dev.setName(strlcpy(newName, DM_NAME_LEN));
        d.setUint32(DM_IOCTL_OPEN, dev.tableHead().readerCount());
        d.setUint32(DM_IOCTL_MINOR, dev.minor);
        d.set(DM_IOCTL_UUID, pstr(dev.uuid()));
        Errno r = dm.devs().insert(dev);
        dm.trace(3, INSERT, newName, r);
        return Errno.NONE;
    }

    // trace points
    private static final TracePoint START = requestPoint("dm_dev_rename_ioctl");
    private static final TracePoint NO_NEW_NAME = TracePoint.of("dm_dev_rename_ioctl",
            "no new name in cmd_data -> {error}");
    private static final TracePoint NAME_TOO_LONG = TracePoint.of("dm_dev_rename_ioctl",
            "new name of {length} bytes too long -> {error}");
    private static final TracePoint REM_NOT_FOUND = TracePoint.of("dm_dev_rem", "dm_dev_rem: not found -> {error}");
    private static final TracePoint INSERT = TracePoint.of("dm_dev_insert",
            "dm_dev_insert: renamed to {name:q}{error? ({error} ignored: the device left the list)}");
}
