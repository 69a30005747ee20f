package dev.iovirt.vswitch.datapath;

import dev.iovirt.packet.MacAddress;
import java.util.List;

/**
 * An action the datapath executes on a frame, as Open vSwitch's datapath ("ODP") actions: the
 * compiled result of the OpenFlow pipeline, applied in order. A frame with no output action is
 * dropped. Set actions keep checksums valid by incremental update (RFC 1624).
 */
public sealed interface DpAction {
    /** Sends a copy of the frame, as it is at this point, out of a datapath port. */
    record Output(int port) implements DpAction {
        @Override
        public String toString() {
            return Integer.toString(port);
        }
    }

    /**
     * Hands the frame to the slow path's userspace handler (an OpenFlow packet-in).
     *
     * @param reason the OpenFlow packet-in reason
     * @param cookie the cookie of the flow entry that sent it
     * @param tableId the table of that flow entry
     * @param maxLen how many bytes of the frame to send ({@code 0xffff}: all)
     */
    record Userspace(int reason, long cookie, int tableId, int maxLen) implements DpAction {
        @Override
        public String toString() {
            return "userspace(reason=" + reason + ",table=" + tableId + ",cookie=0x" + Long.toHexString(cookie) + ")";
        }
    }

    /** Rewrites the outermost VLAN tag's TCI (VID, PCP); does nothing to an untagged frame. */
    record SetVlanTci(int tci) implements DpAction {
        @Override
        public String toString() {
            return String.format("set(vlan(vid=%d,pcp=%d))", tci & 0xFFF, tci >>> 13);
        }
    }

    /** Rewrites the IPv4 DSCP, fixing the header checksum. */
    record SetIpDscp(int dscp) implements DpAction {
        @Override
        public String toString() {
            return "set(ipv4(dscp=" + dscp + "))";
        }
    }

    /** Runs the nested actions on a copy of the frame, leaving the frame itself as it was. */
    record Clone(List<DpAction> actions) implements DpAction {
        public Clone {
            actions = List.copyOf(actions);
        }

        @Override
        public String toString() {
            return "clone(" + Megaflow.formatActions(actions.toArray(new DpAction[0])) + ")";
        }
    }

    /** Passes the frame through a meter; a frame the meter's drop band refuses goes no further. */
    record Meter(DpMeter meter) implements DpAction {
        @Override
        public String toString() {
            return "meter(" + meter.id() + ")";
        }
    }

    /** Inserts an IEEE 802.1Q tag after the MAC addresses. */
    record PushVlan(int tpid, int tci) implements DpAction {
        @Override
        public String toString() {
            return String.format("push_vlan(vid=%d,pcp=%d)", tci & 0xFFF, tci >>> 13);
        }
    }

    /** Removes the outermost VLAN tag. */
    record PopVlan() implements DpAction {
        @Override
        public String toString() {
            return "pop_vlan";
        }
    }

    record SetEthSrc(long mac) implements DpAction {
        @Override
        public String toString() {
            return "set(eth(src=" + MacAddress.format(mac) + "))";
        }
    }

    record SetEthDst(long mac) implements DpAction {
        @Override
        public String toString() {
            return "set(eth(dst=" + MacAddress.format(mac) + "))";
        }
    }

    /** Rewrites the IPv4 source or destination address, fixing the IPv4 and TCP/UDP checksums. */
    record SetIpv4(boolean source, int address) implements DpAction {
        @Override
        public String toString() {
            return "set(ipv4(" + (source ? "src=" : "dst=") + dev.iovirt.packet.Ipv4Address.format(address) + "))";
        }
    }

    /** Rewrites the TCP or UDP source or destination port, fixing the checksum. */
    record SetTransportPort(boolean source, int port) implements DpAction {
        @Override
        public String toString() {
            return "set(tp(" + (source ? "src=" : "dst=") + port + "))";
        }
    }

    /** Sets the IPv4 TTL (or decrements it when {@code ttl} is -1), fixing the header checksum. */
    record SetIpv4Ttl(int ttl) implements DpAction {
        @Override
        public String toString() {
            return ttl < 0 ? "dec_ttl" : "set(ipv4(ttl=" + ttl + "))";
        }
    }

    /** Sets the tunnel metadata a tunnel port uses on output (OpenFlow tunnel_id; the VNI for VXLAN). */
    record SetTunnel(long tunnelId) implements DpAction {
        @Override
        public String toString() {
            return "set(tunnel(tun_id=0x" + Long.toHexString(tunnelId) + "))";
        }
    }
}
