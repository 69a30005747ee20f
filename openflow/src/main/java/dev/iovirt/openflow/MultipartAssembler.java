package dev.iovirt.openflow;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts multipart replies split with OFPMPF_REPLY_MORE (OF 1.3.5 §7.3.5) back together, per xid, for
 * the receiving side of a connection (the controller, or ovs-ofctl-like tools). One per connection;
 * not thread-safe, like the event loop that feeds it.
 */
public final class MultipartAssembler {
    private final Map<Integer, List<OfpMultipartReply>> pending = new HashMap<>();

    /** Adds a part; returns the whole reply when {@code part} completes it, else null. */
    public OfpMultipartReply add(OfpMultipartReply part) {
        List<OfpMultipartReply> parts = pending.get(part.xid());
        if (parts == null && !part.hasMore()) {
            return part;
        }
        if (parts == null) {
            parts = new ArrayList<>();
            pending.put(part.xid(), parts);
        }
        parts.add(part);
        if (part.hasMore()) {
            return null;
        }
        pending.remove(part.xid());
        return OfpMultipartReply.merge(parts);
    }

    /** How many replies are waiting for more parts. */
    public int pending() {
        return pending.size();
    }

    /** Drops the parts of the reply with {@code xid} (the request timed out or the peer sent an error). */
    public void abandon(int xid) {
        pending.remove(xid);
    }
}
