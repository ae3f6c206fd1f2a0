package org.dmemu.dev.disk;

import static org.junit.jupiter.api.Assertions.*;

import org.dmemu.sys.Buf;
import org.dmemu.sys.Dev;
import org.dmemu.sys.Errno;
import org.junit.jupiter.api.Test;

/** dk_open/dk_translate semantics, default label, dev_t encoding, sparse memory. */
class DiskTest {
    private static Buf io(Disk d, int part, boolean read, long blkno, int bcount) {
        Buf bp = new Buf().setup(read ? Buf.B_READ : Buf.B_WRITE, blkno, new byte[bcount], 0, bcount);
        d.strategy(part, bp, 0);
        return bp;
    }

    @Test
    void defaultLabel_aAndD_wholeDisk_othersENXIO() {
        Disk d = Disk.memory(DiskDriver.WD, 1, 1 << 20, 512);
        assertEquals(Errno.NONE, d.open(0));
        assertEquals(Errno.NONE, d.open(3));
        assertEquals(Errno.ENXIO, d.open(1));
        assertEquals(Errno.ENXIO, d.open(2));
        assertEquals(Errno.ENXIO, d.open(4));
        assertEquals(2048, d.partitionSize(0));
    }

    @Test
    void devT_netbsdEncoding_amd64Majors() {
        Disk d = Disk.memory(DiskDriver.WD, 1, 1 << 20, 512);
        assertEquals(16, d.dev(0, false));
        assertEquals(Dev.makedev(3, 19), d.dev(3, true));
        assertEquals(0x400, Disk.memory(DiskDriver.SD, 0, 1 << 20, 512).dev(0, false));
        long big = Dev.makedev(19, 300);
        assertEquals(19, Dev.major(big));
        assertEquals(300, Dev.minor(big));
        assertEquals(0x10132cL, big);
    }

    @Test
    void bounds_eofEinvalTruncatePartialSector() {
        Disk d = Disk.memory(DiskDriver.WD, 0, 1 << 20, 512);
        Buf bp = io(d, 0, true, 2048, 512);
        assertEquals(Errno.NONE, bp.error());
        assertEquals(512, bp.resid());
        assertEquals(Errno.EINVAL, io(d, 0, true, 2049, 512).error());
        assertEquals(Errno.EINVAL, io(d, 3, true, -1, 512).error());
        assertEquals(Errno.EINVAL, io(d, 3, true, 0, 100).error());
        bp = io(d, 3, true, 2047, 1024);
        assertEquals(Errno.NONE, bp.error());
        assertEquals(512, bp.bcount());
        assertEquals(0, bp.resid());
    }

    @Test
    void secsize4096_blknoInDevBsizeUnits() {
        Disk d = Disk.memory(DiskDriver.SD, 0, 1 << 20, 4096);
        assertEquals(Errno.EINVAL, io(d, 3, true, 0, 512).error());
        byte[] w = new byte[4096];
        w[0] = 5;
        Buf bp = new Buf().setup(Buf.B_WRITE, 8, w, 0, 4096);
        d.strategy(3, bp, 0);
        assertEquals(Errno.NONE, bp.error());
        byte[] r = new byte[4096];
        d.strategy(0, new Buf().setup(Buf.B_READ, 8, r, 0, 4096), 0);
        assertEquals(5, r[0]);
        assertEquals(256, d.numsec());
        byte[] arg = new byte[8];
        assertEquals(Errno.NONE, d.ioctl(Dkio.DIOCGMEDIASIZE, arg));
        assertEquals(1 << 20, Dkio.getLE(arg, 0, 8));
        assertEquals(Errno.ENOTTY, d.ioctl(0x41986465L, arg));
    }

    @Test
    void memoryStore_isSparse() {
        MemoryStore m = new MemoryStore(1L << 40);
        byte[] b = new byte[3];
        assertTrue(m.read((1L << 40) - 3, b, 0, 3));
        assertArrayEquals(new byte[3], b);
        assertTrue(m.write((1L << 39) + 65535, new byte[] {1, 2}, 0, 2));
        assertTrue(m.read((1L << 39) + 65535, b, 0, 3));
        assertArrayEquals(new byte[] {1, 2, 0}, b);
    }

    @Test
    void labelSector_writeThroughNonRawPartition_EROFS_untilDIOCWLABEL() {
        Disk d = Disk.memory(DiskDriver.WD, 1, 1 << 20, 512);
        Buf bp = io(d, 0, false, 0, 1024); // sectors 0-1 through wd1a: covers LBA 1
        assertEquals(Errno.EROFS, bp.error());
        assertEquals(1024, bp.resid());
        assertEquals(Errno.NONE, io(d, 0, false, 0, 512).error()); // sector 0 only
        assertEquals(Errno.NONE, io(d, 0, false, 2, 512).error());
        assertEquals(Errno.NONE, io(d, 0, true, 1, 512).error()); // reads are never refused
        assertEquals(Errno.NONE, io(d, 3, false, 1, 512).error()); // the raw partition is not protected
        byte[] on = {1, 0, 0, 0};
        assertEquals(Errno.NONE, d.ioctl(Dkio.DIOCWLABEL, on));
        assertEquals(Errno.NONE, io(d, 0, false, 1, 512).error());
        assertEquals(Errno.NONE, d.ioctl(Dkio.DIOCWLABEL, new byte[4]));
        assertEquals(Errno.EROFS, io(d, 0, false, 1, 512).error());
    }
}
