package org.dmemu.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The tap: lines become steps (depth, function, lane, request), the echo is unchanged. */
class TraceTapTest {
    @Test
    void lines_becomeSteps_andAreEchoedUnchanged() {
        ByteArrayOutputStream echo = new ByteArrayOutputStream();
        TraceTap tap = new TraceTap(new PrintStream(echo, true, StandardCharsets.UTF_8), 10);
        String text = String.join("\n",
                "dmstrategy /dev/mapper/m blkno 0 bcount 512 write",
                "  entry 0 (0 16 mirror core 1 8 2 /dev/wd0a 0 /dev/wd1a 0): nestiobuf_setup offset 0, 512 bytes, blkno 0",
                "    dm_target_mirror_strategy: write to 2 legs",
                "[kmirrord]     wdstrategy wd1a blkno 0 -> sector 0, 512 bytes write",
                "");
        tap.stream().print(text);
        assertEquals(text, echo.toString(StandardCharsets.UTF_8));
        List<TraceEvent> steps = tap.since(0);
        assertEquals(List.of(
                new TraceEvent(1, 1, 0, "dmstrategy", "dmstrategy", "dmstrategy /dev/mapper/m blkno 0 bcount 512 write"),
                new TraceEvent(2, 1, 1, "nestiobuf_setup", "dmstrategy",
                        "entry 0 (0 16 mirror core 1 8 2 /dev/wd0a 0 /dev/wd1a 0): nestiobuf_setup offset 0, 512 bytes,"
                                + " blkno 0"),
                new TraceEvent(3, 1, 2, "dm_target_mirror_strategy", "target", "dm_target_mirror_strategy: write to 2 legs"),
                new TraceEvent(4, 1, 2, "wdstrategy", "disk",
                        "[kmirrord] wdstrategy wd1a blkno 0 -> sector 0, 512 bytes write")), steps);
        assertEquals("not in NetBSD; Linux drivers/md/dm-mpath.c",
                SourceMap.of("dm_target_multipath_strategy").netbsdFile());
        assertEquals("org.dmemu.dev.dm.ioctl.DmTargetMsgIoctl", SourceMap.of("dm_message_ioctl").javaClass());
    }

    @Test
    void quietly_leavesTheCallersStepsOut_andRingKeepsTheLatest() {
        TraceTap tap = new TraceTap(null, 3);
        tap.quietly(() -> {
            tap.stream().println("dmioctl /dev/mapper/control cmd 0xc010fd00 pref_len 10");
            return null;
        });
        assertEquals(0, tap.latest());
        for (int i = 0; i < 5; i++) {
            tap.stream().println("biodone: error 0, resid " + i);
        }
        assertEquals(5, tap.latest());
        assertEquals(List.of(3L, 4L, 5L), tap.since(0).stream().map(TraceEvent::seq).toList());
    }
}
