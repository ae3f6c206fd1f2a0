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

/**
 * Emulates {@code dm_dev_remove_ioctl()}, sys/dev/dm/dm_ioctl.c (rev 1.31 read in full; newer revisions per
 * docs/protocol.md "Verification notes").
 *
 * <p>Lookup (ENOENT, EXISTS cleared), then {@code config_detach} → {@code dm_detach}: EBUSY if
 * the device is open (block or character open bit); else unlink, destroy the active then the
 * inactive table (in-flight I/O is waited for after the kernel lock is released), free. Reply unchanged on success.
 *
 * <p>Differences from NetBSD: the busy check inspects the device being removed (NetBSD looks
 * up {@code minor == unit number}, off by one: quirk Q1).
 */
public final class DmDevRemoveIoctl implements DmIoctlHandler {
    @Override
    public Errno handle(DeviceMapper dm, PropDictionary d) {
        Request q = Request.of(d);
        dm.trace(2, "dm_dev_remove_ioctl: " + q.describe());
        DmDev dev = dm.devs().lookup(q.name(), q.uuid(), q.minor());
        if (dev == null) {
            dm.trace(3, "dm_dev_lookup: not found -> ENOENT");
            return lookupFailed(d, q.flags());
        }
        if (dev.openMask() != 0) {
            dm.trace(3, "dm_detach: device open -> EBUSY");
            return Errno.EBUSY;
        }
        dm.devs().unlink(dev);
        dev.tableHead().destroyActive(dm.pdevs());
        dev.tableHead().destroyInactive(dm.pdevs());
        dm.countDevice(-1);
        dm.trace(3, "dm_detach: minor " + dev.minor + " unlinked, tables destroyed");
        return Errno.NONE;
    }
}
