package org.dmemu.proplib.tool;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.dmemu.proplib.PropDictionary;
import org.dmemu.proplib.PropObject;
import org.dmemu.proplib.xml.PropExternalizer;
import org.dmemu.proplib.xml.PropInternalizer;
import org.dmemu.proplib.xml.PropInternalizer.Mode;
import org.dmemu.proplib.xml.PropParseException;

/**
 * {@code dmemu proplib}: proplib tools. {@code canon [--kernel] [FILE]} reads one XML property
 * list with libprop's accept/reject rules ({@code prop_dictionary_internalize}) and writes it
 * back exactly as libprop externalizes it ({@code prop_dictionary_externalize}), without the NUL.
 *
 * <p>Exit status: 0 success; 1 invalid document or unreadable file (one line on stderr naming
 * the problem and its byte offset; nothing on stdout); 64 usage error.
 *
 * <p>Differences from NetBSD: NetBSD has no such command; it stands in for a small C program
 * calling {@code prop_dictionary_internalize} and {@code prop_dictionary_externalize}. Without
 * {@code --kernel} any root type is accepted (NetBSD 10 has one internalize function per root type).
 */
public final class ProplibTool {
    private static final int EX_USAGE = 64;
    private static final String PROG = "dmemu proplib";

    private ProplibTool() {
    }

    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println(PROG + ": missing command (try '" + PROG + " --help')");
            return EX_USAGE;
        }
        switch (args[0]) {
            case "--help", "-h", "help" -> {
                usage(out);
                return 0;
            }
            case "canon" -> {
                return canon(args, in, out, err);
            }
            default -> {
                err.println(PROG + ": unknown command '" + args[0] + "' (try '" + PROG + " --help')");
                return EX_USAGE;
            }
        }
    }

    private static void usage(PrintStream out) {
        out.println("usage: " + PROG + " canon [--kernel] [FILE]");
        out.println();
        out.println("canon  Read one XML property list from FILE (standard input if FILE is absent");
        out.println("       or '-') with libprop's accept/reject rules, and write it back exactly as");
        out.println("       libprop externalizes it (sorted keys, tabs, hex for unsigned numbers).");
        out.println("       --kernel  use the kernel's rules: integers that overflow are rejected");
        out.println("                 and the root must be a dictionary");
        out.println();
        out.println("Exit status: 0 success, 1 invalid input or unreadable file, 64 usage error.");
    }

    private static int canon(String[] args, InputStream in, PrintStream out, PrintStream err) {
        String prog = PROG + " canon";
        Mode mode = Mode.USERLAND;
        String file = null;
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                usage(out);
                return 0;
            } else if (a.equals("--kernel") || a.equals("-k")) {
                mode = Mode.KERNEL;
            } else if (a.startsWith("-") && !a.equals("-")) {
                err.println(prog + ": unknown option '" + a + "' (try '" + PROG + " --help')");
                return EX_USAGE;
            } else if (file != null) {
                err.println(prog + ": more than one FILE (try '" + PROG + " --help')");
                return EX_USAGE;
            } else {
                file = a;
            }
        }
        String name = file == null || file.equals("-") ? "<stdin>" : file;
        byte[] doc;
        try {
            if (file == null || file.equals("-")) {
                doc = in.readAllBytes();
            } else {
                Path p = Paths.get(file);
                if (Files.isDirectory(p)) {
                    err.println(prog + ": " + name + ": is a directory");
                    return 1;
                }
                doc = Files.readAllBytes(p);
            }
        } catch (NoSuchFileException e) {
            err.println(prog + ": " + name + ": no such file");
            return 1;
        } catch (IOException | RuntimeException e) {
            err.println(prog + ": " + name + ": cannot read: " + e.getMessage());
            return 1;
        }
        PropObject o;
        try {
            o = PropInternalizer.internalize(doc, 0, doc.length, mode);
        } catch (PropParseException e) {
            err.println(prog + ": " + name + ": " + e.getMessage());
            return 1;
        }
        if (mode == Mode.KERNEL && !(o instanceof PropDictionary)) {
            err.println(prog + ": " + name + ": root is " + o.type().xmlTag() + ", the kernel wants a dictionary");
            return 1;
        }
        byte[] xml = PropExternalizer.externalize(o);
        out.write(xml, 0, xml.length);
        out.flush();
        return 0;
    }
}
