package org.dmemu.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dmemu.testutil.Nobody;
import org.dmemu.testutil.Tools;
import org.dmemu.testutil.Tools.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, points 1–3, 7, 10 and 12: who may use the daemon's disks, what it trusts in its
 * state directory, the locks that keep two daemons off the same images, and the one-line
 * refusals, each checked through {@code dmemu serve}'s own command line.
 */
class ServeSecurityTest {
    @TempDir
    Path tmp;

    private record Exit(int status, String out, String err) {
    }

    /** {@code dmemu serve ARGS} for a start that must be refused (run() returns at once then). */
    private static Exit serveRefused(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int rc = Serve.run(args, InputStream.nullInputStream(), new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        return new Exit(rc, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    private static void assertOneLine(String s, String... parts) {
        assertTrue(s.startsWith("dmemu serve: ") && s.indexOf('\n') == s.length() - 1, "one line: " + s);
        for (String p : parts) {
            assertTrue(s.contains(p), "'" + p + "' in: " + s);
        }
    }

    private static void chown(Path p, long uid) throws Exception {
        UserPrincipal u = p.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(Long.toString(uid));
        Files.setOwner(p, u);
    }

    // ---- 1. NBD is owner-only by default ----

    @Test
    void nbd_isAnOwnerOnlyUnixSocket_noTcpUnlessAsked_andTheUriIsPrinted() throws Exception {
        Path state = tmp.resolve("state");
        try (ServeHarness s = new ServeHarness("--state", state.toString())) {
            assertNotNull(s.running, s.err());
            Path sock = state.toAbsolutePath().resolve("nbd.sock");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(sock)));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state)));
            assertNull(s.daemon().nbdAddress(), "no TCP listener by default");
            assertTrue(s.out().contains("dmemu serve: nbd nbd+unix:///?socket=" + sock
                    + " (exports: every dm device with an active table, by name)\n"), s.out());
            assertFalse(s.out().contains("nbd://"), s.out());
        }
        assertFalse(Files.exists(state.resolve("nbd.sock")), "removed at stop");
    }

    @Test
    void nobody_cannotUseTheNbdSocket_onlyItsModeStopsThem() throws Exception {
        Nobody.require();
        Tools.require("nbdinfo");
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path state = Files.createDirectory(tmp.resolve("state"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        try (ServeHarness s = new ServeHarness("--state", state.toString())) {
            assertNotNull(s.running, s.err());
            String uri = s.daemon().nbdUri("");
            Run owner = Tools.run("nbdinfo", "--list", uri);
            assertEquals(0, owner.exit(), owner.err());
            Run other = Nobody.run("nbdinfo", "--list", uri);
            assertNotEquals(0, other.exit(), other.out());
            assertTrue(other.err().contains("Permission denied"), other.err());
            // The control: with the socket opened up, the same command as nobody works.
            Files.setPosixFilePermissions(s.daemon().nbdSocket(), PosixFilePermissions.fromString("rw-rw-rw-"));
            Run opened = Nobody.run("nbdinfo", "--list", uri);
            assertEquals(0, opened.exit(), opened.err());
        }
    }

    @Test
    void nbdTcp_isOptIn_andANonLoopbackAddressIsWarnedAbout() throws Exception {
        try (ServeHarness s = new ServeHarness("--state", tmp.resolve("a").toString(), "--nbd-tcp", "127.0.0.1:0")) {
            assertNotNull(s.running, s.err());
            int port = s.daemon().nbdAddress().getPort();
            assertTrue(s.out().contains("dmemu serve: nbd nbd://127.0.0.1:" + port + "/ (TCP"), s.out());
            assertEquals("", s.err());
        }
        try (ServeHarness s = new ServeHarness("--state", tmp.resolve("b").toString(), "--nbd-tcp", "0.0.0.0:0")) {
            assertNotNull(s.running, s.err());
            assertEquals("dmemu serve: warning: NBD on 0.0.0.0:0 is reachable from the network: NBD has no "
                    + "authentication, anyone who can connect reads and writes the disks\n", s.err());
        }
    }

    // ---- 2. the state directory and the images are checked ----

    @Test
    void stateDir_notADirectory_foreign_orGroupOrOtherWritable_refused() throws Exception {
        Path file = Files.writeString(tmp.resolve("passwd"), "x");
        Exit e = serveRefused("--state", file.toString());
        assertEquals(1, e.status());
        assertEquals("dmemu serve: " + file + ": state directory: not a directory\n", e.err());

        Path group = Files.createDirectory(tmp.resolve("g"));
        Files.setPosixFilePermissions(group, PosixFilePermissions.fromString("rwxrwxr-x"));
        e = serveRefused("--state", group.toString());
        assertEquals(1, e.status());
        assertOneLine(e.err(), "writable by group (mode 0775)", "chmod go-w " + group);

        Path others = Files.createDirectory(tmp.resolve("o"));
        Files.setPosixFilePermissions(others, PosixFilePermissions.fromString("rwxr-xrwx"));
        e = serveRefused("--state", others.toString());
        assertOneLine(e.err(), "writable by others (mode 0757)");
        try (var l = Files.list(others)) {
            assertEquals(List.of(), l.toList(), "nothing created in a refused directory");
        }
    }

    @Test
    void stateDir_ownedBySomeoneElse_refused() throws Exception {
        Nobody.require();
        Path foreign = Files.createDirectory(tmp.resolve("f"));
        chown(foreign, Nobody.UID);
        Exit e = serveRefused("--state", foreign.toString());
        assertEquals(1, e.status());
        assertOneLine(e.err(), foreign.toString(), "owned by uid 65534, not by you (uid 0)");
        try (var l = Files.list(foreign)) {
            assertEquals(List.of(), l.toList());
        }
    }

    @Test
    void images_symlinkOrForeign_refused_newImagesAre0600() throws Exception {
        Path state = tmp.resolve("s");
        try (ServeHarness s = new ServeHarness("--state", state.toString())) {
            assertNotNull(s.running, s.err());
            for (String img : new String[] {"wd0.img", "wd1.img"}) {
                assertEquals("rw-------", PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(state.resolve(img))));
            }
        }
        Path link = tmp.resolve("link.img");
        Files.createSymbolicLink(link, state.resolve("wd0.img").toAbsolutePath());
        Exit e = serveRefused("--state", tmp.resolve("s2").toString(), "--disk", "wd0=file:" + link);
        assertEquals(1, e.status());
        assertEquals("dmemu serve: " + link + ": is a symbolic link (not followed; give the file itself)\n", e.err());
        assertFalse(Files.exists(tmp.resolve("s2")), "a refused start creates nothing");

        Nobody.require();
        Path foreign = Files.createFile(tmp.resolve("foreign.img"));
        Files.write(foreign, new byte[64 * 1024]);
        chown(foreign, Nobody.UID);
        e = serveRefused("--state", tmp.resolve("s3").toString(), "--disk", "wd0=file:" + foreign);
        assertEquals("dmemu serve: " + foreign + ": owned by uid 65534, not by you (uid 0)\n", e.err());
    }

    // ---- 3. two daemons never share a state directory or an image ----

    @Test
    void secondDaemonInThisProcess_refusedByTheStateLock() throws Exception {
        Path state = tmp.resolve("s");
        try (ServeHarness s = new ServeHarness("--state", state.toString())) {
            assertNotNull(s.running, s.err());
            Exit e = serveRefused("--state", state.toString());
            assertEquals(1, e.status());
            assertOneLine(e.err(), state.toAbsolutePath() + " is in use by this process (pid "
                    + ProcessHandle.current().pid() + ")");
            assertEquals("", e.out());
        }
    }

    @Test
    void secondDaemonAnotherProcess_namesThePid_andCreatesNothing() throws Exception {
        Path state = tmp.resolve("s");
        Path log = tmp.resolve("child.out");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "org.dmemu.cli.Main", "serve", "--state", state.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!(Files.exists(log) && Files.readString(log).contains("dmemu serve: nbd "))) {
                assertTrue(child.isAlive(), () -> "child died: " + readQuietly(log));
                assertTrue(System.nanoTime() < deadline, "child did not start");
                Thread.sleep(50);
            }
            long pid = child.pid();
            Exit e = serveRefused("--state", state.toString());
            assertEquals(1, e.status());
            assertEquals("dmemu serve: " + state.toAbsolutePath() + " is in use by pid " + pid
                    + " (another dmemu serve holds " + state.toAbsolutePath().resolve("lock") + ")\n", e.err());

            Path other = tmp.resolve("other");
            Path img = state.toAbsolutePath().resolve("wd1.img");
            e = serveRefused("--state", other.toString(), "--disk", "wd1=file:" + img);
            assertEquals(1, e.status());
            assertEquals("dmemu serve: " + img + ": disk wd1 is locked by pid " + pid
                    + " (another dmemu serve or a qemu using the image)\n", e.err());
            assertFalse(Files.exists(other), "the refused daemon created nothing");
        } finally {
            child.destroy();
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (Exception e) {
            return "";
        }
    }

    @Test
    void imageLocks_surviveBlockStatusAndTrim_whichOpenTheImageNatively() throws Exception {
        Path state = tmp.resolve("s");
        try (ServeHarness s = new ServeHarness("--state", state.toString())) {
            assertNotNull(s.running, s.err());
            Path img = state.toAbsolutePath().resolve("wd1.img");
            long me = ProcessHandle.current().pid();
            assertEquals(me, HostFiles.lockHolder(img));
            var k = s.daemon().kernel();
            var ctl = new org.dmemu.libdm.UnixSocketTransport(s.daemon().controlPath());
            java.io.PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
            assertEquals(0, org.dmemu.cli.Dmctl.run(ctl, new String[] {"create", "v"}, InputStream.nullInputStream(),
                    quiet, quiet));
            assertEquals(0, org.dmemu.cli.Dmctl.run(ctl, new String[] {"reload", "v"},
                    new java.io.ByteArrayInputStream("0 4096 linear /dev/wd1a 2\n".getBytes(StandardCharsets.US_ASCII)),
                    quiet, quiet));
            assertEquals(0, org.dmemu.cli.Dmctl.run(ctl, new String[] {"resume", "v"}, InputStream.nullInputStream(),
                    quiet, quiet));
            try (var h = k.open("/dev/rmapper/v")) {
                for (int i = 0; i < 3; i++) {
                    h.blockStatus(0, 4096 * 512, new org.dmemu.sys.Extents(64));
                    h.discard(1024 * 512, 64 * 512);
                }
            }
            // fcntl locks die with any close of the file in this process: still ours?
            assertEquals(me, HostFiles.lockHolder(img), "the image lock survives the sparseness calls");
        }
    }

    @Test
    void qemuRespectsTheImageLock_whileServeRuns_andWritesAfterItStops() throws Exception {
        Tools.require("qemu-io");
        Path state = tmp.resolve("s");
        Path img = state.toAbsolutePath().resolve("wd1.img");
        try (ServeHarness s = new ServeHarness("--state", state.toString())) {
            assertNotNull(s.running, s.err());
            Run r = Tools.run("qemu-io", "-f", "raw", "-c", "write 0 512", img.toString());
            assertNotEquals(0, r.exit(), r.out());
            assertTrue(r.err().contains("Failed to lock byte"), r.err());
        }
        Run r = Tools.run("qemu-io", "-f", "raw", "-c", "write 0 512", img.toString());
        assertEquals(0, r.exit(), r.err());
    }

    // ---- 7. a taken port ----

    @Test
    void takenNbdPort_oneLineNamingTheAddressAndTheOption_beforeAnythingIsCreated() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            Path state = tmp.resolve("s");
            Exit e = serveRefused("--state", state.toString(), "--nbd-tcp", Integer.toString(port));
            assertEquals(1, e.status());
            assertEquals("", e.out(), "nothing announced");
            assertEquals("dmemu serve: cannot serve NBD on 127.0.0.1:" + port + ": Address already in use "
                    + "(another server has it? choose another with --nbd-tcp [ADDR:]PORT)\n", e.err());
            assertFalse(Files.exists(state), "nothing created");
        }
    }

    // ---- 10. damaged images are named at boot ----

    @Test
    void damagedImages_warnedAtBoot() throws Exception {
        Path empty = Files.createFile(tmp.resolve("empty.img"));
        Path tiny = Files.write(tmp.resolve("tiny.img"), new byte[1000]);
        Path odd = Files.write(tmp.resolve("odd.img"), new byte[64 * 1024 + 100]);
        try (ServeHarness s = new ServeHarness("--state", tmp.resolve("s").toString(), "--disk", "wd0=file:" + empty,
                "--disk", "wd1=file:" + tiny, "--disk", "wd2=file:" + odd)) {
            assertNotNull(s.running, s.err());
            assertEquals("dmemu serve: warning: disk wd0 (" + empty + "): the image is empty (0 bytes): the disk has "
                    + "no sectors and every I/O fails\n"
                    + "dmemu serve: warning: disk wd1 (" + tiny + "): the image is 1000 bytes, not a multiple of the "
                    + "sector size 512: the last 488 bytes cannot be addressed\n"
                    + "dmemu serve: warning: disk wd2 (" + odd + "): the image is 65636 bytes, not a multiple of the "
                    + "sector size 512: the last 100 bytes cannot be addressed\n", s.err());
        }
    }

    // ---- 12. restart semantics are documented where a user looks ----

    @Test
    void help_saysDevicesAreGoneAfterARestart_imagesKeepTheirData() {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        assertEquals(0, Serve.run(new String[] {"--help"}, InputStream.nullInputStream(),
                new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream())));
        String h = o.toString(StandardCharsets.UTF_8);
        assertTrue(h.contains("dm devices live in the emulated kernel's memory and are gone after a\nrestart, exactly as "
                + "after a NetBSD reboot; the disk images keep their data"), h);
        assertTrue(h.contains("--nbd-tcp [ADDR:]PORT"), h);
    }
}
