package org.dmemu.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The trace point templates: names in order, each hole kind rendered, bad templates refused. */
class TracePointTest {
    private static final TracePoint INSERT = TracePoint.of("dm_dev_insert", "dm_dev_insert: minor {minor}{error? -> {error}}");

    @Test
    void namesInFirstAppearanceOrder_conditionalRendersOnlyWhenSet() {
        assertEquals(List.of("minor", "error"), INSERT.names());
        assertEquals("dm_dev_insert: minor 3", INSERT.text(3L, Errno.NONE));
        assertEquals("dm_dev_insert: minor 3 -> EEXIST", INSERT.text(3L, Errno.EEXIST));
        assertEquals("dm_dev_insert", INSERT.function());
        assertEquals(2, INSERT.arity());
    }

    @Test
    void formats_unsignedHexQuotedAndNone() {
        TracePoint p = TracePoint.of("f", "{a:u} 0x{b:x} {c:q} {d:q} {e} {l}");
        assertEquals("18446744073709551615 0xfd00 \"x\" (none) (none) [a (b), c]",
                p.text(-1L, 0xfd00L, "x", null, null, List.of("a (b)", "c")));
    }

    @Test
    void elseBranch_nestedHoles_booleansAndEmptyLists() {
        TracePoint p = TracePoint.of("f", "{inactive?inactive|active} table{pdevs? -> {pdevs}|}{cmd?{cmd:q}|(not a string)}");
        assertEquals("active table(not a string)", p.text(false, List.of(), null));
        assertEquals("inactive table -> [wd0a]\"\"", p.text(true, List.of("wd0a"), ""));
        assertEquals(List.of("inactive", "pdevs", "cmd"), p.names());
    }

    @Test
    void values_asData() {
        TracePoint p = TracePoint.of("dmioctl", "dmioctl cmd 0x{cmd:x} len {len:u} big {big:u} {error} {l}");
        Map<String, Object> want = new LinkedHashMap<>();
        want.put("cmd", "0xc010fd00");
        want.put("len", 10L);
        want.put("big", "18446744073709551615");
        want.put("error", "EIO");
        want.put("l", List.of("1", "2"));
        TraceEvent e = new TraceEvent("", 2, p, new Object[] {0xc010fd00L, 10L, -1L, Errno.EIO, List.of(1, 2)});
        assertEquals(want, e.values());
        assertEquals("    dmioctl cmd 0xc010fd00 len 10 big 18446744073709551615 EIO [1, 2]", e.line());
    }

    @Test
    void badTemplates_failWhenDeclared() {
        for (String t : new String[] {"{}", "{a", "a}", "{a:z}", "{a?b", "{a:q?b}", "{a b}"}) {
            IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> TracePoint.of("f", t), t);
            assertTrue(x.getMessage().startsWith("trace template: "), x.getMessage());
        }
    }

    @Test
    void emit_wrongArity_isRefused_threadLabelAndShiftApply() throws Exception {
        List<TraceEvent> got = new ArrayList<>();
        Trace trace = new Trace(got::add);
        assertThrows(IllegalArgumentException.class, () -> trace.emit(0, INSERT, 1L));
        trace.shift(2);
        trace.emit(1, INSERT, 1L, Errno.NONE);
        trace.shift(-2);
        Thread t = new Thread(() -> {
            Trace.setThreadPrefix("[kmirrord] ");
            trace.emit(0, INSERT, 2L, Errno.NONE);
        });
        t.start();
        t.join();
        assertEquals(List.of("      dm_dev_insert: minor 1", "[kmirrord] dm_dev_insert: minor 2"),
                got.stream().map(TraceEvent::line).toList());
        assertEquals(3, got.get(0).depth());
    }
}
