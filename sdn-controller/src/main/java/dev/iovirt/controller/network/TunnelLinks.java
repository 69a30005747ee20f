package dev.iovirt.controller.network;

import dev.iovirt.controller.topology.ConnectPoint;
import dev.iovirt.controller.topology.Link;
import dev.iovirt.openflow.PortNo;
import java.util.ArrayList;
import java.util.List;

/** The registered tunnels as topology links of type {@link Link.Type#TUNNEL}. */
public final class TunnelLinks {
    private TunnelLinks() {
    }

    /**
     * One link per tunnel, from (dpid, port) to (remote_dpid, the port of the remote's tunnel back to dpid), or to
     * (remote_dpid, {@link Link#UNKNOWN_PORT}) while the remote has registered none.
     */
    public static List<Link> of(List<Tunnel> tunnels) {
        List<Link> out = new ArrayList<>();
        for (Tunnel t : tunnels) {
            PortNo back = tunnels.stream().filter(r -> r.dpid().equals(t.remote()) && r.remote().equals(t.dpid()))
                    .findFirst().map(r -> PortNo.of((int) r.port())).orElse(Link.UNKNOWN_PORT);
            out.add(new Link(new ConnectPoint(t.dpid(), PortNo.of((int) t.port())), new ConnectPoint(t.remote(), back),
                    Link.Type.TUNNEL));
        }
        return out;
    }
}
