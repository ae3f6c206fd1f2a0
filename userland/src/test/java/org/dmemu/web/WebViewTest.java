package org.dmemu.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.dmemu.kern.DiskSpec;
import org.dmemu.kern.Kernel;
import org.dmemu.kern.KernelConfig;
import org.dmemu.replay.Replay;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The web view's HTTP interface: the token, the state, the trace, the live stream, the step-through. */
class WebViewTest {
    private static final Path DEMO = Path.of("..", "docs", "examples", "trace-demo.replay");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Kernel kernel;
    private TraceTap tap;
    private WebView view;
    private String base;
    private String token;

    @BeforeEach
    void start() throws Exception {
        tap = new TraceTap(null, 1000);
        kernel = Kernel.boot(new KernelConfig(List.of(new DiskSpec("wd0", "mem:64M", 512),
                new DiskSpec("wd1", "mem:64M", 512)), Set.of(), false, false, tap));
        view = WebView.start(kernel, tap, InetAddress.getLoopbackAddress(), 0);
        String url = view.url();
        base = url.substring(0, url.indexOf("/?token="));
        token = url.substring(url.indexOf("token=") + 6);
    }

    @AfterEach
    void stop() {
        view.close();
        kernel.close();
    }

    private HttpResponse<String> get(String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String authed(String path) {
        return path + (path.contains("?") ? "&" : "?") + "token=" + token;
    }

    /** Runs the demo's items on the view's kernel, as a client would send them. */
    private List<String> runDemo() throws Exception {
        List<String> out = new ArrayList<>();
        for (Replay.Item it : Replay.items(Files.readAllBytes(DEMO))) {
            out.add(Replay.runOne(kernel, it));
        }
        return out;
    }

    @Test
    void url_isLoopbackWithUrlSafeToken() {
        assertTrue(view.url().startsWith("http://127.0.0.1:" + view.port() + "/?token="), view.url());
        assertTrue(token.matches("[A-Za-z0-9_-]{32}"), token);
    }

    @Test
    void everyRoute_withoutToken_is403() throws Exception {
        for (String p : List.of("/", "/static/app.js", "/api/state", "/api/trace", "/api/events", "/api/lesson",
                "/nope")) {
            assertEquals(403, get(p).statusCode(), p);
            assertEquals(403, get(p + "?token=" + token.substring(1) + "x").statusCode(), p + " with a wrong token");
        }
    }

    @Test
    void page_withToken_setsHttpOnlyCookie_andCookieAuthorises() throws Exception {
        HttpResponse<String> page = get(authed("/"));
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<script src=\"/static/app.js\""));
        String cookie = page.headers().firstValue("Set-Cookie").orElseThrow();
        assertEquals("dmemu_token=" + token + "; Path=/; HttpOnly; SameSite=Strict", cookie);
        HttpResponse<String> js = http.send(HttpRequest.newBuilder(URI.create(base + "/static/app.js"))
                .header("Cookie", "dmemu_token=" + token).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, js.statusCode());
        assertEquals("text/javascript; charset=utf-8", js.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(404, get(authed("/static/../web/app.js")).statusCode());
    }

    @Test
    void state_showsDisksAndTheDeviceAfterCreateReloadResume() throws Exception {
        String before = get(authed("/api/state")).body();
        assertTrue(before.endsWith("\"devices\":[]}"), before);
        assertTrue(before.startsWith("{\"disks\":[{\"name\":\"wd0\",\"secsize\":512,\"sectors\":131072,"
                + "\"labelSector\":1,\"mbr\":[],\"partitions\":[{\"letter\":\"a\",\"offset\":0,\"size\":131072,"), before);
        runDemo();
        String after = get(authed("/api/state")).body();
        // vol0: minor 1, ACTIVE_PRESENT, the linear entry over wd1a at 384 (the kernel prints the pdev as 0:16)
        assertTrue(after.contains("{\"name\":\"vol0\",\"uuid\":null,\"minor\":1,\"flags\":32,\"openCount\":0,"), after);
        assertTrue(after.contains("\"entries\":[{\"start\":0,\"length\":8192,\"type\":\"linear\",\"params\":\"0:16 384\","
                + "\"components\":[{\"dev\":\"0:16\",\"offset\":384,\"length\":8192,\"node\":\"/dev/wd1a\","
                + "\"disk\":\"wd1\",\"diskStart\":384,\"diskEnd\":8575,\"coversLabel\":false}]}]"), after);
        assertTrue(after.contains("\"inactive\":{\"xml\":"), after);
    }

    @Test
    void state_flagsAComponentOverTheLabelSector() throws Exception {
        byte[] file = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + plist("create", "lab", null)
                + plist("reload", "lab", "0 100 linear /dev/wd0a 0")).getBytes(StandardCharsets.UTF_8);
        for (Replay.Item it : Replay.items(file)) {
            Replay.runOne(kernel, it);
        }
        String s = get(authed("/api/state")).body();
        assertTrue(s.contains("\"node\":\"/dev/wd0a\",\"disk\":\"wd0\",\"diskStart\":0,\"diskEnd\":99,\"coversLabel\":true"), s);
    }

    private static String plist(String command, String name, String table) {
        StringBuilder sb = new StringBuilder("<plist version=\"1.0\">\n<dict>\n");
        if (table != null) {
            String[] t = table.split(" ", 4);
            sb.append("<key>cmd_data</key><array><dict><key>length</key><integer>").append(t[1])
                    .append("</integer><key>params</key><string>").append(t[3]).append("</string><key>start</key><integer>")
                    .append(t[0]).append("</integer><key>type</key><string>").append(t[2]).append("</string></dict></array>\n");
        }
        sb.append("<key>command</key><string>").append(command).append("</string>\n<key>name</key><string>")
                .append(name).append("</string>\n<key>version</key><array><integer>4</integer><integer>0</integer>"
                        + "<integer>0</integer></array>\n</dict>\n</plist>\n");
        return sb.toString();
    }

    @Test
    void trace_namesTheFunctionsOfAReloadInOrder_andLeavesOutThePagesOwnRequests() throws Exception {
        runDemo();
        get(authed("/api/state")); // the page's own names/status/table requests: not traced
        String trace = get(authed("/api/trace")).body();
        List<String> fns = new ArrayList<>();
        Matcher m = Pattern.compile("\"function\":\"([^\"]+)\"").matcher(trace);
        while (m.find()) {
            fns.add(m.group(1));
        }
        assertEquals(List.of("readdisklabel", "readdisklabel",
                "dmioctl", "prop_dictionary_copyin_ioctl", "dm_check_version", "dm_cmd_to_fun",
                "dm_dev_create_ioctl", "dm_dev_insert", "dm_dev_create_ioctl", "prop_dictionary_copyout_ioctl", "return",
                "dmioctl", "prop_dictionary_copyin_ioctl", "dm_check_version", "dm_cmd_to_fun",
                "dm_table_load_ioctl", "dm_table_init", "dm_table_load_ioctl", "prop_dictionary_copyout_ioctl", "return",
                "dmioctl", "prop_dictionary_copyin_ioctl", "dm_check_version", "dm_cmd_to_fun",
                "dm_dev_resume_ioctl", "dm_table_switch_tables", "dm_table_destroy", "dm_dev_resume_ioctl",
                "prop_dictionary_copyout_ioctl", "return",
                "dmstrategy", "dm_table_get_entry", "nestiobuf_setup", "dm_target_linear_strategy", "wdstrategy",
                "biodone"), fns);
        assertTrue(trace.contains("\"function\":\"dm_table_load_ioctl\",\"lane\":\"handler\","
                + "\"text\":\"dm_table_load_ioctl: name \\\"vol0\\\", uuid (none), minor 0, flags 0x0\","
                + "\"javaClass\":\"org.dmemu.dev.dm.ioctl.DmTableLoadIoctl\",\"netbsdFile\":\"sys/dev/dm/dm_ioctl.c\","
                + "\"values\":{\"name\":\"vol0\",\"uuid\":null,\"minor\":0,\"flags\":\"0x0\"}}"),
                trace);
        // the steps' named values come from the kernel's trace points, not from parsing the text
        assertTrue(trace.contains("\"text\":\"dm_table_init: 0 8192 linear \\\"/dev/wd1a 384\\\" -> dm_pdev_insert"
                + " [/dev/wd1a (0:16)]\",\"javaClass\":\"org.dmemu.dev.dm.ioctl.DmTableLoadIoctl\",\"netbsdFile\":"
                + "\"sys/dev/dm/dm_ioctl.c\",\"values\":{\"start\":0,\"length\":8192,\"type\":\"linear\","
                + "\"params\":\"/dev/wd1a 384\",\"pdevs\":[\"/dev/wd1a (0:16)\"]}}"), trace);
        assertTrue(trace.contains("\"values\":{\"errno\":0,\"error\":\"NONE\"}"), trace);
        // ?after=N returns only newer steps
        String tail = get(authed("/api/trace?after=34")).body();
        assertEquals(2, tail.split("\"seq\":").length - 1, tail);
    }

    @Test
    void events_streamsNewStepsLive() throws Exception {
        long after = tap.latest();
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + authed("/api/events?after=" + after))).build();
        HttpResponse<InputStream> resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, resp.statusCode());
        assertEquals("text/event-stream", resp.headers().firstValue("Content-Type").orElseThrow());
        Thread client = new Thread(() -> {
            try {
                runDemo();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        client.start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(resp.body(), StandardCharsets.UTF_8))) {
            assertEquals("id: " + (after + 1), r.readLine());
            String data = r.readLine();
            assertTrue(data.startsWith("data: {\"seq\":" + (after + 1) + ","), data);
            assertTrue(data.contains("\"function\":\"dmioctl\""), data);
        }
        client.join(10_000);
    }

    @Test
    void step_withoutALesson_is409() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + authed("/api/step")))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(409, r.statusCode());
        assertEquals("{\"loaded\":false}", get(authed("/api/lesson")).body());
    }

    @Test
    void stepThrough_outputsEqualPlainReplay() throws Exception {
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        assertEquals(0, Replay.run(new String[] {DEMO.toString()}, InputStream.nullInputStream(),
                new PrintStream(expected, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream())));
        view.loadLesson("trace-demo.replay", Files.readAllBytes(DEMO), kernel);
        StringBuilder got = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + authed("/api/step")))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertTrue(r.body().startsWith("{\"finished\":false,\"done\":" + (i + 1) + ","), r.body());
        }
        HttpResponse<String> end = http.send(HttpRequest.newBuilder(URI.create(base + authed("/api/step")))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("{\"finished\":true,\"done\":4,\"output\":null}", end.body());
        try (Kernel fresh = Kernel.boot(new KernelConfig(List.of(new DiskSpec("wd0", "mem:64M", 512)),
                Set.of(), false, false, null))) {
            for (Lesson.Step s : new Lesson("x", Files.readAllBytes(DEMO), fresh).steps()) {
                assertEquals(null, s.output()); // nothing runs before the first Step
            }
        }
        String lesson = get(authed("/api/lesson")).body();
        assertTrue(lesson.startsWith("{\"loaded\":true,\"name\":\"trace-demo.replay\",\"done\":4,\"steps\":["), lesson);
        // the outputs the page shows, joined, are exactly replay's standard output
        Matcher m = Pattern.compile("\"output\":\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(lesson);
        while (m.find()) {
            got.append(m.group(1).replace("\\n", "\n").replace("\\t", "\t").replace("\\\"", "\"")
                    .replace("\\\\", "\\"));
        }
        assertEquals(expected.toString(StandardCharsets.UTF_8), got.toString());
        assertFalse(lesson.contains("\"output\":null"));
    }
}
