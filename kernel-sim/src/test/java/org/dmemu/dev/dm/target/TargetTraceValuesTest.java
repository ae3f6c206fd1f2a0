package org.dmemu.dev.dm.target;

import static org.dmemu.dev.dm.DmTestSupport.line;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.dmemu.dev.dm.DmTestSupport;
import org.dmemu.kern.DiskSpec;
import org.dmemu.kern.Kernel;
import org.dmemu.kern.KernelConfig;
import org.dmemu.sys.TraceEvent;
import org.junit.jupiter.api.Test;

/** The targets' trace steps carry named values (numbers as numbers, errnos by name), not only text. */
class TargetTraceValuesTest {
    private static final List<DiskSpec> DISKS = List.of(new DiskSpec("wd0", "mem:8M", 512),
            new DiskSpec("wd1", "mem:8M", 512));

    /** A kernel whose trace steps land in {@code events}. */
    private static DmTestSupport traced(List<TraceEvent> events, String... extra) throws IOException {
        return new DmTestSupport(Kernel.boot(new KernelConfig(DISKS, Set.of(extra), false, false, events::add)));
    }

    private static List<TraceEvent> of(List<TraceEvent> events, String function) {
        return events.stream().filter(e -> e.function().equals(function)).toList();
    }

    @Test
    void linearAndStripe_remapValues() throws IOException {
        List<TraceEvent> events = new CopyOnWriteArrayList<>();
        try (DmTestSupport t = traced(events)) {
            t.up("l", line(0, 64, "linear", "/dev/wd1a 384"));
            t.up("s", line(0, 64, "striped", "2 4 /dev/wd0a 100 /dev/wd1a 200"));
            events.clear();
            t.io("/dev/mapper/l", true, 8, new byte[1024]);
            t.io("/dev/mapper/s", true, 6, new byte[2048]);
        }
        TraceEvent lin = of(events, "dm_target_linear_strategy").get(0);
        assertEquals(Map.of("offset", 384L, "pdev", "/dev/wd1a", "udev", "0:16", "blkno", 392L), lin.values());
        assertEquals("dm_target_linear_strategy: blkno += 384 -> /dev/wd1a (0:16) blkno 392", lin.text());

        List<TraceEvent> stripe = of(events, "dm_target_stripe_strategy");
        assertEquals(List.of("blkno", "stripe_devnr", "pdev", "udev", "nestbuf_blkno", "bcount"),
                List.copyOf(stripe.get(0).values().keySet()));
        // blkno 6, chunk 4: 2 sectors on stripe 1 (wd1a, 200 + 0*4 + 2), then 2 chunks' worth on stripe 0 and 1
        assertEquals(6L, stripe.get(0).values().get("blkno"));
        assertEquals(1, stripe.get(0).values().get("stripe_devnr"));
        assertEquals(202L, stripe.get(0).values().get("nestbuf_blkno"));
        assertEquals(1024, stripe.get(0).values().get("bcount"));
        assertEquals(0, stripe.get(1).values().get("stripe_devnr"));
        assertEquals(8L, stripe.get(1).values().get("blkno"));
        assertEquals("dm_target_stripe_strategy: entry blkno 8 -> stripe 0 /dev/wd0a (0:0) blkno 104, 1024 bytes",
                stripe.get(1).text());
    }

    @Test
    void mirrorWrite_namesTheRegionAndTheLegs() throws IOException {
        List<TraceEvent> events = new CopyOnWriteArrayList<>();
        try (DmTestSupport t = traced(events, "mirror")) {
            t.up("m", line(0, 1024, "mirror", "core 2 64 nosync 2 /dev/wd0d 0 /dev/wd1d 0"));
            events.clear();
            t.io("/dev/mapper/m", false, 130, new byte[512]);
            t.io("/dev/mapper/m", true, 130, new byte[512]);
        }
        List<TraceEvent> m = of(events, "dm_target_mirror_strategy");
        Map<String, Object> write = m.get(0).values();
        assertEquals(2L, write.get("region"));
        assertEquals("0:3 0:19", write.get("legs"));
        assertEquals("NONE", write.get("error"));
        assertEquals("dm_target_mirror_strategy: region 2 written to legs 0:3 0:19", m.get(0).text());
        Map<String, Object> read = m.get(1).values();
        assertEquals(Boolean.TRUE, read.get("in_sync"));
        assertEquals("NONE", read.get("error"));
        assertTrue(m.get(1).text().startsWith("dm_target_mirror_strategy: region 2 (in sync) read from leg 0:"),
                m.get(1).text());
    }

    @Test
    void cryptAndError_valuesAreData() throws IOException {
        List<TraceEvent> events = new CopyOnWriteArrayList<>();
        try (DmTestSupport t = traced(events, "crypt")) {
            t.up("c", line(0, 64, "crypt", "aes-xts-plain64 " + DmTargetCryptTest.KEY64 + " 0 /dev/wd1a 0"));
            t.up("e", line(0, 64, "error", ""));
            events.clear();
            t.io("/dev/mapper/c", false, 8, new byte[4096]);
            t.io("/dev/mapper/e", true, 0, new byte[512]);
        }
        Map<String, Object> c = of(events, "dm_target_crypt_strategy").get(0).values();
        assertEquals(Boolean.FALSE, c.get("read"));
        assertEquals(8, c.get("sectors"));
        assertEquals("aes-xts-plain64", c.get("cipher"));
        assertEquals(8L, c.get("iv_sector"));
        assertEquals(Map.of("error", "EIO"), of(events, "dm_target_error_strategy").get(0).values());
    }
}
