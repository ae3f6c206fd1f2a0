package org.dmemu.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import org.dmemu.kern.DiskHandle;
import org.dmemu.kern.IoctlResult;
import org.dmemu.kern.Kernel;
import org.dmemu.proplib.PropArray;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.proplib.PropKern;
import org.dmemu.sys.Buf;
import org.dmemu.sys.Errno;
import org.dmemu.testutil.TestKernels;
import org.junit.jupiter.api.Test;

/**
 * Issue 16 point 9: an export is opened once and sized from the device that was opened. While
 * two devices keep swapping names, every export opened by name has the size of the device it
 * reads (told apart by their first sector).
 */
class KernelExportsTest {
    private static void dm(Kernel k, String command, String name, Object... kv) {
        PropDictionary d = new PropDictionary();
        d.setString("command", command);
        d.setString("name", name);
        d.setUint32("flags", 0);
        PropArray v = new PropArray();
        v.addUint32(4);
        v.addUint32(0);
        v.addUint32(0);
        d.set("version", v);
        for (int i = 0; i < kv.length; i += 2) {
            d.set((String) kv[i], (org.dmemu.proplib.PropObject) kv[i + 1]);
        }
        byte[] x = PropKern.externalizeRequest(d);
        IoctlResult r = k.ioctl(Kernel.CONTROL, ServeDaemon.NETBSD_DM_IOCTL, x, x.length);
        assertEquals(0, r.errno());
    }

    private static void up(Kernel k, String name, long sectors, String params) {
        dm(k, "create", name);
        PropDictionary line = new PropDictionary();
        line.setUint64("start", 0);
        line.setUint64("length", sectors);
        line.setString("type", "linear");
        line.setString("params", params);
        PropArray table = new PropArray();
        table.add(line);
        dm(k, "reload", name, "cmd_data", table);
        dm(k, "resume", name);
    }

    private static void rename(Kernel k, String from, String to) {
        PropArray a = new PropArray();
        a.addString(to);
        dm(k, "rename", from, "cmd_data", a);
    }

    private static Buf io(DiskHandle h, boolean read, byte[] b) {
        Buf bp = new Buf().setup(read ? Buf.B_READ : Buf.B_WRITE, 0, b, 0, b.length);
        h.strategy(bp);
        return bp;
    }

    @Test
    void openByName_sizesTheOpenedDevice_whileNamesSwap() throws Exception {
        try (Kernel k = TestKernels.boot(TestKernels.twoDisks())) {
            for (String[] d : new String[][] {{"/dev/wd0d", "1"}, {"/dev/wd1d", "2"}}) {
                try (DiskHandle h = k.open(d[0])) {
                    byte[] s = new byte[512];
                    java.util.Arrays.fill(s, Byte.parseByte(d[1]));
                    assertEquals(Errno.NONE, io(h, false, s).error());
                }
            }
            up(k, "a", 8, "/dev/wd0d 0");   // first sector 1, 4 KiB
            up(k, "b", 16, "/dev/wd1d 0");  // first sector 2, 8 KiB
            KernelExports exports = new KernelExports(k);
            AtomicBoolean done = new AtomicBoolean();
            CountDownLatch swapping = new CountDownLatch(1);
            Thread swapper = new Thread(() -> {
                swapping.countDown();
                while (!done.get()) {
                    rename(k, "a", "t");
                    rename(k, "b", "a");
                    rename(k, "t", "b");
                }
            });
            swapper.start();
            swapping.await();
            int checked = 0;
            try {
                for (int i = 0; i < 20_000 && checked < 300; i++) {
                    DiskHandle h = exports.open("a");
                    if (h == null) {
                        continue; // the name was between its two owners
                    }
                    try {
                        byte[] s = new byte[512];
                        if (io(h, true, s).error() != Errno.NONE) {
                            continue; // I/O during a rename fails, as on NetBSD (docs/protocol.md)
                        }
                        long expected = s[0] == 1 ? 8 * 512 : 16 * 512;
                        assertEquals(expected, h.mediaSize(), "export of the device holding " + s[0]);
                        checked++;
                    } finally {
                        h.close();
                    }
                }
            } finally {
                done.set(true);
                swapper.join();
            }
            assertTrue(checked > 0, "some opens were checked");
            assertNull(exports.open("nosuch"));
        }
    }
}
