package dev.iovirt.platform.run;

import dev.iovirt.nfv.ApplianceVm;
import dev.iovirt.nfv.NetworkFunction;
import dev.iovirt.nfv.dhcp.DhcpServer;
import dev.iovirt.nfv.dhcp.DhcpServerConfig;
import dev.iovirt.nfv.firewall.Firewall;
import dev.iovirt.nfv.firewall.Rule;
import dev.iovirt.nfv.lb.Backend;
import dev.iovirt.nfv.lb.LoadBalancer;
import dev.iovirt.nfv.lb.LoadBalancerConfig;
import dev.iovirt.nfv.router.Router;
import dev.iovirt.nfv.router.RouterConfig;
import dev.iovirt.nfv.router.RouterInterface;
import dev.iovirt.packet.IpProtocol;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.platform.topology.ApplianceSpec;
import dev.iovirt.platform.topology.ChainSpec;
import dev.iovirt.platform.topology.NicAttachment;
import dev.iovirt.platform.topology.Topology;
import dev.iovirt.platform.topology.VmSpec;
import dev.iovirt.vmm.hv.Host;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An appliance of a run: the VM of module nfv ({@link ApplianceVm}) running the function its kind
 * names, with one virtio-net NIC per {@link NetworkPlan.ApplianceNic}, each a port of its host's
 * switch named {@code APPLIANCE.ethN}. The function is configured from the topology file and the
 * plan: a firewall's rules with network names turned into their subnets; a load balancer's backends
 * at their VMs' addresses, reached through the gateway of the chain's network; a router's interfaces
 * with, as static neighbours, the load balancers' probe addresses (their ports are chain hops, which
 * the overlay does not flood ARP to); a DHCP server's pool and gateway.
 */
public final class RunningAppliance {
    final ApplianceSpec spec;
    final String host;
    final List<NetworkPlan.ApplianceNic> nics;
    final ApplianceVm vm;
    /** The switch port of each NIC, in NIC order. */
    final int[] bridgePorts;

    private RunningAppliance(ApplianceSpec spec, String host, List<NetworkPlan.ApplianceNic> nics, ApplianceVm vm) {
        this.spec = spec;
        this.host = host;
        this.nics = nics;
        this.vm = vm;
        this.bridgePorts = new int[nics.size()];
    }

    /** Creates the appliance's VM on {@code host} (not started: {@link ApplianceVm#start()}). */
    static RunningAppliance create(Host host, Topology topology, NetworkPlan plan, ApplianceSpec spec) {
        List<NetworkPlan.ApplianceNic> nics = plan.nics(spec.name());
        List<ApplianceVm.Nic> devices = new ArrayList<>();
        for (NetworkPlan.ApplianceNic n : nics) {
            devices.add(new ApplianceVm.VirtioNic(n.name(), n.mac()));
        }
        ApplianceVm vm = ApplianceVm.create(host, ApplianceVm.Config.of(spec.name(), devices), function(topology, plan, spec));
        return new RunningAppliance(spec, plan.host(spec.name()), nics, vm);
    }

    /** The network function of {@code spec}, configured from the file and the plan. */
    static NetworkFunction function(Topology topology, NetworkPlan plan, ApplianceSpec spec) {
        List<NetworkPlan.ApplianceNic> nics = plan.nics(spec.name());
        return switch (spec.config()) {
            case ApplianceSpec.Firewall f -> {
                List<Rule> rules = new ArrayList<>();
                for (ApplianceSpec.FirewallRule r : f.rules()) {
                    StringBuilder text = new StringBuilder(r.action().name()).append(' ').append(r.protocol().yamlName());
                    r.from().ifPresent(n -> text.append(" from ").append(subnet(topology, n)));
                    r.to().ifPresent(n -> text.append(" to ").append(subnet(topology, n)));
                    r.port().ifPresent(p -> text.append(" port ").append(p));
                    rules.add(Rule.parse(text.toString()));
                }
                yield new Firewall(Firewall.Config.of(rules));
            }
            case ApplianceSpec.LoadBalancer lb -> {
                ChainSpec chain = plan.chainOf(spec.name()).orElseThrow();
                NetworkPlan.ApplianceNic gateway = plan.gateway(chain.from()).orElseThrow();
                List<Backend> backends = new ArrayList<>();
                for (String name : lb.backends()) {
                    VmSpec vm = topology.vm(name).orElseThrow();
                    NicAttachment nic = vm.nics().stream().filter(n -> n.network().equals(lb.network())).findFirst().orElseThrow();
                    backends.add(new Backend(name, nic.ip().orElseThrow(), 0, null, 1));
                }
                yield new LoadBalancer(LoadBalancerConfig.of(lb.vip(), lb.port(), IpProtocol.TCP, backends, nics.get(1).ip(),
                                topology.network(chain.from()).orElseThrow().subnet().prefixLength(), nics.get(0).mac(), nics.get(1).mac())
                        .withGateway(gateway.ip(), gateway.mac()));
            }
            case ApplianceSpec.Router r -> {
                List<RouterInterface> interfaces = new ArrayList<>();
                for (int i = 0; i < nics.size(); i++) {
                    NetworkPlan.ApplianceNic n = nics.get(i);
                    interfaces.add(new RouterInterface(i, n.mac(), n.ip(), topology.network(n.network()).orElseThrow().subnet().prefixLength()));
                }
                List<RouterConfig.Neighbour> probes = new ArrayList<>();
                for (ApplianceSpec a : topology.appliances()) {
                    if (a.config() instanceof ApplianceSpec.LoadBalancer && r.networks().contains(plan.nics(a.name()).get(1).network())) {
                        NetworkPlan.ApplianceNic probe = plan.nics(a.name()).get(1);
                        probes.add(new RouterConfig.Neighbour(probe.ip(), probe.mac()));
                    }
                }
                yield new Router(RouterConfig.of(interfaces, List.of()).withNeighbours(probes));
            }
            case ApplianceSpec.Dhcp d -> {
                NetworkPlan.ApplianceNic n = nics.get(0);
                Ipv4Address gateway = plan.gateway(d.network()).map(NetworkPlan.ApplianceNic::ip).orElse(null);
                yield new DhcpServer(DhcpServerConfig.of(n.mac(), n.ip(), topology.network(d.network()).orElseThrow().subnet().prefixLength(),
                        gateway, List.of()).withPool(d.first(), d.last()));
            }
            case ApplianceSpec.Nat n -> throw new IllegalStateException("refused by NetworkPlan.refusals");
        };
    }

    private static String subnet(Topology topology, String network) {
        return topology.network(network).orElseThrow().subnet().toString();
    }

    public String name() {
        return spec.name();
    }

    /** Its kind as the topology file names it. */
    public String kind() {
        return spec.kind().yamlName();
    }

    /** The host it runs on. */
    public String host() {
        return host;
    }

    /** Its NICs' names, {@code eth0} first. */
    public List<String> nicNames() {
        return nics.stream().map(NetworkPlan.ApplianceNic::name).toList();
    }

    /** The network of NIC {@code i}. */
    public String network(int i) {
        return nics.get(i).network();
    }

    /** The address of NIC {@code i}, or null (a bump in the wire has none). */
    public Ipv4Address ip(int i) {
        return nics.get(i).ip();
    }

    /** The appliance's VM and its management interface (counters, start and stop). */
    public ApplianceVm vm() {
        return vm;
    }

    /** The function's counters by name, as its management interface reports them. */
    public Map<String, Long> counters() {
        return vm.functionCounters();
    }
}
