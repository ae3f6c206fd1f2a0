package org.dmemu.serve;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Boots {@code dmemu serve} in-process with a command line, capturing what it prints. */
final class ServeHarness implements AutoCloseable {
    final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    final Serve.Running running;

    ServeHarness(String... args) throws Exception {
        PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
        running = Serve.boot(Serve.parse(args), out, err);
    }

    String out() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    ServeDaemon daemon() {
        return running.daemon();
    }

    @Override
    public void close() {
        if (running != null) {
            running.close();
        }
    }
}
