package org.dmemu.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.dmemu.libdm.UnixSocketTransport;
import org.dmemu.testutil.TestKernels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, point 4: the 131 KB {@code version} request with 8,700 nested arrays, whose reply
 * would be 76 MB, sent 16 times at once to the whole daemon: each is answered ENOMEM by the
 * kernel's copyout bound, the daemon logs nothing (no stack trace, no OOM) and keeps serving.
 */
class ServeHugeReplyTest {
    @TempDir
    Path dir;

    static byte[] nestedVersionRequest(int depth) {
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<!DOCTYPE plist PUBLIC \"-//Apple Computer//DTD PLIST 1.0//EN\" "
                + "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n<plist version=\"1.0\">\n<dict>"
                + "<key>command</key><string>version</string>"
                + "<key>version</key><array><integer>4</integer><integer>0</integer><integer>0</integer></array>"
                + "<key>x</key>");
        sb.append("<array>".repeat(depth)).append("</array>".repeat(depth));
        sb.append("</dict>\n</plist>\n");
        byte[] b = sb.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] z = java.util.Arrays.copyOf(b, b.length + 1);
        return z;
    }

    @Test
    void nestedArrays_16AtOnce_ENOMEM_noLogLine_daemonServesOn() throws Exception {
        byte[] req = nestedVersionRequest(8700);
        assertTrue(req.length > 130_000 && req.length < 128 * 1024, "131 KB, under the copyin limit: " + req.length);
        ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
        PrintStream log = new PrintStream(logBytes, true, StandardCharsets.UTF_8);
        try (ServeDaemon d = ServeDaemon.start(TestKernels.twoDisks(), dir.resolve("control"), dir.resolve("nbd.sock"),
                null, log)) {
            UnixSocketTransport t = new UnixSocketTransport(d.controlPath());
            ExecutorService pool = Executors.newFixedThreadPool(16);
            try {
                List<Future<Integer>> fs = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    fs.add(pool.submit(() -> t.ioctl(ServeDaemon.NETBSD_DM_IOCTL, req).errno()));
                }
                for (Future<Integer> f : fs) {
                    assertEquals(12, f.get(), "ENOMEM");
                }
            } finally {
                pool.shutdown();
            }
            assertEquals(0, t.ioctl(ServeDaemon.NETBSD_DM_IOCTL, nestedVersionRequest(3)).errno());
        }
        assertEquals("", logBytes.toString(StandardCharsets.UTF_8));
    }

    /**
     * The exact setting: the daemon as its own process under {@code -Xmx512m}, 16 of the
     * 8,700-deep requests at once. Each is ENOMEM, the daemon keeps serving, and its stderr
     * holds no stack trace and no OutOfMemoryError.
     */
    @Test
    void nestedArrays_16AtOnce_daemonUnderXmx512m_noOomNoStackTrace() throws Exception {
        Path state = dir.resolve("state");
        Path log = dir.resolve("serve.log");
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(javaBin, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "org.dmemu.cli.Main", "serve", "--state", state.toString(), "--disk", "wd0=mem:1M")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (!(java.nio.file.Files.exists(log)
                    && java.nio.file.Files.readString(log).contains("dmemu serve: nbd "))) {
                assertTrue(child.isAlive(), "the daemon died");
                assertTrue(System.nanoTime() < deadline, "the daemon did not start");
                Thread.sleep(50);
            }
            byte[] req = nestedVersionRequest(8700);
            UnixSocketTransport t = new UnixSocketTransport(state.resolve("control"));
            ExecutorService pool = Executors.newFixedThreadPool(16);
            try {
                List<Future<Integer>> fs = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    fs.add(pool.submit(() -> t.ioctl(ServeDaemon.NETBSD_DM_IOCTL, req).errno()));
                }
                for (Future<Integer> f : fs) {
                    assertEquals(12, f.get(), "ENOMEM");
                }
            } finally {
                pool.shutdown();
            }
            assertEquals(0, t.ioctl(ServeDaemon.NETBSD_DM_IOCTL, nestedVersionRequest(3)).errno());
        } finally {
            child.destroy();
            child.waitFor(20, java.util.concurrent.TimeUnit.SECONDS);
        }
        String out = java.nio.file.Files.readString(log);
        assertTrue(!out.contains("OutOfMemoryError") && !out.contains("\tat ") && !out.contains("Exception"), out);
    }
}
