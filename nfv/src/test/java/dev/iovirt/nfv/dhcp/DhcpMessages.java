package dev.iovirt.nfv.dhcp;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.iovirt.packet.Bytes;
import dev.iovirt.packet.FlowKey;
import dev.iovirt.packet.FlowKeyParser;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.PacketBuilder;

/** DHCP client messages built and server replies parsed byte by byte from RFC 2131 §2, independently of the server. */
final class DhcpMessages {
    private DhcpMessages() {
    }

    /** A client request: the given type and options (code, value) pairs, in a broadcast frame unless ciaddr is set. */
    static byte[] request(MacAddress client, int xid, boolean broadcastFlag, Ipv4Address ciaddr, int type, Object... options) {
        byte[] m = new byte[300];
        m[0] = 1;
        m[1] = 1;
        m[2] = 6;
        Bytes.putI32(m, 4, xid);
        Bytes.putU16(m, 10, broadcastFlag ? 0x8000 : 0);
        Bytes.putI32(m, 12, ciaddr.bits());
        client.write(m, 28);
        Bytes.putI32(m, 236, 0x63825363);
        int q = 240;
        m[q++] = 53;
        m[q++] = 1;
        m[q++] = (byte) type;
        for (int i = 0; i < options.length; i += 2) {
            int code = (Integer) options[i];
            Ipv4Address a = (Ipv4Address) options[i + 1];
            m[q++] = (byte) code;
            m[q++] = 4;
            a.write(m, q);
            q += 4;
        }
        m[q] = (byte) 255;
        boolean unicast = ciaddr.bits() != 0;
        return PacketBuilder.ethernet(client, unicast ? DhcpServerTest.SERVER_MAC : MacAddress.BROADCAST)
                .ipv4(ciaddr, unicast ? DhcpServerTest.SERVER_IP : Ipv4Address.BROADCAST)
                .udp(68, 67)
                .payload(m)
                .build();
    }

    /** A server reply as the fields a test checks. */
    record Reply(FlowKey key, int op, int xid, int flags, Ipv4Address ciaddr, Ipv4Address yiaddr, Ipv4Address giaddr,
            MacAddress chaddr, Map<Integer, byte[]> options, int length) {
        int type() {
            return options.get(53)[0];
        }

        Ipv4Address ip(int option) {
            return Ipv4Address.read(options.get(option), 0);
        }

        long u32(int option) {
            return Bytes.getU32(options.get(option), 0);
        }
    }

    static Reply parse(byte[] frame) {
        FlowKey k = FlowKeyParser.parse(frame, 0, frame.length, 0, new FlowKey());
        int p = k.payloadOffset();
        int end = k.l3Offset() + k.l3Length();
        if (Bytes.getI32(frame, p + 236) != 0x63825363) {
            throw new AssertionError("no magic cookie");
        }
        Map<Integer, byte[]> opts = new LinkedHashMap<>();
        int q = p + 240;
        while (q < end && (frame[q] & 0xFF) != 255) {
            int code = frame[q] & 0xFF;
            if (code == 0) {
                q++;
                continue;
            }
            int len = frame[q + 1] & 0xFF;
            opts.put(code, java.util.Arrays.copyOfRange(frame, q + 2, q + 2 + len));
            q += 2 + len;
        }
        return new Reply(k, frame[p], Bytes.getI32(frame, p + 4), Bytes.getU16(frame, p + 10),
                Ipv4Address.read(frame, p + 12), Ipv4Address.read(frame, p + 16), Ipv4Address.read(frame, p + 24),
                MacAddress.read(frame, p + 28), opts, end - p);
    }
}
