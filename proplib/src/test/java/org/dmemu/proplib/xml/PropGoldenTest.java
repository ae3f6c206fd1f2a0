package org.dmemu.proplib.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.dmemu.proplib.PropKern;
import org.dmemu.proplib.PropKern.PropKernException;
import org.dmemu.proplib.PropObject;
import org.dmemu.proplib.xml.PropInternalizer.Mode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Walks src/test/resources/golden/: every case directory is run in both modes. USERLAND goes
 * through {@link PropInternalizer#internalize}; KERNEL through {@link PropKern#copyinIoctl} (so a
 * reject there is EIO). An accepted input must re-externalize to exactly expected[-mode].xml;
 * a rejected one must fail with exactly the message in expected[-mode]-error. With
 * {@code -Dgolden.update=true} error files whose content is "?" are filled in with the message
 * (only for inputs that really are rejected); review the diff afterwards.
 */
class PropGoldenTest {
    private static final boolean UPDATE = Boolean.getBoolean("golden.update");
    private static final long DM_IOCTL = 0xc010fd00L;

    static Path goldenDir() throws URISyntaxException {
        return Paths.get(PropGoldenTest.class.getResource("/golden").toURI());
    }

    static List<Path> cases() throws Exception {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(goldenDir())) {
            s.filter(Files::isDirectory).sorted().forEach(out::add);
        }
        return out;
    }

    @Test
    void corpusIsThere() throws Exception {
        assertTrue(cases().size() >= 150, "golden corpus missing: " + cases().size());
    }

    @TestFactory
    Stream<DynamicTest> golden() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path dir : cases()) {
            for (Mode mode : Mode.values()) {
                String m = mode.name().toLowerCase();
                tests.add(DynamicTest.dynamicTest(dir.getFileName() + " [" + m + "]", () -> check(dir, mode, m)));
            }
        }
        return tests.stream();
    }

    private static void check(Path dir, Mode mode, String m) throws Exception {
        byte[] input = Files.readAllBytes(dir.resolve("input.xml"));
        Path xml = pick(dir, "expected-" + m + ".xml", "expected.xml");
        Path err = pick(dir, "expected-" + m + "-error", "expected-error");
        if ((xml == null) == (err == null)) {
            fail(dir + ": need exactly one of expected[-" + m + "].xml / expected[-" + m + "]-error");
        }
        byte[] got = null;
        String error = null;
        if (mode == Mode.KERNEL) {
            try {
                got = PropExternalizer.externalize(PropKern.copyinIoctl(DM_IOCTL, input, input.length));
            } catch (PropKernException e) {
                assertEquals(5, e.errno(), "copyin of a bad document must be EIO");
                error = e.getMessage();
            }
        } else {
            try {
                PropObject o = PropInternalizer.internalize(input, 0, input.length, Mode.USERLAND);
                got = PropExternalizer.externalize(o);
            } catch (PropParseException e) {
                error = e.getMessage();
            }
        }
        if (xml != null) {
            if (got == null) {
                fail(dir.getFileName() + " [" + m + "]: expected accept, got reject: " + error);
            }
            assertEquals(new String(Files.readAllBytes(xml), StandardCharsets.ISO_8859_1),
                    new String(got, StandardCharsets.ISO_8859_1));
            return;
        }
        if (error == null) {
            fail(dir.getFileName() + " [" + m + "]: expected reject, got accept:\n"
                    + new String(got, StandardCharsets.ISO_8859_1));
        }
        String want = Files.readString(err, StandardCharsets.UTF_8).strip();
        if (want.equals("?") && UPDATE) {
            update(dir, err.getFileName().toString(), error);
            return;
        }
        assertNotEquals("?", want, err + " not filled in yet: run with -Dgolden.update=true");
        assertEquals(want, error);
    }

    private static Path pick(Path dir, String specific, String general) {
        Path p = dir.resolve(specific);
        if (Files.exists(p)) {
            return p;
        }
        p = dir.resolve(general);
        return Files.exists(p) ? p : null;
    }

    /** Writes the message into the source tree (the module directory is the working directory). */
    private static void update(Path dir, String file, String message) throws IOException {
        Path src = Paths.get("src/test/resources/golden").resolve(dir.getFileName().toString()).resolve(file);
        Files.writeString(src, message + "\n", StandardCharsets.UTF_8);
    }
}
