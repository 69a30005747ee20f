package dev.iovirt.openflow.netty;

import dev.iovirt.openflow.OfpCodec;
import dev.iovirt.openflow.OfpMessage;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/** Writes {@link OfpMessage}s as OpenFlow 1.3 wire bytes. Stateless, so one instance may serve every channel. */
@Sharable
public final class OfpEncoder extends MessageToByteEncoder<OfpMessage> {
    public static final OfpEncoder INSTANCE = new OfpEncoder();

    @Override
    protected void encode(ChannelHandlerContext ctx, OfpMessage msg, ByteBuf out) {
        OfpCodec.encode(msg, out);
    }
}
