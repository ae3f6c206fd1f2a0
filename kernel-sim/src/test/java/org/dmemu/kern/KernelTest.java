package org.dmemu.kern;

import static org.dmemu.dev.dm.DmTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.dmemu.dev.disk.Dkio;
import org.dmemu.dev.dm.DmTestSupport;
import org.dmemu.sys.Buf;
import org.dmemu.sys.Errno;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The facade: /dev namespace, open errors, disk ioctls, boot options. */
class KernelTest {
    @Test
    void activeDmNames_inMinorOrder_onlyWithActiveTable() {
        try (DmTestSupport t = new DmTestSupport()) {
            t.up("b", line(0, 8, "zero", ""));
            t.create("c");
            t.up("a", line(0, 8, "zero", ""));
            assertEquals(List.of("b", "a"), t.k.activeDmNames());
        }
    }

    @Test
    void open_errors() {
        try (DmTestSupport t = new DmTestSupport()) {
            assertEquals(Errno.ENOENT, assertThrows(KernelException.class, () -> t.k.open("/etc/passwd")).errno());
            assertEquals(Errno.ENOENT, assertThrows(KernelException.class, () -> t.k.open("/dev/wd7a")).errno());
            assertEquals(Errno.ENOENT, assertThrows(KernelException.class, () -> t.k.open("/dev/mapper/x")).errno());
            assertEquals(Errno.EISDIR, assertThrows(KernelException.class, () -> t.k.open("/dev/mapper/")).errno());
            assertEquals(Errno.ENXIO, assertThrows(KernelException.class, () -> t.k.open("/dev/wd1b")).errno());
            assertEquals(Errno.ENXIO, assertThrows(KernelException.class, () -> t.k.open("/dev/rwd1e")).errno());
        }
    }

    @Test
    void diskNodeIoctls() throws Exception {
        try (DmTestSupport t = new DmTestSupport()) {
            IoctlResult r = t.k.ioctl("/dev/rsd0d", Dkio.DIOCGSECTORSIZE, new byte[4], 4);
            assertEquals(0, r.errno());
            assertEquals(4096, Dkio.getLE(r.out(), 0, 4));
            // DIOCGDINFO (issue 4): the in-core label, 408 bytes on amd64
            IoctlResult l = t.k.ioctl("/dev/wd0d", 0x41986465L, new byte[408], 408);
            assertEquals(0, l.errno());
            assertEquals(408, l.out().length);
            assertEquals(25, t.k.ioctl("/dev/wd0d", 0x40046463L, new byte[4], 4).errno());
            assertEquals(2, t.k.ioctl("/dev/nope", Dkio.DIOCGSECTORSIZE, new byte[4], 4).errno());
            try (DiskHandle h = t.k.open("/dev/wd0a")) {
                assertEquals(8L << 20, h.mediaSize());
                assertEquals(512, h.sectorSize());
            }
        }
    }

    @Test
    void fileDisk_writeReachesFile_cacheSync(@TempDir Path dir) throws Exception {
        Path img = dir.resolve("x.img");
        Files.write(img, new byte[64 * 1024]);
        try (Kernel k = Kernel.boot(new KernelConfig(List.of(DiskSpec.parse("ld0=file:" + img)), Set.of(), false, false, null))) {
            try (DiskHandle h = k.open("/dev/ld0d")) {
                byte[] w = new byte[512];
                w[3] = 77;
                Buf bp = new Buf().setup(Buf.B_WRITE, 5, w, 0, 512);
                h.strategy(bp);
                assertEquals(Errno.NONE, bp.error());
                assertEquals(Errno.NONE, h.cacheSync());
            }
        }
        assertEquals(77, Files.readAllBytes(img)[5 * 512 + 3]);
    }

    @Test
    void boot_rejectsDuplicateUnitsAndUnknownTargets() {
        assertThrows(IllegalArgumentException.class, () -> Kernel.boot(new KernelConfig(
                List.of(DiskSpec.parse("wd0=mem:1M"), DiskSpec.parse("wd0=mem:2M")), Set.of(), false, false, null)));
        assertThrows(IllegalArgumentException.class, () -> Kernel.boot(new KernelConfig(
                List.of(), Set.of("mirror"), false, false, null)));
    }
}
