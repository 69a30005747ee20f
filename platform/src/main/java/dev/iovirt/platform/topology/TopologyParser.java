package dev.iovirt.platform.topology;

import dev.iovirt.controller.network.Network;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.Vni;
import dev.iovirt.packet.capture.BpfFilter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.ReaderException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Reads one topology file's node tree into a {@link Topology}, or collects every error of it.
 * One instance per file; not thread-safe.
 *
 * <p>Sections are read in dependency order (see the package documentation). Each {@code read*}
 * method registers what it could read, even from an entry that has errors, so that later sections
 * check their references against it and one mistake gives one error.
 */
final class TopologyParser extends NodeReader {
    // The keys valid at each place of the file, in the order docs/topology.md lists them.
    static final List<String> TOP_KEYS = List.of("name", "controller", "hosts", "networks", "vms", "appliances",
            "chains", "traffic", "captures", "links", "cost-model");
    static final List<String> CONTROLLER_KEYS = List.of("openflow", "api");
    static final List<String> HOST_KEYS = List.of("name", "nic");
    static final List<String> HOST_NIC_KEYS = List.of("model", "vfs", "total-vfs");
    static final List<String> NETWORK_KEYS = List.of("name", "vni", "subnet");
    static final List<String> VM_KEYS = List.of("name", "host", "vcpus", "memory", "nics");
    static final List<String> VM_NIC_KEYS = List.of("network", "model", "ip", "mac", "impair");
    static final List<String> IMPAIR_KEYS = List.of("delay", "jitter", "loss", "rate");
    static final List<String> APPLIANCE_KEYS = List.of("name", "kind", "host");
    static final Map<ApplianceSpec.Kind, List<String>> KIND_KEYS = Map.of(
            ApplianceSpec.Kind.FIREWALL, List.of("rules"),
            ApplianceSpec.Kind.NAT, List.of("inside", "outside", "address"),
            ApplianceSpec.Kind.LOAD_BALANCER, List.of("vip", "network", "backends"),
            ApplianceSpec.Kind.ROUTER, List.of("networks"),
            ApplianceSpec.Kind.DHCP, List.of("network", "range"));
    static final List<String> RULE_KEYS = List.of("allow", "deny", "from", "to", "port");
    static final List<String> CHAIN_KEYS = List.of("name", "from", "to", "through");
    static final List<String> TRAFFIC_KINDS = List.of("ping", "udp", "tcp");
    static final List<String> PING_KEYS = List.of("from", "to", "count", "interval");
    static final List<String> UDP_KEYS = List.of("from", "to", "port", "rate", "duration", "size");
    static final List<String> TCP_KEYS = List.of("from", "to", "port", "connections", "concurrency", "bytes");
    static final List<String> CAPTURE_KEYS = List.of("port", "points", "file", "filter", "ring");
    static final List<String> RING_KEYS = List.of("files", "size");
    static final List<String> LINK_KEYS = List.of("between", "delay", "jitter", "loss", "rate");

    static final long MIN_MEMORY = 16L << 20;
    static final long MAX_MEMORY = 64L << 30;
    static final int MAX_TOTAL_VFS = 256;

    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,62}");
    private static final Pattern COST_NAME = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");
    private static final Pattern LOOKS_LIKE_IPV4 = Pattern.compile("[0-9]+(\\.[0-9]+){1,4}");
    private static final Pattern NIC_NAME = Pattern.compile("eth(0|[1-9][0-9]?)");

    // What has been read so far. Names are registered even when the rest of their entry is wrong.
    private final Map<String, Node> hostNames = new LinkedHashMap<>();
    private final Map<String, HostSpec.NicSpec> hostNics = new HashMap<>();
    private final Map<String, Node> networkNames = new LinkedHashMap<>();
    private final Map<String, NetworkSpec> networks = new HashMap<>();
    private final Map<Integer, String> vnis = new HashMap<>();
    private final Map<String, Node> vmNames = new LinkedHashMap<>();
    private final Map<String, VmDraft> vms = new HashMap<>();
    private final Map<String, Node> applianceNames = new LinkedHashMap<>();
    private final Map<String, ApplianceSpec.Kind> applianceKinds = new HashMap<>();
    private final Map<String, Node> chainNames = new LinkedHashMap<>();
    /** Per network: the addresses in use and who uses them. */
    private final Map<String, Map<Ipv4Address, Owner>> ipsByNetwork = new HashMap<>();
    /** Per network: the MACs given in the file and who has them. */
    private final Map<String, Map<MacAddress, Owner>> macsByNetwork = new HashMap<>();
    /** Networks a DHCP appliance serves. */
    private final Set<String> dhcpNetworks = new HashSet<>();
    /** Load balancers' VIPs and the networks they live on, for traffic sent to a VIP. */
    private final Map<String, Ipv4Address> vips = new HashMap<>();

    /**
     * Sections that could not be read at all (misspelled, or not a list): references to what they
     * would define are not checked, since every one of them would be a consequence of that one error.
     */
    private final Set<String> brokenSections = new HashSet<>();

    private TopologyParser(String file) {
        super(file);
    }

    /** Parses {@code text}, naming {@code file} in errors. Never throws for any input. */
    static LoadResult parse(String file, String text) {
        TopologyParser p = new TopologyParser(file);
        Topology t;
        try {
            t = p.parseText(text);
        } catch (RuntimeException e) {
            // A bug of ours must not look like a crash to the user, nor let a half-read file through.
            p.errors.add(new TopologyError(file, 1, 1, "internal error while reading the topology ("
                    + e + ") — please report it with the file"));
            t = null;
        }
        if (!p.errors.isEmpty() || t == null) {
            return new LoadResult.Rejected(p.errors.stream().distinct().sorted().toList());
        }
        return new LoadResult.Loaded(t);
    }

    // ---------------------------------------------------------------- the document

    private Topology parseText(String text) {
        Node root;
        try {
            LoadSettings settings = LoadSettings.builder()
                    .setLabel(file)
                    .setSchema(new CoreSchema())
                    .setAllowDuplicateKeys(true) // reported by us, with both positions
                    .setAllowNonScalarKeys(true) // reported by us, with a position
                    .setMaxAliasesForCollections(50)
                    .build();
            root = new Compose(settings).composeString(text).orElse(null);
        } catch (MarkedYamlEngineException e) {
            syntaxError(e);
            return null;
        } catch (ReaderException e) {
            int[] lc = lineColumn(text, e.getPosition());
            errors.add(new TopologyError(file, lc[0], lc[1], "the character U+" + String.format("%04X", e.getCodePoint())
                    + " cannot appear in a YAML file — remove it"));
            return null;
        } catch (YamlEngineException e) {
            errors.add(new TopologyError(file, 1, 1, "the file is not valid YAML: " + e.getMessage()));
            return null;
        } catch (StackOverflowError e) {
            // The YAML composer recurses once per nesting level and has no depth limit of its own.
            errors.add(new TopologyError(file, 1, 1, "the file nests lists and mappings thousands of levels deep"
                    + " — a topology needs no more than a few"));
            return null;
        }
        if (root == null || isNull(root)) {
            errors.add(new TopologyError(file, 1, 1, "the file is empty — a topology needs at least 'name' and 'hosts'"));
            return null;
        }
        CheckedMapping top = mapping(root, "the topology");
        if (top == null) {
            return null;
        }
        top.checkKeys(TOP_KEYS, "the topology");
        brokenSections.addAll(top.misspelled);
        String name = name(top, "topology");
        ControllerSpec controller = readController(top.get("controller"));
        List<HostSpec> hostList = readHosts(top, top.get("hosts"));
        List<NetworkSpec> networkList = readNetworks(top.get("networks"));
        readVms(top.get("vms"));
        List<ApplianceSpec> applianceList = readAppliances(top.get("appliances"));
        checkDhcp();
        List<VmSpec> vmList = finishVms();
        List<ChainSpec> chainList = readChains(top.get("chains"));
        List<TrafficSpec> trafficList = readTraffic(top.get("traffic"));
        List<CaptureSpec> captureList = readCaptures(top.get("captures"));
        List<LinkSpec> linkList = readLinks(top.get("links"));
        Map<String, Long> costs = readCosts(top.get("cost-model"));
        if (!errors.isEmpty()) {
            return null;
        }
        return new Topology(name, controller, hostList, networkList, vmList, applianceList, chainList,
                trafficList, captureList, linkList, costs);
    }

    // ---------------------------------------------------------------- controller

    private ControllerSpec readController(Node n) {
        if (n == null) {
            return ControllerSpec.DEFAULT;
        }
        CheckedMapping o = mapping(n, "controller");
        if (o == null) {
            return null;
        }
        o.checkKeys(CONTROLLER_KEYS, "the controller");
        HostPort openflow = o.has("openflow") ? hostPort(o.get("openflow"), "openflow") : ControllerSpec.DEFAULT.openflow();
        HostPort api = o.has("api") ? hostPort(o.get("api"), "api") : ControllerSpec.DEFAULT.api();
        return openflow == null || api == null ? null : new ControllerSpec(openflow, api);
    }

    private HostPort hostPort(Node n, String key) {
        String s = scalar(n, key, "an address and a port, e.g. 127.0.0.1:6653");
        if (s == null) {
            return null;
        }
        try {
            return HostPort.parse(s);
        } catch (IllegalArgumentException e) {
            error(n, key + " " + e.getMessage());
            return null;
        }
    }

    // ---------------------------------------------------------------- hosts

    private List<HostSpec> readHosts(CheckedMapping top, Node n) {
        List<HostSpec> out = new ArrayList<>();
        if (n == null) {
            if (!brokenSections.contains("hosts")) {
                error(top.node, "the topology is missing the required key 'hosts' — list at least one host, e.g. hosts: [ { name: hv1 } ]");
            }
            return out;
        }
        List<Node> items = list(n, "hosts", "a list of hosts");
        if (items == null) {
            brokenSections.add("hosts");
        }
        if (items != null && items.isEmpty()) {
            error(n, "hosts is empty — list at least one host, e.g. hosts: [ { name: hv1 } ]");
        }
        for (Node item : items == null ? List.<Node>of() : items) {
            CheckedMapping o = mapping(item, "a host");
            if (o == null) {
                continue;
            }
            o.checkKeys(HOST_KEYS, "a host");
            String name = name(o, "host");
            if (name != null && !register(hostNames, name, o.get("name"), "host", "hosts")) {
                name = null;
            }
            HostSpec.NicSpec nic = o.has("nic") ? readHostNic(o.get("nic")) : HostSpec.NicSpec.PLAIN;
            if (name != null && nic != null) {
                hostNics.put(name, nic);
                out.add(new HostSpec(name, nic));
            }
        }
        return out;
    }

    private HostSpec.NicSpec readHostNic(Node n) {
        CheckedMapping o = mapping(n, "nic");
        if (o == null) {
            return null;
        }
        o.checkKeys(HOST_NIC_KEYS, "a host's nic");
        HostSpec.Model model = o.has("model")
                ? choice(o.get("model"), "model", HostSpec.Model.values(), HostSpec.Model::yamlName) : HostSpec.Model.DEFAULT;
        if (model == null) {
            return null;
        }
        if (model == HostSpec.Model.DEFAULT) {
            for (String k : List.of("vfs", "total-vfs")) {
                if (o.has(k)) {
                    error(o.key(k), "'" + k + "' applies only to an SR-IOV NIC — add 'model: sriov' or remove '" + k + "'");
                    return null;
                }
            }
            return HostSpec.NicSpec.PLAIN;
        }
        Integer total = o.has("total-vfs") ? integer(o.get("total-vfs"), "total-vfs", 1, MAX_TOTAL_VFS) : HostSpec.NicSpec.DEFAULT_TOTAL_VFS;
        if (total == null) {
            return null;
        }
        Integer vfs = o.has("vfs") ? integer(o.get("vfs"), "vfs", 0, Long.MAX_VALUE) : Math.min(HostSpec.NicSpec.DEFAULT_VFS, total);
        if (vfs == null) {
            return null;
        }
        if (vfs > total) {
            error(o.get("vfs"), "vfs " + vfs + " is more than the NIC offers: its total-vfs (TotalVFs) is " + total
                    + (o.has("total-vfs") ? "" : " by default") + " — enable at most " + total);
            return null;
        }
        return new HostSpec.NicSpec(model, vfs, total);
    }

    // ---------------------------------------------------------------- networks

    private List<NetworkSpec> readNetworks(Node n) {
        List<NetworkSpec> out = new ArrayList<>();
        for (Node item : section(n, "networks", "a list of networks")) {
            CheckedMapping o = mapping(item, "a network");
            if (o == null) {
                continue;
            }
            o.checkKeys(NETWORK_KEYS, "a network");
            String name = name(o, "network");
            if (name != null && !register(networkNames, name, o.get("name"), "network", "networks")) {
                name = null;
            }
            String label = name != null ? "network '" + name + "'" : "a network";
            // RFC 7348 §5: 24 bits; the controller keeps the top 4,096 for service-chain steering.
            Node vniNode = o.required("vni", label, "a VXLAN network identifier 1.." + (Network.FIRST_RESERVED_VNI - 1));
            Integer vni = vniNode == null ? null : integer(vniNode, "vni", 1, (int) Network.FIRST_RESERVED_VNI - 1);
            if (vni != null && name != null) {
                String other = vnis.putIfAbsent(vni, name);
                if (other != null) {
                    error(vniNode, "vni " + vni + " is already the VNI of network '" + other + "' (at " + pos(networkNames.get(other))
                            + ") — each network needs its own VNI");
                    vni = null;
                }
            }
            Node subnetNode = o.required("subnet", label, "a subnet in CIDR notation, e.g. 10.0.1.0/24");
            Subnet subnet = null;
            String s = subnetNode == null ? null : scalar(subnetNode, "subnet", "a subnet in CIDR notation, e.g. 10.0.1.0/24");
            if (s != null) {
                try {
                    subnet = Subnet.parse(s);
                    if (!subnet.hasHostAddresses()) {
                        error(subnetNode, "subnet " + subnet + " has no room for hosts — use a prefix of /30 or shorter, e.g. /24");
                        subnet = null;
                    }
                } catch (IllegalArgumentException e) {
                    error(subnetNode, e.getMessage());
                }
            }
            if (name != null && vni != null && subnet != null) {
                NetworkSpec spec = new NetworkSpec(name, Vni.of(vni), subnet);
                networks.put(name, spec);
                out.add(spec);
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- VMs

    /** Who holds an address: {@code web1.eth0}, or an appliance. */
    private record Owner(String label, Node node) {
    }

    /** A VM as read, before MACs are generated; fields are null where the file was wrong. */
    private static final class VmDraft {
        final String name;
        String host;
        Node hostNode;
        Integer vcpus;
        Long memory;
        final List<NicDraft> nics = new ArrayList<>();
        boolean complete = true;

        VmDraft(String name) {
            this.name = name;
        }
    }

    /** A VM NIC as read. */
    private static final class NicDraft {
        final String name;
        final Node node;
        String network;
        NicAttachment.Model model;
        Ipv4Address ip;
        boolean ipGiven;
        MacAddress mac;
        Impairment impairment = Impairment.NONE;
        boolean complete = true;

        NicDraft(String name, Node node) {
            this.name = name;
            this.node = node;
        }
    }

    private void readVms(Node n) {
        Map<String, Integer> vfsUsed = new HashMap<>();
        for (Node item : section(n, "vms", "a list of VMs")) {
            CheckedMapping o = mapping(item, "a vm");
            if (o == null) {
                continue;
            }
            int before = errors.size();
            o.checkKeys(VM_KEYS, "a vm");
            String name = name(o, "vm");
            if (name != null && !register(vmNames, name, o.get("name"), "vm", "VMs")) {
                name = null;
            }
            String label = name != null ? "vm '" + name + "'" : "a vm";
            VmDraft vm = new VmDraft(name);
            vm.hostNode = o.required("host", label, "the name of a host");
            String host = vm.hostNode == null ? null : scalar(vm.hostNode, "host", "the name of a host");
            if (host != null && unknownHost(host)) {
                error(vm.hostNode, label + " is on host '" + host + "', which is not defined"
                        + Suggest.hint(host, hostNames.keySet(), "host", "hosts"));
                host = null;
            }
            vm.host = host;
            vm.vcpus = o.has("vcpus") ? integer(o.get("vcpus"), "vcpus", 1, VmSpec.MAX_VCPUS) : (Integer) VmSpec.DEFAULT_VCPUS;
            vm.memory = o.has("memory") ? memory(o.get("memory")) : (Long) VmSpec.DEFAULT_MEMORY;
            List<Node> nics = listOrEmpty(o.get("nics"), "nics", "a list of NICs");
            for (int i = 0; i < nics.size(); i++) {
                NicDraft nic = readVmNic(nics.get(i), name, "eth" + i);
                if (nic == null) {
                    vm.complete = false;
                    continue;
                }
                vm.nics.add(nic);
                if (nic.model == NicAttachment.Model.SRIOV_VF && host != null && hostNics.containsKey(host)) {
                    checkVf(nic, name, host, vfsUsed);
                }
            }
            vm.complete &= errors.size() == before;
            if (name != null) {
                vms.put(name, vm);
            }
        }
    }

    private Long memory(Node n) {
        String s = scalar(n, "memory", "a size such as 256MiB");
        if (s == null) {
            return null;
        }
        try {
            long bytes = Units.size("memory", s);
            if (bytes < MIN_MEMORY || bytes > MAX_MEMORY) {
                error(n, "memory " + s + " is out of range — give a VM between " + Units.formatSize(MIN_MEMORY)
                        + " and " + Units.formatSize(MAX_MEMORY));
                return null;
            }
            if (bytes % VmSpec.PAGE_SIZE != 0) {
                error(n, "memory " + s + " is not a whole number of 4KiB pages — round it, e.g. to "
                        + Units.formatSize((bytes + VmSpec.PAGE_SIZE - 1) / VmSpec.PAGE_SIZE * VmSpec.PAGE_SIZE));
                return null;
            }
            return bytes;
        } catch (IllegalArgumentException e) {
            error(n, e.getMessage());
            return null;
        }
    }

    private NicDraft readVmNic(Node item, String vm, String nicName) {
        String label = vm != null ? vm + "." + nicName : nicName;
        CheckedMapping o = mapping(item, "a NIC");
        if (o == null) {
            return null;
        }
        o.checkKeys(VM_NIC_KEYS, "a vm's NIC");
        NicDraft nic = new NicDraft(nicName, item);
        int before = errors.size();
        Node netNode = o.required("network", label, "the name of a network");
        String net = netNode == null ? null : scalar(netNode, "network", "the name of a network");
        if (net != null && unknownNetwork(net)) {
            error(netNode, label + " is on network '" + net + "', which is not defined"
                    + Suggest.hint(net, networkNames.keySet(), "network", "networks"));
            net = null;
        }
        nic.network = net;
        nic.model = o.has("model")
                ? choice(o.get("model"), "model", NicAttachment.Model.values(), NicAttachment.Model::yamlName)
                : NicAttachment.Model.VIRTIO;
        if (o.has("ip")) {
            nic.ipGiven = true;
            nic.ip = ipInNetwork(o.get("ip"), "ip", net, label);
            if (nic.ip != null && net != null) {
                claimIp(net, "ip", nic.ip, new Owner(label, o.get("ip")));
            }
        }
        if (o.has("mac")) {
            Node macNode = o.get("mac");
            String s = scalar(macNode, "mac", "a MAC address such as 02:00:00:00:00:01");
            if (s != null) {
                try {
                    MacAddress mac = MacAddress.of(s);
                    if (mac.isMulticast()) {
                        error(macNode, "mac " + s + " is a multicast address (the lowest bit of its first octet is set) — a NIC needs a unicast one, e.g. 02"
                                + s.substring(Math.min(2, s.length())));
                    } else if (mac.equals(MacAddress.ZERO)) {
                        error(macNode, "mac 00:00:00:00:00:00 is not a usable address — leave 'mac' out to get one generated");
                    } else {
                        nic.mac = mac;
                        if (net != null) {
                            Owner other = macsByNetwork.computeIfAbsent(net, k -> new HashMap<>()).putIfAbsent(mac, new Owner(label, macNode));
                            if (other != null) {
                                error(macNode, "mac " + mac + " is already used by " + other.label() + " (at " + pos(other.node())
                                        + ") on network '" + net + "' — every NIC on a network needs its own MAC");
                            }
                        }
                    }
                } catch (IllegalArgumentException e) {
                    error(macNode, "mac '" + s + "' is not a MAC address — write six hex octets separated by ':', e.g. 02:00:00:00:00:01");
                }
            }
        }
        if (o.has("impair")) {
            CheckedMapping io = mapping(o.get("impair"), "impair");
            if (io != null) {
                io.checkKeys(IMPAIR_KEYS, "impair");
                Impairment imp = impairment(io);
                nic.impairment = imp != null ? imp : Impairment.NONE;
            }
        }
        nic.complete = errors.size() == before;
        return nic;
    }

    /** Reads an IPv4 address that must lie in network {@code net}'s subnet (if the network is known). */
    private Ipv4Address ipInNetwork(Node n, String key, String net, String label) {
        return inNetwork(n, key, ipv4(n, key), net, label);
    }

    /** Checks that {@code ip}, read at {@code n}, is a host address of network {@code net} (if the network is known). */
    private Ipv4Address inNetwork(Node n, String key, Ipv4Address ip, String net, String label) {
        if (ip == null || net == null || !networks.containsKey(net)) {
            return ip;
        }
        Subnet subnet = networks.get(net).subnet();
        if (!subnet.contains(ip)) {
            error(n, key + " " + ip + " of " + label + " is outside network '" + net + "' (" + subnet + ")"
                    + " — use an address in " + subnet);
            return null;
        }
        String range = Ipv4Address.of(subnet.network().bits() + 1) + ".." + Ipv4Address.of(subnet.broadcast().bits() - 1);
        if (ip.equals(subnet.network())) {
            error(n, key + " " + ip + " of " + label + " is the network address of '" + net + "' (" + subnet
                    + "), which no host may use — pick one of " + range);
            return null;
        }
        if (ip.equals(subnet.broadcast())) {
            error(n, key + " " + ip + " of " + label + " is the broadcast address of '" + net + "' (" + subnet
                    + "), which no host may use — pick one of " + range);
            return null;
        }
        return ip;
    }

    private void claimIp(String net, String key, Ipv4Address ip, Owner owner) {
        Owner other = ipsByNetwork.computeIfAbsent(net, k -> new HashMap<>()).putIfAbsent(ip, owner);
        if (other != null) {
            error(owner.node(), key + " " + ip + " is already used by " + other.label() + " (at " + pos(other.node())
                    + ") on network '" + net + "' — every address on a network must be unique");
        }
    }

    private void checkVf(NicDraft nic, String vm, String host, Map<String, Integer> vfsUsed) {
        HostSpec.NicSpec hostNic = hostNics.get(host);
        String label = vm != null ? vm + "." + nic.name : nic.name;
        Node at = modelNode(nic);
        if (!hostNic.isSriov()) {
            error(at, label + " is an sriov-vf NIC, but host '" + host + "' has no SR-IOV NIC — give " + host
                    + " 'nic: { model: sriov }' or use model virtio");
            return;
        }
        int used = vfsUsed.merge(host, 1, Integer::sum);
        if (used > hostNic.vfs()) {
            error(at, label + " needs a VF on host '" + host + "', but its NIC has only " + hostNic.vfs()
                    + " VF" + (hostNic.vfs() == 1 ? "" : "s") + " enabled (vfs: " + hostNic.vfs() + ") and " + (used - 1)
                    + " sriov-vf NIC" + (used - 1 == 1 ? "" : "s") + " before this one took them — raise vfs (at most "
                    + hostNic.totalVfs() + ", the NIC's total-vfs) or use model virtio");
        }
    }

    private static Node modelNode(NicDraft nic) {
        if (nic.node instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals("model")) {
                    return t.getValueNode();
                }
            }
        }
        return nic.node;
    }

    /** After the appliances: a NIC without an address needs a DHCP server on its network. */
    private void checkDhcp() {
        for (VmDraft vm : vms.values()) {
            for (NicDraft nic : vm.nics) {
                if (!nic.ipGiven && nic.network != null && !dhcpNetworks.contains(nic.network)) {
                    error(nic.node, vm.name + "." + nic.name + " has no ip and no dhcp appliance serves network '"
                            + nic.network + "' — give it an ip" + freeAddressHint(nic.network));
                }
            }
        }
    }

    private String freeAddressHint(String net) {
        NetworkSpec spec = networks.get(net);
        if (spec == null) {
            return "";
        }
        Map<Ipv4Address, Owner> used = ipsByNetwork.getOrDefault(net, Map.of());
        int first = spec.subnet().network().bits() + 1;
        int last = spec.subnet().broadcast().bits() - 1;
        for (int a = first; Integer.compareUnsigned(a, last) <= 0 && a - first < 4096; a++) {
            if (!used.containsKey(Ipv4Address.of(a))) {
                return ", e.g. " + Ipv4Address.of(a);
            }
        }
        return "";
    }

    /** Generates the missing MACs, now that every MAC written in the file is known, and builds the VMs. */
    private List<VmSpec> finishVms() {
        Set<MacAddress> taken = new HashSet<>();
        macsByNetwork.values().forEach(m -> taken.addAll(m.keySet()));
        List<VmSpec> out = new ArrayList<>();
        for (String name : vmNames.keySet()) {
            VmDraft vm = vms.get(name);
            if (vm == null || !vm.complete) {
                continue;
            }
            List<NicAttachment> nics = new ArrayList<>();
            for (int i = 0; i < vm.nics.size(); i++) {
                NicDraft d = vm.nics.get(i);
                MacAddress mac = d.mac;
                boolean generated = mac == null;
                for (int attempt = 0; mac == null; attempt++) {
                    MacAddress candidate = NicAttachment.generatedMac(name, i, attempt);
                    if (taken.add(candidate)) {
                        mac = candidate;
                    }
                }
                nics.add(new NicAttachment(d.name, d.network, d.model, Optional.ofNullable(d.ip), mac, generated, d.impairment));
            }
            out.add(new VmSpec(name, vm.host, vm.vcpus, vm.memory, nics));
        }
        return out;
    }

    // ---------------------------------------------------------------- appliances

    private List<ApplianceSpec> readAppliances(Node n) {
        List<ApplianceSpec> out = new ArrayList<>();
        for (Node item : section(n, "appliances", "a list of appliances")) {
            CheckedMapping o = mapping(item, "an appliance");
            if (o == null) {
                continue;
            }
            int before = errors.size();
            String name = name(o, "appliance");
            if (name != null && !register(applianceNames, name, o.get("name"), "appliance", "appliances")) {
                name = null;
            }
            if (name != null && vmNames.containsKey(name)) {
                error(o.get("name"), "appliance '" + name + "' has the same name as vm '" + name + "' (at " + pos(vmNames.get(name))
                        + ") — traffic and captures could not tell them apart; rename one");
                name = null;
            }
            String label = name != null ? "appliance '" + name + "'" : "an appliance";
            ApplianceSpec.Kind kind = o.has("kind")
                    ? choice(o.get("kind"), "kind", ApplianceSpec.Kind.values(), ApplianceSpec.Kind::yamlName) : null;
            if (kind == null) {
                // Without a kind we cannot tell which keys belong; check against all of them.
                List<String> all = new ArrayList<>(APPLIANCE_KEYS);
                KIND_KEYS.values().forEach(l -> l.stream().filter(k -> !all.contains(k)).forEach(all::add));
                o.checkKeys(all, "an appliance");
                o.required("kind", label, "one of firewall, nat, load-balancer, router, dhcp");
                continue;
            }
            checkApplianceKeys(o, kind);
            if (name != null) {
                applianceKinds.put(name, kind);
            }
            Optional<String> host = Optional.empty();
            if (o.has("host")) {
                String h = scalar(o.get("host"), "host", "the name of a host");
                if (h != null && unknownHost(h)) {
                    error(o.get("host"), label + " is on host '" + h + "', which is not defined"
                            + Suggest.hint(h, hostNames.keySet(), "host", "hosts"));
                } else if (h != null) {
                    host = Optional.of(h);
                }
            }
            ApplianceSpec.Config config = switch (kind) {
                case FIREWALL -> firewall(o, label);
                case NAT -> nat(o, label);
                case LOAD_BALANCER -> loadBalancer(o, label, name);
                case ROUTER -> router(o, label);
                case DHCP -> dhcp(o, label, name);
            };
            if (name != null && config != null && errors.size() == before) {
                out.add(new ApplianceSpec(name, host, config));
            }
        }
        return out;
    }

    private void checkApplianceKeys(CheckedMapping o, ApplianceSpec.Kind kind) {
        List<String> valid = new ArrayList<>(APPLIANCE_KEYS);
        valid.addAll(KIND_KEYS.get(kind));
        for (Map.Entry<String, Node> e : o.keys.entrySet()) {
            String key = e.getKey();
            if (valid.contains(key)) {
                continue;
            }
            Optional<ApplianceSpec.Kind> owner = KIND_KEYS.entrySet().stream()
                    .filter(k -> k.getValue().contains(key)).map(Map.Entry::getKey).sorted().findFirst();
            Optional<String> near = Suggest.closest(key, valid);
            near.ifPresent(o.misspelled::add);
            if (near.isPresent()) {
                error(e.getValue(), "unknown key '" + key + "' — did you mean '" + near.get() + "'?");
            } else if (owner.isPresent()) {
                error(e.getValue(), "key '" + key + "' belongs to a " + owner.get().yamlName() + ", not a " + kind.yamlName()
                        + " — a " + kind.yamlName() + "'s keys are " + String.join(", ", valid));
            } else {
                error(e.getValue(), "unknown key '" + key + "' in a " + kind.yamlName() + " — its keys are " + String.join(", ", valid));
            }
        }
    }

    private ApplianceSpec.Firewall firewall(CheckedMapping o, String label) {
        Node rulesNode = o.required("rules", label, "a list of rules such as { allow: udp, from: web, to: db, port: 5432 }");
        if (rulesNode == null) {
            return null;
        }
        List<ApplianceSpec.FirewallRule> rules = new ArrayList<>();
        boolean ok = true;
        for (Node item : listOrEmpty(rulesNode, "rules", "a list of rules")) {
            ApplianceSpec.FirewallRule r = rule(item);
            ok &= r != null;
            if (r != null) {
                rules.add(r);
            }
        }
        return ok ? new ApplianceSpec.Firewall(rules) : null;
    }

    private ApplianceSpec.FirewallRule rule(Node item) {
        CheckedMapping o = mapping(item, "a firewall rule");
        if (o == null) {
            return null;
        }
        int before = errors.size();
        o.checkKeys(RULE_KEYS, "a firewall rule");
        if (!o.has("allow") && !o.has("deny") && (o.misspelled.contains("allow") || o.misspelled.contains("deny"))) {
            return null; // the misspelling was reported
        }
        if (o.has("allow") == o.has("deny")) {
            error(o.has("deny") ? o.key("deny") : o.node, "a firewall rule needs exactly one of 'allow' or 'deny', whose value is the protocol,"
                    + " e.g. { allow: udp, port: 53 } or { deny: any }");
            return null;
        }
        ApplianceSpec.FirewallRule.Action action = o.has("allow") ? ApplianceSpec.FirewallRule.Action.ALLOW : ApplianceSpec.FirewallRule.Action.DENY;
        String actionKey = o.has("allow") ? "allow" : "deny";
        ApplianceSpec.Protocol proto = choice(o.get(actionKey), actionKey, ApplianceSpec.Protocol.values(), ApplianceSpec.Protocol::yamlName);
        Optional<String> from = ruleNetwork(o, "from");
        Optional<String> to = ruleNetwork(o, "to");
        Optional<Integer> port = Optional.empty();
        if (o.has("port")) {
            if (proto != null && proto != ApplianceSpec.Protocol.TCP && proto != ApplianceSpec.Protocol.UDP) {
                error(o.key("port"), "a port applies only to tcp or udp, not " + proto.yamlName() + " — remove 'port' or write "
                        + actionKey + ": udp (or tcp)");
            } else {
                Integer p = integer(o.get("port"), "port", 1, 65535);
                port = Optional.ofNullable(p);
            }
        }
        if (errors.size() != before || proto == null) {
            return null;
        }
        return new ApplianceSpec.FirewallRule(action, proto, from, to, port);
    }

    private Optional<String> ruleNetwork(CheckedMapping o, String key) {
        if (!o.has(key)) {
            return Optional.empty();
        }
        String net = scalar(o.get(key), key, "a network's name or 'any'");
        if (net == null || net.equals("any")) {
            return Optional.empty();
        }
        if (unknownNetwork(net)) {
            error(o.get(key), "firewall rule: " + key + " network '" + net + "' is not defined"
                    + Suggest.hint(net, withAny(networkNames.keySet()), "network", "networks"));
            return Optional.empty();
        }
        return Optional.of(net);
    }

    private static Collection<String> withAny(Collection<String> names) {
        List<String> l = new ArrayList<>(names);
        l.add("any");
        return l;
    }

    private ApplianceSpec.Nat nat(CheckedMapping o, String label) {
        String inside = networkRef(o, "inside", label);
        String outside = networkRef(o, "outside", label);
        Optional<Ipv4Address> address = Optional.empty();
        if (o.has("address")) {
            Ipv4Address a = ipInNetwork(o.get("address"), "address", outside, label);
            if (a != null && outside != null) {
                claimIp(outside, "address", a, new Owner(label, o.get("address")));
            }
            address = Optional.ofNullable(a);
        }
        if (inside != null && inside.equals(outside)) {
            error(o.get("outside"), label + " has the same network '" + inside + "' inside and outside — NAT translates between two networks");
            return null;
        }
        return inside == null || outside == null ? null : new ApplianceSpec.Nat(inside, outside, address);
    }

    private ApplianceSpec.LoadBalancer loadBalancer(CheckedMapping o, String label, String name) {
        Node vipNode = o.required("vip", label, "the virtual address and port, e.g. 10.0.1.100:80");
        Ipv4Address vip = null;
        Integer port = null;
        String s = vipNode == null ? null : scalar(vipNode, "vip", "an address and a port, e.g. 10.0.1.100:80");
        if (s != null) {
            int colon = s.lastIndexOf(':');
            if (colon < 0) {
                error(vipNode, "vip '" + s + "' has no port — write address:port, e.g. " + s + ":80");
            } else {
                try {
                    vip = Ipv4Address.of(s.substring(0, colon));
                } catch (IllegalArgumentException e) {
                    error(vipNode, "vip '" + s + "': '" + s.substring(0, colon) + "' is not an IPv4 address — write address:port, e.g. 10.0.1.100:80");
                }
                String p = s.substring(colon + 1);
                int v = p.matches("\\d{1,5}") ? Integer.parseInt(p) : -1;
                if (vip != null && (v < 1 || v > 65535)) {
                    error(vipNode, "vip '" + s + "': the port must be 1..65535, not '" + p + "'");
                    vip = null;
                } else {
                    port = v;
                }
            }
        }
        String net = null;
        if (o.has("network")) {
            net = networkRef(o, "network", label);
            if (net != null && vip != null) {
                vip = inNetwork(vipNode, "vip", vip, net, label);
            }
        } else if (vip != null && !brokenSections.contains("networks")) {
            Ipv4Address v = vip;
            List<String> in = networks.values().stream().filter(ns -> ns.subnet().contains(v)).map(NetworkSpec::name).sorted().toList();
            if (in.isEmpty()) {
                error(vipNode, "vip " + vip + " of " + label + " is in no network's subnet — use an address of the network its clients are on");
                vip = null;
            } else if (in.size() > 1) {
                error(vipNode, "vip " + vip + " of " + label + " lies in the subnets of " + String.join(", ", in)
                        + " — say which with 'network'");
                vip = null;
            } else {
                net = in.get(0);
                vip = inNetwork(vipNode, "vip", vip, net, label);
            }
        }
        if (vip != null && net != null) {
            claimIp(net, "vip", vip, new Owner(label, vipNode));
            if (name != null) {
                vips.put(name, vip);
            }
        }
        Node backendsNode = o.required("backends", label, "a list of VM names");
        List<String> backends = new ArrayList<>();
        if (backendsNode != null) {
            List<Node> items = list(backendsNode, "backends", "a list of VM names");
            if (items != null && items.isEmpty()) {
                error(backendsNode, "backends of " + label + " is empty — list the VMs that serve the VIP");
            }
            Set<String> seen = new HashSet<>();
            for (Node b : items == null ? List.<Node>of() : items) {
                String vm = vmRef(b, "backend", label + " has backend");
                if (vm == null) {
                    continue;
                }
                if (!seen.add(vm)) {
                    error(b, "backend '" + vm + "' is listed twice in " + label);
                    continue;
                }
                VmDraft d = vms.get(vm);
                String vipNet = net;
                if (vipNet != null && d != null && d.complete && d.nics.stream().noneMatch(nic -> vipNet.equals(nic.network))) {
                    error(b, "backend '" + vm + "' has no NIC on network '" + net + "', where the vip of " + label
                            + " lives — give it one, or choose another backend");
                    continue;
                }
                backends.add(vm);
            }
        }
        return vip == null || port == null || net == null || backends.isEmpty() ? null
                : new ApplianceSpec.LoadBalancer(vip, port, net, backends);
    }

    private ApplianceSpec.Router router(CheckedMapping o, String label) {
        Node netsNode = o.required("networks", label, "a list of the networks it routes between");
        if (netsNode == null) {
            return null;
        }
        List<Node> items = list(netsNode, "networks", "a list of network names");
        if (items == null) {
            return null;
        }
        List<String> nets = new ArrayList<>();
        for (Node item : items) {
            String net = scalar(item, "network", "a network's name");
            if (net == null) {
                continue;
            }
            if (unknownNetwork(net)) {
                error(item, label + " routes network '" + net + "', which is not defined"
                        + Suggest.hint(net, networkNames.keySet(), "network", "networks"));
            } else if (nets.contains(net)) {
                error(item, "network '" + net + "' is listed twice in " + label);
            } else {
                nets.add(net);
            }
        }
        if (nets.size() < 2 && nets.size() == items.size()) {
            error(netsNode, label + (nets.isEmpty() ? " routes no network" : " routes only network '" + nets.get(0) + "'")
                    + " — a router joins at least two networks");
            return null;
        }
        return nets.size() == items.size() ? new ApplianceSpec.Router(nets) : null;
    }

    private ApplianceSpec.Dhcp dhcp(CheckedMapping o, String label, String name) {
        String net = networkRef(o, "network", label);
        if (net == null) {
            return null;
        }
        dhcpNetworks.add(net);
        NetworkSpec spec = networks.get(net);
        if (spec == null) {
            return null;
        }
        Subnet subnet = spec.subnet();
        if (!o.has("range")) {
            // The upper half of the subnet, short of the broadcast address.
            int size = 1 << (32 - subnet.prefixLength());
            return new ApplianceSpec.Dhcp(net, Ipv4Address.of(subnet.network().bits() + size / 2), Ipv4Address.of(subnet.broadcast().bits() - 1));
        }
        Node rangeNode = o.get("range");
        String s = scalar(rangeNode, "range", "a pool of addresses such as 10.0.1.100-10.0.1.199");
        if (s == null) {
            return null;
        }
        String[] parts = s.split("-", -1);
        if (parts.length != 2) {
            error(rangeNode, "range '" + s + "' is not first-last — write two addresses joined by '-', e.g. 10.0.1.100-10.0.1.199");
            return null;
        }
        Ipv4Address first;
        Ipv4Address last;
        try {
            first = Ipv4Address.of(parts[0].strip());
            last = Ipv4Address.of(parts[1].strip());
        } catch (IllegalArgumentException e) {
            error(rangeNode, "range '" + s + "' " + e.getMessage().replaceFirst(": '.*'$", "") + " — write two addresses joined by '-', e.g. 10.0.1.100-10.0.1.199");
            return null;
        }
        if (!subnet.contains(first) || !subnet.contains(last) || first.equals(subnet.network()) || last.equals(subnet.broadcast())) {
            error(rangeNode, "range " + s + " of " + label + " does not lie within the host addresses of network '" + net + "' (" + subnet + ")");
            return null;
        }
        if (first.compareTo(last) > 0) {
            error(rangeNode, "range " + s + " runs backwards — write the lower address first");
            return null;
        }
        return new ApplianceSpec.Dhcp(net, first, last);
    }

    /** Reads a required key naming a defined network. */
    private String networkRef(CheckedMapping o, String key, String label) {
        Node n = o.required(key, label, "the name of a network");
        String net = n == null ? null : scalar(n, key, "the name of a network");
        if (net != null && unknownNetwork(net)) {
            error(n, label + ": " + key + " network '" + net + "' is not defined"
                    + Suggest.hint(net, networkNames.keySet(), "network", "networks"));
            return null;
        }
        return net;
    }

    /** Reads a VM's name that must be defined. */
    private String vmRef(Node n, String key, String what) {
        String vm = scalar(n, key, "the name of a VM");
        return vm == null ? null : checkVm(n, vm, what);
    }

    /**
     * Checks that {@code vm}, read at {@code n}, is a defined VM.
     *
     * @param what the start of the error's sentence, which goes on with the name, e.g. "ping is sent to"
     */
    private String checkVm(Node n, String vm, String what) {
        if (unknownVm(vm)) {
            String also = applianceNames.containsKey(vm) ? " (it is an appliance)" : "";
            error(n, what + " '" + vm + "', which is not a defined VM" + also + Suggest.hint(vm, vmNames.keySet(), "VM", "VMs"));
            return null;
        }
        return vm;
    }

    // ---------------------------------------------------------------- chains

    private List<ChainSpec> readChains(Node n) {
        List<ChainSpec> out = new ArrayList<>();
        for (Node item : section(n, "chains", "a list of chains")) {
            CheckedMapping o = mapping(item, "a chain");
            if (o == null) {
                continue;
            }
            int before = errors.size();
            o.checkKeys(CHAIN_KEYS, "a chain");
            String name = name(o, "chain");
            if (name != null && !register(chainNames, name, o.get("name"), "chain", "chains")) {
                name = null;
            }
            String label = name != null ? "chain '" + name + "'" : "a chain";
            String from = networkRef(o, "from", label);
            String to = networkRef(o, "to", label);
            if (from != null && from.equals(to)) {
                error(o.get("to"), label + " goes from network '" + from + "' to itself — a chain joins two different networks");
            }
            Node throughNode = o.required("through", label, "a list of appliance names");
            List<String> through = new ArrayList<>();
            if (throughNode != null) {
                List<Node> items = list(throughNode, "through", "a list of appliance names");
                if (items != null && items.isEmpty()) {
                    error(throughNode, "through of " + label + " is empty — list the appliances packets visit, in order");
                }
                for (Node a : items == null ? List.<Node>of() : items) {
                    String app = scalar(a, "appliance", "an appliance's name");
                    if (app == null) {
                        continue;
                    }
                    if (unknownAppliance(app)) {
                        String also = vmNames.containsKey(app) ? " ('" + app + "' is a VM)" : "";
                        error(a, label + " goes through appliance '" + app + "', which is not defined" + also
                                + Suggest.hint(app, applianceNames.keySet(), "appliance", "appliances"));
                    } else if (applianceKinds.get(app) == ApplianceSpec.Kind.DHCP) {
                        error(a, label + " goes through '" + app + "', a dhcp appliance — a chain can only go through a firewall, nat, load-balancer or router");
                    } else if (through.contains(app)) {
                        error(a, label + " goes through '" + app + "' twice");
                    } else {
                        through.add(app);
                    }
                }
            }
            if (name != null && errors.size() == before) {
                out.add(new ChainSpec(name, from, to, through));
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- traffic

    private List<TrafficSpec> readTraffic(Node n) {
        List<TrafficSpec> out = new ArrayList<>();
        for (Node item : section(n, "traffic", "a list of traffic entries such as - ping: { from: web1, to: db1 }")) {
            CheckedMapping entry = mapping(item, "a traffic entry (ping, udp or tcp)");
            if (entry == null) {
                continue;
            }
            entry.checkKeys(TRAFFIC_KINDS, "a traffic entry");
            List<String> kinds = entry.keys.keySet().stream().filter(TRAFFIC_KINDS::contains).toList();
            if (entry.keys.isEmpty()) {
                error(item, "a traffic entry is empty — write one of ping, udp or tcp, e.g. - ping: { from: web1, to: db1 }");
                continue;
            }
            if (kinds.size() > 1) {
                error(entry.key(kinds.get(1)), "a traffic entry has both '" + kinds.get(0) + "' and '" + kinds.get(1)
                        + "' — start a new entry with '-' for each");
                continue;
            }
            if (kinds.isEmpty()) {
                continue; // the unknown key was reported
            }
            String kind = kinds.get(0);
            CheckedMapping o = mapping(entry.get(kind), kind);
            if (o == null) {
                continue;
            }
            int before = errors.size();
            o.checkKeys(switch (kind) {
                case "ping" -> PING_KEYS;
                case "udp" -> UDP_KEYS;
                default -> TCP_KEYS;
            }, kind);
            Node fromNode = o.required("from", kind, "the name of the VM that sends");
            String from = fromNode == null ? null : vmRef(fromNode, "from", kind + " is sent from");
            if (from != null && vms.get(from) != null && vms.get(from).complete && vms.get(from).nics.isEmpty()) {
                error(fromNode, kind + " from '" + from + "', which has no NIC to send from");
            }
            Node toNode = o.required("to", kind, "a VM's name or an IPv4 address");
            TrafficSpec.Target to = toNode == null ? null : target(toNode, kind);
            if (to instanceof TrafficSpec.Target.Vm vm) {
                VmDraft d = vms.get(vm.name());
                if (vm.name().equals(from)) {
                    error(toNode, kind + " is sent from '" + from + "' to itself — name another VM");
                } else if (d != null && d.complete && d.nics.isEmpty()) {
                    error(toNode, kind + " is sent to '" + vm.name() + "', which has no NIC to receive it");
                }
            }
            TrafficSpec spec = switch (kind) {
                case "ping" -> {
                    Integer count = o.has("count") ? integer(o.get("count"), "count", 1, 1_000_000) : (Integer) TrafficSpec.Ping.DEFAULT_COUNT;
                    Duration interval = o.has("interval") ? duration(o.get("interval"), "interval") : TrafficSpec.Ping.DEFAULT_INTERVAL;
                    yield errors.size() != before ? null : new TrafficSpec.Ping(from, to, count, interval);
                }
                case "udp" -> {
                    Node portNode = o.required("port", "udp", "the destination port 1..65535");
                    Integer port = portNode == null ? null : integer(portNode, "port", 1, 65535);
                    Rate rate = o.has("rate") ? rate(o.get("rate"), "rate", null) : TrafficSpec.Udp.DEFAULT_RATE;
                    Duration duration = o.has("duration") ? duration(o.get("duration"), "duration") : TrafficSpec.Udp.DEFAULT_DURATION;
                    Integer size = o.has("size") ? integer(o.get("size"), "size", TrafficSpec.Udp.MIN_SIZE, TrafficSpec.Udp.MAX_SIZE) : (Integer) TrafficSpec.Udp.DEFAULT_SIZE;
                    yield errors.size() != before ? null : new TrafficSpec.Udp(from, to, port, rate, duration, size);
                }
                default -> {
                    Node portNode = o.required("port", "tcp", "the destination port 1..65535");
                    Integer port = portNode == null ? null : integer(portNode, "port", 1, 65535);
                    Integer connections = o.has("connections")
                            ? integer(o.get("connections"), "connections", 1, TrafficSpec.Tcp.MAX_CONNECTIONS)
                            : (Integer) TrafficSpec.Tcp.DEFAULT_CONNECTIONS;
                    Integer concurrency = o.has("concurrency")
                            ? integer(o.get("concurrency"), "concurrency", 1, TrafficSpec.Tcp.MAX_CONCURRENCY)
                            : (Integer) (connections == null ? 1 : Math.min(connections, TrafficSpec.Tcp.DEFAULT_MAX_CONCURRENCY));
                    Long bytes = o.has("bytes") ? tcpBytes(o.get("bytes")) : (Long) (long) TrafficSpec.Tcp.DEFAULT_BYTES;
                    yield errors.size() != before ? null
                            : new TrafficSpec.Tcp(from, to, port, connections, concurrency, (int) (long) bytes);
                }
            };
            if (spec != null) {
                out.add(spec);
            }
        }
        return out;
    }

    /** A TCP entry's bytes per connection: a size, 1 B..16 MiB. */
    private Long tcpBytes(Node n) {
        String s = scalar(n, "bytes", "a size such as 64KiB");
        if (s == null) {
            return null;
        }
        try {
            long bytes = Units.size("bytes", s);
            if (bytes < 1 || bytes > TrafficSpec.Tcp.MAX_BYTES) {
                error(n, "bytes " + s + " is out of range — give each connection between 1B and "
                        + Units.formatSize(TrafficSpec.Tcp.MAX_BYTES));
                return null;
            }
            return bytes;
        } catch (IllegalArgumentException e) {
            error(n, e.getMessage());
            return null;
        }
    }

    private TrafficSpec.Target target(Node n, String kind) {
        String s = scalar(n, "to", "a VM's name or an IPv4 address");
        if (s == null) {
            return null;
        }
        if (LOOKS_LIKE_IPV4.matcher(s).matches()) {
            Ipv4Address ip = ipv4(n, "to");
            if (ip == null) {
                return null;
            }
            if (networks.values().stream().noneMatch(ns -> ns.subnet().contains(ip))) {
                error(n, kind + " to " + ip + ", which is in no network's subnet");
                return null;
            }
            return new TrafficSpec.Target.Address(ip);
        }
        if (vips.containsKey(s)) {
            error(n, kind + " is sent to '" + s + "', a load balancer — send it to the VIP instead: to: " + vips.get(s));
            return null;
        }
        String vm = vmRef(n, "to", kind + " is sent to");
        return vm == null ? null : new TrafficSpec.Target.Vm(vm);
    }

    // ---------------------------------------------------------------- captures

    private List<CaptureSpec> readCaptures(Node n) {
        List<CaptureSpec> out = new ArrayList<>();
        Map<String, Node> files = new HashMap<>();
        for (Node item : section(n, "captures", "a list of captures")) {
            CheckedMapping o = mapping(item, "a capture");
            if (o == null) {
                continue;
            }
            int before = errors.size();
            o.checkKeys(CAPTURE_KEYS, "a capture");
            List<CapturePoint> points = new ArrayList<>();
            String pointHelp = "a capture point: " + CapturePoint.SYNTAX;
            if (o.has("port") && o.has("points")) {
                error(o.key("points"), "a capture has 'port' or 'points', not both — put every point in 'points'");
            } else if (o.has("points")) {
                Map<String, Node> seen = new HashMap<>();
                List<Node> items = list(o.get("points"), "points", "a list of capture points, e.g. [web1.eth0, hv1:underlay]");
                if (items != null && items.isEmpty()) {
                    error(o.get("points"), "points is empty — name at least one capture point, e.g. [web1.eth0]");
                }
                for (Node pn : items == null ? List.<Node>of() : items) {
                    String text = scalar(pn, "points", pointHelp);
                    CapturePoint p = text == null ? null : capturePoint(pn, text, "capture point");
                    if (p != null && seen.containsKey(p.name())) {
                        error(pn, "capture point " + p.name() + " is already in this capture at " + pos(seen.get(p.name())));
                    } else if (p != null) {
                        seen.put(p.name(), pn);
                        points.add(p);
                    }
                }
            } else {
                Node portNode = o.required("port", "a capture", "the capture point, e.g. web1.eth0 (or 'points', a list of them)");
                String port = portNode == null ? null : scalar(portNode, "port", pointHelp);
                CapturePoint p = port == null ? null : capturePoint(portNode, port, "capture port");
                if (p != null) {
                    points.add(p);
                }
            }
            Node fileNode = o.required("file", "a capture", "the pcapng file to write, e.g. web1.pcapng");
            String f = fileNode == null ? null : scalar(fileNode, "file", "a file name such as web1.pcapng");
            if (f != null) {
                if (f.isBlank()) {
                    error(fileNode, "file is empty — name the pcapng file to write, e.g. web1.pcapng");
                } else if (files.containsKey(f)) {
                    error(fileNode, "file " + f + " is already written by the capture at " + pos(files.get(f))
                            + " — give each capture its own file, or put the points in one capture's points: [...]");
                } else {
                    files.put(f, fileNode);
                }
            }
            Optional<String> filter = Optional.empty();
            if (o.has("filter")) {
                String expr = scalar(o.get("filter"), "filter", "a BPF expression in tcpdump syntax, e.g. \"icmp or udp\"");
                if (expr != null) {
                    filter = Optional.of(expr);
                    String problem = bpfProblem(expr);
                    if (problem != null) {
                        error(o.get("filter"), problem);
                    }
                }
            }
            Optional<CaptureSpec.Ring> ring = Optional.empty();
            if (o.has("ring")) {
                ring = ring(o.get("ring"));
            }
            if (errors.size() == before && !points.isEmpty()) {
                out.add(new CaptureSpec(points, f, filter, ring));
            }
        }
        return out;
    }

    /**
     * Reads capture point {@code text} (at {@code n}); null after reporting why it is not one. A
     * vNIC's point keeps the messages of the {@code port: vm.nic} form; the rest are
     * {@link CapturePoint#problem}'s.
     */
    private CapturePoint capturePoint(Node n, String text, String what) {
        CapturePoint p;
        try {
            p = CapturePoint.parse(text);
        } catch (IllegalArgumentException e) {
            error(n, e.getMessage() + " — e.g. web1.eth0");
            return null;
        }
        if (p instanceof CapturePoint.Vnic v && !applianceNames.containsKey(v.owner()) && !hostNames.containsKey(v.owner())) {
            if (checkVm(n, v.owner(), what + " '" + text + "' names vm") == null) {
                return null;
            }
            VmDraft d = vms.get(v.owner());
            if (d != null && d.complete && d.nics.stream().noneMatch(x -> x.name.equals(v.nic()))) {
                String have = d.nics.isEmpty() ? "it has no NICs" : "its NICs are "
                        + d.nics.stream().map(x -> x.name).collect(Collectors.joining(", "));
                error(n, what + " '" + text + "': vm '" + v.owner() + "' has no NIC '" + v.nic() + "' — " + have
                        + (NIC_NAME.matcher(v.nic()).matches() ? "" : " (NICs are named eth0, eth1, ... in the order of 'nics')"));
                return null;
            }
            return p;
        }
        if (brokenSections.contains("hosts") || p instanceof CapturePoint.Vnic && brokenSections.contains("appliances")) {
            return p;
        }
        Map<String, List<String>> vnics = new LinkedHashMap<>();
        vms.forEach((name, d) -> vnics.put(name, d.nics.stream().map(x -> x.name).toList()));
        Map<String, Boolean> hosts = new LinkedHashMap<>();
        hostNames.keySet().forEach(h -> hosts.put(h, hostNics.containsKey(h) && hostNics.get(h).isSriov()));
        String problem = CapturePoint.problem(p, new CapturePoint.Inventory(vnics, hosts, applianceNames.keySet()));
        if (problem != null) {
            error(n, problem);
            return null;
        }
        return p;
    }

    /** A capture's {@code ring: { files: K, size: SIZE }}; empty after reporting a mistake. */
    private Optional<CaptureSpec.Ring> ring(Node n) {
        CheckedMapping r = mapping(n, "ring");
        if (r == null) {
            return Optional.empty();
        }
        r.checkKeys(RING_KEYS, "ring");
        Node filesNode = r.required("files", "ring", "how many files the ring keeps, e.g. 4");
        Node sizeNode = r.required("size", "ring", "the size at which a new file starts, e.g. 1MiB");
        Integer files = filesNode == null ? null : integer(filesNode, "files", 2, CaptureSpec.Ring.MAX_FILES);
        Long size = null;
        String text = sizeNode == null ? null : scalar(sizeNode, "size", "a size such as 1MiB");
        if (text != null) {
            try {
                size = Units.size("size", text);
                if (size < CaptureSpec.Ring.MIN_SIZE) {
                    error(sizeNode, "size " + text + " is too small for a ring file — give at least "
                            + Units.formatSize(CaptureSpec.Ring.MIN_SIZE));
                    size = null;
                }
            } catch (IllegalArgumentException e) {
                error(sizeNode, e.getMessage());
            }
        }
        return files == null || size == null ? Optional.empty() : Optional.of(new CaptureSpec.Ring(files, size));
    }

    /** libpcap's verdict on a filter, or null if it compiles. */
    private static String bpfProblem(String expr) {
        try (BpfFilter ignored = BpfFilter.compile(expr)) {
            return null;
        } catch (IllegalArgumentException e) {
            String msg = e.getMessage() == null ? "" : e.getMessage();
            String prefix = "bad filter '" + expr + "': ";
            return "filter '" + expr + "' does not compile: " + (msg.startsWith(prefix) ? msg.substring(prefix.length()) : msg)
                    + " — write it in tcpdump syntax, e.g. \"icmp or udp port 53\"";
        } catch (IllegalStateException e) {
            return "filter '" + expr + "' cannot be checked: " + e.getMessage();
        }
    }

    // ---------------------------------------------------------------- links and costs

    private List<LinkSpec> readLinks(Node n) {
        List<LinkSpec> out = new ArrayList<>();
        Map<Set<String>, Node> seen = new HashMap<>();
        for (Node item : section(n, "links", "a list of links such as { between: [hv1, hv2], delay: 1ms }")) {
            CheckedMapping o = mapping(item, "a link");
            if (o == null) {
                continue;
            }
            int before = errors.size();
            o.checkKeys(LINK_KEYS, "a link");
            Node between = o.required("between", "a link", "the two hosts it joins, e.g. [hv1, hv2]");
            List<String> ends = new ArrayList<>();
            if (between != null) {
                List<Node> items = list(between, "between", "a list of two host names");
                if (items != null && items.size() != 2) {
                    error(between, "between lists " + items.size() + " host" + (items.size() == 1 ? "" : "s")
                            + " — a link joins exactly two, e.g. [hv1, hv2]");
                } else if (items != null) {
                    for (Node h : items) {
                        String host = scalar(h, "host", "a host's name");
                        if (host != null && unknownHost(host)) {
                            error(h, "link to host '" + host + "', which is not defined" + Suggest.hint(host, hostNames.keySet(), "host", "hosts"));
                        } else if (host != null) {
                            ends.add(host);
                        }
                    }
                    if (ends.size() == 2 && ends.get(0).equals(ends.get(1))) {
                        error(items.get(1), "a link joins host '" + ends.get(0) + "' to itself — name two different hosts");
                    } else if (ends.size() == 2 && seen.containsKey(Set.copyOf(ends))) {
                        error(between, "the link between " + ends.get(0) + " and " + ends.get(1) + " is already described at "
                                + pos(seen.get(Set.copyOf(ends))));
                    } else if (ends.size() == 2) {
                        seen.put(Set.copyOf(ends), between);
                    }
                }
            }
            Impairment imp = impairment(o);
            if (errors.size() == before && imp != null) {
                out.add(new LinkSpec(ends.get(0), ends.get(1), imp));
            }
        }
        return out;
    }

    /** Reads the delay, jitter, loss and rate keys of {@code o}, whose other keys are checked by the caller. */
    private Impairment impairment(CheckedMapping o) {
        int before = errors.size();
        Duration delay = o.has("delay") ? duration(o.get("delay"), "delay") : Duration.ZERO;
        Duration jitter = o.has("jitter") ? duration(o.get("jitter"), "jitter") : Duration.ZERO;
        Double loss = null;
        if (o.has("loss")) {
            String s = scalar(o.get("loss"), "loss", "a percentage such as 0.5%");
            if (s != null) {
                try {
                    loss = Units.percent("loss", s);
                } catch (IllegalArgumentException e) {
                    error(o.get("loss"), e.getMessage());
                }
            }
        } else {
            loss = 0.0;
        }
        Rate rate = o.has("rate") ? rate(o.get("rate"), "rate", Rate.Unit.BITS) : null;
        if (errors.size() != before || delay == null || jitter == null || loss == null) {
            return null;
        }
        if (jitter.compareTo(delay) > 0) {
            error(o.get("jitter"), "jitter " + o.scalarText("jitter") + " is larger than the delay (" + (o.has("delay") ? o.scalarText("delay") : "0")
                    + ") — a packet cannot arrive before it was sent; raise the delay or lower the jitter");
            return null;
        }
        return new Impairment(delay, jitter, loss, Optional.ofNullable(rate));
    }

    private Map<String, Long> readCosts(Node n) {
        Map<String, Long> out = new TreeMap<>();
        if (n == null) {
            return out;
        }
        CheckedMapping o = mapping(n, "cost-model");
        if (o == null) {
            return out;
        }
        for (Map.Entry<String, Node> e : o.keys.entrySet()) {
            String name = e.getKey();
            if (!COST_NAME.matcher(name).matches()) {
                error(e.getValue(), "cost name '" + name + "' is not a cost model name — names are lower-case words joined by '-', e.g. vmexit-io");
                continue;
            }
            Integer v = integer(o.get(name), name, 0, Integer.MAX_VALUE);
            if (v != null) {
                out.put(name, v.longValue());
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- typed values

    private Duration duration(Node n, String key) {
        String s = scalar(n, key, "a duration such as 2s or 500ms");
        if (s == null) {
            return null;
        }
        try {
            Duration d = Units.duration(key, s);
            if (d.isZero() && (key.equals("duration") || key.equals("interval"))) {
                error(n, key + " " + s + " is zero — give a positive duration, e.g. 2s");
                return null;
            }
            return d;
        } catch (IllegalArgumentException e) {
            error(n, e.getMessage());
            return null;
        }
    }

    /** Reads a rate; {@code only} restricts the unit (null: packets or bits). */
    private Rate rate(Node n, String key, Rate.Unit only) {
        String s = scalar(n, key, "a rate such as 10000pps or 1Gbps");
        if (s == null) {
            return null;
        }
        try {
            Rate r = Units.rate(key, s);
            if (only != null && r.unit() != only) {
                error(n, key + " '" + s + "' is in packets per second, but here it is a bandwidth — write bits per second, e.g. 100Mbps");
                return null;
            }
            return r;
        } catch (IllegalArgumentException e) {
            error(n, e.getMessage());
            return null;
        }
    }

    /** Reads the required {@code name} of an entry and checks its spelling. */
    private String name(CheckedMapping o, String kind) {
        Node n = o.required("name", kind.equals("topology") ? "the topology" : "a " + kind, "a name");
        if (n == null) {
            return null;
        }
        String s = scalar(n, "name", "a name such as " + (kind.equals("vm") ? "web1" : kind.equals("host") ? "hv1" : "web"));
        if (s == null) {
            return null;
        }
        if (!NAME.matcher(s).matches()) {
            error(n, kind + " name '" + printable(s) + "' is not a valid name — names start with a letter and contain only letters, digits, '-' and '_'"
                    + (s.length() > 63 ? " (at most 63 of them)" : ""));
            return null;
        }
        return s;
    }

    /** Registers a name; a second definition is an error at its name. */
    private boolean register(Map<String, Node> names, String name, Node at, String kind, String plural) {
        Node first = names.putIfAbsent(name, at);
        if (first != null) {
            error(at, "there are two " + plural + " named '" + name + "' (the first at " + pos(first) + ") — " + kind + " names must be unique");
            return false;
        }
        return true;
    }

    /** A top-level section's entries; a section that is not a list is reported once and marked broken. */
    private List<Node> section(Node n, String key, String expected) {
        if (n != null && !isNull(n) && !(n instanceof SequenceNode)) {
            brokenSections.add(key);
        }
        return listOrEmpty(n, key, expected);
    }

    private boolean unknownHost(String name) {
        return !hostNames.containsKey(name) && !brokenSections.contains("hosts");
    }

    private boolean unknownNetwork(String name) {
        return !networkNames.containsKey(name) && !brokenSections.contains("networks");
    }

    private boolean unknownVm(String name) {
        return !vmNames.containsKey(name) && !brokenSections.contains("vms");
    }

    private boolean unknownAppliance(String name) {
        return !applianceNames.containsKey(name) && !brokenSections.contains("appliances");
    }

    /** The keys valid anywhere in a file, for documentation tests. */
    static Set<String> allKeys() {
        Set<String> s = new LinkedHashSet<>();
        for (List<String> l : List.of(TOP_KEYS, CONTROLLER_KEYS, HOST_KEYS, HOST_NIC_KEYS, NETWORK_KEYS, VM_KEYS, VM_NIC_KEYS,
                IMPAIR_KEYS, APPLIANCE_KEYS, RULE_KEYS, CHAIN_KEYS, TRAFFIC_KINDS, PING_KEYS, UDP_KEYS, TCP_KEYS,
                CAPTURE_KEYS, RING_KEYS, LINK_KEYS)) {
            s.addAll(l);
        }
        KIND_KEYS.values().forEach(s::addAll);
        return s;
    }
}
