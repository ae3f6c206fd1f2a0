package org.dmemu.dev.dm.target;

import static org.junit.jupiter.api.Assertions.*;


import org.dmemu.dev.dm.target.mpath.Multipath;
import org.dmemu.dev.dm.target.mpath.PathSelector;
import org.dmemu.dev.dm.target.snap.PersistentStore;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/** The pure policy and mapping math of multipath, snapshot and mirror, as properties. */
class Issue10Properties {
    private static PathSelector.Load[] loads(long[] inFlight, long[] bytes, long[] rt) {
        PathSelector.Load[] l = new PathSelector.Load[inFlight.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = new PathSelector.Load(inFlight[i], bytes[i % bytes.length], rt[i % rt.length]);
        }
        return l;
    }

    @Property(tries = 300)
    void queueLength_choosesAPathWithTheFewestInFlight_firstOfEquals(
            @ForAll @Size(min = 1, max = 8) java.util.List<@LongRange(min = 0, max = 50) Long> inFlightList) {
        long[] inFlight = inFlightList.stream().mapToLong(Long::longValue).toArray();
        PathSelector.Load[] l = loads(inFlight, new long[] {0}, new long[] {1});
        int c = PathSelector.QUEUE_LENGTH.choose(l, 4096);
        for (int i = 0; i < l.length; i++) {
            assertTrue(inFlight[c] <= inFlight[i]);
            if (i < c) {
                assertTrue(inFlight[i] > inFlight[c], "the first of equals wins");
            }
        }
        assertEquals(0, PathSelector.ROUND_ROBIN.choose(l, 4096), "round-robin takes the head of its list");
    }

    @Property(tries = 500)
    void serviceTime_noOtherPathIsFaster(
            @ForAll @Size(min = 1, max = 8) java.util.List<@LongRange(min = 0, max = 1 << 24) Long> bytesList,
            @ForAll @Size(min = 1, max = 8) java.util.List<@LongRange(min = 1, max = 100) Long> rtList,
            @ForAll @LongRange(min = 0, max = 1 << 20) long incoming) {
        long[] bytes = bytesList.stream().mapToLong(Long::longValue).toArray();
        long[] rt = rtList.stream().mapToLong(Long::longValue).toArray();
        int n = Math.min(bytes.length, rt.length);
        PathSelector.Load[] l = loads(new long[n], bytes, rt);
        int c = PathSelector.SERVICE_TIME.choose(l, incoming);
        for (int i = 0; i < n; i++) {
            // estimated service time (bytes + incoming) / rt, compared without division
            long mine = (l[c].inFlightBytes() + incoming) * l[i].relativeThroughput();
            long theirs = (l[i].inFlightBytes() + incoming) * l[c].relativeThroughput();
            boolean sameRt = l[i].relativeThroughput() == l[c].relativeThroughput();
            if (sameRt) {
                assertTrue(l[c].inFlightBytes() <= l[i].inFlightBytes(), "equal throughput: least loaded");
            } else if (l[i].inFlightBytes() != l[c].inFlightBytes()) {
                assertTrue(mine <= theirs, "path " + i + " would be faster than " + c);
            } else {
                assertTrue(l[c].relativeThroughput() >= l[i].relativeThroughput(), "equal load: higher throughput");
            }
        }
    }

    @Property(tries = 200)
    void roundRobin_isFairWithItsRepeatCount(@ForAll @IntRange(min = 1, max = 6) int paths,
                                             @ForAll @IntRange(min = 1, max = 5) int repeat,
                                             @ForAll @IntRange(min = 1, max = 10) int rounds) {
        Multipath m = new Multipath(false, false, -1);
        Multipath.PriorityGroup pg = m.addGroup(PathSelector.ROUND_ROBIN);
        Multipath.Pgpath[] p = new Multipath.Pgpath[paths];
        for (int i = 0; i < paths; i++) {
            p[i] = m.addPath(pg, null, new PathSelector.PathArgs(repeat, 1));
        }
        m.setNextPg(1);
        int[] count = new int[paths];
        Multipath.Pgpath prev = null;
        int run = 0;
        for (int io = 0; io < paths * repeat * rounds; io++) {
            Multipath.Pgpath c = m.startIo(512);
            m.endIo(c, 512);
            run = c == prev ? run + 1 : 1;
            if (paths > 1) {
                assertTrue(run <= repeat, "a path is used at most repeat_count times in a row");
            }
            prev = c;
            for (int i = 0; i < paths; i++) {
                if (p[i] == c) {
                    count[i]++;
                }
            }
        }
        for (int i = 0; i < paths; i++) {
            assertEquals(repeat * rounds, count[i], "path " + i);
        }
    }

    @Property(tries = 200)
    void failedPathsAreNeverChosen_andNoPathMeansNull(@ForAll @IntRange(min = 1, max = 6) int paths,
                                                       @ForAll @IntRange(min = 0, max = 63) int failMask) {
        Multipath m = new Multipath(false, false, -1);
        Multipath.PriorityGroup pg = m.addGroup(PathSelector.QUEUE_LENGTH);
        Multipath.Pgpath[] p = new Multipath.Pgpath[paths];
        for (int i = 0; i < paths; i++) {
            p[i] = m.addPath(pg, null, new PathSelector.PathArgs(1, 1));
        }
        int alive = 0;
        for (int i = 0; i < paths; i++) {
            if ((failMask & (1 << i)) != 0) {
                assertTrue(m.failPath(p[i]));
                assertFalse(m.failPath(p[i]), "failing twice counts once");
            } else {
                alive++;
            }
        }
        for (int io = 0; io < 20; io++) {
            Multipath.Pgpath c = m.startIo(512);
            if (alive == 0) {
                assertNull(c);
            } else {
                assertTrue(c.isActive());
            }
        }
    }

    @Property(tries = 300)
    void persistentLayout_dataChunksSkipHeaderAndEveryMetadataArea(
            @ForAll @IntRange(min = 0, max = 6) int chunkShift, @ForAll @IntRange(min = 1, max = 3000) int n) {
        long chunk = 1L << chunkShift;
        long epa = PersistentStore.exceptionsPerArea(chunk);
        assertEquals(chunk * 32, epa);
        java.util.function.LongPredicate meta = x -> x >= 1 && (x - 1) % (epa + 1) == 0
                && PersistentStore.areaLocation((x - 1) / (epa + 1), epa) == x;
        long c = PersistentStore.NUM_SNAPSHOT_HDR_CHUNKS + 1;
        long prev = 1;
        for (int i = 0; i < n; i++) {
            assertFalse(meta.test(c), "chunk " + c + " is a metadata area");
            assertTrue(c > prev);
            // every chunk skipped between two data chunks is a metadata chunk
            for (long s = prev + 1; s < c; s++) {
                assertTrue(meta.test(s));
            }
            // data chunk c belongs to area (c - 2) / (epa + 1), just after its metadata chunk
            long area = (c - 2) / (epa + 1);
            assertTrue(c > PersistentStore.areaLocation(area, epa) && c <= PersistentStore.areaLocation(area, epa) + epa);
            prev = c;
            c = PersistentStore.nextFreeAfter(c, epa);
        }
    }

    @Property(tries = 500)
    void pieces_neverCrossARegion_andCoverTheTransfer(@ForAll @LongRange(min = 0, max = 1 << 30) long sector,
                                                      @ForAll @IntRange(min = 1, max = 256) int sectors,
                                                      @ForAll @IntRange(min = 1, max = 12) int unitShift) {
        long unit = 1L << unitShift;
        int left = sectors * 512;
        long s = sector;
        int total = 0;
        while (left > 0) {
            int p = DmTargetMirror.piece(s, left, unit);
            assertTrue(p > 0 && p % 512 == 0);
            assertEquals(s / unit, (s + p / 512 - 1) / unit, "one region per piece");
            left -= p;
            total += p;
            s += p / 512;
            if (left > 0) {
                assertEquals(0, s % unit, "a piece ends at a region boundary unless it is the last");
            }
        }
        assertEquals(sectors * 512, total);
    }
}
