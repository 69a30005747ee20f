package dev.iovirt.platform.topology;

import dev.iovirt.packet.Ipv4Address;
import java.util.List;
import java.util.Optional;

/**
 * A virtual network function (firewall, NAT, load balancer, router or DHCP server) that runs as a VM
 * with poll-mode drivers on a host.
 *
 * @param name unique among VMs and appliances
 * @param host the host it runs on, or empty to let the platform place it
 * @param config what it does; its type is the appliance's kind
 */
public record ApplianceSpec(String name, Optional<String> host, Config config) {
    /** The kind of an appliance, as the topology's {@code kind} key names it. */
    public enum Kind {
        FIREWALL("firewall"), NAT("nat"), LOAD_BALANCER("load-balancer"), ROUTER("router"), DHCP("dhcp");

        private final String yamlName;

        Kind(String yamlName) {
            this.yamlName = yamlName;
        }

        /** The word a topology file uses. */
        public String yamlName() {
            return yamlName;
        }
    }

    /** The kind, read off the configuration. */
    public Kind kind() {
        return config.kind();
    }

    /** What an appliance does, one record per kind. */
    public sealed interface Config {
        /** The kind this configuration belongs to. */
        Kind kind();
    }

    /**
     * A stateful firewall: the first matching rule decides; a packet no rule matches is dropped.
     *
     * @param rules in order
     */
    public record Firewall(List<FirewallRule> rules) implements Config {
        public Firewall {
            rules = List.copyOf(rules);
        }

        @Override
        public Kind kind() {
            return Kind.FIREWALL;
        }
    }

    /**
     * One firewall rule.
     *
     * @param action allow or deny
     * @param protocol which packets, by IP protocol
     * @param from the source network's name, or empty for any
     * @param to the destination network's name, or empty for any
     * @param port the destination port (TCP or UDP only), or empty for any
     */
    public record FirewallRule(Action action, Protocol protocol, Optional<String> from, Optional<String> to,
                               Optional<Integer> port) {
        /** What a rule does with the packets it matches. */
        public enum Action { ALLOW, DENY }
    }

    /** The IP protocols a rule can name. */
    public enum Protocol {
        ANY, TCP, UDP, ICMP;

        /** The word a topology file uses. */
        public String yamlName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * Source NAT from an inside network to an outside one.
     *
     * @param inside the network whose addresses are translated
     * @param outside the network packets leave on
     * @param address the outside address packets get, or empty for one the platform picks in the outside subnet
     */
    public record Nat(String inside, String outside, Optional<Ipv4Address> address) implements Config {
        @Override
        public Kind kind() {
            return Kind.NAT;
        }
    }

    /**
     * An L4 load balancer.
     *
     * @param vip the virtual IP clients connect to, in the subnet of {@code network}
     * @param port the virtual port
     * @param network the network the VIP lives on
     * @param backends the VMs that serve, each with a NIC on {@code network}
     */
    public record LoadBalancer(Ipv4Address vip, int port, String network, List<String> backends) implements Config {
        public LoadBalancer {
            backends = List.copyOf(backends);
        }

        @Override
        public Kind kind() {
            return Kind.LOAD_BALANCER;
        }
    }

    /**
     * A router between networks.
     *
     * @param networks the networks it has an interface on, at least two
     */
    public record Router(List<String> networks) implements Config {
        public Router {
            networks = List.copyOf(networks);
        }

        @Override
        public Kind kind() {
            return Kind.ROUTER;
        }
    }

    /**
     * A DHCP server.
     *
     * @param network the network it serves
     * @param first the first address of its pool
     * @param last the last address of its pool
     */
    public record Dhcp(String network, Ipv4Address first, Ipv4Address last) implements Config {
        @Override
        public Kind kind() {
            return Kind.DHCP;
        }
    }
}
