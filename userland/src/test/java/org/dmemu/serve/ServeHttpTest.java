package org.dmemu.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.dmemu.cli.Dmctl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code serve --http}: the live view of the daemon's kernel, driven by dmctl over the control socket. */
class ServeHttpTest {
    @TempDir
    Path dir;

    private static String get(String url) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body();
    }

    private int dmctl(Path control, String stdin, String... args) {
        String[] a = new String[args.length + 2];
        a[0] = "--control";
        a[1] = control.toString();
        System.arraycopy(args, 0, a, 2, args.length);
        return Dmctl.run(a, new java.io.ByteArrayInputStream(stdin.getBytes()),
                new java.io.PrintStream(new java.io.ByteArrayOutputStream()),
                new java.io.PrintStream(new java.io.ByteArrayOutputStream()));
    }

    @Test
    void http_printsTheTokenUrl_andShowsWhatDmctlDid() throws Exception {
        Path state = dir.resolve("state");
        try (ServeHarness s = new ServeHarness("--state", state.toString(), "--disk", "wd0=mem:16M",
                "--disk", "wd1=mem:16M", "--http", "0")) {
            Matcher m = Pattern.compile("(?m)^dmemu serve: http (http://127\\.0\\.0\\.1:\\d+)/\\?token=([A-Za-z0-9_-]{32})$")
                    .matcher(s.out());
            assertTrue(m.find(), s.out());
            String base = m.group(1);
            String token = m.group(2);
            assertTrue(get(base + "/api/state").startsWith("403 "));
            Path control = s.daemon().controlPath();
            assertEquals(0, dmctl(control, "", "create", "t0"));
            assertEquals(0, dmctl(control, "0 2048 linear /dev/wd1a 2\n", "reload", "t0"));
            assertEquals(0, dmctl(control, "", "resume", "t0"));
            String st = get(base + "/api/state?token=" + token);
            assertTrue(st.startsWith("200 "), st);
            assertTrue(st.contains("\"components\":[{\"dev\":\"0:16\",\"offset\":2,\"length\":2048,\"node\":\"/dev/wd1a\","
                    + "\"disk\":\"wd1\",\"diskStart\":2,\"diskEnd\":2049,\"coversLabel\":false}]"), st);
            String trace = get(base + "/api/trace?token=" + token);
            assertTrue(trace.contains("\"function\":\"dm_table_load_ioctl\""), trace);
            assertTrue(trace.contains("\"function\":\"dm_dev_resume_ioctl\""), trace);
            assertEquals("", s.err(), "no --trace: nothing printed");
        }
    }

    @Test
    void http_takenPort_oneLine_andNothingLeftBehind() throws Exception {
        Path state = dir.resolve("fresh");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ServeHarness s = new ServeHarness("--state", state.toString(), "--disk", "wd0=mem:16M",
                        "--http", "127.0.0.1:" + taken.getLocalPort())) {
            assertNull(s.running);
            assertEquals("dmemu serve: cannot serve the web view on " + new InetSocketAddress(
                    InetAddress.getLoopbackAddress(), taken.getLocalPort()).getAddress().getHostAddress() + ":"
                    + taken.getLocalPort() + ": Address already in use (choose another with --http [ADDR:]PORT)\n",
                    s.err());
            assertTrue(Files.notExists(state), "the state directory it created is removed again");
        }
    }

    @Test
    void http_mistakes_areUsageErrors() {
        for (String v : new String[] {"x", "70000", ":80", "[::1]:x"}) {
            assertThrows(Serve.UsageException.class, () -> Serve.parse(new String[] {"--http", v}), v);
        }
        assertThrows(Serve.UsageException.class, () -> Serve.parse(new String[] {"--http"}));
    }
}
