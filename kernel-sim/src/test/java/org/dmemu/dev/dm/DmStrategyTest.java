package org.dmemu.dev.dm;

import static org.dmemu.dev.dm.DmTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;

import org.dmemu.dev.disk.Dkio;
import org.dmemu.kern.DiskHandle;
import org.dmemu.kern.IoctlResult;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.sys.Buf;
import org.dmemu.sys.Errno;
import org.junit.jupiter.api.Test;

/** dmstrategy (§8.3), dmopen and the disk ioctls (§8.6). */
class DmStrategyTest {
    @Test
    void noTable_blkno0EOF_pastEINVAL() {
        try (DmTestSupport t = new DmTestSupport()) {
            t.create("a");
            Buf bp = t.io("/dev/mapper/a", true, 0, new byte[512]);
            assertEquals(Errno.NONE, bp.error());
            assertEquals(512, bp.resid());
            bp = t.io("/dev/mapper/a", true, 1, new byte[512]);
            assertEquals(Errno.EINVAL, bp.error());
        }
    }

    @Test
    void endOfDevice_EOF_beyond_EINVAL_straddle_Q4() {
        try (DmTestSupport t = new DmTestSupport()) {
            t.up("a", line(0, 16, "linear", "/dev/wd1a 0"));
            Buf bp = t.io("/dev/mapper/a", true, 16, new byte[512]);
            assertEquals(Errno.NONE, bp.error());
            assertEquals(512, bp.resid());
            assertEquals(Errno.EINVAL, t.io("/dev/mapper/a", true, 17, new byte[512]).error());
            assertEquals(Errno.EINVAL, t.io("/dev/mapper/a", true, -1, new byte[512]).error());
            byte[] w = new byte[1024];
            w[0] = 42;
            bp = t.io("/dev/mapper/a", false, 15, w);
            assertEquals(Errno.EINVAL, bp.error());
            assertEquals(1024, bp.resid());
            assertEquals(1024, bp.bcount());
            byte[] r = new byte[512];
            t.io("/dev/rwd1a", true, 15, r);
            assertEquals(42, r[0]); // the in-range part was transferred
        }
    }

    @Test
    void hole_failsWholeRequest_tableNotAtZero() {
        try (DmTestSupport t = new DmTestSupport()) {
            t.up("a", line(0, 8, "zero", ""), line(16, 8, "zero", ""));
            // size 16: [8,16) is a hole
            Buf bp = t.io("/dev/mapper/a", true, 4, new byte[8 * 512]);
            assertEquals(Errno.EINVAL, bp.error());
            assertEquals(4096, bp.resid());
            assertEquals(Errno.NONE, t.io("/dev/mapper/a", true, 0, new byte[4096]).error());
        }
    }

    @Test
    void oneFailingPiece_failsRequest_resid_isBcount() {
        try (DmTestSupport t = new DmTestSupport()) {
            t.up("a", line(0, 8, "zero", ""), line(8, 8, "error", ""));
            Buf bp = t.io("/dev/mapper/a", true, 0, new byte[16 * 512]);
            assertEquals(Errno.EIO, bp.error());
            assertEquals(16 * 512, bp.resid());
        }
    }

    @Test
    void overlappingUnsorted_doubleIssue_listOrder() {
        try (DmTestSupport t = new DmTestSupport()) {
            // second line overlaps the first: both get the bytes, list order: zero then linear
            t.up("a", line(0, 8, "linear", "/dev/wd1a 0"), line(0, 8, "zero", ""));
            byte[] w = new byte[512];
            w[0] = 7;
            Buf bp = t.io("/dev/mapper/a", false, 0, w);
            assertEquals(Errno.NONE, bp.error());
            byte[] r = new byte[512];
            t.io("/dev/rwd1a", true, 0, r);
            assertEquals(7, r[0]);
            assertFalse(t.k.deviceMapper().devs().byName("a").tableHead().active().fast);
        }
    }

    @Test
    void tenThousandEntries_sortedFastPath_mapsEveryEntry() {
        try (DmTestSupport t = new DmTestSupport()) {
            List<Object> lines = new ArrayList<>();
            for (int i = 0; i < 10000; i++) {
                lines.add(line(i * 1L, 1, "linear", "/dev/wd1a " + (10000 - i)));
            }
            // 10,000 lines exceed the 128 KiB copyin limit: E2BIG through the ioctl
            t.create("a");
            PropDictionary q = req("reload", "name", "a", "cmd_data", arr(lines.toArray()));
            byte[] x = org.dmemu.proplib.PropKern.externalizeRequest(q);
            assertEquals(7, t.k.ioctl(org.dmemu.kern.Kernel.CONTROL, NetbsdDm.NETBSD_DM_IOCTL, x, x.length).errno());
            synchronized (t.k.deviceMapper().lock()) {
                assertEquals(Errno.NONE, new org.dmemu.dev.dm.ioctl.DmTableLoadIoctl().handle(t.k.deviceMapper(), q));
            }
            t.resume("a");
            assertTrue(t.k.deviceMapper().devs().byName("a").tableHead().active().fast);
            byte[] w = new byte[512];
            w[0] = 99;
            assertEquals(Errno.NONE, t.io("/dev/rwd1a", false, 10000 - 7777, w).error());
            byte[] r = new byte[512];
            assertEquals(Errno.NONE, t.io("/dev/mapper/a", true, 7777, r).error());
            assertEquals(99, r[0]);
            byte[] many = new byte[3 * 512];
            assertEquals(Errno.NONE, t.io("/dev/mapper/a", true, 7776, many).error());
            assertEquals(99, many[512]);
        }
    }

    @Test
    void diskIoctls_onDmNode() throws Exception {
        try (DmTestSupport t = new DmTestSupport()) {
            t.create("a");
            try (DiskHandle h = t.k.open("/dev/mapper/a")) {
                assertEquals(Errno.ENOTSUP.number(), h.ioctl(Dkio.DIOCGDISKINFO, new byte[16]).errno());
                assertEquals(0, h.mediaSize());
                assertEquals(Errno.ENOTTY.number(), h.ioctl(0x41986465L, new byte[408]).errno());
            }
            t.reload("a", line(0, 100, "linear", "/dev/sd0a 0"));
            t.resume("a");
            try (DiskHandle h = t.k.open("/dev/mapper/a")) {
                assertEquals(4096, h.sectorSize());
                assertEquals(100 * 512 / 4096 * 4096, h.mediaSize());
                IoctlResult w = h.ioctl(Dkio.DIOCGWEDGEINFO, new byte[208]);
                assertEquals(0, w.errno());
                assertEquals('a', w.out()[0]);
                assertEquals('f', w.out()[176]);
                assertEquals(12, Dkio.getLE(w.out(), 168, 8));
                IoctlResult di = h.ioctl(Dkio.DIOCGDISKINFO, new byte[16]);
                assertEquals(0, di.errno());
                String xml = new String(di.out(), java.nio.charset.StandardCharsets.UTF_8);
                assertTrue(xml.contains("<key>sector-size</key>\n\t\t<integer>0x1000</integer>"), xml);
                assertEquals(Errno.NONE, h.cacheSync());
            }
        }
    }

    @Test
    void removedDevice_strategyEIO() throws Exception {
        try (DmTestSupport t = new DmTestSupport()) {
            t.up("a", line(0, 8, "zero", ""));
            DiskHandle h = t.k.open("/dev/mapper/a");
            h.close();
            t.call(req("remove", "name", "a"));
            Buf bp = new Buf().setup(Buf.B_READ, 0, new byte[512], 0, 512);
            h.strategy(bp);
            assertEquals(Errno.EIO, bp.error());
            assertEquals(Errno.ENODEV.number(), h.ioctl(Dkio.DIOCGMEDIASIZE, new byte[8]).errno());
        }
    }
}
