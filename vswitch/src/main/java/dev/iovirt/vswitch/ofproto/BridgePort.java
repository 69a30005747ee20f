package dev.iovirt.vswitch.ofproto;

import dev.iovirt.openflow.Port;
import dev.iovirt.openflow.PortNo;
import dev.iovirt.packet.FramePort;
import dev.iovirt.packet.MacAddress;

/** A port of the bridge: its OpenFlow number and description, and the frame port behind it. */
public final class BridgePort {
    final int number;
    final String name;
    final MacAddress hwAddr;
    final FramePort port;
    /** OFPPC_* bits a controller set with PORT_MOD (OF 1.3.5 §7.2.1). */
    int config;

    BridgePort(int number, String name, MacAddress hwAddr, FramePort port) {
        this.number = number;
        this.name = name;
        this.hwAddr = hwAddr;
        this.port = port;
    }

    public int number() {
        return number;
    }

    public String name() {
        return name;
    }

    public FramePort framePort() {
        return port;
    }

    /** §6.5 liveness: the link is up and the port is not administratively down. */
    boolean isLive() {
        return port.isLinkUp() && (config & Port.CONFIG_PORT_DOWN) == 0;
    }

    /** Whether packets may be sent out of this port. */
    boolean forwards() {
        return isLive() && (config & Port.CONFIG_NO_FWD) == 0;
    }

    /** The port as OpenFlow describes it ({@code ofp_port}). */
    Port describe() {
        int state = port.isLinkUp() ? Port.STATE_LIVE : Port.STATE_LINK_DOWN;
        int features = Port.FEATURE_10GB_FD | Port.FEATURE_COPPER;
        return new Port(PortNo.of(number), hwAddr, name, config, state, features, features, features, features,
                10_000_000, 10_000_000);
    }
}
