package org.dmemu.serve;

import org.dmemu.kern.DiskHandle;

/**
 * What the handshake ({@link NbdHandshake}) agreed on, for the transmission phase.
 *
 * @param disk           the export's device, open
 * @param name           the export's name
 * @param exportSize     the size announced; requests are checked against it
 * @param structured     {@code NBD_OPT_STRUCTURED_REPLY} was negotiated: reads and block status
 *                       are answered with structured replies
 * @param baseAllocation {@code base:allocation} was selected for this export
 *                       ({@code NBD_OPT_SET_META_CONTEXT}): {@code NBD_CMD_BLOCK_STATUS} is allowed
 * @param discard        {@code NBD_CMD_TRIM} is offered and write-zeroes may punch holes
 *                       (not with {@code serve --no-discard}, not on a read-only export)
 * @param readOnly       the export is read-only ({@code NBD_FLAG_READ_ONLY})
 *
 * <p>Differences from NetBSD: not a NetBSD component (see {@link NbdConnection}).
 */
record NbdSession(DiskHandle disk, String name, long exportSize, boolean structured, boolean baseAllocation,
        boolean discard, boolean readOnly) {
}
