package org.dmemu.dev.dm.target.mpath;

import org.dmemu.dev.dm.target.DmArgSet;
import org.dmemu.sys.DmException;
import org.dmemu.sys.Errno;

/**
 * The three path selectors of Linux's dm-mpath (drivers/md/dm-ps-round-robin.c,
 * dm-ps-queue-length.c, dm-ps-service-time.c; Documentation/admin-guide/device-mapper/
 * dm-queue-length.rst and dm-service-time.rst): their names, argument counts, per-path
 * argument parsing ({@code add_path}) and the pure choice among a group's valid paths
 * ({@code select_path}).
 *
 * <p>Each selector keeps its valid paths in a list; {@link #choose} returns the index of the
 * best path in list order (the first of equals wins) and the caller then moves that path to the
 * tail, which is how all three spread I/O evenly: round-robin takes the head, queue-length the
 * path with the fewest I/Os in flight, service-time the path with the smallest
 * {@code (in-flight bytes + incoming) / relative_throughput}.
 *
 * <p>Differences from NetBSD: NetBSD 10 has no multipath target; part of a dmemu extension (--targets multipath).
 *
 * <p>Differences from Linux: an explicit repeat count above 1 is honoured (Linux 4.x and later
 * log "repeat_count > 1 is deprecated, using 1 instead"); the default repeat count is 1.
 */
public enum PathSelector {
    /** {@code round-robin}: table args {@code repeat_count}, no status args. */
    ROUND_ROBIN("round-robin", 1, 0),
    /** {@code queue-length}: table args {@code repeat_count}, status {@code in-flight I/Os}. */
    QUEUE_LENGTH("queue-length", 1, 1),
    /** {@code service-time}: table args {@code repeat_count relative_throughput}, status {@code in-flight-size relative_throughput}. */
    SERVICE_TIME("service-time", 2, 2);

    /** {@code ST_MAX_RELATIVE_THROUGHPUT}. */
    public static final int MAX_RELATIVE_THROUGHPUT = 100;

    private final String psName;
    /** {@code table_args}. */
    public final int tableArgs;
    /** {@code info_args}. */
    public final int infoArgs;

    PathSelector(String psName, int tableArgs, int infoArgs) {
        this.psName = psName;
        this.tableArgs = tableArgs;
        this.infoArgs = infoArgs;
    }

    /** The name as tables spell it. */
    public String psName() {
        return psName;
    }

    /** {@code dm_get_path_selector(name)}: the selector, or null. */
    public static PathSelector byName(String name) {
        for (PathSelector p : values()) {
            if (p.psName.equals(name)) {
                return p;
            }
        }
        return null;
    }

    /** The per-path arguments after {@code add_path}: repeat count and relative throughput. */
    public record PathArgs(long repeatCount, long relativeThroughput) {
    }

    /**
     * {@code add_path(ps, path, argc, argv, &error)}: parses a path's selector arguments.
     *
     * @throws DmException EINVAL with Linux's error text
     */
    public PathArgs addPath(String[] argv) throws DmException {
        String p = psName + " ps: ";
        int max = this == SERVICE_TIME ? 2 : 1;
        if (argv.length > max) {
            throw new DmException(Errno.EINVAL, p + "incorrect number of arguments");
        }
        long repeat = 1;
        long rt = 1;
        if (argv.length >= 1) {
            repeat = DmArgSet.scanU32(argv[0]);
            if (repeat < 0) {
                throw new DmException(Errno.EINVAL, p + "invalid repeat count");
            }
        }
        if (argv.length == 2) {
            rt = DmArgSet.scanU32(argv[1]);
            if (rt < 0 || rt > MAX_RELATIVE_THROUGHPUT) {
                throw new DmException(Errno.EINVAL, p + "invalid relative_throughput value");
            }
        }
        return new PathArgs(repeat, rt);
    }

    /** One valid path as the selector sees it: I/Os and bytes in flight, relative throughput. */
    public record Load(long inFlight, long inFlightBytes, long relativeThroughput) {
    }

    /**
     * {@code select_path}: the index (into {@code valid}, in list order) of the path to use for
     * an I/O of {@code incoming} bytes, or -1 when the list is empty. Pure.
     */
    public int choose(Load[] valid, long incoming) {
        if (valid.length == 0) {
            return -1;
        }
        int best = 0;
        for (int i = 1; i < valid.length; i++) {
            if (compare(valid[i], valid[best], incoming) < 0) {
                best = i;
            }
        }
        return best;
    }

    /** Negative when {@code a} is a better choice than {@code b}; 0 when they are equal. */
    int compare(Load a, Load b, long incoming) {
        switch (this) {
            case ROUND_ROBIN:
                return 0;
            case QUEUE_LENGTH:
                return Long.compare(a.inFlight, b.inFlight);
            default:
                return serviceTimeCompare(a, b, incoming);
        }
    }

    /**
     * The service-time order: equal throughputs → fewer bytes in flight; equal load or a zero
     * throughput → higher throughput; otherwise the smaller estimated service time
     * {@code (bytes + incoming) / throughput}, compared by cross-multiplying; ties → higher
     * throughput.
     */
    static int serviceTimeCompare(Load a, Load b, long incoming) {
        long sa = a.inFlightBytes;
        long sb = b.inFlightBytes;
        long ra = a.relativeThroughput;
        long rb = b.relativeThroughput;
        if (ra == rb) {
            return Long.compare(sa, sb);
        }
        if (sa == sb || ra == 0 || rb == 0) {
            return Long.compare(rb, ra);
        }
        // products stay below 2^63: bytes are bounded by 2^55 here, throughputs by 100
        long ta = Math.multiplyHigh(sa + incoming, rb) == 0 ? (sa + incoming) * rb : Long.MAX_VALUE;
        long tb = Math.multiplyHigh(sb + incoming, ra) == 0 ? (sb + incoming) * ra : Long.MAX_VALUE;
        if (ta != tb) {
            return Long.compare(ta, tb);
        }
        return Long.compare(rb, ra);
    }
}
