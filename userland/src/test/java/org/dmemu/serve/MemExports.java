package org.dmemu.serve;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dmemu.kern.DiskHandle;
import org.dmemu.testutil.MemDisk;

/** Test exports: named in-memory disks. */
final class MemExports implements NbdExports {
    final Map<String, MemDisk> disks = new LinkedHashMap<>();

    MemDisk add(String name, int size) {
        MemDisk d = new MemDisk("/dev/mapper/" + name, size);
        disks.put(name, d);
        return d;
    }

    @Override
    public synchronized List<String> names() {
        return new ArrayList<>(disks.keySet());
    }

    @Override
    public synchronized DiskHandle open(String name) {
        return disks.get(name);
    }
}
