package dev.iovirt.openflow;

import java.util.Arrays;

/**
 * OFPT_ECHO_REQUEST (OF 1.3.5 §7.5.2): a liveness probe; a reply carries the request's data back.
 *
 * @param xid the transaction id
 * @param data arbitrary bytes
 */
public record OfpEchoRequest(int xid, byte[] data) implements OfpMessage {
    public OfpEchoRequest {
        data = data.clone();
    }

    public static OfpEchoRequest of(int xid) {
        return new OfpEchoRequest(xid, new byte[0]);
    }

    @Override
    public OfpType type() {
        return OfpType.ECHO_REQUEST;
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OfpEchoRequest e && e.xid == xid && Arrays.equals(e.data, data);
    }

    @Override
    public int hashCode() {
        return xid * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "OFPT_ECHO_REQUEST (xid=0x" + Integer.toHexString(xid) + "): " + Hex.of(data);
    }
}
