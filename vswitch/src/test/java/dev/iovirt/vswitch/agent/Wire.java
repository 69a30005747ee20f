package dev.iovirt.vswitch.agent;

import dev.iovirt.openflow.OfpCodec;
import dev.iovirt.openflow.OfpException;
import dev.iovirt.openflow.OfpMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;

/** The controller's end of an {@link EmbeddedChannel} running the agent's pipeline. */
final class Wire {
    private Wire() {
    }

    static void send(EmbeddedChannel ch, OfpMessage m) {
        ch.writeInbound(Unpooled.wrappedBuffer(OfpCodec.encode(m)));
    }

    static void sendBytes(EmbeddedChannel ch, byte[] bytes) {
        ch.writeInbound(Unpooled.wrappedBuffer(bytes));
    }

    /** Every message the switch has written so far, decoded (the encoder writes one buffer per message). */
    static List<OfpMessage> received(EmbeddedChannel ch) {
        List<OfpMessage> out = new ArrayList<>();
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            try {
                while (b.isReadable()) {
                    int len = b.getUnsignedShort(b.readerIndex() + 2);
                    out.add(OfpCodec.decode(b.readSlice(len)));
                }
            } catch (OfpException e) {
                throw new AssertionError("the switch wrote a message our codec refuses: " + e.getMessage(), e);
            } finally {
                b.release();
            }
        }
        return out;
    }

    static <T> List<T> received(EmbeddedChannel ch, Class<T> type) {
        return received(ch).stream().filter(type::isInstance).map(type::cast).toList();
    }
}
