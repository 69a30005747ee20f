package dev.iovirt.openflow;

import java.util.Arrays;

/**
 * OFPT_ECHO_REPLY (OF 1.3.5 §7.5.3): a liveness probe; a reply carries the request's data back.
 *
 * @param xid the transaction id
 * @param data arbitrary bytes
 */
public record OfpEchoReply(int xid, byte[] data) implements OfpMessage {
    public OfpEchoReply {
        data = data.clone();
    }

    public static OfpEchoReply of(int xid) {
        return new OfpEchoReply(xid, new byte[0]);
    }

    @Override
    public OfpType type() {
        return OfpType.ECHO_REPLY;
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OfpEchoReply e && e.xid == xid && Arrays.equals(e.data, data);
    }

    @Override
    public int hashCode() {
        return xid * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "OFPT_ECHO_REPLY (xid=0x" + Integer.toHexString(xid) + "): " + Hex.of(data);
    }
}
