package org.dmemu.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.dmemu.sys.Errno;
import org.dmemu.sys.Trace;
import org.dmemu.sys.TracePoint;
import org.dmemu.sys.TraceText;
import org.junit.jupiter.api.Test;

/** The tap: structured steps become the page's steps (depth, function, lane, request, values); the echo is the text. */
class TraceTapTest {
    private static final TracePoint START = TracePoint.of("dmstrategy", "dmstrategy {path} blkno {blkno} bcount {bcount} {dir}");
    private static final TracePoint LEGS = TracePoint.of("dm_target_mirror_strategy",
            "dm_target_mirror_strategy: region {region} written to legs{legs}{eio? -> EIO}");
    private static final TracePoint WD = TracePoint.of("wdstrategy", "wdstrategy {dev} blkno {blkno}");
    private static final TracePoint BIODONE = TracePoint.of("biodone", "biodone: error {error}, resid {resid}");

    @Test
    void events_becomeSteps_andAreEchoedAsText() throws Exception {
        ByteArrayOutputStream echo = new ByteArrayOutputStream();
        TraceTap tap = new TraceTap(new TraceText(new PrintStream(echo, true, StandardCharsets.UTF_8)), 10);
        Trace trace = new Trace(tap);
        trace.emit(0, START, "/dev/mapper/m", 0L, 512, "write");
        trace.emit(2, LEGS, 0L, List.of(" /dev/wd0a", " /dev/wd1a"), Boolean.FALSE);
        Thread t = new Thread(() -> {
            Trace.setThreadPrefix("[kmirrord] ");
            trace.emit(2, WD, "wd1a", 8L);
        });
        t.start();
        t.join();
        String n = System.lineSeparator();
        assertEquals("dmstrategy /dev/mapper/m blkno 0 bcount 512 write" + n
                + "    dm_target_mirror_strategy: region 0 written to legs[ /dev/wd0a,  /dev/wd1a]" + n
                + "[kmirrord]     wdstrategy wd1a blkno 8" + n, echo.toString(StandardCharsets.UTF_8));
        Map<String, Object> legs = new LinkedHashMap<>();
        legs.put("region", 0L);
        legs.put("legs", List.of(" /dev/wd0a", " /dev/wd1a"));
        legs.put("eio", Boolean.FALSE);
        assertEquals(List.of(
                new TraceStep(1, 1, 0, "dmstrategy", "dmstrategy", "dmstrategy /dev/mapper/m blkno 0 bcount 512 write",
                        Map.of("path", "/dev/mapper/m", "blkno", 0L, "bcount", 512, "dir", "write")),
                new TraceStep(2, 1, 2, "dm_target_mirror_strategy", "target",
                        "dm_target_mirror_strategy: region 0 written to legs[ /dev/wd0a,  /dev/wd1a]", legs),
                new TraceStep(3, 1, 2, "wdstrategy", "disk", "[kmirrord] wdstrategy wd1a blkno 8",
                        Map.of("dev", "wd1a", "blkno", 8L))), tap.since(0));
        assertEquals("not in NetBSD; Linux drivers/md/dm-mpath.c",
                SourceMap.of("dm_target_multipath_strategy").netbsdFile());
        assertEquals("org.dmemu.dev.dm.ioctl.DmTargetMsgIoctl", SourceMap.of("dm_message_ioctl").javaClass());
    }

    @Test
    void stepJson_carriesTheNamedValues() {
        TraceTap tap = new TraceTap(null, 10);
        new Trace(tap).emit(1, BIODONE, Errno.EIO, 512);
        Json j = new Json();
        tap.since(0).get(0).toJson(j);
        assertEquals("{\"seq\":1,\"request\":0,\"depth\":1,\"function\":\"biodone\",\"lane\":\"dmstrategy\","
                + "\"text\":\"biodone: error EIO, resid 512\",\"javaClass\":\"org.dmemu.sys.Buf\","
                + "\"netbsdFile\":\"sys/kern/vfs_bio.c\",\"values\":{\"error\":\"EIO\",\"resid\":512}}", j.toString());
    }

    @Test
    void quietly_leavesTheCallersStepsOut_andRingKeepsTheLatest() {
        TraceTap tap = new TraceTap(null, 3);
        Trace trace = new Trace(tap);
        tap.quietly(() -> {
            trace.emit(0, START, "/dev/mapper/m", 0L, 512, "read");
            return null;
        });
        assertEquals(0, tap.latest());
        for (int i = 0; i < 5; i++) {
            trace.emit(1, BIODONE, Errno.NONE, i);
        }
        assertEquals(5, tap.latest());
        assertEquals(List.of(3L, 4L, 5L), tap.since(0).stream().map(TraceStep::seq).toList());
    }
}
