package org.dmemu.dev.dm.target;

import org.dmemu.sys.DmException;
import org.dmemu.sys.Errno;

/**
 * Emulates Linux's {@code struct dm_arg_set} and its readers (drivers/md/dm-table.c:
 * {@code dm_shift_arg}, {@code dm_read_arg}, {@code dm_read_arg_group},
 * {@code dm_consume_args}), which the multipath and mirror constructors use: a cursor over the
 * params tokens; a numeric argument is {@code "%u%c"} (one unsigned decimal, nothing after it)
 * within [min, max], else EINVAL with the caller's error text; a group count must also not
 * exceed the arguments left.
 *
 * <p>Differences from NetBSD: a Linux helper; NetBSD's targets use {@code atoi64}.
 */
public final class DmArgSet {
    private final String[] argv;
    private int pos;

    public DmArgSet(String[] argv) {
        this.argv = argv;
    }

    /** {@code argc}: the arguments left. */
    public int argc() {
        return argv.length - pos;
    }

    /** {@code dm_shift_arg}: the next argument, or null. */
    public String shift() {
        return pos < argv.length ? argv[pos++] : null;
    }

    /** The next {@code n} arguments, consumed. */
    public String[] take(int n) {
        String[] r = java.util.Arrays.copyOfRange(argv, pos, pos + n);
        pos += n;
        return r;
    }

    /** {@code dm_consume_args}. */
    public void consume(int n) {
        pos = Math.min(argv.length, pos + n);
    }

    /** {@code dm_read_arg}: an unsigned number in [min, max], else EINVAL {@code error}. */
    public long readArg(long min, long max, String error) throws DmException {
        return read(min, max, error, false);
    }

    /** {@code dm_read_arg_group}: a count in [min, max] that the remaining arguments can hold. */
    public long readGroup(long min, long max, String error) throws DmException {
        return read(min, max, error, true);
    }

    private long read(long min, long max, String error, boolean grouped) throws DmException {
        String s = shift();
        long v = s == null ? -1 : scanU32(s);
        if (v < 0 || v < min || v > max || (grouped && argc() < v)) {
            throw new DmException(Errno.EINVAL, error);
        }
        return v;
    }

    /** {@code sscanf(s, "%u%c", ...) == 1}: the value (0 … 2^32−1), or -1 if it does not parse. */
    public static long scanU32(String s) {
        int i = 0;
        int n = s.length();
        while (i < n && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        boolean neg = false;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            neg = s.charAt(i) == '-';
            i++;
        }
        if (i == n) {
            return -1;
        }
        long v = 0;
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
            if (v > 0xffffffffL) {
                return -1;
            }
        }
        return neg ? (-v) & 0xffffffffL : v;
    }
}
