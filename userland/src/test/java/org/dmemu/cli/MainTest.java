package org.dmemu.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void help_listsSubcommands_exit0() {
        assertEquals(0, run("--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("usage: dmemu SUBCOMMAND"));
    }

    @Test
    void unknownSubcommand_oneLineOnStderr_exit64() {
        assertEquals(Main.EX_USAGE, run("frobnicate"));
        assertEquals("dmemu: unknown subcommand 'frobnicate' (try 'dmemu --help')\n", err.toString(StandardCharsets.UTF_8));
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void noSubcommand_exit64() {
        assertEquals(Main.EX_USAGE, run());
        assertEquals("dmemu: missing subcommand (try 'dmemu --help')\n", err.toString(StandardCharsets.UTF_8));
    }
}
