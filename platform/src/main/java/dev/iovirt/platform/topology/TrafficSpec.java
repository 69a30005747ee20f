package dev.iovirt.platform.topology;

import dev.iovirt.packet.Ipv4Address;
import java.time.Duration;
import java.util.Optional;

/** One entry of the traffic section: what a guest program sends once the topology is up. */
public sealed interface TrafficSpec {
    /** The VM that sends. */
    String from();

    /** Where it sends to. */
    Target to();

    /** Where traffic goes: a VM (its first NIC's address on a shared network) or an address. */
    sealed interface Target {
        /** A VM by name. */
        record Vm(String name) implements Target {
            @Override
            public String toString() {
                return name;
            }
        }

        /** An IPv4 address, such as a load balancer's VIP. */
        record Address(Ipv4Address ip) implements Target {
            @Override
            public String toString() {
                return ip.toString();
            }
        }
    }

    /**
     * ICMP echo requests, as ping sends them.
     *
     * @param count how many requests, at least 1
     * @param interval the time between requests
     */
    record Ping(String from, Target to, int count, Duration interval) implements TrafficSpec {
        /** Requests when the topology does not say. */
        public static final int DEFAULT_COUNT = 3;
        /** Interval when the topology does not say: ping's own default. */
        public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

        public Ping {
            if (count < 1) {
                throw new IllegalArgumentException("count must be at least 1: " + count);
            }
        }
    }

    /**
     * A constant stream of UDP datagrams.
     *
     * @param port the destination port
     * @param rate packets or bits per second
     * @param duration how long to send
     * @param size the Ethernet frame size in bytes, 64..9000
     */
    record Udp(String from, Target to, int port, Rate rate, Duration duration, int size) implements TrafficSpec {
        public static final Rate DEFAULT_RATE = Rate.pps(1000);
        public static final Duration DEFAULT_DURATION = Duration.ofSeconds(1);
        public static final int DEFAULT_SIZE = 64;
        /** The smallest Ethernet frame (IEEE 802.3 minimum, FCS included). */
        public static final int MIN_SIZE = 64;
        /** The largest frame a topology may ask for (a common jumbo MTU). */
        public static final int MAX_SIZE = 9000;

        public Udp {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port must be 1..65535: " + port);
            }
            if (size < MIN_SIZE || size > MAX_SIZE) {
                throw new IllegalArgumentException("size must be " + MIN_SIZE + ".." + MAX_SIZE + ": " + size);
            }
        }
    }

    /**
     * TCP connections to an echo service: each sends {@code bytes} bytes, checks that every byte comes
     * back, and closes; the destination (or, for a load balancer's VIP, each of its backends) runs a
     * TCP echo server on {@code port}.
     *
     * @param port the destination port
     * @param connections how many connections, one after another or {@code concurrency} at a time
     * @param concurrency how many are open at once, at most
     * @param bytes what each connection sends (and gets back)
     */
    record Tcp(String from, Target to, int port, int connections, int concurrency, int bytes) implements TrafficSpec {
        public static final int DEFAULT_CONNECTIONS = 1;
        /** Open at once unless the file says otherwise: all of them, up to this many. */
        public static final int DEFAULT_MAX_CONCURRENCY = 16;
        public static final int MAX_CONNECTIONS = 100_000;
        /** Bounded by the guest stack's connection table (guest TcpConfig). */
        public static final int MAX_CONCURRENCY = 64;
        public static final int DEFAULT_BYTES = 16 * 1024;
        public static final int MAX_BYTES = 16 << 20;
    }
}
