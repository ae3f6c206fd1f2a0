package org.dmemu.replay;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.dmemu.conform.Expectation;
import org.dmemu.conform.Lint;
import org.dmemu.dev.dm.NetbsdDm;
import org.dmemu.kern.DiskHandle;
import org.dmemu.kern.DiskSpec;
import org.dmemu.kern.IoctlResult;
import org.dmemu.kern.Kernel;
import org.dmemu.kern.KernelConfig;
import org.dmemu.kern.KernelException;
import org.dmemu.kern.KernelOptions;
import org.dmemu.sys.Buf;
import org.dmemu.sys.Errno;

/**
 * {@code dmemu replay}: runs a file of NETBSD_DM_IOCTL requests and I/O directives, in order,
 * against one freshly booted emulated kernel, and prints one result per item — the conformance
 * tester's entry point.
 *
 * <pre>
 * dmemu replay [--expect FILE.out] [kernel options: see {@link KernelOptions}] FILE
 * </pre>
 *
 * <p>Items (FILE {@code -} = standard input):
 * <ul>
 * <li>a proplib XML document, from {@code <?xml} or {@code <plist} up to and including
 *     {@code </plist>}: the bytes of one request on {@code /dev/mapper/control}
 *     ({@code pref_len} = the document's length, no NUL). Output: the reply document as copied
 *     out (without the NUL), or the line {@code errno N NAME} when the ioctl fails;</li>
 * <li>{@code % read DEV BLKNO BCOUNT}: one strategy call reading into a zeroed buffer. Output:
 *     {@code read DEV BLKNO BCOUNT error=N resid=N sha256=HEX};</li>
 * <li>{@code % write DEV BLKNO BCOUNT SEED}: byte i of the buffer is
 *     {@code (SEED + i + 7·(i div 512)) mod 256}. Output: {@code write DEV BLKNO BCOUNT error=N resid=N}.</li>
 * </ul>
 * Blank lines and lines starting with {@code #} between items are ignored. DEV is
 * a node of the emulated /dev ({@code /dev/wd1a}, {@code /dev/rwd1d}, {@code /dev/mapper/NAME},
 * {@code /dev/rmapper/NAME}), opened for the directive and closed after it; if it cannot be
 * opened (no such node, or EBUSY: a block node a table holds) the output is
 * {@code read|write DEV BLKNO BCOUNT open errno N NAME}. {@code resid} is the number of
 * bytes not transferred ({@code b_resid}, plus what a bounds check cut off the end).
 *
 * <p>{@code --lint}: warnings about requests NetBSD silently reinterprets go to standard error
 * ({@link Lint}); standard output stays the replies.
 *
 * <p>{@code --expect FILE.out}: instead of printing the output, compare each item's output with
 * the expected one ({@link Expectation}): the first difference is printed as a unified diff with
 * the item number, and the exit status is 1 if anything differs.
 *
 * <p>Exit status: 0 once every item ran (and, with --expect, matched); 2 for an unreadable or malformed FILE (one line naming
 * the item number and line); 64 for bad options. Without {@code --disk}: wd0 and wd1, mem:64M each.
 *
 * <p>Differences from NetBSD: each directive is one strategy call; NetBSD read(2)/write(2) go through physio (64 KiB pieces).
 */
public final class Replay {
    private Replay() {
    }

    /** A parsed item: an XML request or a directive, with its number and first line. */
    public record Item(int number, int line, byte[] xml, String op, String dev, long blkno, int bcount, int seed) {
    }

    /** A malformed input file. */
    static final class ReplayFormatException extends Exception {
        ReplayFormatException(String msg) {
            super(msg, null, false, false);
        }
    }

    private static final String USAGE = "usage: dmemu replay [--expect FILE.out] " + KernelOptions.SYNOPSIS + " FILE";

    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        KernelOptions kopts = new KernelOptions();
        String file = null;
        String expectFile = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            try {
                int n = kopts.accept(args, i);
                if (n > 0) {
                    i += n - 1;
                    continue;
                }
                switch (a) {
                    case "--help", "-h" -> {
                        out.println(USAGE);
                        out.println("  --expect FILE.out               compare the output with FILE.out; print the first");
                        out.println("                                  difference as a unified diff, exit 1 if any");
                        out.println(KernelOptions.HELP);
                        return 0;
                    }
                    case "--expect" -> {
                        if (i + 1 >= args.length) {
                            throw new IllegalArgumentException("--expect needs a value");
                        }
                        expectFile = args[++i];
                    }
                    default -> {
                        if (a.startsWith("-") && !a.equals("-")) {
                            throw new IllegalArgumentException("unknown option " + a);
                        } else if (file != null) {
                            throw new IllegalArgumentException("only one FILE may be given");
                        } else {
                            file = a;
                        }
                    }
                }
            } catch (IllegalArgumentException e) {
                err.println("dmemu replay: " + e.getMessage());
                return 64;
            }
        }
        if (file == null) {
            err.println("dmemu replay: missing FILE (" + USAGE + ")");
            return 64;
        }
        byte[] input;
        try {
            input = file.equals("-") ? in.readAllBytes() : Files.readAllBytes(Path.of(file));
        } catch (IOException | RuntimeException e) {
            err.println("dmemu replay: " + file + ": " + org.dmemu.disklabel.tool.IoErrors.reason(e));
            return 2;
        }
        List<Item> items;
        try {
            items = parse(input);
        } catch (ReplayFormatException e) {
            err.println("dmemu replay: " + file + ": " + e.getMessage());
            return 2;
        }
        Expectation expect = null;
        if (expectFile != null) {
            try {
                expect = Expectation.load(Path.of(expectFile));
            } catch (IOException | RuntimeException e) {
                err.println("dmemu replay: cannot read " + expectFile + ": " + e.getMessage());
                return 2;
            }
        }
        KernelConfig cfg = kopts.config(List.of(new DiskSpec("wd0", "mem:64M", 512),
                new DiskSpec("wd1", "mem:64M", 512)), err);
        try (Kernel k = Kernel.boot(cfg)) {
            Lint lint = kopts.lint() ? new Lint(k, err) : null;
            for (Item it : items) {
                if (expect == null) {
                    runItem(k, lint, it, out);
                    continue;
                }
                java.io.ByteArrayOutputStream one = new java.io.ByteArrayOutputStream();
                runItem(k, lint, it, new PrintStream(one, true, StandardCharsets.UTF_8));
                expect.check(it.number(), one.toString(StandardCharsets.ISO_8859_1));
            }
        } catch (IOException | IllegalArgumentException e) {
            err.println("dmemu replay: cannot boot: " + e.getMessage());
            return 64;
        }
        if (expect != null) {
            return expect.finish(out, err);
        }
        out.flush();
        return 0;
    }

    /**
     * The number of items in a replay file.
     *
     * @throws IOException naming the item and line if the text is not in the replay format
     */
    public static int itemCount(byte[] text) throws IOException {
        try {
            return parse(text).size();
        } catch (ReplayFormatException e) {
            throw new IOException(e.getMessage());
        }
    }

    /**
     * The items of a replay file, for front ends that run them one at a time (the web view's
     * step-through).
     *
     * @throws IllegalArgumentException naming the item and line of a malformed file
     */
    public static List<Item> items(byte[] file) {
        try {
            return parse(file);
        } catch (ReplayFormatException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Runs one item against {@code k}; returns its output exactly as {@code replay} prints it. */
    public static String runOne(Kernel k, Item it) {
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8);
        runItem(k, null, it, ps);
        ps.flush();
        return buf.toString(StandardCharsets.UTF_8);
    }

    /** Splits the file into items. */
    static List<Item> parse(byte[] b) throws ReplayFormatException {
        List<Item> items = new ArrayList<>();
        int pos = 0;
        int line = 1;
        while (pos < b.length) {
            int eol = indexOf(b, (byte) '\n', pos);
            int end = eol < 0 ? b.length : eol;
            String text = new String(b, pos, end - pos, StandardCharsets.UTF_8);
            String trimmed = text.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                pos = eol < 0 ? b.length : eol + 1;
                line++;
                continue;
            }
            int number = items.size() + 1;
            int lead = 0;
            while (pos + lead < end && (b[pos + lead] == ' ' || b[pos + lead] == '\t' || b[pos + lead] == '\r')) {
                lead++;
            }
            if (trimmed.startsWith("%")) {
                items.add(directive(number, line, trimmed));
                pos = eol < 0 ? b.length : eol + 1;
                line++;
                continue;
            }
            if (trimmed.startsWith("<?xml") || trimmed.startsWith("<plist")) {
                int start = pos + lead;
                int close = indexOf(b, "</plist>".getBytes(StandardCharsets.US_ASCII), start);
                if (close < 0) {
                    throw new ReplayFormatException("item " + number + " (line " + line
                            + "): XML document without </plist>");
                }
                int docEnd = close + "</plist>".length();
                byte[] doc = java.util.Arrays.copyOfRange(b, start, docEnd);
                items.add(new Item(number, line, doc, null, null, 0, 0, 0));
                for (int i = pos; i < docEnd; i++) {
                    if (b[i] == '\n') {
                        line++;
                    }
                }
                // the rest of the closing line must be blank
                int next = indexOf(b, (byte) '\n', docEnd);
                int restEnd = next < 0 ? b.length : next;
                if (!new String(b, docEnd, restEnd - docEnd, StandardCharsets.UTF_8).isBlank()) {
                    throw new ReplayFormatException("item " + number + " (line " + line
                            + "): text after </plist> on the same line");
                }
                pos = next < 0 ? b.length : next + 1;
                line++;
                continue;
            }
            String shown = trimmed.length() > 40 ? trimmed.substring(0, 40) + "..." : trimmed;
            throw new ReplayFormatException("item " + number + " (line " + line
                    + "): expected an XML document or a % directive, found '" + shown + "'");
        }
        return items;
    }

    private static Item directive(int number, int line, String text) throws ReplayFormatException {
        String[] w = text.substring(1).trim().split("[ \t]+");
        String where = "item " + number + " (line " + line + "): ";
        if (w.length == 0 || !(w[0].equals("read") || w[0].equals("write"))) {
            throw new ReplayFormatException(where + "unknown directive '" + text + "' (expected % read or % write)");
        }
        boolean read = w[0].equals("read");
        if (w.length != (read ? 4 : 5)) {
            throw new ReplayFormatException(where + (read ? "expected % read DEV BLKNO BCOUNT"
                    : "expected % write DEV BLKNO BCOUNT SEED"));
        }
        long blkno;
        int bcount;
        int seed = 0;
        try {
            blkno = Long.parseLong(w[2]);
            bcount = Integer.parseInt(w[3]);
            if (!read) {
                seed = Integer.parseInt(w[4]);
            }
        } catch (NumberFormatException e) {
            throw new ReplayFormatException(where + "BLKNO, BCOUNT and SEED must be decimal numbers");
        }
        if (bcount < 0 || bcount > (64 << 20)) {
            throw new ReplayFormatException(where + "BCOUNT must be from 0 to 67108864");
        }
        if (!w[1].startsWith("/dev/")) {
            throw new ReplayFormatException(where + "DEV must be a /dev path");
        }
        return new Item(number, line, null, w[0], w[1], blkno, bcount, seed);
    }

    private static void runItem(Kernel k, Lint lint, Item it, PrintStream out) {
        if (it.xml() != null) {
            IoctlResult r = lint != null ? lint.ioctl(NetbsdDm.NETBSD_DM_IOCTL, it.xml(), "item " + it.number())
                    : k.ioctl(Kernel.CONTROL, NetbsdDm.NETBSD_DM_IOCTL, it.xml(), it.xml().length);
            if (r.errno() != 0) {
                Errno e = Errno.of(r.errno());
                out.println("errno " + r.errno() + " " + (e == null ? "?" : e.name()));
            } else {
                byte[] o = r.out();
                int n = o.length > 0 && o[o.length - 1] == 0 ? o.length - 1 : o.length;
                out.write(o, 0, n);
            }
            return;
        }
        boolean read = it.op().equals("read");
        String head = it.op() + " " + it.dev() + " " + it.blkno() + " " + it.bcount();
        byte[] data = new byte[it.bcount()];
        if (!read) {
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) (it.seed() + i + 7 * (i / 512));
            }
        }
        Buf bp = new Buf().setup(read ? Buf.B_READ : Buf.B_WRITE, it.blkno(), data, 0, it.bcount());
        try (DiskHandle h = k.open(it.dev())) {
            h.strategy(bp);
        } catch (KernelException e) {
            out.println(head + " open " + e.errno().describe());
            return;
        }
        long resid = bp.error() != Errno.NONE ? bp.resid()
                : (long) it.bcount() - (bp.bcount() - bp.resid());
        String res = head + " error=" + bp.error().number() + " resid=" + resid;
        if (read) {
            res += " sha256=" + sha256(data);
        }
        out.println(res);
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int indexOf(byte[] b, byte c, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOf(byte[] b, byte[] pat, int from) {
        outer:
        for (int i = from; i <= b.length - pat.length; i++) {
            for (int j = 0; j < pat.length; j++) {
                if (b[i + j] != pat[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
