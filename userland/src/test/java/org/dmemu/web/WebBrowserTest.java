package org.dmemu.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.dmemu.kern.DiskSpec;
import org.dmemu.kern.Kernel;
import org.dmemu.kern.KernelConfig;
import org.dmemu.replay.Replay;
import org.dmemu.testutil.Tools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web view in a real browser: Debian's chromium driven by its chromedriver through Selenium
 * (no browser download). Screenshots go to target/web-screenshots/ for every test, and to
 * docs/images/ when run with {@code -Dweb.screenshots.docs=true}.
 */
class WebBrowserTest {
    private static final Path DEMO = Path.of("..", "docs", "examples", "trace-demo.replay");
    private static final Path SHOTS = Path.of("target", "web-screenshots");
    /** The main views, as committed to docs/images/ (the README and docs/web.md show them). */
    private static final java.util.Map<String, String> DOC_SHOTS = java.util.Map.of(
            "mapAndDevices_updateLive_afterCreateReloadResume", "map-and-devices",
            "sequenceDiagram_showsTheFunctionsOfAReloadInOrder_andClickNamesTheSource", "sequence-diagram",
            "stepThrough_advancesAndMatchesReplay", "step-through");

    private Kernel kernel;
    private TraceTap tap;
    private WebView view;
    private ChromeDriver browser;
    private Path profile;

    @BeforeEach
    void start() throws Exception {
        Tools.require("chromium");
        Tools.require("chromedriver");
        tap = new TraceTap(null, 2000);
        kernel = Kernel.boot(new KernelConfig(List.of(new DiskSpec("wd0", "mem:64M", 512),
                new DiskSpec("wd1", "mem:64M", 512)), Set.of(), false, false, tap));
        view = WebView.start(kernel, tap, InetAddress.getLoopbackAddress(), 0);
        profile = Files.createTempDirectory("dmemu-chromium");
        ChromeOptions o = new ChromeOptions();
        o.setBinary(Path.of("/usr/bin/chromium").toFile());
        o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,1600", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, o);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
    }

    @AfterEach
    void stop(TestInfo info) throws Exception {
        if (browser != null) {
            shot(info.getTestMethod().orElseThrow().getName());
            browser.quit();
        }
        if (view != null) {
            view.close();
        }
        if (kernel != null) {
            kernel.close();
        }
    }

    private void shot(String name) throws Exception {
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Files.createDirectories(SHOTS);
        Files.write(SHOTS.resolve(name + ".png"), png);
        String doc = DOC_SHOTS.get(name);
        if (doc != null && Boolean.getBoolean("web.screenshots.docs")) {
            Files.write(Path.of("..", "docs", "images", "web-" + doc + ".png"), png);
        }
    }

    private WebDriverWait waiting() {
        return new WebDriverWait(browser, Duration.ofSeconds(15));
    }

    private List<String> runDemo(int items) throws Exception {
        List<String> out = new ArrayList<>();
        List<Replay.Item> all = Replay.items(Files.readAllBytes(DEMO));
        for (Replay.Item it : all.subList(0, items)) {
            out.add(Replay.runOne(kernel, it));
        }
        return out;
    }

    @Test
    void withoutToken_thePageIsRefused() {
        String url = view.url();
        browser.get(url.substring(0, url.indexOf("?token=")));
        assertEquals("403 forbidden: open the URL with its token", browser.findElement(By.tagName("body")).getText());
    }

    @Test
    void mapAndDevices_updateLive_afterCreateReloadResume() throws Exception {
        browser.get(view.url());
        waiting().until(d -> d.findElement(By.id("status")).getText().equals("live"));
        assertEquals(2, browser.findElements(By.cssSelector("#diskmap svg[data-disk]")).size());
        assertTrue(browser.findElements(By.cssSelector("#devlist .device")).isEmpty());
        runDemo(3); // create vol0, reload 0 8192 linear /dev/wd1a 384, resume: no reload of the page
        WebElement range = waiting().until(d -> d.findElements(
                By.cssSelector("svg[data-disk=wd1] g.range[data-device=vol0][data-slot=active]")).stream()
                .findFirst().orElse(null));
        assertEquals("384", range.getAttribute("data-start"));
        assertEquals("8575", range.getAttribute("data-end"));
        assertEquals("false", range.getAttribute("data-covers-label"));
        WebElement dev = browser.findElement(By.cssSelector("#devlist .device[data-name=vol0]"));
        assertTrue(dev.getText().contains("minor 1, open count 0"), dev.getText());
        assertTrue(dev.getText().contains("flags 0x20: ACTIVE_PRESENT"), dev.getText());
        assertTrue(dev.getText().contains("0 8192 linear 0:16 384"), dev.getText());
        dev.click();
        String xml = browser.findElement(By.id("xmlview")).getText();
        assertTrue(xml.contains("<string>table</string>"), xml);
        assertTrue(xml.contains("<string>0:16 384</string>"), xml);
    }

    @Test
    void sequenceDiagram_showsTheFunctionsOfAReloadInOrder_andClickNamesTheSource() throws Exception {
        browser.get(view.url());
        waiting().until(d -> d.findElement(By.id("status")).getText().equals("live"));
        runDemo(2); // create, reload
        waiting().until(d -> d.findElements(By.cssSelector("g.step[data-function=return]")).size() == 2);
        List<String> reload = new ArrayList<>();
        String lastRequest = null;
        for (WebElement g : browser.findElements(By.cssSelector("g.step"))) {
            lastRequest = g.getAttribute("data-request");
        }
        for (WebElement g : browser.findElements(By.cssSelector("g.step[data-request='" + lastRequest + "']"))) {
            reload.add(g.getAttribute("data-lane") + ":" + g.getAttribute("data-function"));
        }
        assertEquals(List.of("dmioctl:dmioctl", "dmioctl:prop_dictionary_copyin_ioctl", "dmioctl:dm_check_version",
                "dmioctl:dm_cmd_to_fun", "handler:dm_table_load_ioctl", "dm core:dm_table_init",
                "handler:dm_table_load_ioctl", "dmioctl:prop_dictionary_copyout_ioctl", "dmioctl:return"), reload);
        browser.findElement(By.cssSelector("g.step[data-function=dm_table_init] rect")).click();
        String detail = browser.findElement(By.id("detail")).getText();
        assertTrue(detail.startsWith("dm_table_init (request " + lastRequest + ", depth 3, lane dm core)"), detail);
        assertTrue(detail.contains("dmemu: org.dmemu.dev.dm.ioctl.DmTableLoadIoctl"), detail);
        assertTrue(detail.contains("NetBSD: sys/dev/dm/dm_ioctl.c"), detail);
        // the step is drawn and detailed from the kernel's named values, not from its text
        assertTrue(detail.endsWith("values:\n  start = 0\n  length = 8192\n  type = linear\n  params = /dev/wd1a 384\n"
                + "  pdevs = [/dev/wd1a (0:16)]"), detail);
        assertEquals("      dm_table_init  start=0 length=8192 type=linear params=/dev/wd1a 384 pdevs=[/dev/wd1a (0:16)]",
                browser.findElement(By.cssSelector("g.step[data-function=dm_table_init] text")).getAttribute("textContent"));
        assertTrue(browser.findElements(By.cssSelector("g.step.failed")).isEmpty());
        runDemo(1); // create vol0 again: EEXIST, drawn as a failed step
        WebElement failed = waiting().until(d -> d.findElements(By.cssSelector("g.step.failed")).stream()
                .findFirst().orElse(null));
        assertEquals("dm_dev_lookup", failed.getAttribute("data-function"));
        assertEquals("dm_dev_lookup: exists -> EEXIST",
                failed.findElement(By.tagName("title")).getAttribute("textContent"));
    }

    @Test
    void pause_holdsNewStepsUntilResume() throws Exception {
        browser.get(view.url());
        waiting().until(d -> d.findElement(By.id("status")).getText().equals("live"));
        int before = browser.findElements(By.cssSelector("g.step")).size();
        browser.findElement(By.id("pause")).click();
        assertEquals("paused", browser.findElement(By.id("status")).getText());
        runDemo(1);
        long latest = tap.latest();
        // the page has received the steps (the stream is live) but draws none while paused
        waiting().until(d -> Long.valueOf(latest).equals(((org.openqa.selenium.JavascriptExecutor) d)
                .executeScript("return view.lastSeq;")));
        assertEquals(before, browser.findElements(By.cssSelector("g.step")).size());
        browser.findElement(By.id("pause")).click();
        waiting().until(d -> d.findElements(By.cssSelector("g.step[data-function=dm_dev_create_ioctl]")).size() == 2);
    }

    @Test
    void stepThrough_advancesAndMatchesReplay() throws Exception {
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        Replay.run(new String[] {DEMO.toString()}, InputStream.nullInputStream(),
                new PrintStream(expected, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()));
        view.loadLesson("trace-demo.replay", Files.readAllBytes(DEMO), kernel);
        browser.get(view.url());
        WebElement button = waiting().until(d -> {
            WebElement b = d.findElement(By.id("step-button"));
            return b.isDisplayed() ? b : null;
        });
        assertEquals("Step 1 of 4", button.getText());
        assertEquals("trace-demo.replay", browser.findElement(By.id("lesson-name")).getText());
        for (int i = 1; i <= 4; i++) {
            final int done = i;
            browser.findElement(By.id("step-button")).click();
            waiting().until(d -> d.findElements(By.cssSelector("#lesson-steps li[data-done=true]")).size() == done);
        }
        waiting().until(d -> d.findElement(By.id("step-button")).getText().equals("Finished"));
        StringBuilder shown = new StringBuilder();
        for (WebElement pre : browser.findElements(By.cssSelector("#lesson-steps li pre.output"))) {
            shown.append((String) pre.getAttribute("textContent"));
        }
        assertEquals(expected.toString(StandardCharsets.UTF_8), shown.toString());
        // the read of step 4 drew its path down to the disk driver
        waiting().until(d -> !d.findElements(By.cssSelector("g.step[data-function=wdstrategy]")).isEmpty());
        waiting().until(d -> !d.findElements(By.cssSelector("g.range[data-device=vol0]")).isEmpty());
    }
}
