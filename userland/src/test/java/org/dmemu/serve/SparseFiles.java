package org.dmemu.serve;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Host file allocation for tests: st_blocks × 512 from stat(1) (the JDK does not tell). */
final class SparseFiles {
    private SparseFiles() {
    }

    static long allocated(Path p) throws IOException {
        Process pr = new ProcessBuilder("stat", "-c", "%b", p.toString()).redirectErrorStream(true).start();
        String out = new String(pr.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        try {
            pr.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Long.parseLong(out) * 512;
    }
}
