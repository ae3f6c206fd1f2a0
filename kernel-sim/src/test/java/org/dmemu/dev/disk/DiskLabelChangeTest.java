package org.dmemu.dev.disk;

import static org.dmemu.dev.dm.DmTestSupport.line;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.dmemu.dev.dm.DmTestSupport;
import org.dmemu.disklabel.DiskIoctls;
import org.dmemu.disklabel.Disklabel;
import org.dmemu.disklabel.DisklabelCodec;
import org.dmemu.disklabel.DisklabelPartition;
import org.dmemu.disklabel.FsType;
import org.dmemu.kern.DiskHandle;
import org.dmemu.kern.IoctlResult;
import org.dmemu.kern.KernelException;
import org.dmemu.sys.Buf;
import org.dmemu.sys.Errno;
import org.junit.jupiter.api.Test;

/**
 * Issue 16 points 1 and 2: the label changing under open partitions and in-flight writes.
 */
class DiskLabelChangeTest {
    private static Disklabel getLabel(DmTestSupport t) {
        IoctlResult r = t.k.ioctl("/dev/wd1d", DiskIoctls.DIOCGDINFO, new byte[DisklabelCodec.SIZEOF], DisklabelCodec.SIZEOF);
        assertEquals(0, r.errno());
        return DisklabelCodec.decode(r.out(), 0);
    }

    private static void setLabel(DmTestSupport t, Disklabel l) {
        DisklabelCodec.seal(l);
        byte[] b = DisklabelCodec.encode(l);
        assertEquals(0, t.k.ioctl("/dev/wd1d", DiskIoctls.DIOCSDINFO, b, b.length).errno());
    }

    private static byte[] pattern(int bytes, int seed) {
        byte[] b = new byte[bytes];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    /** wd1e at sector 1000 (2048 sectors) holding a pattern, mapped by dm device "m". */
    private static byte[] setUp(DmTestSupport t) {
        Disklabel l = getLabel(t);
        l.partitions[4] = DisklabelPartition.of(2048, 1000, FsType.BSDFFS);
        l.npartitions = 5;
        setLabel(t, l);
        byte[] data = pattern(4096, 5);
        assertEquals(Errno.NONE, t.io("/dev/wd1d", false, 1000, data).error());
        t.up("m", line(0, 2048, "linear", "/dev/wd1e 0"));
        byte[] r = new byte[4096];
        assertEquals(Errno.NONE, t.io("/dev/mapper/m", true, 0, r).error());
        assertArrayEquals(data, r);
        return data;
    }

    @Test
    void labelShrunkUnderOpenPartition_entryLeftInStruct_ioContinuesOnIt() {
        try (DmTestSupport t = new DmTestSupport()) {
            byte[] data = setUp(t);
            Disklabel l = getLabel(t);
            l.npartitions = 4; // entry 4 left as DIOCGDINFO gave it, as disklabel(8) would send it
            setLabel(t, l);
            byte[] r = new byte[4096];
            Buf bp = t.io("/dev/mapper/m", true, 0, r); // used to throw ArrayIndexOutOfBoundsException
            assertEquals(Errno.NONE, bp.error());
            assertEquals(0, bp.resid());
            assertArrayEquals(data, r);
            // dk_open reads d_npartitions: a new open of wd1e (its character node: the block
            // node is held by the table) fails
            assertEquals(Errno.ENXIO, assertThrows(KernelException.class, () -> t.k.open("/dev/rwd1e")).errno());
            assertEquals(4, t.k.disks().get(1).partitions().length);
        }
    }

    @Test
    void labelShrunkUnderOpenPartition_entryZeroed_eofAtZero_einvalPast() throws Exception {
        try (DmTestSupport t = new DmTestSupport()) {
            setUp(t);
            Disklabel l = getLabel(t);
            l.npartitions = 4;
            l.partitions[4] = DisklabelPartition.EMPTY; // p_size 0
            setLabel(t, l);
            // through dm: the pdev's EOF (resid = bcount, no error) completes the nested buf short: EIO
            assertEquals(Errno.EIO, t.io("/dev/mapper/m", true, 0, new byte[4096]).error());
            // past block 0 of a 0-sector partition: EINVAL from bounds_check_with_label
            assertEquals(Errno.EINVAL, t.io("/dev/mapper/m", true, 8, new byte[4096]).error());
            // the disk's own answer on the partition (a handle opened before the change)
            Disk wd1 = t.k.disks().get(1);
            Buf bp = new Buf().setup(Buf.B_READ, 0, new byte[512], 0, 512);
            wd1.strategy(4, bp, 0);
            assertEquals(Errno.NONE, bp.error());
            assertEquals(512, bp.resid());
            // a partition number outside 0..15 never throws either
            Buf odd = new Buf().setup(Buf.B_READ, 0, new byte[512], 0, 512);
            wd1.strategy(16, odd, 0);
            assertEquals(Errno.ENXIO, odd.error());
        }
    }

    /**
     * Point 2: the label sector moves with partition c while writes to partition a hit block 1.
     * Under label A (a and c at 0) block 1 of a is the label sector 1; under label B (a and c at
     * 100) it is 101. Every write must be refused with EROFS: a check against one label and a
     * position from the other would let it through onto a label sector.
     */
    @Test
    void writesRacingLabelChanges_checkAndPositionUseOneLabel() throws Exception {
        try (DmTestSupport t = new DmTestSupport()) {
            Disk wd1 = t.k.disks().get(1);
            DiskPartition[] a = labelTable(0);
            DiskPartition[] b = labelTable(100);
            wd1.setPartitions(a);
            byte[] before1 = rawSector(t, 1);
            byte[] before101 = rawSector(t, 101);
            // one label after the other: the protected sector follows the new label at once
            byte[] probe = pattern(512, 99);
            for (DiskPartition[] l : new DiskPartition[][] {b, a, b, a}) {
                wd1.setPartitions(l);
                assertEquals(Errno.EROFS, t.io("/dev/wd1a", false, 1, probe).error());
                assertEquals(Errno.NONE, t.io("/dev/wd1a", false, 2, probe).error());
            }
            // now while the label keeps changing
            int writes = 20_000;
            CountDownLatch flipping = new CountDownLatch(1);
            AtomicBoolean done = new AtomicBoolean();
            AtomicInteger flips = new AtomicInteger();
            Thread flipper = new Thread(() -> {
                flipping.countDown();
                for (int i = 0; !done.get(); i++) {
                    wd1.setPartitions((i & 1) == 0 ? b : a);
                    flips.incrementAndGet();
                }
            });
            flipper.start();
            flipping.await();
            int wrong = 0;
            byte[] junk = pattern(512, 77);
            Buf bp = new Buf();
            try (DiskHandle h = t.k.open("/dev/wd1a")) {
                for (int i = 0; i < writes; i++) {
                    bp.setup(Buf.B_WRITE, 1, junk, 0, 512);
                    h.strategy(bp);
                    if (bp.error() != Errno.EROFS) {
                        wrong++;
                    }
                }
            } finally {
                done.set(true);
                flipper.join();
            }
            wd1.setPartitions(a);
            assertEquals(0, wrong, "writes not refused, of " + writes + " (" + flips.get() + " label changes)");
            assertArrayEquals(before1, rawSector(t, 1));
            assertArrayEquals(before101, rawSector(t, 101));
        }
    }

    /** a = (off, 1000) FFS; b unused; c = (off, 10000); d = whole disk. */
    private static DiskPartition[] labelTable(long off) {
        return new DiskPartition[] {new DiskPartition(off, 1000, DiskPartition.FS_BSDFFS),
            new DiskPartition(0, 0, DiskPartition.FS_UNUSED), new DiskPartition(off, 10000, DiskPartition.FS_UNUSED),
            new DiskPartition(0, 16384, DiskPartition.FS_UNUSED)};
    }

    private static byte[] rawSector(DmTestSupport t, long lba) {
        byte[] b = new byte[512];
        assertEquals(Errno.NONE, t.io("/dev/wd1d", true, lba, b).error());
        return Arrays.copyOf(b, b.length);
    }
}
