package dev.iovirt.platform.run;

import dev.iovirt.openflow.DatapathId;
import dev.iovirt.packet.FramePort;
import dev.iovirt.packet.PortCounters;
import dev.iovirt.platform.capture.CaptureFile;
import dev.iovirt.platform.capture.UnderlayFrame;
import dev.iovirt.vswitch.agent.AgentConfig;
import dev.iovirt.vswitch.agent.AgentListener;
import dev.iovirt.vswitch.agent.SwitchAgent;
import dev.iovirt.vswitch.ofproto.Bridge;
import dev.iovirt.vswitch.tunnel.VxlanEndpoint;
import dev.iovirt.vswitch.tunnel.VxlanPort;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/**
 * One hypervisor's virtual switch in a run: its OpenFlow bridge and, when the topology has other
 * hypervisors, its VTEP (a real VXLAN endpoint, RFC 7348, on a loopback address of its own: the
 * underlay is this machine's loopback interface) with a tunnel port to each other hypervisor.
 * Tunnel ports carry each frame's tunnel id as its VNI (OVS's {@code key=flow}).
 */
final class HypervisorSwitch implements AutoCloseable {
    /** The underlay: hypervisor i's VTEP binds 127.0.0.(UNDERLAY_BASE + i), a free UDP port. */
    static final int UNDERLAY_BASE = 11;

    private final String host;
    private final Bridge bridge;
    private final SwitchAgent agent;
    private final String underlayAddress;
    private VxlanEndpoint vtep;
    private final Map<String, VxlanPort> tunnels = new LinkedHashMap<>();
    private final Map<String, Integer> tunnelPorts = new LinkedHashMap<>();

    HypervisorSwitch(String host, int index, LongSupplier clock) {
        this.host = host;
        this.bridge = new Bridge("br-" + host, DatapathId.of(index + 1), clock);
        // Step mode: the run's step driver drives the bridge through the agent, which keeps its
        // flows if the controller goes away (fail secure). One thread steps every switch of the run,
        // so the controller may be slow to answer while it programs the others: a silence is a
        // failure only after RunController.PATIENCE.
        this.agent = new SwitchAgent(bridge, AgentConfig.DEFAULT.withProbeInterval(RunController.PATIENCE), AgentListener.NONE);
        this.underlayAddress = "127.0.0." + (UNDERLAY_BASE + index);
    }

    String host() {
        return host;
    }

    Bridge bridge() {
        return bridge;
    }

    /** The bridge's OpenFlow agent, in step mode: {@link SwitchAgent#runUntilQuiet()} drives the bridge. */
    SwitchAgent agent() {
        return agent;
    }

    /** This hypervisor's VTEP address, opening it on first use. */
    InetSocketAddress vtep() {
        if (vtep == null) {
            vtep = VxlanEndpoint.open(new InetSocketAddress(underlayAddress, 0));
        }
        return vtep.localAddress();
    }

    /**
     * Adds the tunnel port towards {@code remote}'s VTEP, named {@code vxlan-REMOTE}, as the switch
     * sees it through {@code onSwitch} (e.g. the link's impairment).
     */
    void tunnelTo(HypervisorSwitch remote, UnaryOperator<FramePort> onSwitch) {
        vtep();
        VxlanPort port = new VxlanPort("vxlan-" + remote.host, vtep, remote.vtep(), null);
        tunnels.put(remote.host, port);
        tunnelPorts.put(remote.host, bridge.addPort(port.name(), onSwitch.apply(port)));
    }

    /**
     * Gives {@code points} every VXLAN datagram this hypervisor's tunnels send and take, as the frame
     * it is on the underlay ({@link UnderlayFrame}).
     */
    void tapUnderlay(java.util.List<CaptureFile.Point> points) {
        UnderlayFrame frames = new UnderlayFrame();
        for (VxlanPort port : tunnels.values()) {
            port.setTap((outgoing, payload, offset, length) -> {
                InetSocketAddress local = port.local();
                byte[] f = outgoing ? frames.frame(local, port.remote(), payload, offset, length)
                        : frames.frame(port.remote(), local, payload, offset, length);
                for (CaptureFile.Point point : points) {
                    point.record(f, 0, f.length, UnderlayFrame.OVERHEAD + UnderlayFrame.VXLAN_HEADER);
                }
            });
        }
    }

    /** The bridge port number of the tunnel to {@code remote}. */
    int tunnelPort(String remote) {
        return tunnelPorts.get(remote);
    }

    /**
     * Frames this switch sent towards {@code remote} that {@code remote}'s switch has not yet taken
     * from its tunnel port (or dropped): they are in the underlay.
     */
    long inFlightTo(HypervisorSwitch remote) {
        VxlanPort out = tunnels.get(remote.host);
        VxlanPort in = remote.tunnels.get(host);
        if (out == null || in == null) {
            return 0;
        }
        PortCounters sent = out.counters();
        PortCounters got = in.counters();
        return sent.txPackets - got.rxPackets - got.rxDropped - got.rxErrors;
    }

    @Override
    public void close() {
        agent.close();
        for (VxlanPort p : tunnels.values()) {
            p.close();
        }
        if (vtep != null) {
            vtep.close();
        }
    }
}
