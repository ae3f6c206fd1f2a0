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
 * Emulates {@code dm_dev_suspend_ioctl()}, sys/dev/dm/dm_ioctl.c (rev 1.31 read in full; newer revisions per
 * docs/protocol.md "Verification notes").
 *
 * <p>Sets the device's SUSPEND flag and nothing else: I/O is not blocked. Reply:
 * {@code open_count}, {@code flags} = the device's flag word | EXISTS, {@code minor}.
 *
 * <p>Differences from NetBSD: none.
 */
public final class DmDevSuspendIoctl implements DmIoctlHandler {
    @Override
    public Errno handle(DeviceMapper dm, PropDictionary d) {
        Request q = Request.of(d);
        dm.trace(2, "dm_dev_suspend_ioctl: " + q.describe());
        DmDev dev = dm.devs().lookup(q.name(), q.uuid(), q.minor());
        if (dev == null) {
            dm.trace(3, "dm_dev_lookup: not found -> ENOENT");
            return lookupFailed(d, q.flags());
        }
        dev.setFlags(dev.flags() | DM_SUSPEND_FLAG);
        d.setUint32(DM_IOCTL_OPEN, dev.tableHead().readerCount());
        d.setUint32(DM_IOCTL_FLAGS, dev.flags());
        d.setUint32(DM_IOCTL_MINOR, dev.minor);
        addFlag(d, q.flags(), DM_EXISTS_FLAG);
        dm.trace(3, "device flags 0x" + Integer.toHexString(dev.flags()) + " (I/O continues)");
        return Errno.NONE;
    }
}
