package dev.iovirt.vswitch.agent;

import java.net.InetSocketAddress;

/**
 * Where an OpenFlow connection goes ({@code tcp:HOST:PORT}, active) or where the switch listens
 * ({@code ptcp:PORT[:HOST]} or {@code HOST:PORT}, passive), in Open vSwitch's target syntax.
 *
 * @param host a host name or address literal
 * @param port a TCP port, 0..65535 (0 for a listener: the system picks one)
 */
public record ControllerTarget(String host, int port) {
    /** The IANA port for OpenFlow (OF 1.3.5 §6.3.1). */
    public static final int OPENFLOW_PORT = 6653;

    public ControllerTarget {
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("no host given");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not 0..65535");
        }
    }

    /** Parses {@code tcp:HOST[:PORT]} (the port defaults to 6653) or {@code HOST:PORT}. */
    public static ControllerTarget parseActive(String text) {
        String s = text.startsWith("tcp:") ? text.substring(4) : text;
        if (text.startsWith("ptcp:") || text.startsWith("unix:") || text.startsWith("ssl:")) {
            throw new IllegalArgumentException("'" + text + "': a controller is tcp:HOST[:PORT]");
        }
        int colon = s.lastIndexOf(':');
        if (colon < 0) {
            if (!text.startsWith("tcp:")) {
                throw new IllegalArgumentException("'" + text + "': a controller is tcp:HOST[:PORT]");
            }
            return new ControllerTarget(host(s, text), OPENFLOW_PORT);
        }
        return new ControllerTarget(host(s.substring(0, colon), text), port(s.substring(colon + 1), text, false));
    }

    /** Parses {@code HOST:PORT}, {@code PORT} (on 127.0.0.1) or {@code ptcp:PORT[:HOST]}. */
    public static ControllerTarget parsePassive(String text) {
        if (text.startsWith("ptcp:")) {
            String[] parts = text.substring(5).split(":", 2);
            return new ControllerTarget(parts.length == 2 ? host(parts[1], text) : "127.0.0.1", port(parts[0], text, true));
        }
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            return new ControllerTarget("127.0.0.1", port(text, text, true));
        }
        return new ControllerTarget(host(text.substring(0, colon), text), port(text.substring(colon + 1), text, true));
    }

    private static String host(String h, String text) {
        String stripped = h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
        if (stripped.isEmpty()) {
            throw new IllegalArgumentException("'" + text + "': no host given");
        }
        return stripped;
    }

    private static int port(String p, String text, boolean zeroAllowed) {
        try {
            int port = Integer.parseInt(p);
            if (port < (zeroAllowed ? 0 : 1) || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "': '" + p + "' is not a TCP port");
        }
    }

    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(host, port);
    }

    /** {@code tcp:HOST:PORT}. */
    @Override
    public String toString() {
        return "tcp:" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
