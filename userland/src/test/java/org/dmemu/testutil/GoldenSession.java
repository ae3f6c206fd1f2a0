package org.dmemu.testutil;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A golden session file (format in src/test/resources/golden/dmctl/README.md). */
public final class GoldenSession {
    /** One command and what it must print. */
    public record Step(String line, String tool, List<String> args, String stdin, String stdout, String stderr,
                       int exit) {
    }

    public final boolean noControl;
    public final List<Step> steps;

    private GoldenSession(boolean noControl, List<Step> steps) {
        this.noControl = noControl;
        this.steps = steps;
    }

    private static final Pattern PRINTF = Pattern.compile("printf '([^']*)' \\| (.*)");

    public static GoldenSession parse(Path file) throws IOException {
        List<String> lines = List.of(Files.readString(file, StandardCharsets.UTF_8).split("\n", -1));
        boolean noControl = false;
        List<Step> steps = new ArrayList<>();
        int i = 0;
        if (!lines.isEmpty() && lines.get(0).equals("@ no-control")) {
            noControl = true;
            i = 1;
        }
        while (i < lines.size()) {
            String l = lines.get(i);
            if (l.isEmpty() && i == lines.size() - 1) {
                break;
            }
            if (!l.startsWith("$ ")) {
                throw new IOException(file + ":" + (i + 1) + ": expected a '$ ' command line: " + l);
            }
            String cmd = l.substring(2);
            String stdin = "";
            Matcher m = PRINTF.matcher(cmd);
            if (m.matches()) {
                stdin = m.group(1).replace("\\n", "\n").replace("\\t", "\t");
                cmd = m.group(2);
            }
            if (cmd.endsWith(" < /dev/null")) {
                cmd = cmd.substring(0, cmd.length() - " < /dev/null".length());
            }
            List<String> words = new ArrayList<>(List.of(cmd.split(" ")));
            String tool = words.remove(0);
            StringBuilder out = new StringBuilder();
            StringBuilder err = new StringBuilder();
            int exit = 0;
            i++;
            while (i < lines.size() && !lines.get(i).startsWith("$ ")) {
                String o = lines.get(i);
                if (o.isEmpty() && i == lines.size() - 1) {
                    i++;
                    break;
                }
                if (o.startsWith("2> ")) {
                    err.append(o.substring(3)).append('\n');
                } else if (o.matches("\\? \\d+")) {
                    exit = Integer.parseInt(o.substring(2));
                } else {
                    out.append(o).append('\n');
                }
                i++;
            }
            steps.add(new Step(l, tool, words, stdin, out.toString(), err.toString(), exit));
        }
        return new GoldenSession(noControl, steps);
    }
}
