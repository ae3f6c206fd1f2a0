package org.dmemu.serve;

import java.util.List;
import org.dmemu.kern.DiskHandle;

/**
 * What an {@link NbdServer} exports: a list of names and a way to open one of them.
 * The daemon's implementation is {@link KernelExports} (every dm device with an active table);
 * tests use in-memory disks.
 */
public interface NbdExports {
    /** The export names, in the order {@code NBD_OPT_LIST} reports them. */
    List<String> names();

    /** Opens an export for one connection, or returns null if there is no such export now. */
    DiskHandle open(String name);
}
