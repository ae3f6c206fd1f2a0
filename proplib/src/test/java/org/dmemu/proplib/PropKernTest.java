package org.dmemu.proplib;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.dmemu.proplib.PropKern.PropKernException;
import org.dmemu.proplib.xml.PropExternalizer;
import org.junit.jupiter.api.Test;

class PropKernTest {
    /** NETBSD_DM_IOCTL = _IOWR(0xfd, 0, struct plistref) on LP64. */
    static final long DM_IOCTL = 0xc010fd00L;
    static final long IOW_ONLY = 0x8010fd00L;
    static final long IOR_ONLY = 0x4010fd00L;

    static PropDictionary sample() {
        PropDictionary d = new PropDictionary();
        d.setString("command", "version");
        d.setUint32("flags", 0);
        return d;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static int errno(org.junit.jupiter.api.function.Executable e) {
        return assertThrows(PropKernException.class, e).errno();
    }

    @Test
    void copyin_ok_withNulIncluded_andWithout() throws Exception {
        byte[] req = PropKern.externalizeRequest(sample());
        assertEquals(sample(), PropKern.copyinIoctl(DM_IOCTL, req, req.length));
        assertEquals(sample(), PropKern.copyinIoctl(DM_IOCTL, req, req.length - 1));
    }

    @Test
    void copyin_noInBit_EFAULT() {
        byte[] req = PropKern.externalizeRequest(sample());
        assertEquals(14, errno(() -> PropKern.copyinIoctl(IOR_ONLY, req, req.length)));
    }

    @Test
    void copyin_tooLong_E2BIG_evenBeforeReadingMemory() {
        assertEquals(7, errno(() -> PropKern.copyinIoctl(DM_IOCTL, new byte[0], 131072)));
        assertEquals(7, errno(() -> PropKern.copyinIoctl(DM_IOCTL, new byte[0], -1L)));
    }

    @Test
    void copyin_largestAcceptedLength_is131071() throws Exception {
        byte[] req = PropKern.externalizeRequest(sample());
        byte[] big = Arrays.copyOf(req, 131071); // zero padded after the NUL: ignored
        assertEquals(sample(), PropKern.copyinIoctl(DM_IOCTL, big, 131071));
    }

    @Test
    void copyin_shortUserMemory_EFAULT() {
        byte[] req = PropKern.externalizeRequest(sample());
        assertEquals(14, errno(() -> PropKern.copyinIoctl(DM_IOCTL, req, req.length + 1)));
        assertEquals(14, errno(() -> PropKern.copyinIoctl(DM_IOCTL, null, 1)));
    }

    @Test
    void copyin_unparseable_EIO() {
        assertEquals(5, errno(() -> PropKern.copyinIoctl(DM_IOCTL, bytes("<plist><dict>"), 13)));
        assertEquals(5, errno(() -> PropKern.copyinIoctl(DM_IOCTL, new byte[0], 0)));
        byte[] req = PropKern.externalizeRequest(sample());
        assertEquals(5, errno(() -> PropKern.copyinIoctl(DM_IOCTL, req, req.length - 5))); // cut short
    }

    @Test
    void copyin_nonDictionaryRoot_EIO() {
        byte[] b = bytes("<plist><array/></plist>");
        assertEquals(5, errno(() -> PropKern.copyinIoctl(DM_IOCTL, b, b.length)));
    }

    @Test
    void copyin_kernelIntegerRules_decimalAbove2pow63_EIO() throws Exception {
        byte[] b = bytes("<plist><dict><key>k</key><integer>9223372036854775808</integer></dict></plist>");
        assertEquals(5, errno(() -> PropKern.copyinIoctl(DM_IOCTL, b, b.length)));
        // userland reading the same bytes accepts it as unsigned
        PropDictionary d = PropKern.internalizeReply(Arrays.copyOf(b, b.length + 1), b.length + 1);
        assertEquals(PropNumber.unsigned(Long.MIN_VALUE), d.get("k"));
    }

    @Test
    void copyout_noOutBit_EFAULT() {
        assertEquals(14, errno(() -> PropKern.copyoutIoctl(IOW_ONLY, sample())));
    }

    @Test
    void copyout_isExternalizationPlusNul() throws Exception {
        byte[] out = PropKern.copyoutIoctl(DM_IOCTL, sample());
        byte[] text = PropExternalizer.externalize(sample());
        assertEquals(text.length + 1, out.length);
        assertArrayEquals(text, Arrays.copyOf(out, text.length));
        assertEquals(0, out[text.length]);
    }

    @Test
    void internalizeReply_rules() throws Exception {
        assertEquals(5, errno(() -> PropKern.internalizeReply(new byte[10], 0)));
        byte[] out = PropKern.copyoutIoctl(DM_IOCTL, sample());
        assertEquals(sample(), PropKern.internalizeReply(out, out.length));
        // the last byte is forced to NUL: a reply whose final '\n' is replaced still parses
        byte[] text = PropExternalizer.externalize(sample());
        assertEquals(sample(), PropKern.internalizeReply(text, text.length));
        // ...but forcing the NUL over '>' of </plist> breaks it
        assertEquals(5, errno(() -> PropKern.internalizeReply(text, text.length - 1)));
        byte[] arr = bytes("<plist><array/></plist>\0");
        assertEquals(5, errno(() -> PropKern.internalizeReply(arr, arr.length)));
        assertEquals(14, errno(() -> PropKern.internalizeReply(new byte[3], 4)));
    }

    /** A dictionary whose key "x" holds {@code depth} nested non-empty arrays (a number innermost). */
    static PropDictionary nested(int depth) {
        PropArray inner = new PropArray();
        inner.addUint32(1);
        for (int i = 1; i < depth; i++) {
            PropArray outer = new PropArray();
            outer.add(inner);
            inner = outer;
        }
        PropDictionary d = sample();
        d.set("x", inner);
        return d;
    }

    @Test
    void copyout_issue16_deeplyNestedReply_ENOMEM_withoutWritingIt() {
        // 8,000 levels: about 64 MB of TABs; the writer stops at the 16 MiB limit
        PropDictionary deep = nested(8000);
        assertEquals(12, errno(() -> PropKern.copyoutIoctl(DM_IOCTL, deep)));
    }

    @Test
    void copyout_issue16_limitIsExact_nulIncluded() throws Exception {
        int len = PropKern.copyoutIoctl(DM_IOCTL, nested(40)).length;
        assertEquals(len, PropKern.copyoutIoctl(DM_IOCTL, nested(40), len).length);
        assertEquals(12, errno(() -> PropKern.copyoutIoctl(DM_IOCTL, nested(40), len - 1)));
        // strings with escaped characters are measured exactly too
        PropDictionary amp = sample();
        amp.setString("s", "&&&<<<>>>");
        int alen = PropKern.copyoutIoctl(DM_IOCTL, amp).length;
        assertEquals(alen, PropKern.copyoutIoctl(DM_IOCTL, amp, alen).length);
        assertEquals(12, errno(() -> PropKern.copyoutIoctl(DM_IOCTL, amp, alen - 1)));
    }
}
