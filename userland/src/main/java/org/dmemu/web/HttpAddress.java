package org.dmemu.web;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The {@code --http [ADDR:]PORT} option: where the web view listens. Without ADDR, loopback;
 * PORT 0 picks a free port. A non-loopback address is allowed but warned about.
 *
 * @param address the address to bind
 * @param port    the port, 0 for any free one
 */
public record HttpAddress(InetAddress address, int port) {

    /**
     * Parses {@code [ADDR:]PORT} ({@code 8080}, {@code 127.0.0.1:0}, {@code [::1]:8080}).
     *
     * @throws IllegalArgumentException with one line naming what is wrong
     */
    public static HttpAddress parse(String s) {
        String host = "127.0.0.1";
        String port = s;
        int colon = s.lastIndexOf(':');
        if (colon >= 0) {
            host = s.substring(0, colon);
            port = s.substring(colon + 1);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            if (host.isEmpty()) {
                throw new IllegalArgumentException("--http: empty address in '" + s + "'");
            }
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            p = -1;
        }
        if (p < 0 || p > 65535) {
            throw new IllegalArgumentException("--http: not a port number: '" + port + "'");
        }
        try {
            return new HttpAddress(InetAddress.getByName(host), p);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--http: unknown address: '" + host + "'");
        }
    }

    /** The warning to print for an address other users' machines can reach, or null. */
    public String warning(String who) {
        if (address.isLoopbackAddress()) {
            return null;
        }
        return who + ": warning: the web view listens on " + address.getHostAddress()
                + ", reachable from other machines; anyone holding the URL's token can read the kernel's state";
    }
}
