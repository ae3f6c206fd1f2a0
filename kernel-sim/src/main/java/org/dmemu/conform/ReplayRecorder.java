package org.dmemu.conform;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import org.dmemu.dev.dm.NetbsdDm;
import org.dmemu.replay.Replay;

/**
 * {@code dmemu serve --record FILE}: appends every control request the daemon receives to FILE in
 * the replay format (docs/protocol.md), so that {@code dmemu replay FILE} sends the same requests
 * to a fresh kernel.
 *
 * <p>Each request becomes a comment line — the item number (counting the items already in
 * FILE), the client, the ioctl command and {@code pref_len} — followed by the request's XML
 * document from {@code <?xml} (or {@code <plist}) through {@code </plist>}, on lines of its own.
 * A request replay cannot carry (another ioctl command than {@code NETBSD_DM_IOCTL}, bytes that
 * are no plist document) is written as a comment only, and does not count as an item. What
 * replay does not reproduce byte for byte is said in the comment: bytes before the document or
 * after {@code </plist>} (libprop's final newline and NUL), which replay does not send (its
 * {@code pref_len} is the document's length).
 *
 * <p>A new FILE is created owner-only (0600); an existing one must already be a replay file (it
 * is appended to). Each item is written and flushed under a lock, so items of concurrent clients
 * never interleave.
 */
public final class ReplayRecorder implements AutoCloseable {
    private final OutputStream out;
    private int items;

    private ReplayRecorder(OutputStream out, int items) {
        this.out = out;
        this.items = items;
    }

    /**
     * Opens FILE for appending and writes a header comment ({@code header}: the kernel options,
     * one line).
     *
     * @throws IOException if FILE cannot be created or written, or exists and is not a replay file
     */
    public static ReplayRecorder open(Path file, String header) throws IOException {
        int existing = 0;
        if (Files.exists(file)) {
            if (!Files.isRegularFile(file)) {
                throw new IOException(file + ": not a regular file");
            }
            try {
                existing = Replay.itemCount(Files.readAllBytes(file));
            } catch (IOException e) {
                throw new IOException(file + ": exists and is not a replay file (" + e.getMessage() + ")");
            }
        } else {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        OutputStream os = Files.newOutputStream(file, StandardOpenOption.APPEND);
        ReplayRecorder r = new ReplayRecorder(os, existing);
        r.line("# dmemu serve --record, " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + ": " + header);
        r.out.flush();
        return r;
    }

    /** The number of items in FILE so far. */
    public synchronized int items() {
        return items;
    }

    /** Appends one request: {@code plist} holds {@code prefLen} bytes sent by {@code client}. */
    public synchronized void record(long cmd, byte[] plist, long prefLen, String client) throws IOException {
        String head = "cmd 0x" + Long.toHexString(cmd) + ", pref_len " + prefLen;
        int len = (int) Math.min(plist.length, Math.max(0, prefLen));
        int start = docStart(plist, len);
        int end = start < 0 ? -1 : indexOf(plist, len, "</plist>".getBytes(StandardCharsets.US_ASCII), start);
        if (cmd != NetbsdDm.NETBSD_DM_IOCTL) {
            line("# not recorded (" + client + ", " + head + "): replay sends NETBSD_DM_IOCTL only");
        } else if (start < 0 || end < 0) {
            line("# not recorded (" + client + ", " + head + "): not a plist document");
        } else {
            end += "</plist>".length();
            StringBuilder c = new StringBuilder("# item ").append(items + 1).append(": ").append(client).append(", ")
                    .append(head);
            if (start > 0) {
                c.append("; ").append(start).append(" bytes before the document not sent by replay");
            }
            if (end < len) {
                c.append("; ").append(len - end).append(" bytes after </plist> not sent by replay")
                        .append(onlyNewlineAndNul(plist, end, len) ? " (the newline and NUL libprop adds)" : "");
            }
            line(c.toString());
            out.write(plist, start, end - start);
            out.write('\n');
            items++;
        }
        out.flush();
    }

    private void line(String s) throws IOException {
        out.write((s.replace('\n', ' ') + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Where the document starts: the first {@code <?xml} or {@code <plist} after blanks, or -1. */
    private static int docStart(byte[] b, int len) {
        int i = 0;
        while (i < len && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n')) {
            i++;
        }
        return startsWith(b, len, i, "<?xml") || startsWith(b, len, i, "<plist") ? i : -1;
    }

    private static boolean startsWith(byte[] b, int len, int at, String s) {
        if (at + s.length() > len) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (b[at + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] b, int len, byte[] pat, int from) {
        outer:
        for (int i = from; i <= len - pat.length; i++) {
            for (int j = 0; j < pat.length; j++) {
                if (b[i + j] != pat[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static boolean onlyNewlineAndNul(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != '\n' && b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
