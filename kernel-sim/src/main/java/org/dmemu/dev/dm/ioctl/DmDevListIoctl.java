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
 * Emulates {@code dm_dev_list_ioctl()}, sys/dev/dm/dm_ioctl.c (rev 1.31 read in full; newer revisions per
 * docs/protocol.md "Verification notes").
 *
 * <p>Reply: {@code cmd_data} = {@code {dev: u32 minor, name}} per device in list order. Never
 * fails.
 *
 * <p>Differences from NetBSD: none.
 */
public final class DmDevListIoctl implements DmIoctlHandler {
    @Override
    public Errno handle(DeviceMapper dm, PropDictionary d) {
        PropArray list = new PropArray();
        for (DmDev dev : dm.devs().all()) {
            PropDictionary e = new PropDictionary();
            e.set(DM_DEV_NAME, pstr(dev.name()));
            e.setUint32(DM_DEV_DEV, dev.minor);
            list.add(e);
        }
        d.set(DM_IOCTL_CMD_DATA, list);
        dm.trace(2, PROP_LIST, list.count());
        return Errno.NONE;
    }

    // trace points
    private static final TracePoint PROP_LIST = TracePoint.of("dm_dev_prop_list", "dm_dev_prop_list: {count} devices");
}
