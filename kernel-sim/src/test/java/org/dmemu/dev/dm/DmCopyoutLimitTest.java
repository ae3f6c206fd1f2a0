package org.dmemu.dev.dm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;

import org.dmemu.dev.disk.Dkio;
import org.dmemu.kern.DiskHandle;
import org.dmemu.kern.IoctlResult;
import org.dmemu.kern.Kernel;
import org.dmemu.proplib.PropArray;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.proplib.PropKern;
import org.dmemu.sys.Errno;
import org.junit.jupiter.api.Test;

/**
 * Issue 16 point 8: a request that fits the 128 KiB copyin limit but nests thousands of arrays
 * would be answered with tens of megabytes of TABs; the kernel's copyout stops at
 * {@link PropKern#COPYOUT_LIMIT} and the ioctl fails with ENOMEM (no reply bytes).
 */
class DmCopyoutLimitTest {
    /** A {@code version} request (unindented) whose key "x" holds {@code depth} nested arrays. */
    static byte[] nestedVersionRequest(int depth) {
        StringBuilder sb = new StringBuilder("<plist version=\"1.0\"><dict><key>command</key><string>version</string>"
                + "<key>version</key><array><integer>4</integer><integer>0</integer><integer>0</integer></array>"
                + "<key>x</key>");
        sb.append("<array>".repeat(depth)).append("<true/>").append("</array>".repeat(depth));
        sb.append("</dict></plist>");
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void deeplyNestedRequest_underCopyinLimit_replyENOMEM() {
        byte[] req = nestedVersionRequest(8000);
        assertEquals(true, req.length < PropKern.COPYIN_LIMIT, "request fits the copyin limit");
        try (DmTestSupport t = new DmTestSupport()) {
            IoctlResult r = t.k.ioctl(Kernel.CONTROL, NetbsdDm.NETBSD_DM_IOCTL, req, req.length);
            assertEquals(Errno.ENOMEM.number(), r.errno());
            assertEquals(0, r.out().length);
            // the kernel still answers the next request
            assertEquals(4, t.call(DmTestSupport.req("version")).getArray("version").getUint32(0).orElse(0));
        }
    }

    @Test
    void moderatelyNestedRequest_isAnswered() {
        byte[] req = nestedVersionRequest(200);
        try (DmTestSupport t = new DmTestSupport()) {
            IoctlResult r = t.k.ioctl(Kernel.CONTROL, NetbsdDm.NETBSD_DM_IOCTL, req, req.length);
            assertEquals(0, r.errno());
            assertEquals(true, r.out().length > 200 * 200 / 2, "the reply carries the indentation");
        }
    }

    @Test
    void diocgdiskinfo_copyoutFailure_returnsItsErrno_notEmptySuccess() throws Exception {
        try (DmTestSupport t = new DmTestSupport()) {
            t.up("a", DmTestSupport.line(0, 100, "zero", ""));
            PropArray inner = new PropArray();
            inner.addUint32(1);
            for (int i = 1; i < 8000; i++) {
                PropArray outer = new PropArray();
                outer.add(inner);
                inner = outer;
            }
            PropDictionary huge = new PropDictionary();
            huge.set("geometry", inner);
            t.k.deviceMapper().devs().byName("a").setDkInfo(huge);
            try (DiskHandle h = t.k.open("/dev/mapper/a")) {
                IoctlResult di = h.ioctl(Dkio.DIOCGDISKINFO, new byte[16]);
                assertEquals(Errno.ENOMEM.number(), di.errno());
                assertEquals(0, di.out().length);
            }
        }
    }
}
