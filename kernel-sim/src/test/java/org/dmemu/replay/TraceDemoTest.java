package org.dmemu.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README's {@code --trace} example: {@code docs/examples/trace-demo.replay} must still
 * produce exactly {@code docs/examples/trace-demo.trace} on stderr, so the README never shows
 * a trace the code no longer prints.
 */
class TraceDemoTest {
    private static final Path EXAMPLES = Path.of("..", "docs", "examples");

    @Test
    void traceDemo_matchesTheReadmeTrace() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Replay.run(new String[] {"--trace", EXAMPLES.resolve("trace-demo.replay").toString()},
                new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, status);
        assertEquals(Files.readString(EXAMPLES.resolve("trace-demo.trace")), err.toString(StandardCharsets.UTF_8));
        String stdout = out.toString(StandardCharsets.UTF_8);
        assertEquals("read /dev/mapper/vol0 8 1024 error=0 resid=0 "
                + "sha256=5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef\n",
                stdout.substring(stdout.lastIndexOf("read /dev/mapper/vol0")));
    }
}
