package org.dmemu.serve;

import java.io.IOException;
import java.nio.file.Path;

/** Writes the MBR and disklabel of a new default disk image (see {@link StateDir}). */
final class DiskImageLabel {
    private DiskImageLabel() {
    }

    static void write(Path img, long bytes) throws IOException {
        // Filled in from the disklabel module (branch h/disklabel) once it lands.
    }
}
