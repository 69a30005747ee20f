package dev.iovirt.openflow.netty;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Answers every {@link OfpMalformed} with its OFPT_ERROR and, when the error is fatal, closes the
 * channel once the error is written. Then passes the {@link OfpMalformed} on, so that the
 * application can count or log it. Everything else passes through untouched.
 */
@Sharable
public final class OfpErrorResponder extends ChannelInboundHandlerAdapter {
    public static final OfpErrorResponder INSTANCE = new OfpErrorResponder();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof OfpMalformed bad) {
            var written = ctx.writeAndFlush(bad.reply());
            if (bad.isFatal()) {
                written.addListener(ChannelFutureListener.CLOSE);
            }
        }
        ctx.fireChannelRead(msg);
    }
}
