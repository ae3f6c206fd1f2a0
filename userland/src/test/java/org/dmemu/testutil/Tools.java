package org.dmemu.testutil;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs external programs (nbdinfo, nbdcopy, qemu-img, python3) from tests, with timeouts. */
public final class Tools {
    private Tools() {
    }

    /** The result of a finished program. */
    public record Run(int exit, String out, String err) {
    }

    /**
     * Skips the test if {@code tool} is not on PATH, except under CI=true where a missing tool
     * fails the test.
     */
    public static void require(String tool) {
        boolean found = false;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                found = true;
                break;
            }
        }
        if (!found && "true".equals(System.getenv("CI"))) {
            fail(tool + " is not installed (CI=true: external tools are required)");
        }
        assumeTrue(found, tool + " is not installed");
    }

    /** Runs a program with stdin from {@code stdin} (or none) and a timeout in seconds. */
    public static Run run(List<String> cmd, byte[] stdin, int timeoutSeconds) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Path outF = Files.createTempFile("tool", ".out");
        Path errF = Files.createTempFile("tool", ".err");
        pb.redirectOutput(outF.toFile());
        pb.redirectError(errF.toFile());
        Process p = pb.start();
        try (var os = p.getOutputStream()) {
            if (stdin != null) {
                os.write(stdin);
            }
        }
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
            fail(cmd + " did not finish within " + timeoutSeconds + " s; stderr: "
                    + Files.readString(errF, StandardCharsets.UTF_8));
        }
        Run r = new Run(p.exitValue(), Files.readString(outF, StandardCharsets.UTF_8),
                Files.readString(errF, StandardCharsets.UTF_8));
        Files.deleteIfExists(outF);
        Files.deleteIfExists(errF);
        return r;
    }

    public static Run run(String... cmd) throws IOException, InterruptedException {
        return run(List.of(cmd), null, 60);
    }
}
