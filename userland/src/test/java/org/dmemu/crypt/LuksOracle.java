package org.dmemu.crypt;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dmemu.testutil.Tools;

/** What {@code cryptsetup luksDump --dump-volume-key} says about a LUKS1/LUKS2 volume. */
record LuksOracle(String cipher, byte[] key, long payloadSectors, int sectorSize) {
    private static final Pattern HEXLINES = Pattern.compile("(?:MK dump|Volume key|MK bits|Key):?\\s*((?:[0-9a-f]{2}\\s+)+)",
            Pattern.MULTILINE);

    /** Runs luksDump --dump-volume-key with the passphrase in {@code keyFile}. */
    static LuksOracle dump(Path image, Path keyFile) throws Exception {
        Tools.Run r = Tools.run(List.of("cryptsetup", "luksDump", "--dump-volume-key", "--batch-mode", "--key-file",
                keyFile.toString(), image.toString()), null, 120);
        assertEquals(0, r.exit(), r.err());
        String out = r.out();
        String cipher;
        long offset;
        int ss = 512;
        Matcher m = Pattern.compile("Cipher name:\\s*(\\S+)\\s*\\nCipher mode:\\s*(\\S+)").matcher(out);
        if (m.find()) {
            cipher = m.group(1) + "-" + m.group(2);
            Matcher o = Pattern.compile("Payload offset:\\s*(\\d+)").matcher(out);
            assertTrue(o.find(), out);
            offset = Long.parseLong(o.group(1));
        } else {
            Matcher c = Pattern.compile("Data segments:[\\s\\S]*?offset:\\s*(\\d+) \\[bytes\\][\\s\\S]*?cipher:\\s*(\\S+)"
                    + "[\\s\\S]*?sector:\\s*(\\d+) \\[bytes\\]").matcher(out);
            assertTrue(c.find(), out);
            offset = Long.parseLong(c.group(1)) / 512;
            cipher = c.group(2);
            ss = Integer.parseInt(c.group(3));
        }
        Tools.Run plain = Tools.run(List.of("cryptsetup", "luksDump", image.toString()), null, 60);
        Matcher sec = Pattern.compile("\\n\\s*sector:\\s*(\\d+) \\[bytes\\]").matcher(plain.out());
        if (sec.find()) {
            ss = Integer.parseInt(sec.group(1));
        }
        int at = out.indexOf("MK dump:");
        if (at < 0) {
            at = out.indexOf("Volume key:");
        }
        assertTrue(at >= 0, out);
        StringBuilder hex = new StringBuilder();
        for (String line : out.substring(at).split("\n")) {
            String t = line.replaceFirst("^(MK dump:|Volume key:)", "").trim();
            if (!t.matches("([0-9a-f]{2}\\s*)+")) {
                if (hex.length() > 0) {
                    break;
                }
                continue;
            }
            hex.append(t.replaceAll("\\s+", ""));
        }
        return new LuksOracle(cipher, HexFormat.of().parseHex(hex.toString()), offset, ss);
    }

    String hexKey() {
        return HexFormat.of().formatHex(key);
    }
}
