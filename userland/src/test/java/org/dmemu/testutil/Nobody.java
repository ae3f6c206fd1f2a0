package org.dmemu.testutil;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a program as the unprivileged user {@code nobody} (uid/gid 65534) with setpriv(1), to
 * test what another local user can do. Needs root; off CI a non-root run skips, under
 * {@code CI=true} it fails.
 */
public final class Nobody {
    public static final long UID = 65534;

    private Nobody() {
    }

    /** Skips (or fails under CI=true) unless this process is root and setpriv is installed. */
    public static void require() {
        Tools.require("setpriv");
        boolean root = new UnixSystem().getUid() == 0;
        if (!root && "true".equals(System.getenv("CI"))) {
            fail("tests as user nobody need root (CI=true: they may not skip)");
        }
        assumeTrue(root, "tests as user nobody need root");
    }

    /** Runs {@code cmd} as nobody with a timeout of 60 s. */
    public static Tools.Run run(String... cmd) throws IOException, InterruptedException {
        List<String> c = new ArrayList<>(List.of("setpriv", "--reuid=" + UID, "--regid=" + UID, "--clear-groups", "--"));
        c.addAll(List.of(cmd));
        return Tools.run(c, null, 60);
    }
}
