package org.dmemu.conform;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.dmemu.dev.dm.NetbsdDm;
import org.dmemu.replay.Replay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayRecorderTest {
    static final String DOC = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<plist version=\"1.0\">\n<dict>\n"
            + "\t<key>command</key>\n\t<string>version</string>\n</dict>\n</plist>";

    @Test
    void recordsInReplayFormat_commentsWhatReplayCannotCarry(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("s.replay");
        try (ReplayRecorder r = ReplayRecorder.open(f, "kernel --disk wd0=mem:1M")) {
            byte[] libprop = (DOC + "\n\0").getBytes(StandardCharsets.UTF_8);
            r.record(NetbsdDm.NETBSD_DM_IOCTL, libprop, libprop.length, "connection 1 (uid u)");
            r.record(0xC008FD00L, libprop, libprop.length, "connection 2");
            r.record(NetbsdDm.NETBSD_DM_IOCTL, "junk".getBytes(StandardCharsets.UTF_8), 4, "connection 2");
            byte[] bare = ("  " + DOC).getBytes(StandardCharsets.UTF_8);
            r.record(NetbsdDm.NETBSD_DM_IOCTL, bare, bare.length, "connection 2");
            assertEquals(2, r.items());
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        String text = Files.readString(f);
        String[] lines = text.split("\n", 2);
        assertTrue(lines[0].matches("# dmemu serve --record, \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ: kernel --disk wd0=mem:1M"),
                lines[0]);
        assertEquals("# item 1: connection 1 (uid u), cmd 0xc010fd00, pref_len " + (DOC.length() + 2)
                + "; 2 bytes after </plist> not sent by replay (the newline and NUL libprop adds)\n" + DOC + "\n"
                + "# not recorded (connection 2, cmd 0xc008fd00, pref_len " + (DOC.length() + 2)
                + "): replay sends NETBSD_DM_IOCTL only\n"
                + "# not recorded (connection 2, cmd 0xc010fd00, pref_len 4): not a plist document\n"
                + "# item 2: connection 2, cmd 0xc010fd00, pref_len " + (DOC.length() + 2)
                + "; 2 bytes before the document not sent by replay\n" + DOC + "\n", lines[1]);
        assertEquals(2, Replay.itemCount(Files.readAllBytes(f)));
        // appending continues the numbering
        try (ReplayRecorder r = ReplayRecorder.open(f, "again")) {
            byte[] b = DOC.getBytes(StandardCharsets.UTF_8);
            r.record(NetbsdDm.NETBSD_DM_IOCTL, b, b.length, "c");
        }
        assertTrue(Files.readString(f).contains("# item 3: c, cmd 0xc010fd00, pref_len " + DOC.length() + "\n"));
        assertEquals(3, Replay.itemCount(Files.readAllBytes(f)));
    }

    @Test
    void existingFileMustBeAReplayFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("notes.txt");
        Files.writeString(f, "hello\n");
        IOException e = assertThrows(IOException.class, () -> ReplayRecorder.open(f, "x"));
        assertTrue(e.getMessage().contains("exists and is not a replay file"), e.getMessage());
        assertEquals("hello\n", Files.readString(f));
        assertThrows(IOException.class, () -> ReplayRecorder.open(dir, "x"));
    }
}
