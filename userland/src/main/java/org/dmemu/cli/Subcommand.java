package org.dmemu.cli;

import java.io.InputStream;
import java.io.PrintStream;

/**
 * One {@code dmemu} subcommand: a static {@code run} method of the module that owns it.
 * It returns the exit status and prints nothing but its own output; a usage mistake is one
 * line on {@code err} and a non-zero status, never a stack trace.
 */
@FunctionalInterface
public interface Subcommand {
    int run(String[] args, InputStream in, PrintStream out, PrintStream err);
}
