package dev.iovirt.openflow.netty;

import dev.iovirt.openflow.OfpCodec;
import dev.iovirt.openflow.OfpException;
import dev.iovirt.openflow.OfpMessage;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Cuts the byte stream into OpenFlow messages by {@code ofp_header.length} (OF 1.3.5 §7.1; at most
 * 65535 bytes by construction) and decodes each one. Emits an {@link OfpMessage} per good message
 * and an {@link OfpMalformed} per bad one, so that the next handler (usually
 * {@link OfpErrorResponder}) answers it with the prescribed OFPT_ERROR; nothing is thrown into the
 * pipeline.
 *
 * <p>A message whose header is sound but whose body is not costs only that message: the stream
 * stays in step. A header with {@code length < 8} cannot be stepped over; it yields a fatal
 * {@link OfpMalformed}, after which this decoder discards all further input (the responder sends
 * the error and closes the channel).
 */
public final class OfpFrameDecoder extends ByteToMessageDecoder {
    private boolean broken;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (!broken && in.readableBytes() >= OfpMessage.HEADER_LENGTH) {
            int start = in.readerIndex();
            int length = in.getUnsignedShort(start + 2);
            if (length < OfpMessage.HEADER_LENGTH) {
                broken = true;
                try {
                    OfpCodec.decode(in.readSlice(OfpMessage.HEADER_LENGTH));
                } catch (OfpException e) {
                    out.add(new OfpMalformed(e));
                }
                break;
            }
            if (in.readableBytes() < length) {
                return; // wait for the rest
            }
            ByteBuf frame = in.readSlice(length);
            try {
                out.add(OfpCodec.decode(frame));
            } catch (OfpException e) {
                out.add(new OfpMalformed(e));
            }
        }
        if (broken) {
            in.skipBytes(in.readableBytes());
        }
    }
}
