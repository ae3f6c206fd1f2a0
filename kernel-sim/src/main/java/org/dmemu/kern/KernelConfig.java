package org.dmemu.kern;

import org.dmemu.sys.TraceListener;

import java.util.List;
import java.util.Set;

/**
 * How an emulated kernel is booted: its disks and its options (the "kernel config").
 *
 * @param disks         the disk units registered at boot; no other disk can ever be named
 * @param extraTargets  targets compiled in beyond the built-ins ({@code delay}, {@code flakey}):
 *                      the {@code --targets} option
 * @param strictErrno   return a handler's errno from the ioctl (DragonFly's behaviour) instead
 *                      of NetBSD's copyout status ({@code --strict-errno})
 * @param strictOffsets refuse table loads whose component range covers a disk's label area
 *                      ({@code --strict-offsets})
 * @param trace         who gets the teaching trace's steps ({@code --trace}: a {@link org.dmemu.sys.TraceText}),
 *                      or null when nobody listens
 */
public record KernelConfig(List<DiskSpec> disks, Set<String> extraTargets, boolean strictErrno,
                           boolean strictOffsets, TraceListener trace) {
    public KernelConfig {
        disks = List.copyOf(disks);
        extraTargets = Set.copyOf(extraTargets);
    }
}
