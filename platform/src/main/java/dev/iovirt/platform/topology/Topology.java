package dev.iovirt.platform.topology;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A valid topology (DESIGN §6): every name is unique in its kind, every reference resolves, every
 * address lies in its network. Only {@link TopologyLoader} makes them from files; tests and
 * generators may build one directly, and then they answer for its consistency.
 *
 * @param name what the topology is called
 * @param controller where the SDN controller listens
 * @param hosts the hypervisor hosts, at least one
 * @param networks the virtual networks
 * @param vms the virtual machines
 * @param appliances the NFV appliances
 * @param chains the service chains
 * @param traffic what runs once everything is up, in order
 * @param captures captures started with the topology
 * @param links impaired underlay links between hosts; a pair of hosts not listed has a perfect link
 * @param costOverrides modeled cycle costs that replace the cost model's defaults, by cost name
 */
public record Topology(String name, ControllerSpec controller, List<HostSpec> hosts, List<NetworkSpec> networks,
                       List<VmSpec> vms, List<ApplianceSpec> appliances, List<ChainSpec> chains,
                       List<TrafficSpec> traffic, List<CaptureSpec> captures, List<LinkSpec> links,
                       Map<String, Long> costOverrides) {
    public Topology {
        hosts = List.copyOf(hosts);
        networks = List.copyOf(networks);
        vms = List.copyOf(vms);
        appliances = List.copyOf(appliances);
        chains = List.copyOf(chains);
        traffic = List.copyOf(traffic);
        captures = List.copyOf(captures);
        links = List.copyOf(links);
        costOverrides = Map.copyOf(costOverrides);
    }

    /** This topology with {@code more} captures after its own (e.g. those of {@code iovirt capture -p}). */
    public Topology withCaptures(List<CaptureSpec> more) {
        List<CaptureSpec> all = new java.util.ArrayList<>(captures);
        all.addAll(more);
        return new Topology(name, controller, hosts, networks, vms, appliances, chains, traffic, all, links, costOverrides);
    }

    /** This topology without its captures (e.g. to run it only for its report). */
    public Topology withoutCaptures() {
        return new Topology(name, controller, hosts, networks, vms, appliances, chains, traffic, List.of(), links, costOverrides);
    }

    public Optional<HostSpec> host(String name) {
        return hosts.stream().filter(h -> h.name().equals(name)).findFirst();
    }

    public Optional<NetworkSpec> network(String name) {
        return networks.stream().filter(n -> n.name().equals(name)).findFirst();
    }

    public Optional<VmSpec> vm(String name) {
        return vms.stream().filter(v -> v.name().equals(name)).findFirst();
    }

    public Optional<ApplianceSpec> appliance(String name) {
        return appliances.stream().filter(a -> a.name().equals(name)).findFirst();
    }

    /** {@code 3 hosts, 2 networks, 4 VMs, 2 appliances, 1 chain}. */
    public String summary() {
        return count(hosts.size(), "host", "hosts") + ", " + count(networks.size(), "network", "networks") + ", "
                + count(vms.size(), "VM", "VMs") + ", " + count(appliances.size(), "appliance", "appliances") + ", "
                + count(chains.size(), "chain", "chains");
    }

    private static String count(int n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }
}
