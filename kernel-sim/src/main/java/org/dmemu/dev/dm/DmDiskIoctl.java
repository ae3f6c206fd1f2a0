package org.dmemu.dev.dm;

import java.nio.charset.StandardCharsets;

import org.dmemu.dev.disk.Dkio;
import org.dmemu.kern.IoctlResult;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.proplib.PropKern;
import org.dmemu.sys.Buf;
import org.dmemu.sys.Errno;
import org.dmemu.sys.TracePoint;

/**
 * Emulates the disk side of sys/dev/dm/device-mapper.c rev 1.64: {@code disk_ioctl_switch} (the
 * five disk ioctls a dm device answers) and {@code dmgetproperties} (the {@code dk_info}
 * dictionary DIOCGDISKINFO returns), kept apart from {@link DeviceMapper}'s dmioctl and
 * dmstrategy.
 *
 * <p>Differences from NetBSD: DIOCCACHESYNC syncs the active table as a reader, outside the
 * kernel lock ({@link DeviceMapper#cacheSync}).
 */
final class DmDiskIoctl {
    private DmDiskIoctl() {
    }

    /**
     * {@code disk_ioctl_switch(dev, cmd, data)} for a dm minor &gt; 0: the five disk ioctls dm
     * answers; ENOTTY for anything else (the caller then tries NETBSD_DM_IOCTL).
     */
    static IoctlResult diskIoctlSwitch(DeviceMapper dm, long minor, long cmd, byte[] data) {
        boolean ours = cmd == Dkio.DIOCGWEDGEINFO || cmd == Dkio.DIOCGDISKINFO || cmd == Dkio.DIOCCACHESYNC
                || cmd == Dkio.DIOCGSECTORSIZE || cmd == Dkio.DIOCGMEDIASIZE;
        if (!ours) {
            return new IoctlResult(Errno.ENOTTY.number(), new byte[0]);
        }
        DmDev syncAfterUnlock;
        synchronized (dm.lock()) {
            DmDev dmv = dm.devs().byMinor(minor);
            if (dmv == null) {
                dm.trace(1, NO_DEVICE, minor, Errno.ENODEV);
                return new IoctlResult(Errno.ENODEV.number(), new byte[0]);
            }
            byte[] arg = data == null ? new byte[0] : data;
            if (cmd == Dkio.DIOCGWEDGEINFO) {
                byte[] w = new byte[Dkio.DKWEDGE_INFO_SIZE];
                byte[] nm = dmv.name.getBytes(StandardCharsets.ISO_8859_1);
                System.arraycopy(nm, 0, w, 0, Math.min(15, nm.length));
                System.arraycopy(nm, 0, w, 16, Math.min(127, nm.length));
                System.arraycopy(nm, 0, w, 144, Math.min(15, nm.length));
                Dkio.putLE(w, 160, 8, 0);
                Dkio.putLE(w, 168, 8, dmv.tableHead.disksize()[1]);
                byte[] ffs = "ffs".getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(ffs, 0, w, 176, ffs.length);
                dm.trace(1, WEDGEINFO, dmv.name);
                System.arraycopy(w, 0, arg, 0, Math.min(arg.length, w.length));
                return new IoctlResult(0, w);
            } else if (cmd == Dkio.DIOCGDISKINFO) {
                if (dmv.dkInfo == null) {
                    dm.trace(1, NO_DISKINFO, Errno.ENOTSUP);
                    return new IoctlResult(Errno.ENOTSUP.number(), new byte[0]);
                }
                byte[] out;
                try {
                    out = PropKern.copyoutIoctl(cmd, dmv.dkInfo);
                } catch (PropKern.PropKernException e) {
                    // disk_ioctl returns prop_dictionary_copyout_ioctl's error
                    dm.trace(1, DISKINFO_COPYOUT, DeviceMapper.errnoValue(e.errno()));
                    return new IoctlResult(e.errno(), new byte[0]);
                }
                dm.trace(1, DISKINFO);
                return new IoctlResult(0, out);
            } else if (cmd == Dkio.DIOCCACHESYNC) {
                dm.trace(1, CACHESYNC);
                syncAfterUnlock = dmv;
            } else if (cmd == Dkio.DIOCGSECTORSIZE) {
                long secsize = dmv.tableHead.disksize()[0];
                byte[] out = new byte[4];
                Dkio.putLE(out, 0, 4, secsize);
                System.arraycopy(out, 0, arg, 0, Math.min(arg.length, 4));
                dm.trace(1, SECTORSIZE, secsize);
                return new IoctlResult(0, out);
            } else {
                long[] ds = dmv.tableHead.disksize();
                byte[] out = new byte[8];
                Dkio.putLE(out, 0, 8, ds[0] * ds[1]);
                System.arraycopy(out, 0, arg, 0, Math.min(arg.length, 8));
                dm.trace(1, MEDIASIZE, ds[0] * ds[1]);
                return new IoctlResult(0, out);
            }
        }
        dm.cacheSync(syncAfterUnlock);
        return new IoctlResult(0, new byte[0]);
    }

    /** {@code dmgetproperties}: rebuilds {@code dk_info} from the active table (resume). */
    static void getProperties(DmDev dmv) {
        long[] ds = dmv.tableHead.disksize();
        long secsize = ds[0] == 0 ? 512 : ds[0];
        long numsec = ds[1];
        // disk_set_info: dk_blkshift = DK_BSIZE2BLKSHIFT(dg_secsize), a 0 size counting as DEV_BSIZE
        dmv.blkshift = Math.max(0, Long.numberOfTrailingZeros(Math.max(1, secsize / Buf.DEV_BSIZE)));
        if (numsec == 0) {
            return;
        }
        PropDictionary geom = new PropDictionary();
        geom.setUint64("sectors-per-unit", numsec);
        geom.setUint32("sector-size", secsize);
        geom.setUint32("sectors-per-track", 32);
        geom.setUint32("tracks-per-cylinder", 64);
        long cyl = numsec / (64 * 32);
        if (cyl != 0) {
            geom.setUint64("cylinders-per-unit", cyl);
        }
        PropDictionary info = new PropDictionary();
        info.set("geometry", geom);
        info.setString("type", "ESDI");
        dmv.dkInfo = info;
    }

    // trace points
    private static final TracePoint NO_DEVICE = TracePoint.of("disk_ioctl_switch",
            "disk_ioctl_switch: no device with minor {minor} -> {error}");
    private static final TracePoint WEDGEINFO = TracePoint.of("disk_ioctl_switch", "disk_ioctl_switch: DIOCGWEDGEINFO {name}");
    private static final TracePoint NO_DISKINFO = TracePoint.of("disk_ioctl_switch",
            "disk_ioctl_switch: DIOCGDISKINFO: no dk_info -> {error}");
    private static final TracePoint DISKINFO_COPYOUT = TracePoint.of("disk_ioctl_switch",
            "disk_ioctl_switch: DIOCGDISKINFO: copyout: {error}");
    private static final TracePoint DISKINFO = TracePoint.of("disk_ioctl_switch", "disk_ioctl_switch: DIOCGDISKINFO");
    private static final TracePoint CACHESYNC = TracePoint.of("disk_ioctl_switch",
            "disk_ioctl_switch: DIOCCACHESYNC: sync every active entry");
    private static final TracePoint SECTORSIZE = TracePoint.of("disk_ioctl_switch", "disk_ioctl_switch: DIOCGSECTORSIZE {secsize}");
    private static final TracePoint MEDIASIZE = TracePoint.of("disk_ioctl_switch", "disk_ioctl_switch: DIOCGMEDIASIZE {mediasize}");
}
