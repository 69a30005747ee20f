package dev.iovirt.nfv.lb;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.iovirt.nfv.NetworkFunction;
import dev.iovirt.packet.Checksums;
import dev.iovirt.packet.FlowKey;
import dev.iovirt.packet.FlowKeyParser;
import dev.iovirt.packet.IpProtocol;

/**
 * A network function's output for tests: every frame copied with its port, parsed on demand, and
 * checks that its IPv4 header and L4 checksums are valid. Shared by the nfv function tests.
 */
public final class Emitted implements NetworkFunction.Output {
    /** One emitted frame. */
    public record Out(int port, byte[] frame) {
        public FlowKey key() {
            return FlowKeyParser.parse(frame, 0, frame.length, port, new FlowKey());
        }
    }

    private final List<Out> frames = new ArrayList<>();

    @Override
    public void emit(int port, byte[] frame, int off, int len) {
        frames.add(new Out(port, Arrays.copyOfRange(frame, off, off + len)));
    }

    public List<Out> frames() {
        return frames;
    }

    /** The frames emitted since the last call, which clears them. */
    public List<Out> take() {
        var copy = List.copyOf(frames);
        frames.clear();
        return copy;
    }

    /** The only frame emitted since the last {@link #take}. */
    public Out single() {
        var all = take();
        if (all.size() != 1) {
            throw new AssertionError("expected one frame, got " + all.size() + ": " + all.stream().map(o -> o.key().toString()).toList());
        }
        return all.get(0);
    }

    /** True when the IPv4 header checksum and the TCP, UDP or ICMP checksum of {@code frame} verify. */
    public static boolean checksumsValid(byte[] frame) {
        FlowKey k = FlowKeyParser.parse(frame, 0, frame.length, 0, new FlowKey());
        if (!k.has(FlowKey.L_IPV4) || !k.isComplete()) {
            return false;
        }
        int l3 = k.l3Offset();
        int ihl = (frame[l3] & 0x0F) * 4;
        if (Checksums.internet(frame, l3, ihl) != 0) {
            return false;
        }
        int l4 = k.l4Offset();
        int l4len = k.l3Length() - ihl;
        return switch (k.ipProto()) {
            case IpProtocol.ICMP -> Checksums.internet(frame, l4, l4len) == 0;
            case IpProtocol.TCP, IpProtocol.UDP -> {
                if (k.ipProto() == IpProtocol.UDP && (frame[l4 + 6] | frame[l4 + 7]) == 0) {
                    yield true; // no checksum
                }
                long acc = Checksums.pseudoHeaderIpv4(k.ipv4Src(), k.ipv4Dst(), k.ipProto(), l4len);
                yield Checksums.finish(Checksums.sum(frame, l4, l4len, acc)) == 0;
            }
            default -> true;
        };
    }
}
