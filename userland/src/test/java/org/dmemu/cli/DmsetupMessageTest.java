package org.dmemu.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import org.dmemu.kern.DiskSpec;
import org.dmemu.kern.Kernel;
import org.dmemu.kern.KernelConfig;
import org.dmemu.libdm.KernelTransport;
import org.junit.jupiter.api.Test;

/** {@code dmsetup message} end to end against a kernel booted with multipath (issue 10). */
class DmsetupMessageTest {
    private String out;
    private String err;

    private int dmsetup(Kernel k, String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int rc = Dmsetup.run(new KernelTransport(k), args, new ByteArrayInputStream(new byte[0]),
                new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
        out = o.toString(StandardCharsets.UTF_8);
        err = e.toString(StandardCharsets.UTF_8);
        return rc;
    }

    private static Kernel boot(Set<String> targets, boolean strict) throws Exception {
        return Kernel.boot(new KernelConfig(List.of(new DiskSpec("wd0", "mem:8M", 512), new DiskSpec("wd1", "mem:8M", 512)),
                targets, strict, false, null));
    }

    @Test
    void message_failsAndReinstatesAPath() throws Exception {
        try (Kernel k = boot(Set.of("multipath"), false)) {
            assertEquals(0, dmsetup(k, "create", "mp", "--table",
                    "0 1024 multipath 0 0 1 1 round-robin 0 2 1 /dev/wd1d 1 /dev/wd1a 1"));
            assertEquals(0, dmsetup(k, "message", "mp", "0", "fail_path", "0:19"));
            assertEquals("", out + err);
            assertEquals(0, dmsetup(k, "status", "mp"));
            assertEquals("0 1024 multipath 2 0 0 0 1 1 E 0 2 0 0:19 F 1 0:16 A 0\n", out);
            assertEquals(0, dmsetup(k, "message", "mp", "1023", "reinstate_path", "/dev/wd1d"));
            assertEquals(0, dmsetup(k, "status", "mp"));
            assertEquals("0 1024 multipath 2 0 0 0 1 1 E 0 2 0 0:19 A 1 0:16 A 0\n", out);
        }
    }

    @Test
    void message_errorsVisibleWithStrictErrno() throws Exception {
        try (Kernel k = boot(Set.of("multipath"), true)) {
            assertEquals(0, dmsetup(k, "create", "mp", "--table", "0 1024 multipath 0 0 1 1 round-robin 0 1 0 /dev/wd1d"));
            assertEquals(1, dmsetup(k, "message", "mp", "0", "switch_group", "7"));
            assertEquals("ioctl message call failed with errno 22\n\nCommand failed\n", err);
        }
        try (Kernel k = boot(Set.of(), true)) {
            assertEquals(0, dmsetup(k, "create", "z", "--table", "0 8 zero"));
            assertEquals(1, dmsetup(k, "message", "z", "0", "fail_if_no_path"));
            assertEquals("ioctl message call failed with errno 22\n\nCommand failed\n", err,
                    "without multipath the command is unknown: EINVAL, as NetBSD");
        }
    }
}
