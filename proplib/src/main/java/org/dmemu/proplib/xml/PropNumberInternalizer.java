package org.dmemu.proplib.xml;

import static org.dmemu.proplib.xml.PropInternalizeContext.END;
import static org.dmemu.proplib.xml.PropInternalizeContext.INTEGER;

import org.dmemu.proplib.PropNumber;
import org.dmemu.proplib.PropObject;

/**
 * Emulates {@code _prop_number_internalize} and its helpers
 * {@code _prop_number_internalize_unsigned}/{@code _prop_number_internalize_signed}
 * (common/lib/libprop/prop_number.c rev 1.33, NetBSD 10; proplib-xml.md §3.6), with the C
 * {@code strtoll}/{@code strtoull} base-0 conversion they call. In {@link PropInternalizer.Mode#KERNEL}
 * integers follow the kernel's {@code strtoll}/{@code strtoull} (overflow consumes no digits, so
 * decimal ≥ 2^63 is rejected); in {@link PropInternalizer.Mode#USERLAND} a decimal that overflows
 * {@code int64} is re-read as unsigned.
 *
 * <p>Differences from NetBSD:
 * <ul>
 *   <li>{@link #strto} returns the end index and leaves the value and the ERANGE flag in the
 *       context instead of setting {@code errno}.</li>
 *   <li>A failure is a {@link PropParseException} with a reason and a byte offset.</li>
 * </ul>
 */
final class PropNumberInternalizer {

    /** strtoll/strtoull overflow thresholds, [radix][unsigned, negative, positive]. */
    private static final long[][] CUTOFF = new long[17][3];
    private static final int[][] CUTLIM = new int[17][3];

    static {
        long[] limits = {-1L, Long.MIN_VALUE, Long.MAX_VALUE}; // read as unsigned magnitudes
        for (int radix : new int[] {8, 10, 16}) {
            for (int i = 0; i < 3; i++) {
                CUTOFF[radix][i] = Long.divideUnsigned(limits[i], radix);
                CUTLIM[radix][i] = (int) Long.remainderUnsigned(limits[i], radix);
            }
        }
    }

    private PropNumberInternalizer() {
    }

    /** {@code _prop_number_internalize}: at an {@code <integer>} start tag. */
    static PropObject internalize(PropInternalizeContext c) throws PropParseException {
        if (c.hasAttr) {
            throw c.fail("attribute on <integer>", c.attrAt);
        }
        if (c.emptyElement) {
            throw c.fail("<integer/> has no value", c.tagStart);
        }
        byte[] s = c.s;
        int start = c.p;
        int e;
        boolean uns;
        if (s[start] == '-') {
            e = strto(c, start, false);
            uns = false;
        } else if (s[start] == '0' && s[start + 1] == 'x') {
            e = strto(c, start, true);
            uns = true;
        } else {
            e = strto(c, start, false);
            uns = false;
            if (c.numErange && !c.kernel) {
                // Userland: strtoll overflowed, try again as unsigned.
                e = strto(c, start, true);
                uns = true;
            }
        }
        if (c.numErange) {
            throw c.fail("integer out of range", start);
        }
        long v = c.numVal;
        c.p = e;
        c.findTag(INTEGER, END, "</integer> after the number");
        return uns ? PropNumber.unsigned(v) : PropNumber.signed(v);
    }

    /**
     * C {@code strtoll}/{@code strtoull} with base 0 from {@code i}: leading white space
     * (SP HT LF VT FF CR), optional sign, {@code 0x}/{@code 0X} hex, leading-0 octal, else
     * decimal. Returns the end index ({@code i} itself if no digit was consumed) and leaves the
     * value in {@code c.numVal}. On overflow sets {@code c.numErange}; the userland flavour then
     * consumes all digits and saturates, the kernel flavour reports no digits consumed.
     */
    static int strto(PropInternalizeContext c, int i, boolean uns) {
        byte[] s = c.s;
        int q = i;
        while (isCSpace(s[q])) {
            q++;
        }
        boolean neg = false;
        if (s[q] == '-') {
            neg = true;
            q++;
        } else if (s[q] == '+') {
            q++;
        }
        int radix = 10;
        if (s[q] == '0') {
            if ((s[q + 1] == 'x' || s[q + 1] == 'X') && digit(s[q + 2]) < 16) {
                radix = 16;
                q += 2;
            } else {
                radix = 8;
            }
        }
        // The largest magnitude: 2^64-1 unsigned, 2^63 negative, 2^63-1 positive.
        int li = uns ? 0 : neg ? 1 : 2;
        long cutoff = CUTOFF[radix][li];
        int cutlim = CUTLIM[radix][li];
        long acc = 0;
        boolean any = false;
        boolean over = false;
        for (;;) {
            int d = digit(s[q]);
            if (d >= radix) {
                break;
            }
            any = true;
            if (!over) {
                if (Long.compareUnsigned(acc, cutoff) > 0 || (acc == cutoff && d > cutlim)) {
                    over = true;
                } else {
                    acc = acc * radix + d;
                }
            }
            q++;
        }
        c.numErange = over;
        if (!any) {
            c.numVal = 0;
            return i;
        }
        if (over) {
            c.numVal = uns ? -1L : neg ? Long.MIN_VALUE : Long.MAX_VALUE;
            return c.kernel ? i : q;
        }
        c.numVal = neg ? -acc : acc;
        return q;
    }

    /** C {@code isspace} in the C locale, used by strtoll: also VT and FF. */
    private static boolean isCSpace(byte c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    /** Digit value for radix up to 16, or 99. */
    private static int digit(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return 99;
    }
}
