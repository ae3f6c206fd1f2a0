package org.dmemu.serve;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.dmemu.cli.Dmctl;
import org.dmemu.conform.ControlTap;
import org.dmemu.conform.ReplayRecorder;
import org.dmemu.kern.DiskSpec;
import org.dmemu.kern.IoctlResult;
import org.dmemu.kern.KernelConfig;
import org.dmemu.libdm.DmTransport;
import org.dmemu.libdm.UnixSocketTransport;
import org.dmemu.replay.Replay;
import org.dmemu.sys.Errno;
import org.dmemu.testutil.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve --record FILE} → {@code replay --expect}: a session driven through the control
 * socket (raw libprop-style requests and the real dmctl client) is recorded; the replies the
 * daemon gave, written as replay output, are the expectation; a fresh kernel replaying the
 * recording must give exactly those replies. A changed expectation gives a unified diff that
 * {@code patch} applies.
 */
class RecordExpectRoundTripTest {
    @TempDir
    Path dir;

    /** A transport that also writes each reply as replay prints it. */
    private static final class Capture implements DmTransport {
        final DmTransport t;
        final StringBuilder out = new StringBuilder();

        Capture(DmTransport t) {
            this.t = t;
        }

        @Override
        public IoctlResult ioctl(long cmd, byte[] plist) {
            IoctlResult r = t.ioctl(cmd, plist);
            if (r.errno() != 0) {
                out.append("errno ").append(r.errno()).append(' ').append(Errno.of(r.errno()).name()).append('\n');
            } else {
                byte[] o = r.out();
                int n = o.length > 0 && o[o.length - 1] == 0 ? o.length - 1 : o.length;
                out.append(new String(o, 0, n, StandardCharsets.ISO_8859_1));
            }
            return r;
        }
    }

    private static byte[] libprop(String dict) {
        return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE plist PUBLIC \"-//Apple Computer//DTD PLIST 1.0//EN\" "
                + "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n<plist version=\"1.0\">\n<dict>\n" + dict
                + "\t<key>version</key>\n\t<array>\n\t\t<integer>4</integer>\n\t\t<integer>0</integer>\n"
                + "\t\t<integer>0</integer>\n\t</array>\n</dict>\n</plist>\n\0").getBytes(StandardCharsets.UTF_8);
    }

    private static String str(String k, String v) {
        return "\t<key>" + k + "</key>\n\t<string>" + v + "</string>\n";
    }

    private static int replay(Path out, Path file, ByteArrayOutputStream stdout, ByteArrayOutputStream stderr) {
        return Replay.run(new String[] {"--expect", out.toString(), file.toString()}, InputStream.nullInputStream(),
                new PrintStream(stdout, true, StandardCharsets.UTF_8), new PrintStream(stderr, true, StandardCharsets.UTF_8));
    }

    @Test
    void recordedSessionReplaysToTheSameReplies() throws Exception {
        Path session = dir.resolve("session.replay");
        // the disks replay boots without --disk
        KernelConfig cfg = new KernelConfig(List.of(new DiskSpec("wd0", "mem:64M", 512), new DiskSpec("wd1", "mem:64M", 512)),
                Set.of(), false, false, null);
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        Capture c;
        try (ReplayRecorder rec = ReplayRecorder.open(session, Serve.describe(cfg))) {
            ServeDaemon d = ServeDaemon.start(cfg, dir.resolve("control"), InetAddress.getLoopbackAddress(), 0,
                    new ControlTap(rec, quiet));
            try {
                c = new Capture(new UnixSocketTransport(d.controlPath()));
                c.ioctl(DmTransport.NETBSD_DM_IOCTL, libprop(str("command", "version")));
                c.ioctl(DmTransport.NETBSD_DM_IOCTL, libprop(str("command", "create") + str("name", "v")));
                c.ioctl(DmTransport.NETBSD_DM_IOCTL, libprop("\t<key>cmd_data</key>\n\t<array>\n\t\t<dict>\n"
                        + "\t\t\t<key>length</key>\n\t\t\t<integer>64</integer>\n"
                        + "\t\t\t<key>params</key>\n\t\t\t<string>/dev/wd1d 100</string>\n"
                        + "\t\t\t<key>start</key>\n\t\t\t<integer>0</integer>\n"
                        + "\t\t\t<key>type</key>\n\t\t\t<string>linear</string>\n\t\t</dict>\n\t</array>\n"
                        + str("command", "reload") + str("name", "v")));
                c.ioctl(DmTransport.NETBSD_DM_IOCTL, libprop(str("command", "resume") + str("name", "v")));
                // not recordable (no plist): its reply is no replay item
                new UnixSocketTransport(d.controlPath()).ioctl(DmTransport.NETBSD_DM_IOCTL,
                        "hello".getBytes(StandardCharsets.US_ASCII));
                // the real client
                ByteArrayOutputStream o = new ByteArrayOutputStream();
                assertEquals(0, Dmctl.run(c, new String[] {"table", "v"}, new ByteArrayInputStream(new byte[0]),
                        new PrintStream(o, true, StandardCharsets.UTF_8), quiet));
                assertTrue(o.toString(StandardCharsets.UTF_8).contains("linear"));
                c.ioctl(DmTransport.NETBSD_DM_IOCTL, libprop(str("command", "info") + str("name", "nosuch")));
            } finally {
                d.close();
            }
        }
        String rec = Files.readString(session);
        assertEquals(Replay.itemCount(Files.readAllBytes(session)), c.out.toString().split("</plist>\n", -1).length - 1);
        assertTrue(rec.contains("# item 1: connection "), rec);
        assertTrue(rec.contains("# not recorded (connection "), rec);
        Path out = dir.resolve("session.out");
        Files.writeString(out, c.out.toString(), StandardCharsets.ISO_8859_1);

        ByteArrayOutputStream so = new ByteArrayOutputStream();
        ByteArrayOutputStream se = new ByteArrayOutputStream();
        assertEquals(0, replay(out, session, so, se), so + "\n" + se);
        assertEquals("", so.toString(StandardCharsets.UTF_8));

        // a different expectation for the resume reply (item 4): diff with the item number, exit 1
        String want = c.out.toString();
        String[] docs = want.split("(?<=</plist>\n)");
        String item4 = docs[3];
        String wrong = item4.replace("<string>resume</string>", "<string>suspend</string>");
        assertNotEquals(item4, wrong);
        Files.writeString(out, want.replace(item4, wrong), StandardCharsets.ISO_8859_1);
        so.reset();
        se.reset();
        assertEquals(1, replay(out, session, so, se));
        String diff = so.toString(StandardCharsets.UTF_8);
        assertTrue(diff.startsWith("--- " + out + " item 4\n+++ replay item 4\n@@ "), diff);
        assertTrue(se.toString(StandardCharsets.UTF_8).endsWith("(first: item 4)\n"), se.toString(StandardCharsets.UTF_8));

        // patch, the oracle: the diff turns the expected item into the actual one
        Tools.require("patch");
        Path wantFile = dir.resolve("item4.want");
        Path diffFile = dir.resolve("item4.diff");
        Path result = dir.resolve("item4.got");
        Files.writeString(wantFile, wrong, StandardCharsets.ISO_8859_1);
        Files.writeString(diffFile, diff, StandardCharsets.ISO_8859_1);
        Tools.Run p = Tools.run(List.of("patch", "-s", "-o", result.toString(), wantFile.toString(), diffFile.toString()),
                null, 30);
        assertEquals(0, p.exit(), p.out() + p.err());
        assertEquals(item4, Files.readString(result, StandardCharsets.ISO_8859_1));
    }
}
