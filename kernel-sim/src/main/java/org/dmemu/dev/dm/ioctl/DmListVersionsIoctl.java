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
 * Emulates {@code dm_list_versions_ioctl()}, sys/dev/dm/dm_ioctl.c (rev 1.31 read in full; newer revisions per
 * docs/protocol.md "Verification notes").
 *
 * <p>Reply: {@code cmd_data} = one {@code {name, ver: [u32, u32, u32]}} per registered target, in
 * registration order. Never fails.
 *
 * <p>Differences from NetBSD: none.
 */
public final class DmListVersionsIoctl implements DmIoctlHandler {
    @Override
    public Errno handle(DeviceMapper dm, PropDictionary d) {
        PropArray list = new PropArray();
        for (var t : dm.targets().all()) {
            PropDictionary td = new PropDictionary();
            td.setString(DM_TARGETS_NAME, t.name());
            PropArray ver = new PropArray();
            for (int v : t.version()) {
                ver.addUint32(v);
            }
            td.set(DM_TARGETS_VERSION, ver);
            list.add(td);
        }
        d.set(DM_IOCTL_CMD_DATA, list);
        dm.trace(2, PROP_LIST, list.count());
        return Errno.NONE;
    }

    // trace points
    private static final TracePoint PROP_LIST = TracePoint.of("dm_target_prop_list", "dm_target_prop_list: {count} targets");
}
