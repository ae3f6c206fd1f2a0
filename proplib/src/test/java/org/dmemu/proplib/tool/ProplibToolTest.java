package org.dmemu.proplib.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProplibToolTest {
    static final String HEAD = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<!DOCTYPE plist PUBLIC \"-//Apple Computer//DTD PLIST 1.0//EN\" "
            + "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n<plist version=\"1.0\">\n";

    record Result(int status, String out, String err) {
    }

    static Result run(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int st = ProplibTool.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.ISO_8859_1)),
                new PrintStream(out, true), new PrintStream(err, true));
        return new Result(st, out.toString(StandardCharsets.ISO_8859_1), err.toString(StandardCharsets.ISO_8859_1));
    }

    @Test
    void canon_stdin_sortsKeysAndIndents() {
        Result r = run("<plist><dict><key>b</key><integer>0x10</integer><key>a</key><string>x&amp;y</string>"
                + "</dict></plist>", "canon");
        assertEquals(0, r.status());
        assertEquals(HEAD + "<dict>\n\t<key>a</key>\n\t<string>x&amp;y</string>\n"
                + "\t<key>b</key>\n\t<integer>0x10</integer>\n</dict>\n</plist>\n", r.out());
        assertEquals("", r.err());
    }

    @Test
    void canon_dashMeansStdin() {
        Result r = run("<plist><array/></plist>", "canon", "-");
        assertEquals(0, r.status());
        assertEquals(HEAD + "<array/>\n</plist>\n", r.out());
    }

    @Test
    void canon_file(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("in.plist");
        Files.writeString(f, "<plist><dict><key>k</key><true/></dict></plist>");
        Result r = run("", "canon", f.toString());
        assertEquals(0, r.status());
        assertEquals(HEAD + "<dict>\n\t<key>k</key>\n\t<true/>\n</dict>\n</plist>\n", r.out());
    }

    @Test
    void canon_invalid_exit1_oneLineWithOffset_noStdout() {
        Result r = run("<plist><dict><key>a</key><real>1.5</real></dict></plist>", "canon");
        assertEquals(1, r.status());
        assertEquals("", r.out());
        assertEquals("dmemu proplib canon: <stdin>: unknown element <real> at byte 25\n", r.err());
    }

    @Test
    void canon_kernelMode_rejectsDecimalAbove2pow63_userlandAcceptsAsUnsigned() {
        String doc = "<plist><dict><key>n</key><integer>9223372036854775808</integer></dict></plist>";
        Result k = run(doc, "canon", "--kernel");
        assertEquals(1, k.status());
        assertEquals("", k.out());
        assertEquals("dmemu proplib canon: <stdin>: integer out of range at byte 34\n", k.err());
        Result u = run(doc, "canon");
        assertEquals(0, u.status());
        assertTrue(u.out().contains("\t<integer>0x8000000000000000</integer>\n"), u.out());
    }

    @Test
    void canon_kernelMode_rootMustBeDictionary() {
        Result r = run("<plist><array/></plist>", "canon", "-k");
        assertEquals(1, r.status());
        assertEquals("dmemu proplib canon: <stdin>: root is array, the kernel wants a dictionary\n", r.err());
    }

    @Test
    void canon_missingFile_exit1(@TempDir Path dir) {
        Path f = dir.resolve("nope.xml");
        Result r = run("", "canon", f.toString());
        assertEquals(1, r.status());
        assertEquals("", r.out());
        assertEquals("dmemu proplib canon: " + f + ": no such file\n", r.err());
    }

    @Test
    void unknownCommand_exit64() {
        Result r = run("", "frobnicate");
        assertEquals(64, r.status());
        assertEquals("", r.out());
        assertEquals("dmemu proplib: unknown command 'frobnicate' (try 'dmemu proplib --help')\n", r.err());
    }

    @Test
    void noCommand_exit64() {
        Result r = run("");
        assertEquals(64, r.status());
        assertEquals("dmemu proplib: missing command (try 'dmemu proplib --help')\n", r.err());
    }

    @Test
    void unknownOption_and_twoFiles_exit64() {
        Result r = run("", "canon", "--frob");
        assertEquals(64, r.status());
        assertEquals("dmemu proplib canon: unknown option '--frob' (try 'dmemu proplib --help')\n", r.err());
        r = run("", "canon", "a", "b");
        assertEquals(64, r.status());
        assertEquals("dmemu proplib canon: more than one FILE (try 'dmemu proplib --help')\n", r.err());
    }

    @Test
    void help_exit0_usageOnStdout() {
        for (String[] a : new String[][] {{"--help"}, {"canon", "--help"}}) {
            Result r = run("", a);
            assertEquals(0, r.status());
            assertTrue(r.out().startsWith("usage: dmemu proplib canon [--kernel] [FILE]\n"), r.out());
            assertEquals("", r.err());
        }
    }
}
