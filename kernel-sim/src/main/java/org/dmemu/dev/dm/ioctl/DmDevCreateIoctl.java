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
 * Emulates {@code dm_dev_create_ioctl()}, sys/dev/dm/dm_ioctl.c (rev 1.31 read in full; newer revisions per
 * docs/protocol.md "Verification notes").
 *
 * <p>Reads {@code name}, {@code uuid}, {@code flags}. An existing device (by name or uuid) →
 * {@code flags |= EXISTS}, EEXIST. Otherwise a new minor (never reused), name cut to 127 bytes,
 * uuid to 129, READONLY kept from the request; reply {@code minor}; insert (EEXIST on a clash,
 * the minor is consumed anyway); reply {@code flags |= EXISTS, &= ~INACTIVE_PRESENT}.
 *
 * <p>Differences from NetBSD: a 129-byte uuid is kept as 129 bytes (C leaves it unterminated).
 */
public final class DmDevCreateIoctl implements DmIoctlHandler {
    @Override
    public Errno handle(DeviceMapper dm, PropDictionary d) {
        String name = cstr(d, DM_IOCTL_NAME);
        String uuid = cstr(d, DM_IOCTL_UUID);
        long flags = getU32(d, DM_IOCTL_FLAGS, 0);
        dm.trace(2, START, name, uuid);
        if (dm.devs().lookup(name, uuid, -1) != null) {
            addFlag(d, flags, DM_EXISTS_FLAG);
            dm.trace(3, EXISTS, Errno.EEXIST);
            return Errno.EEXIST;
        }
        String u = uuid == null ? "" : (uuid.length() > DM_UUID_LEN ? uuid.substring(0, DM_UUID_LEN) : uuid);
        String n = name == null ? "" : strlcpy(name, DM_NAME_LEN);
        long minor = dm.nextMinor();
        DmDev dev = dm.newDev(n, u, minor, (flags & DM_READONLY_FLAG) != 0 ? DM_READONLY_FLAG : 0);
        d.setUint32(DM_IOCTL_MINOR, minor);
        Errno r = dm.devs().insert(dev);
        dm.trace(3, INSERT, minor, r);
        flags = addFlag(d, flags, DM_EXISTS_FLAG);
        removeFlag(d, flags, DM_INACTIVE_PRESENT_FLAG);
        dm.countDevice(1);
        return r;
    }

    // trace points
    private static final TracePoint START = TracePoint.of("dm_dev_create_ioctl",
            "dm_dev_create_ioctl: name {name:q}, uuid {uuid:q}");
    private static final TracePoint EXISTS = TracePoint.of("dm_dev_lookup", "dm_dev_lookup: exists -> {error}");
    private static final TracePoint INSERT = TracePoint.of("dm_dev_insert", "dm_dev_insert: minor {minor}{error? -> {error}}");
}
