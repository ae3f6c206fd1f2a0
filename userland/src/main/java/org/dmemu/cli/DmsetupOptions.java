package org.dmemu.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * dmsetup's switches and how they are read: LVM2 2.02.56 tools/dmsetup.c
 * {@code _process_switches} (its {@code long_options[]} table and the {@code _switches[]} /
 * {@code _int_args[]} / {@code _string_args[]} it fills), parsed the way NetBSD libc's
 * {@code getopt_long} does: options and operands may be mixed (the operands are collected in
 * order), a long option may be any unique prefix, and a mistake is a {@code warnx}-style line
 * {@code dmsetup: ... -- NAME}. The fields are the switches the commands read.
 *
 * <p>Differences from NetBSD/LVM2:
 * <ul>
 * <li>Not emulated, refused with {@link Dmsetup.Unsupported}: {@code --exec} and
 * {@code ls --tree}. The report switches ({@code -c/-C/--columns}, {@code -o},
 * {@code -O}) are only recorded here; {@link Dmsetup} refuses them.</li>
 * <li>{@code -y}, {@code -G}, {@code -U}, {@code -M} and the other switches that change nothing
 * NetBSD sends or prints are accepted and ignored.</li>
 * </ul>
 */
final class DmsetupOptions {
    /** Long options: name and whether it takes an argument ({@code verbose} does, as in the C table). */
    private static final String[][] LONG = {
        {"readonly", "0"}, {"columns", "0"}, {"exec", "1"}, {"force", "0"}, {"gid", "1"}, {"inactive", "0"},
        {"major", "1"}, {"minor", "1"}, {"mode", "1"}, {"nameprefixes", "0"}, {"noflush", "0"},
        {"noheadings", "0"}, {"nolockfs", "0"}, {"noopencount", "0"}, {"notable", "0"}, {"noudevsync", "0"},
        {"options", "1"}, {"readahead", "1"}, {"rows", "0"}, {"separator", "1"}, {"showkeys", "0"},
        {"sort", "1"}, {"table", "1"}, {"target", "1"}, {"tree", "0"}, {"uid", "1"}, {"uuid", "1"},
        {"unbuffered", "0"}, {"unquoted", "0"}, {"verbose", "1"}, {"version", "0"}, {"yes", "0"}};
    private static final String SHORT = "cCfG:j:m:M:no:O:ru:U:vy";

    /**
     * The short options as dmsetup's getopt_long table pairs them with long ones; -y, -G, -U and
     * -M are accepted and change nothing NetBSD sends or prints.
     */
    private static final Map<Character, String> SHORT_TO_LONG = Map.ofEntries(
            Map.entry('c', "columns"), Map.entry('C', "columns"), Map.entry('f', "force"),
            Map.entry('r', "readonly"), Map.entry('j', "major"), Map.entry('m', "minor"),
            Map.entry('n', "notable"), Map.entry('o', "options"), Map.entry('O', "sort"),
            Map.entry('v', "verbose"), Map.entry('u', "uuid"));

    // switches
    boolean readOnly;
    boolean columns;
    boolean force;
    boolean inactive;
    boolean majorSet;
    boolean minorSet;
    int majorArg;
    int minorArg;
    boolean noflush;
    boolean nolockfs;
    boolean notable;
    boolean showkeys;
    boolean tree;
    String table;
    String target;
    String uuid;
    int verbose;
    boolean version;
    boolean optionsSet;
    boolean sortSet;

    private final PrintStream err;

    DmsetupOptions(PrintStream err) {
        this.err = err;
    }

    /**
     * {@code _process_switches}: reads {@code args} into the fields and appends the operands
     * (command first) to {@code rest}; false after the message on a mistake.
     */
    boolean processSwitches(String[] args, List<String> rest) throws Dmsetup.Unsupported {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) {
                rest.addAll(Arrays.asList(args).subList(i + 1, args.length));
                break;
            }
            if (a.startsWith("--")) {
                String body = a.substring(2);
                String value = null;
                int eq = body.indexOf('=');
                if (eq >= 0) {
                    value = body.substring(eq + 1);
                    body = body.substring(0, eq);
                }
                String[] match = null;
                int matches = 0;
                for (String[] o : LONG) {
                    if (o[0].equals(body)) {
                        match = o;
                        matches = 1;
                        break;
                    }
                    if (o[0].startsWith(body)) {
                        match = o;
                        matches++;
                    }
                }
                if (matches == 0) {
                    err.print("dmsetup: unknown option -- " + body + "\n");
                    return false;
                }
                if (matches > 1) {
                    err.print("dmsetup: ambiguous option -- " + body + "\n");
                    return false;
                }
                boolean hasArg = match[1].equals("1");
                if (!hasArg && value != null) {
                    err.print("dmsetup: option doesn't take an argument -- " + body + "\n");
                    return false;
                }
                if (hasArg && value == null) {
                    if (i + 1 >= args.length) {
                        err.print("dmsetup: option requires an argument -- " + match[0] + "\n");
                        return false;
                    }
                    value = args[++i];
                }
                if (!longOption(match[0], value)) {
                    return false;
                }
            } else if (a.startsWith("-") && a.length() > 1) {
                for (int k = 1; k < a.length(); k++) {
                    char ch = a.charAt(k);
                    int at = SHORT.indexOf(ch);
                    if (at < 0 || ch == ':') {
                        err.print("dmsetup: unknown option -- " + ch + "\n");
                        return false;
                    }
                    boolean hasArg = at + 1 < SHORT.length() && SHORT.charAt(at + 1) == ':';
                    String value = null;
                    if (hasArg) {
                        if (k + 1 < a.length()) {
                            value = a.substring(k + 1);
                        } else if (i + 1 < args.length) {
                            value = args[++i];
                        } else {
                            err.print("dmsetup: option requires an argument -- " + ch + "\n");
                            return false;
                        }
                        k = a.length();
                    }
                    shortOption(ch, value);
                }
            } else {
                rest.add(a);
            }
        }
        if (majorSet != minorSet) {
            err.print("Please specify both major number and minor number.\n");
            return false;
        }
        if (tree) {
            throw new Dmsetup.Unsupported("ls --tree is not emulated");
        }
        if (table != null && notable) {
            err.print("--table and --notable are incompatible.\n");
            return false;
        }
        return true;
    }

    /** C {@code atoi}: leading space, sign, digits; 0 if none. */
    static int atoi(String s) {
        int i = 0;
        while (i < s.length() && TableLineScanner.isSpace(s.charAt(i))) {
            i++;
        }
        boolean neg = false;
        if (i < s.length() && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
            neg = s.charAt(i) == '-';
            i++;
        }
        long v = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i)) && v < 1L << 40) {
            v = v * 10 + (s.charAt(i) - '0');
            i++;
        }
        return (int) (neg ? -v : v);
    }

    private void shortOption(char c, String v) throws Dmsetup.Unsupported {
        String name = SHORT_TO_LONG.get(c);
        if (name != null) {
            longOption(name, v);
        }
    }

    private boolean longOption(String name, String v) throws Dmsetup.Unsupported {
        switch (name) {
            case "readonly" -> readOnly = true;
            case "columns" -> columns = true;
            case "exec" -> throw new Dmsetup.Unsupported("--exec is not emulated");
            case "force" -> force = true;
            case "inactive" -> inactive = true;
            case "major" -> {
                majorSet = true;
                majorArg = atoi(v);
            }
            case "minor" -> {
                minorSet = true;
                minorArg = atoi(v);
            }
            case "noflush" -> noflush = true;
            case "nolockfs" -> nolockfs = true;
            case "notable" -> notable = true;
            case "options" -> optionsSet = true;
            case "sort" -> sortSet = true;
            case "showkeys" -> showkeys = true;
            case "table" -> table = v;
            case "target" -> target = v;
            case "tree" -> tree = true;
            case "uuid" -> uuid = v;
            case "verbose" -> verbose++;
            case "version" -> version = true;
            case "readahead" -> {
                String s = v.strip();
                if (!s.equalsIgnoreCase("auto") && !s.equalsIgnoreCase("none") && atoi(v) < -1) {
                    err.print("Negative read ahead value (" + atoi(v) + ") is not understood.\n");
                    return false;
                }
            }
            default -> {
                // gid, uid, mode, nameprefixes, noheadings, noopencount, noudevsync, rows,
                // separator, unbuffered, unquoted, yes: no effect on what NetBSD sends or prints here
            }
        }
        return true;
    }
}
