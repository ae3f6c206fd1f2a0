package org.dmemu.bench;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Builds the XML dictionaries that libdm and dmctl send through {@code NETBSD_DM_IOCTL}, in
 * libprop's exact layout (keys in strcmp order, tab indentation, unsigned numbers in hex).
 *
 * <p>The benchmarks write their requests as text on purpose: the bytes are prepared once in a
 * {@code @Setup} method, so a benchmark measures the kernel's copyin, dispatch and copyout and
 * never our own externalizer. Names and params must not need XML escaping (the benchmarks only
 * use {@code [A-Za-z0-9/ ]}); {@link #checkPlain} enforces that.
 */
public final class DmRequest {
    /** {@code NETBSD_DM_IOCTL} on LP64: {@code _IOWR(0xfd, 0, struct plistref)}. */
    public static final long NETBSD_DM_IOCTL = 0xC010FD00L;
    /** The control node. */
    public static final String CONTROL = "/dev/mapper/control";

    /** {@code DM_EXISTS_FLAG}. */
    public static final int DM_EXISTS_FLAG = 0x4;
    /** {@code DM_ACTIVE_PRESENT_FLAG}. */
    public static final int DM_ACTIVE_PRESENT_FLAG = 0x20;
    /** {@code DM_INACTIVE_PRESENT_FLAG}. */
    public static final int DM_INACTIVE_PRESENT_FLAG = 0x40;

    private static final String HEAD = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<!DOCTYPE plist PUBLIC \"-//Apple Computer//DTD PLIST 1.0//EN\" "
            + "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
            + "<plist version=\"1.0\">\n<dict>\n";
    private static final String TAIL = "</dict>\n</plist>\n";
    private static final String VERSION = "\t<key>version</key>\n\t<array>\n"
            + "\t\t<integer>0x4</integer>\n\t\t<integer>0x0</integer>\n\t\t<integer>0x0</integer>\n"
            + "\t</array>\n";

    /** One table line: {@code start length type params}, in 512-byte sectors. */
    public record Entry(long start, long length, String type, String params) {
        public Entry {
            checkPlain(type);
            checkPlain(params);
        }
    }

    private DmRequest() {
    }

    /** {@code dmctl version}: only {@code command} and {@code version}. */
    public static byte[] version() {
        return bytes(HEAD + "\t<key>command</key>\n\t<string>version</string>\n" + VERSION + TAIL);
    }

    /** A request for {@code command} on the device {@code name}, without {@code cmd_data}. */
    public static byte[] simple(String command, String name, int flags) {
        checkPlain(command);
        checkPlain(name);
        return bytes(HEAD + "\t<key>cmd_data</key>\n\t<array/>\n"
                + "\t<key>command</key>\n\t<string>" + command + "</string>\n"
                + "\t<key>flags</key>\n\t<integer>0x" + Integer.toHexString(flags) + "</integer>\n"
                + "\t<key>name</key>\n\t<string>" + name + "</string>\n"
                + VERSION + TAIL);
    }

    /** {@code reload}: loads {@code entries} into the inactive table of {@code name}. */
    public static byte[] reload(String name, List<Entry> entries) {
        checkPlain(name);
        StringBuilder sb = new StringBuilder(HEAD.length() + 160 * entries.size() + 400);
        sb.append(HEAD).append("\t<key>cmd_data</key>\n\t<array>\n");
        for (Entry e : entries) {
            sb.append("\t\t<dict>\n")
                    .append("\t\t\t<key>length</key>\n\t\t\t<integer>0x")
                    .append(Long.toHexString(e.length())).append("</integer>\n")
                    .append("\t\t\t<key>params</key>\n\t\t\t")
                    .append(e.params().isEmpty() ? "<string/>" : "<string>" + e.params() + "</string>")
                    .append("\n")
                    .append("\t\t\t<key>start</key>\n\t\t\t<integer>0x")
                    .append(Long.toHexString(e.start())).append("</integer>\n")
                    .append("\t\t\t<key>type</key>\n\t\t\t<string>").append(e.type()).append("</string>\n")
                    .append("\t\t</dict>\n");
        }
        sb.append("\t</array>\n")
                .append("\t<key>command</key>\n\t<string>reload</string>\n")
                .append("\t<key>name</key>\n\t<string>").append(name).append("</string>\n")
                .append(VERSION).append(TAIL);
        return bytes(sb.toString());
    }

    /**
     * The {@code flags} value of a reply, read from the XML text, or -1 if the reply has none.
     * Used only in setup code to check that a request succeeded (NetBSD returns errno 0 even
     * when a handler fails, so the flags are the signal).
     */
    public static long replyFlags(byte[] reply) {
        String s = new String(reply, StandardCharsets.UTF_8);
        int k = s.indexOf("<key>flags</key>");
        if (k < 0) {
            return -1;
        }
        int a = s.indexOf("<integer>", k);
        int b = s.indexOf("</integer>", a);
        if (a < 0 || b < 0) {
            return -1;
        }
        String v = s.substring(a + "<integer>".length(), b).trim();
        return v.startsWith("0x") ? Long.parseLong(v.substring(2), 16) : Long.parseLong(v);
    }

    private static void checkPlain(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '<' || c == '>' || c == '&' || c > 0x7e) {
                throw new IllegalArgumentException("needs XML escaping: " + s);
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
