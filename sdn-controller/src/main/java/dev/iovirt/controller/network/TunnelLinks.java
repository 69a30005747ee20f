package dev.iovirt.controller.network;

import dev.iovirt.controller.topology.ConnectPoint;
import dev.iovirt.controller.topology.Link;
import dev.iovirt.openflow.DatapathId;
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
        // A full mesh of n switches has n(n-1) tunnels: find each one's way back by (dpid, remote), not by a scan.
        java.util.Map<List<DatapathId>, Tunnel> byEnds = new java.util.HashMap<>();
        for (Tunnel t : tunnels) {
            byEnds.putIfAbsent(List.of(t.dpid(), t.remote()), t);
        }
        List<Link> out = new ArrayList<>();
        for (Tunnel t : tunnels) {
            Tunnel r = byEnds.get(List.of(t.remote(), t.dpid()));
            PortNo back = r == null ? Link.UNKNOWN_PORT : PortNo.of((int) r.port());
            out.add(new Link(new ConnectPoint(t.dpid(), PortNo.of((int) t.port())), new ConnectPoint(t.remote(), back),
                    Link.Type.TUNNEL));
        }
        return out;
    }
}
