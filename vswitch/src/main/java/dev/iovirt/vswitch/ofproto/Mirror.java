package dev.iovirt.vswitch.ofproto;

import java.util.Set;

/**
 * A port mirror, as Open vSwitch's Mirror table: packets that enter on a port of
 * {@code selectSrc} are copied to {@code outputPort} as they were received, and packets sent out
 * of a port of {@code selectDst} are copied as they were sent. A packet is copied at most once per
 * mirror, and never to the port it entered on.
 *
 * @param name a name for display
 * @param selectSrc ports whose received packets are mirrored
 * @param selectDst ports whose transmitted packets are mirrored
 * @param outputPort the port that receives the copies (a capture port, an analyzer)
 */
public record Mirror(String name, Set<Integer> selectSrc, Set<Integer> selectDst, int outputPort) {
    public Mirror {
        selectSrc = Set.copyOf(selectSrc);
        selectDst = Set.copyOf(selectDst);
        if (selectSrc.contains(outputPort) || selectDst.contains(outputPort)) {
            throw new IllegalArgumentException("mirror " + name + " would mirror its own output port " + outputPort);
        }
    }
}
