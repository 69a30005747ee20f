package dev.iovirt.platform.topology;

import dev.iovirt.packet.Ipv4Address;

/**
 * A TCP endpoint as {@code host:port}, where host is an IPv4 address or a DNS name.
 *
 * @param host the address or name, never empty
 * @param port 1..65535
 */
public record HostPort(String host, int port) {
    private static final String NAME = "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*";

    public HostPort {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535: " + port);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("host is empty");
        }
    }

    /**
     * Parses {@code host:port}.
     *
     * @throws IllegalArgumentException with a message a user can act on
     */
    public static HostPort parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("'" + text + "' is not host:port — write an address and a port, e.g. 127.0.0.1:6653");
        }
        String host = text.substring(0, colon);
        String portText = text.substring(colon + 1);
        int port = portText.matches("\\d{1,5}") ? Integer.parseInt(portText) : -1;
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("'" + text + "': the port must be a number 1..65535, not '" + portText + "'");
        }
        if (host.matches("[0-9.]+")) {
            try {
                Ipv4Address.of(host);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + text + "': '" + host + "' is not an IPv4 address");
            }
        } else if (!host.matches(NAME)) {
            throw new IllegalArgumentException("'" + text + "': '" + host + "' is neither an IPv4 address nor a host name");
        }
        return new HostPort(host, port);
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
