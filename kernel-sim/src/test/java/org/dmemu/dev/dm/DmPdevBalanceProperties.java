package org.dmemu.dev.dm;

import static org.dmemu.dev.dm.DmTestSupport.arr;
import static org.dmemu.dev.dm.DmTestSupport.line;
import static org.dmemu.dev.dm.DmTestSupport.req;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.sys.Errno;

/**
 * Issue 16 point 7: pdev references balance on every path. Random tables of every target with
 * random (mostly bad) parameters are loaded, sometimes resumed and reloaded, and the device is
 * removed: afterwards no pdev is left open, whatever failed on the way.
 */
class DmPdevBalanceProperties {
    private static final List<String> TYPES = List.of("linear", "striped", "zero", "error", "delay", "flakey");
    private static final List<String> TOKENS = List.of("/dev/wd1a", "/dev/wd0a", "/dev/wd1a", "/dev/nope",
            "/dev/wd1b", "/dev/sd0a", "0", "1", "2", "5", "7", "4294967296", "-1", "abc", "drop_writes",
            "corrupt_bio_byte", "r", "w", "256");

    @Provide
    Arbitrary<PropDictionary> lines() {
        Arbitrary<String> type = Arbitraries.of(TYPES);
        Arbitrary<String> params = Arbitraries.of(TOKENS).list().ofMinSize(0).ofMaxSize(9)
                .map(l -> String.join(" ", l));
        return Combinators.combine(type, params, Arbitraries.integers().between(0, 3))
                .as((t, p, start) -> line(start * 8L, 8, t, p));
    }

    @Property(tries = 300)
    void failedOrNot_reloadResumeRemove_leavesNoPdev(@ForAll("lines") PropDictionary a,
                                                     @ForAll("lines") PropDictionary b,
                                                     @ForAll("lines") PropDictionary c,
                                                     @ForAll boolean resumeFirst) {
        try (DmTestSupport t = new DmTestSupport(Set.of("delay", "flakey"), false)) {
            t.create("p");
            t.call(req("reload", "name", "p", "flags", 0, "cmd_data", arr(a, b)));
            if (resumeFirst && t.herr() == Errno.NONE) {
                t.call(req("resume", "name", "p", "flags", 0));
            }
            t.call(req("reload", "name", "p", "flags", 0, "cmd_data", arr(c)));
            t.call(req("remove", "name", "p", "flags", 0));
            assertEquals(Errno.NONE, t.herr(), "remove");
            assertEquals(List.of(), t.k.deviceMapper().pdevs().snapshot().stream().map(DmPdev::name).toList());
        }
    }
}
