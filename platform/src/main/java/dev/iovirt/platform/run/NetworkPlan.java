package dev.iovirt.platform.run;

import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.platform.topology.ApplianceSpec;
import dev.iovirt.platform.topology.ChainSpec;
import dev.iovirt.platform.topology.NetworkSpec;
import dev.iovirt.platform.topology.NicAttachment;
import dev.iovirt.platform.topology.Subnet;
import dev.iovirt.platform.topology.Topology;
import dev.iovirt.platform.topology.VmSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a run decides that the topology file leaves to the platform (docs/architecture.md, "Appliances
 * in a run"): the host of an appliance without one, each appliance's NICs (network, MAC, address) and
 * each network's gateway.
 *
 * <ul>
 *   <li>A <b>router</b> has one NIC per network it names, in that order, each with the lowest free host
 *       address of the network's subnet; the first router on a network is that network's gateway,
 *       which every VM there routes through (as a Neutron router's interface is its subnet's gateway).
 *   <li>A <b>firewall</b> or <b>load balancer</b> is a hop of one chain, a bump in the wire on the chain's
 *       {@code from} network: {@code eth0} is the port pair's ingress (facing the senders), {@code eth1}
 *       its egress. A load balancer also gets an address of its own there, the source of its health
 *       probes.
 *   <li>A <b>DHCP</b> server has one NIC on its network, with the lowest free address.
 * </ul>
 *
 * Free means: not a VM's, not a load balancer's VIP, not in a DHCP pool, not handed out already. MACs are
 * generated as a VM NIC's are ({@link NicAttachment#generatedMac}), stepping aside for every VM's.
 */
final class NetworkPlan {
    /**
     * One NIC of an appliance.
     *
     * @param ip its address, or null (a bump in the wire has none)
     */
    record ApplianceNic(String name, String network, MacAddress mac, Ipv4Address ip) {
    }

    private final Map<String, String> hosts = new LinkedHashMap<>();
    private final Map<String, List<ApplianceNic>> nics = new LinkedHashMap<>();
    private final Map<String, ApplianceNic> gateways = new LinkedHashMap<>();
    private final Map<String, ChainSpec> chainOf = new LinkedHashMap<>();

    private NetworkPlan() {
    }

    /**
     * Why a run cannot have the topology's appliances and chains, one line per reason; empty when it
     * can. {@link #of} expects a topology this found nothing in.
     */
    static List<String> refusals(Topology t) {
        List<String> reasons = new ArrayList<>();
        Map<String, List<String>> chainsOf = new LinkedHashMap<>();
        for (ChainSpec c : t.chains()) {
            for (String hop : c.through()) {
                chainsOf.computeIfAbsent(hop, k -> new ArrayList<>()).add(c.name());
            }
        }
        for (ApplianceSpec a : t.appliances()) {
            List<String> in = chainsOf.getOrDefault(a.name(), List.of());
            switch (a.config()) {
                case ApplianceSpec.Nat n -> reasons.add("appliance " + a.name() + ": a NAT appliance in a run is not built yet"
                        + " (the nfv module's NAT runs in its own tests)");
                case ApplianceSpec.Router r -> {
                    if (!in.isEmpty()) {
                        reasons.add("chain " + in.get(0) + ": router " + a.name() + " is not a hop — it connects the chain's networks"
                                + " by itself; take it out of 'through'");
                    }
                }
                case ApplianceSpec.Firewall f -> {
                    if (in.isEmpty()) {
                        reasons.add("firewall " + a.name() + " is in no chain, so no traffic would reach it — name it in a chain's 'through'");
                    }
                }
                case ApplianceSpec.LoadBalancer lb -> {
                    if (in.isEmpty()) {
                        reasons.add("load balancer " + a.name() + " is in no chain — it runs as a hop of a chain to its VIP's network, e.g. "
                                + "{ name: to-" + lb.network() + ", from: CLIENTS, to: " + lb.network() + ", through: [" + a.name() + "] }");
                    } else {
                        ChainSpec c = t.chains().stream().filter(x -> x.name().equals(in.get(0))).findFirst().orElseThrow();
                        if (!c.to().equals(lb.network())) {
                            reasons.add("load balancer " + a.name() + ": its VIP is on network " + lb.network() + " but chain " + c.name()
                                    + " goes to " + c.to() + " — a chain through a load balancer ends on the VIP's network");
                        }
                    }
                }
                case ApplianceSpec.Dhcp d -> { }
            }
            if (in.size() > 1) {
                reasons.add(a.name() + " is in chains " + String.join(" and ", in) + ": an appliance serves one chain — define one per chain");
            }
        }
        for (ChainSpec c : t.chains()) {
            boolean routed = t.appliances().stream().anyMatch(a -> a.config() instanceof ApplianceSpec.Router r
                    && r.networks().contains(c.from()) && r.networks().contains(c.to()));
            if (!routed) {
                reasons.add("chain " + c.name() + ": no router connects " + c.from() + " and " + c.to() + " — add one, e.g. "
                        + "{ name: r1, kind: router, networks: [" + c.from() + ", " + c.to() + "] }");
            }
        }
        return reasons;
    }

    /** The plan for a topology {@link #refusals} found nothing in. */
    static NetworkPlan of(Topology t) {
        NetworkPlan plan = new NetworkPlan();
        for (ChainSpec c : t.chains()) {
            for (String hop : c.through()) {
                plan.chainOf.put(hop, c);
            }
        }
        // Placement: an appliance without a host goes to the host with the fewest VMs and appliances.
        Map<String, Integer> load = new LinkedHashMap<>();
        t.hosts().forEach(h -> load.put(h.name(), 0));
        t.vms().forEach(v -> load.merge(v.host(), 1, Integer::sum));
        t.appliances().forEach(a -> a.host().ifPresent(h -> load.merge(h, 1, Integer::sum)));
        for (ApplianceSpec a : t.appliances()) {
            String host = a.host().orElseGet(() -> {
                String least = load.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey();
                load.merge(least, 1, Integer::sum);
                return least;
            });
            plan.hosts.put(a.name(), host);
        }
        Addresses free = new Addresses(t);
        Set<MacAddress> macs = new HashSet<>();
        t.vms().forEach(v -> v.nics().forEach(n -> macs.add(n.mac())));
        // Routers first, so that a network's gateway is its lowest free address (usually .1).
        List<ApplianceSpec> order = new ArrayList<>(t.appliances().stream().filter(a -> a.config() instanceof ApplianceSpec.Router).toList());
        t.appliances().stream().filter(a -> !(a.config() instanceof ApplianceSpec.Router)).forEach(order::add);
        for (ApplianceSpec a : order) {
            List<String> networks = new ArrayList<>();
            List<Boolean> addressed = new ArrayList<>();
            switch (a.config()) {
                case ApplianceSpec.Router r -> r.networks().forEach(n -> {
                    networks.add(n);
                    addressed.add(true);
                });
                case ApplianceSpec.Firewall f -> {
                    String on = plan.chainOf.get(a.name()).from();
                    networks.addAll(List.of(on, on));
                    addressed.addAll(List.of(false, false));
                }
                case ApplianceSpec.LoadBalancer lb -> {
                    String on = plan.chainOf.get(a.name()).from();
                    networks.addAll(List.of(on, on));
                    addressed.addAll(List.of(false, true)); // the probes' source, on the backends' side
                }
                case ApplianceSpec.Dhcp d -> {
                    networks.add(d.network());
                    addressed.add(true);
                }
                case ApplianceSpec.Nat n -> throw new IllegalStateException("refused by refusals()");
            }
            List<ApplianceNic> list = new ArrayList<>();
            for (int i = 0; i < networks.size(); i++) {
                MacAddress mac = null;
                for (int attempt = 0; mac == null; attempt++) {
                    MacAddress candidate = NicAttachment.generatedMac(a.name(), i, attempt);
                    if (macs.add(candidate)) {
                        mac = candidate;
                    }
                }
                String network = networks.get(i);
                ApplianceNic nic = new ApplianceNic("eth" + i, network, mac, addressed.get(i) ? free.take(network) : null);
                if (a.config() instanceof ApplianceSpec.Router) {
                    plan.gateways.putIfAbsent(network, nic);
                }
                list.add(nic);
            }
            plan.nics.put(a.name(), List.copyOf(list));
        }
        // Keep the file's order for everything that lists appliances.
        Map<String, List<ApplianceNic>> ordered = new LinkedHashMap<>();
        t.appliances().forEach(a -> ordered.put(a.name(), plan.nics.get(a.name())));
        plan.nics.clear();
        plan.nics.putAll(ordered);
        return plan;
    }

    /** The host appliance {@code name} runs on. */
    String host(String appliance) {
        return hosts.get(appliance);
    }

    /** Appliance {@code name}'s NICs, {@code eth0} first. */
    List<ApplianceNic> nics(String appliance) {
        return nics.get(appliance);
    }

    /** The gateway of {@code network}: its first router's NIC there. */
    Optional<ApplianceNic> gateway(String network) {
        return Optional.ofNullable(gateways.get(network));
    }

    /** The chain appliance {@code name} is a hop of. */
    Optional<ChainSpec> chainOf(String appliance) {
        return Optional.ofNullable(chainOf.get(appliance));
    }

    /** The lowest free host address of each network, handed out one by one. */
    private static final class Addresses {
        private final Map<String, Subnet> subnets = new LinkedHashMap<>();
        private final Map<String, Set<Integer>> used = new LinkedHashMap<>();
        private final Map<String, List<int[]>> pools = new LinkedHashMap<>();

        Addresses(Topology t) {
            for (NetworkSpec n : t.networks()) {
                subnets.put(n.name(), n.subnet());
                used.put(n.name(), new HashSet<>());
                pools.put(n.name(), new ArrayList<>());
            }
            for (VmSpec v : t.vms()) {
                for (NicAttachment n : v.nics()) {
                    n.ip().ifPresent(ip -> used.get(n.network()).add(ip.bits()));
                }
            }
            for (ApplianceSpec a : t.appliances()) {
                switch (a.config()) {
                    case ApplianceSpec.LoadBalancer lb -> used.get(lb.network()).add(lb.vip().bits());
                    case ApplianceSpec.Dhcp d -> pools.get(d.network()).add(new int[] {d.first().bits(), d.last().bits()});
                    default -> { }
                }
            }
        }

        Ipv4Address take(String network) {
            Subnet s = subnets.get(network);
            Set<Integer> taken = used.get(network);
            for (int ip = s.network().bits() + 1; Integer.compareUnsigned(ip, s.broadcast().bits()) < 0; ip++) {
                int candidate = ip;
                if (!taken.contains(candidate) && pools.get(network).stream()
                        .noneMatch(p -> Integer.compareUnsigned(candidate, p[0]) >= 0 && Integer.compareUnsigned(candidate, p[1]) <= 0)) {
                    taken.add(candidate);
                    return Ipv4Address.of(candidate);
                }
            }
            throw new IllegalStateException("network " + network + " (" + s + ") has no free address left for an appliance");
        }
    }
}
