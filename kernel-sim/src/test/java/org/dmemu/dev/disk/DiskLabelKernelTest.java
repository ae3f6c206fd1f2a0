package org.dmemu.dev.disk;

import static org.dmemu.dev.dm.DmTestSupport.arr;
import static org.dmemu.dev.dm.DmTestSupport.line;
import static org.dmemu.dev.dm.DmTestSupport.req;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.dmemu.dev.dm.NetbsdDm;
import org.dmemu.sys.TraceText;
import org.dmemu.disklabel.DiskIoctls;
import org.dmemu.disklabel.Disklabel;
import org.dmemu.disklabel.DisklabelCodec;
import org.dmemu.disklabel.DisklabelPartition;
import org.dmemu.disklabel.DkType;
import org.dmemu.disklabel.FsType;
import org.dmemu.disklabel.Mbr;
import org.dmemu.kern.DiskHandle;
import org.dmemu.kern.DiskSpec;
import org.dmemu.kern.IoctlResult;
import org.dmemu.kern.Kernel;
import org.dmemu.kern.KernelConfig;
import org.dmemu.kern.KernelException;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.proplib.PropKern;
import org.dmemu.sys.Buf;
import org.dmemu.sys.Errno;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4 in the kernel: emulated disks take their partitions from the NetBSD label on the
 * medium, protect the label sector (EROFS unless DIOCWLABEL), answer the label ioctls, and dm
 * reports (or, strictly, refuses) table entries whose component range covers a label sector.
 */
class DiskLabelKernelTest {
    private static final long SECTORS = 131072; // 64 MiB
    @TempDir
    Path dir;
    private Kernel k;
    private final ByteArrayOutputStream traceBytes = new ByteArrayOutputStream();

    /** MBR with NetBSD at 63; label at LBA 64: a = 63+65536 FFS, b = swap, c, d, e = FFS. */
    private Path image() throws Exception {
        byte[] img = new byte[(int) (SECTORS * 512)];
        Mbr.write(List.of(new Mbr.Partition(0x80, Mbr.PTYPE_NETBSD, 63, SECTORS - 63)), img, 0);
        Disklabel l = new Disklabel();
        l.type = DkType.ESDI;
        l.secsize = 512;
        l.nsectors = 63;
        l.ntracks = 16;
        l.secpercyl = 1008;
        l.ncylinders = SECTORS / 1008;
        l.secperunit = SECTORS;
        l.rpm = 3600;
        l.bbsize = 8192;
        l.sbsize = 8192;
        l.partitions[0] = new DisklabelPartition(65536, 63, 2048, FsType.BSDFFS, 8, 0);
        l.partitions[1] = DisklabelPartition.of(16384, 65599, FsType.SWAP);
        l.partitions[2] = DisklabelPartition.of(SECTORS - 63, 63, FsType.UNUSED);
        l.partitions[3] = DisklabelPartition.of(SECTORS, 0, FsType.UNUSED);
        l.partitions[4] = DisklabelPartition.of(SECTORS - 81983, 81983, FsType.BSDFFS);
        l.npartitions = 5;
        DisklabelCodec.seal(l);
        DisklabelCodec.encode(l, img, 64 * 512);
        Path p = dir.resolve("wd1.img");
        Files.write(p, img);
        return p;
    }

    private void boot(boolean strictErrno, boolean strictOffsets) throws Exception {
        Path img = image();
        k = Kernel.boot(new KernelConfig(List.of(new DiskSpec("wd1", "file:" + img, 512)), Set.of(),
                strictErrno, strictOffsets, new TraceText(new PrintStream(traceBytes, true, StandardCharsets.UTF_8))));
    }

    @AfterEach
    void close() {
        if (k != null) {
            k.close();
        }
    }

    private Buf io(String path, boolean read, long blkno, byte[] data) throws KernelException {
        Buf bp = new Buf().setup(read ? Buf.B_READ : Buf.B_WRITE, blkno, data, 0, data.length);
        try (DiskHandle h = k.open(path)) {
            h.strategy(bp);
        }
        return bp;
    }

    private static byte[] pattern(int sectors, int seed) {
        byte[] b = new byte[sectors * 512];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i * 7 + seed);
        }
        return b;
    }

    private byte[] rawRead(long lba, int sectors) throws KernelException {
        byte[] b = new byte[sectors * 512];
        assertEquals(Errno.NONE, io("/dev/rwd1d", true, lba, b).error());
        return b;
    }

    private int wlabel(String node, int on) {
        byte[] arg = {(byte) on, 0, 0, 0};
        return k.ioctl(node, DiskIoctls.DIOCWLABEL, arg, 4).errno();
    }

    private PropDictionary dm(PropDictionary request) throws Exception {
        byte[] x = PropKern.externalizeRequest(request);
        IoctlResult r = k.ioctl(Kernel.CONTROL, NetbsdDm.NETBSD_DM_IOCTL, x, x.length);
        assertEquals(0, r.errno());
        return PropKern.internalizeReply(r.out(), r.out().length);
    }

    private int dmErrno(PropDictionary request) {
        byte[] x = PropKern.externalizeRequest(request);
        return k.ioctl(Kernel.CONTROL, NetbsdDm.NETBSD_DM_IOCTL, x, x.length).errno();
    }

    private void up(String name, PropDictionary... lines) throws Exception {
        dm(req("create", "name", name, "flags", 0));
        dm(req("reload", "name", name, "flags", 0, "cmd_data", arr((Object[]) lines)));
        assertEquals(Errno.NONE, k.deviceMapper().lastHandlerErrno());
        dm(req("resume", "name", name, "flags", 0));
    }

    @Test
    void partitionsComeFromTheLabel_nodesOpenPerLabel() throws Exception {
        boot(false, false);
        Disk d = k.disks().get(0);
        assertEquals(5, d.partitions().length);
        assertEquals(new DiskPartition(63, 65536, FsType.BSDFFS), d.partitions()[0]);
        assertEquals(new DiskPartition(81983, SECTORS - 81983, FsType.BSDFFS), d.partitions()[4]);
        for (String n : List.of("/dev/wd1a", "/dev/wd1b", "/dev/wd1d", "/dev/wd1e", "/dev/rwd1e")) {
            k.open(n).close();
        }
        for (String n : List.of("/dev/wd1c", "/dev/wd1f", "/dev/wd1p")) {
            KernelException e = org.junit.jupiter.api.Assertions.assertThrows(KernelException.class,
                    () -> k.open(n));
            assertEquals(Errno.ENXIO, e.errno(), n);
        }
        assertEquals(65536L, d.partitionSize(0));
        assertTrue(traceBytes.toString(StandardCharsets.UTF_8).contains(
                "readdisklabel wd1: label in NetBSD MBR partition at LBA 63, sector 64 byte offset 0"));
    }

    @Test
    void diocgdinfo_returnsTheLabel_diocgpartinfo_thePartition() throws Exception {
        boot(false, false);
        IoctlResult r = k.ioctl("/dev/rwd1d", DiskIoctls.DIOCGDINFO, new byte[408], 408);
        assertEquals(0, r.errno());
        assertEquals(408, r.out().length);
        byte[] onDisk = java.util.Arrays.copyOfRange(rawRead(64, 1), 0, 404);
        assertArrayEquals(onDisk, java.util.Arrays.copyOf(r.out(), 404));
        // DIOCGPARTINFO is _IOW and kernel-internal: from user space it succeeds but nothing
        // is copied back; a caller inside the kernel gets the partition.
        IoctlResult pi = k.ioctl("/dev/rwd1e", DiskIoctls.DIOCGPARTINFO, new byte[32], 32);
        assertEquals(0, pi.errno());
        assertEquals(0, pi.out().length);
        byte[] partinfo = new byte[32];
        Disk wd1 = k.disks().stream().filter(d -> d.name().equals("wd1")).findFirst().orElseThrow();
        assertEquals(org.dmemu.sys.Errno.NONE, wd1.ioctl(4, DiskIoctls.DIOCGPARTINFO, partinfo, false));
        assertEquals(81983L, org.dmemu.dev.disk.Dkio.getLE(partinfo, 0, 8));
        assertEquals(SECTORS - 81983, org.dmemu.dev.disk.Dkio.getLE(partinfo, 8, 8));
        assertEquals(25, k.ioctl("/dev/rwd1d", 0x40046463L, new byte[4], 4).errno()); // ENOTTY
    }

    @Test
    void labelSectorWrite_throughPartitionA_EROFS_rawOk_diocwlabelOk() throws Exception {
        boot(false, false);
        byte[] label = rawRead(64, 1);
        // wd1a block 1 = LBA 64: refused, nothing written
        Buf b = io("/dev/wd1a", false, 1, pattern(1, 1));
        assertEquals(Errno.EROFS, b.error());
        assertEquals(512, b.resid());
        // a request merely covering it is refused whole
        assertEquals(Errno.EROFS, io("/dev/wd1a", false, 0, pattern(4, 2)).error());
        assertArrayEquals(label, rawRead(64, 1));
        // neighbours are writable: LBA 63 (boot record) and 65
        assertEquals(Errno.NONE, io("/dev/wd1a", false, 0, pattern(1, 3)).error());
        assertEquals(Errno.NONE, io("/dev/wd1a", false, 2, pattern(1, 4)).error());
        assertArrayEquals(pattern(1, 4), rawRead(65, 1));
        // reads are always allowed
        byte[] back = new byte[512];
        assertEquals(Errno.NONE, io("/dev/wd1a", true, 1, back).error());
        assertArrayEquals(label, back);
        // through the raw partition: allowed
        assertEquals(Errno.NONE, io("/dev/wd1d", false, 64, label).error());
        // after DIOCWLABEL 1 (on any node of the unit): allowed; after 0: refused again
        assertEquals(0, wlabel("/dev/rwd1a", 1));
        assertEquals(Errno.NONE, io("/dev/wd1a", false, 1, label).error());
        assertEquals(0, wlabel("/dev/rwd1d", 0));
        assertEquals(Errno.EROFS, io("/dev/wd1a", false, 1, label).error());
        assertTrue(traceBytes.toString(StandardCharsets.UTF_8).contains(
                "bounds_check_with_label: write of wd1a sectors 64-64 covers the label sector 64"
                + " (DIOCWLABEL off) -> EROFS"));
    }

    @Test
    void diocwdinfo_rewritesTheLabel_andThePartitionTableFollows() throws Exception {
        boot(false, false);
        IoctlResult g = k.ioctl("/dev/rwd1d", DiskIoctls.DIOCGDINFO, new byte[408], 408);
        Disklabel l = DisklabelCodec.decode(g.out(), 0);
        l.partitions[5] = DisklabelPartition.of(1000, 100000, FsType.BSDFFS);
        l.npartitions = 6;
        DisklabelCodec.seal(l);
        byte[] bad = DisklabelCodec.encode(l);
        bad[150] ^= 1;
        assertEquals(22, k.ioctl("/dev/rwd1d", DiskIoctls.DIOCWDINFO, bad, 408).errno());
        assertEquals(0, k.ioctl("/dev/rwd1d", DiskIoctls.DIOCWDINFO, DisklabelCodec.encode(l), 408).errno());
        k.open("/dev/wd1f").close();
        assertEquals(new DiskPartition(100000, 1000, FsType.BSDFFS), k.disks().get(0).partitions()[5]);
        assertEquals(l, DisklabelCodec.decode(rawRead(64, 1), 0));
    }

    @Test
    void dmLinearAtOffset0OfComponentPartition_labelSectorWriteEROFS_restWorks() throws Exception {
        boot(false, false);
        up("v", line(0, 1024, "linear", "/dev/wd1a 0"));
        String report = "dm: table entry 0 (0 1024 linear /dev/wd1a 0): component /dev/wd1a sectors"
                + " 0-1023 = wd1 sectors 63-1086 cover the disklabel sector 64 of wd1; writes there"
                + " will fail with EROFS unless DIOCWLABEL (dm(4): offset components past the label)";
        assertEquals(List.of(report), k.dmesg());
        assertTrue(traceBytes.toString(StandardCharsets.UTF_8).contains(report));
        byte[] label = rawRead(64, 1);
        // dm block 1 -> wd1a block 1 -> LBA 64: EROFS from the component's driver
        Buf b = io("/dev/mapper/v", false, 1, pattern(1, 9));
        assertEquals(Errno.EROFS, b.error());
        assertArrayEquals(label, rawRead(64, 1));
        // a transfer spanning it fails whole
        assertEquals(Errno.EROFS, io("/dev/mapper/v", false, 0, pattern(8, 9)).error());
        // the rest of the device works
        assertEquals(Errno.NONE, io("/dev/mapper/v", false, 0, pattern(1, 5)).error());
        assertEquals(Errno.NONE, io("/dev/mapper/v", false, 2, pattern(100, 6)).error());
        assertArrayEquals(pattern(1, 5), rawRead(63, 1));
        assertArrayEquals(pattern(100, 6), rawRead(65, 100));
        byte[] r = new byte[512];
        assertEquals(Errno.NONE, io("/dev/mapper/v", true, 1, r).error());
        assertArrayEquals(label, r);
        // with the unit's DIOCWLABEL on, the dm write goes through
        assertEquals(0, wlabel("/dev/rwd1d", 1));
        assertEquals(Errno.NONE, io("/dev/mapper/v", false, 1, label).error());
    }

    @Test
    void dmLinearPastTheLabel_noReport() throws Exception {
        boot(false, true);
        up("v", line(0, 1024, "linear", "/dev/wd1a 2"), line(1024, 1024, "linear", "/dev/wd1e 0"));
        assertEquals(List.of(), k.dmesg());
        assertEquals(Errno.NONE, io("/dev/mapper/v", false, 0, pattern(16, 1)).error());
        assertArrayEquals(pattern(16, 1), rawRead(65, 16));
    }

    @Test
    void dmLinearOnRawPartition_reportedAsOverwrite_writeSucceeds() throws Exception {
        boot(false, false);
        up("r", line(0, 100, "linear", "/dev/wd1d 60"));
        assertEquals(1, k.dmesg().size());
        assertTrue(k.dmesg().get(0).contains("wd1 sectors 60-159 cover the disklabel sector 64 of wd1;"
                + " writes there will overwrite the label (raw partition)"), k.dmesg().get(0));
        assertEquals(Errno.NONE, io("/dev/mapper/r", false, 4, pattern(1, 3)).error());
        assertArrayEquals(pattern(1, 3), rawRead(64, 1));
    }

    @Test
    void strictOffsets_loadRefused_EINVAL_noInactiveTable() throws Exception {
        boot(true, true);
        dm(req("create", "name", "s", "flags", 0));
        int e = dmErrno(req("reload", "name", "s", "flags", 0, "cmd_data",
                arr(line(0, 64, "striped", "2 16 /dev/wd1e 0 /dev/wd1a 0"))));
        assertEquals(22, e);
        var dev = k.deviceMapper().devs().byName("s");
        assertEquals(0, dev.flags() & NetbsdDm.DM_INACTIVE_PRESENT_FLAG);
        assertTrue(dev.tableHead().inactive().entries().isEmpty());
        assertEquals(1, k.dmesg().size());
        assertTrue(k.dmesg().get(0).startsWith("dm: table entry 0 (0 64 striped 2 16 /dev/wd1e 0"
                + " /dev/wd1a 0): component /dev/wd1a sectors 0-31 = wd1 sectors 63-94 cover the"
                + " disklabel sector 64 of wd1"), k.dmesg().get(0));
    }

    @Test
    void unlabelledMemoryDisk_fabricatedLabel_lba1Protected() throws Exception {
        k = Kernel.boot(new KernelConfig(List.of(new DiskSpec("wd0", "mem:1M", 512)), Set.of(), false,
                false, null));
        Disk d = k.disks().get(0);
        assertEquals(4, d.partitions().length);
        assertEquals(new DiskPartition(0, 2048, FsType.BSDFFS), d.partitions()[0]);
        assertEquals(1L, d.labelSector());
        assertEquals(Errno.EROFS, io("/dev/wd0a", false, 1, pattern(1, 1)).error());
        assertEquals(Errno.NONE, io("/dev/wd0a", false, 2, pattern(1, 1)).error());
        assertEquals(Errno.NONE, io("/dev/wd0d", false, 1, pattern(1, 1)).error());
    }
}
