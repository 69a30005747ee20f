package dev.iovirt.platform.topology;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where a capture is taken, as a topology or {@code iovirt capture -p} names it (docs/capture.md):
 * <ul>
 *   <li>{@code VM.NIC} ({@code web1.eth0}): a vNIC where its hypervisor's switch meets it, both
 *       directions, as tcpdump on the VM's tap device; an appliance's NIC is named the same way
 *       ({@code fw1.eth0});
 *   <li>{@code HOST:PORT} ({@code hv1:vxlan-hv2}, {@code hv1:hv1-pf0}): any other port of a
 *       hypervisor's switch as the switch sees it: a tunnel port's frames before encapsulation, the
 *       SR-IOV NIC's uplink;
 *   <li>{@code HOST:underlay} ({@code hv1:underlay}): the VXLAN datagrams (RFC 7348) the host's VTEP
 *       sends and receives, as Ethernet/IPv4/UDP/VXLAN frames, as tcpdump on the hypervisor's
 *       physical NIC would see them.
 * </ul>
 * A VM name has no {@code :} and a host name no {@code .} (names are letters, digits, {@code _} and
 * {@code -}), so the syntax alone tells the kinds apart.
 */
public sealed interface CapturePoint {
    /** The name of the point of a host's switch that carries its VXLAN datagrams. */
    String UNDERLAY = "underlay";

    /** The point as written, also the capture file's interface name ({@code if_name}). */
    String name();

    /** A vNIC of a VM or an appliance: its port on the switch. */
    record Vnic(String owner, String nic) implements CapturePoint {
        @Override
        public String name() {
            return owner + "." + nic;
        }
    }

    /** A port of host {@code host}'s switch other than a vNIC's, by its name on the switch. */
    record SwitchPort(String host, String port) implements CapturePoint {
        @Override
        public String name() {
            return host + ":" + port;
        }
    }

    /** The VXLAN datagrams of host {@code host}'s VTEP, on every tunnel. */
    record Underlay(String host) implements CapturePoint {
        @Override
        public String name() {
            return host + ":" + UNDERLAY;
        }
    }

    /** What a user is told the syntax is. */
    String SYNTAX = "VM.NIC (web1.eth0), HOST:PORT (hv1:vxlan-hv2) or HOST:underlay";

    /**
     * Reads a point's syntax (not whether it exists: {@link #problem} checks that against a topology).
     *
     * @throws IllegalArgumentException with the message for the user if it is none of the three forms
     */
    static CapturePoint parse(String text) {
        int colon = text.indexOf(':');
        if (colon > 0 && colon < text.length() - 1 && text.indexOf(':', colon + 1) < 0) {
            String host = text.substring(0, colon);
            String port = text.substring(colon + 1);
            return port.equals(UNDERLAY) ? new Underlay(host) : new SwitchPort(host, port);
        }
        int dot = text.lastIndexOf('.');
        if (colon < 0 && dot > 0 && dot < text.length() - 1) {
            return new Vnic(text.substring(0, dot), text.substring(dot + 1));
        }
        throw new IllegalArgumentException("capture point '" + text + "' is not " + SYNTAX);
    }

    /** Which points a topology has, by kind, for checks and suggestions. */
    record Inventory(Map<String, List<String>> vnics, Map<String, Boolean> hostsWithSriov, Collection<String> appliances) {
        /** The switch ports of {@code host} that are points (not the vNICs'), e.g. vxlan-hv2, hv1-pf0. */
        public List<String> switchPorts(String host) {
            List<String> ports = new ArrayList<>();
            for (String other : hostsWithSriov.keySet()) {
                if (!other.equals(host)) {
                    ports.add("vxlan-" + other);
                }
            }
            if (Boolean.TRUE.equals(hostsWithSriov.get(host))) {
                ports.add(host + "-pf0");
            }
            return ports;
        }

        /** Every point there is, in the topology's order. */
        public List<String> all() {
            List<String> all = new ArrayList<>();
            vnics.forEach((owner, nics) -> nics.forEach(n -> all.add(owner + "." + n)));
            for (String h : hostsWithSriov.keySet()) {
                switchPorts(h).forEach(p -> all.add(h + ":" + p));
                if (hostsWithSriov.size() > 1) {
                    all.add(h + ":" + UNDERLAY);
                }
            }
            return all;
        }

        /** The inventory of a loaded topology. */
        public static Inventory of(Topology t) {
            Map<String, List<String>> vnics = new java.util.LinkedHashMap<>();
            t.vms().forEach(v -> vnics.put(v.name(), v.nics().stream().map(NicAttachment::name).toList()));
            Map<String, Boolean> hosts = new java.util.LinkedHashMap<>();
            t.hosts().forEach(h -> hosts.put(h.name(), h.nic().isSriov()));
            return new Inventory(vnics, hosts, t.appliances().stream().map(ApplianceSpec::name).toList());
        }
    }

    /** An appliance's NIC names: eth0, eth1, ... (how many it has is the nfv module's business). */
    Pattern APPLIANCE_NIC = Pattern.compile("eth(0|[1-9][0-9]?)");

    /**
     * Why {@code point} is not a point of the topology {@code inv} describes, with a suggestion where
     * one makes sense; null if it is one.
     */
    static String problem(CapturePoint point, Inventory inv) {
        String quoted = "capture point '" + point.name() + "'";
        switch (point) {
            case Vnic v -> {
                if (inv.appliances().contains(v.owner())) {
                    return APPLIANCE_NIC.matcher(v.nic()).matches() ? null
                            : quoted + ": appliance '" + v.owner() + "' has no NIC '" + v.nic() + "' — its NICs are eth0, eth1, ...";
                }
                List<String> nics = inv.vnics().get(v.owner());
                if (nics == null) {
                    List<String> owners = new ArrayList<>(inv.vnics().keySet());
                    owners.addAll(inv.appliances());
                    if (inv.hostsWithSriov().containsKey(v.owner())) {
                        return quoted + " names host '" + v.owner() + "' — a port of a host's switch is HOST:PORT, e.g. "
                                + v.owner() + ":" + (inv.switchPorts(v.owner()).isEmpty() ? UNDERLAY : inv.switchPorts(v.owner()).get(0));
                    }
                    return quoted + " names '" + v.owner() + "', which is not a defined VM or appliance"
                            + Suggest.hint(v.owner(), owners, "VM", "VMs and appliances");
                }
                if (!nics.contains(v.nic())) {
                    return quoted + ": vm '" + v.owner() + "' has no NIC '" + v.nic() + "' — "
                            + (nics.isEmpty() ? "it has no NICs" : "its NICs are " + String.join(", ", nics));
                }
                return null;
            }
            case SwitchPort s -> {
                String host = hostProblem(quoted, s.host(), inv);
                if (host != null) {
                    return host;
                }
                List<String> ports = inv.switchPorts(s.host());
                if (ports.contains(s.port())) {
                    return null;
                }
                if (inv.vnics().containsKey(s.port().contains(".") ? s.port().substring(0, s.port().lastIndexOf('.')) : "")) {
                    return quoted + " is a vNIC's port — capture it as " + s.port();
                }
                List<String> candidates = new ArrayList<>(ports);
                if (inv.hostsWithSriov().size() > 1) {
                    candidates.add(UNDERLAY);
                }
                String near = Suggest.closest(s.port(), candidates).map(c -> " — did you mean '" + s.host() + ":" + c + "'?")
                        .orElse(candidates.isEmpty() ? " — its switch has only vNIC ports (capture them as VM.NIC)"
                                : " — its points are " + String.join(", ", candidates.stream().map(c -> s.host() + ":" + c).toList())
                                        + " and its vNICs as VM.NIC");
                return quoted + ": host '" + s.host() + "' has no switch port '" + s.port() + "'" + near;
            }
            case Underlay u -> {
                String host = hostProblem(quoted, u.host(), inv);
                if (host != null) {
                    return host;
                }
                return inv.hostsWithSriov().size() > 1 ? null
                        : quoted + ": with one host there is no underlay (no VXLAN tunnel) — capture a vNIC instead";
            }
        }
    }

    private static String hostProblem(String quoted, String host, Inventory inv) {
        if (inv.hostsWithSriov().containsKey(host)) {
            return null;
        }
        return quoted + " names host '" + host + "', which is not defined" + Suggest.hint(host, inv.hostsWithSriov().keySet(), "host", "hosts");
    }

    /** As {@link #problem(CapturePoint, Inventory)} for a point as written, syntax included. */
    static String problem(String point, Inventory inv) {
        try {
            return problem(parse(point), inv);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }
}
