package org.dmemu.dev.dm;

import static org.dmemu.dev.dm.DmTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.util.Set;

import org.dmemu.kern.IoctlResult;
import org.dmemu.kern.Kernel;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.proplib.PropKern;
import org.dmemu.sys.Errno;
import org.junit.jupiter.api.Test;

/** dmioctl, dm_check_version, dm_cmd_to_fun: errnos of the ioctl itself and the dispatcher rules. */
class DmioctlTest {
    @Test
    void otherIoctlNumber_returnsENOTTY() {
        try (DmTestSupport t = new DmTestSupport()) {
            byte[] x = PropKern.externalizeRequest(req("version"));
            assertEquals(25, t.k.ioctl(Kernel.CONTROL, NetbsdDm.NETBSD_DM_IOCTL_ILP32, x, x.length).errno());
            assertEquals(25, t.k.ioctl(Kernel.CONTROL, 0x40046485L, x, x.length).errno());
        }
    }

    @Test
    void prefLenAtCopyinLimit_returnsE2BIG() {
        try (DmTestSupport t = new DmTestSupport()) {
            IoctlResult r = t.k.ioctl(Kernel.CONTROL, NetbsdDm.NETBSD_DM_IOCTL, new byte[131072], 131072);
            assertEquals(7, r.errno());
            assertEquals(0, r.out().length);
        }
    }

    @Test
    void garbageOrNonDictionary_returnsEIO_andShortBuffer_EFAULT() {
        try (DmTestSupport t = new DmTestSupport()) {
            byte[] g = "hello".getBytes(StandardCharsets.US_ASCII);
            assertEquals(5, t.k.ioctl(Kernel.CONTROL, NetbsdDm.NETBSD_DM_IOCTL, g, g.length).errno());
            byte[] a = "<plist version=\"1.0\"><array/></plist>".getBytes(StandardCharsets.US_ASCII);
            assertEquals(5, t.k.ioctl(Kernel.CONTROL, NetbsdDm.NETBSD_DM_IOCTL, a, a.length).errno());
            assertEquals(14, t.k.ioctl(Kernel.CONTROL, NetbsdDm.NETBSD_DM_IOCTL, g, 100).errno());
        }
    }

    @Test
    void version_rewritesVersionArray() {
        try (DmTestSupport t = new DmTestSupport()) {
            PropDictionary r = t.call(req("version"));
            assertEquals(dict("command", "version", "version", kver()), r);
            assertEquals(Errno.NONE, t.herr());
        }
    }

    @Test
    void versionMismatch_replyUnchanged_ioctlStillZero() {
        try (DmTestSupport t = new DmTestSupport()) {
            for (int[] v : new int[][] {{4, 17, 0}, {3, 0, 0}, {5, 0, 0}}) {
                PropDictionary q = dict("command", "create", "name", "x", "version", arr(v[0], v[1], v[2]));
                PropDictionary r = t.call(q);
                assertEquals(q, r);
                assertEquals(Errno.EIO, t.herr());
            }
            assertTrue(t.k.deviceMapper().devs().all().isEmpty());
        }
    }

    @Test
    void versionShortArray_isExtendedToThree_missingArrayIsEIO() {
        try (DmTestSupport t = new DmTestSupport()) {
            PropDictionary r = t.call(dict("command", "version", "version", arr(4)));
            assertEquals(kver(), r.getArray("version"));
            PropDictionary q = dict("command", "version");
            assertEquals(q, t.call(q));
            assertEquals(Errno.EIO, t.herr());
        }
    }

    @Test
    void unknownCommand_EINVAL_missingCommand_EINVAL() {
        try (DmTestSupport t = new DmTestSupport()) {
            PropDictionary r = t.call(req("remove_all"));
            assertEquals(req("remove_all").getArray("version").count(), 3);
            assertEquals(Errno.EINVAL, t.herr());
            assertEquals(kver(), r.getArray("version"));
            PropDictionary q = req("x");
            q.remove("command");
            t.call(q);
            assertEquals(Errno.EINVAL, t.herr());
        }
    }

    @Test
    void unprivileged_privilegedCommandRefused_EPERM_readOnlyAllowed() {
        try (DmTestSupport t = new DmTestSupport()) {
            t.k.setPrivileged(false);
            PropDictionary r = t.call(req("create", "name", "a"));
            assertEquals(Errno.EPERM, t.herr());
            assertNull(r.get("minor"));
            t.call(req("names"));
            assertEquals(Errno.NONE, t.herr());
            t.call(req("nosuch"));
            assertEquals(Errno.EPERM, t.herr());
        }
    }

    @Test
    void strictErrno_returnsHandlerErrno() {
        try (DmTestSupport t = new DmTestSupport(Set.of(), true)) {
            byte[] x = PropKern.externalizeRequest(req("info", "name", "nope"));
            IoctlResult r = t.k.ioctl(Kernel.CONTROL, NetbsdDm.NETBSD_DM_IOCTL, x, x.length);
            assertEquals(2, r.errno());
            byte[] ok = PropKern.externalizeRequest(req("version"));
            assertEquals(0, t.k.ioctl(Kernel.CONTROL, NetbsdDm.NETBSD_DM_IOCTL, ok, ok.length).errno());
        }
    }

    @Test
    void replyIsExactLibpropXmlWithNul() {
        try (DmTestSupport t = new DmTestSupport()) {
            byte[] x = PropKern.externalizeRequest(req("version"));
            IoctlResult r = t.k.ioctl(Kernel.CONTROL, NetbsdDm.NETBSD_DM_IOCTL, x, x.length);
            String expect = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    + "<!DOCTYPE plist PUBLIC \"-//Apple Computer//DTD PLIST 1.0//EN\" "
                    + "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
                    + "<plist version=\"1.0\">\n<dict>\n\t<key>command</key>\n\t<string>version</string>\n"
                    + "\t<key>version</key>\n\t<array>\n\t\t<integer>0x4</integer>\n\t\t<integer>0x10</integer>\n"
                    + "\t\t<integer>0x0</integer>\n\t</array>\n</dict>\n</plist>\n\0";
            assertEquals(expect, new String(r.out(), StandardCharsets.UTF_8));
        }
    }
}
