package org.dmemu.serve;

import static org.dmemu.serve.NbdProto.*;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code NBD_OPT_LIST_META_CONTEXT} and {@code NBD_OPT_SET_META_CONTEXT}: parsing the option
 * data (export name, then queries) and matching the queries against the one context this
 * server has, {@code base:allocation}. A query matches it when it is {@code "base:allocation"}
 * or, for LIST only, the namespace {@code "base:"}; LIST with no query lists every context, SET
 * with no query selects none. Unknown contexts are not errors: they are simply not answered.
 *
 * <p>Differences from NetBSD: not a NetBSD component (see {@link NbdConnection}).
 */
final class NbdMetaContext {
    /** The longest export name or query accepted (the protocol's limit is 4096 bytes). */
    static final int MAX_STRING = 4096;

    /** A parsed request: the export name and the queries; or the reason it is invalid. */
    record Request(String export, List<String> queries, String invalid) {
    }

    private NbdMetaContext() {
    }

    /** Parses the data of a LIST/SET_META_CONTEXT option. */
    static Request parse(byte[] p) {
        ByteBuffer b = ByteBuffer.wrap(p);
        if (b.remaining() < 4) {
            return new Request(null, null, "short option data");
        }
        long nameLen = b.getInt() & 0xffffffffL;
        if (nameLen > MAX_STRING || nameLen > b.remaining() - 4) {
            return new Request(null, null, "bad export name length");
        }
        String export = string(b, (int) nameLen);
        long n = b.getInt() & 0xffffffffL;
        List<String> queries = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            if (b.remaining() < 4) {
                return new Request(null, null, "short query list");
            }
            long len = b.getInt() & 0xffffffffL;
            if (len > MAX_STRING || len > b.remaining()) {
                return new Request(null, null, "bad query length");
            }
            queries.add(string(b, (int) len));
        }
        if (b.hasRemaining()) {
            return new Request(null, null, "trailing bytes after the queries");
        }
        return new Request(export, queries, null);
    }

    private static String string(ByteBuffer b, int len) {
        byte[] s = new byte[len];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }

    /** True when the queries name {@code base:allocation} (for LIST: or no query, or {@code base:}). */
    static boolean matchesBaseAllocation(List<String> queries, boolean list) {
        if (queries.isEmpty()) {
            return list;
        }
        for (String q : queries) {
            if (q.equals(CONTEXT_BASE_ALLOCATION) || (list && q.equals("base:"))) {
                return true;
            }
        }
        return false;
    }

    /** The payload of an {@code NBD_REP_META_CONTEXT} for {@code base:allocation}. */
    static byte[] baseAllocationReply() {
        byte[] n = CONTEXT_BASE_ALLOCATION.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + n.length).putInt(CONTEXT_BASE_ALLOCATION_ID).put(n).array();
    }
}
