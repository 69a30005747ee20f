package dev.iovirt.openflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.openflow.netty.OfpMalformed;
import dev.iovirt.openflow.netty.OfpPipeline;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/** The Netty pipeline: framing, partial reads, and malformed messages answered without losing the connection. */
class OfpFrameDecoderTest {

    private static EmbeddedChannel channel() {
        EmbeddedChannel ch = new EmbeddedChannel();
        OfpPipeline.install(ch.pipeline());
        return ch;
    }

    private static OfpMessage written(EmbeddedChannel ch) throws OfpException {
        ByteBuf b = ch.readOutbound();
        try {
            return OfpCodec.decode(b);
        } finally {
            b.release();
        }
    }

    @Test
    void messagesSplitAcrossReadsAreReassembled() {
        EmbeddedChannel ch = channel();
        byte[] a = OfpCodec.encode(Samples.flowMod());
        byte[] b = OfpCodec.encode(OfpHello.of(9));
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        for (int i = 0; i < both.length; i += 5) {
            ch.writeInbound(Unpooled.wrappedBuffer(both, i, Math.min(5, both.length - i)));
        }
        Object first = ch.readInbound();
        Object second = ch.readInbound();
        Object none = ch.readInbound();
        assertThat(first).isEqualTo(Samples.flowMod());
        assertThat(second).isEqualTo(OfpHello.of(9));
        assertThat(none).isNull();
    }

    @Test
    void badBodyIsAnsweredAndTheConnectionSurvives() throws OfpException {
        EmbeddedChannel ch = channel();
        byte[] bad = Wire.flowModMatching("80001604 0a000001 "); // ipv4_src without eth_type
        ch.writeInbound(Unpooled.wrappedBuffer(bad));
        ch.writeInbound(Unpooled.wrappedBuffer(OfpCodec.encode(new OfpBarrierRequest(5))));

        OfpMalformed m = ch.readInbound();
        assertThat(m.error().code()).isEqualTo(ErrorCode.BAD_MATCH_BAD_PREREQ);
        Object next = ch.readInbound();
        assertThat(next).isEqualTo(new OfpBarrierRequest(5));
        OfpError reply = (OfpError) written(ch);
        assertThat(reply.error()).isEqualTo(ErrorCode.BAD_MATCH_BAD_PREREQ);
        assertThat(reply.xid()).isEqualTo(0x77);
        assertThat(ch.isOpen()).isTrue();
    }

    @Test
    void unknownTypeIsAnsweredWithBadType() throws OfpException {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(Wire.message(77, 3, "00000000")));
        assertThat(((OfpMalformed) ch.readInbound()).error().code()).isEqualTo(ErrorCode.BAD_REQUEST_BAD_TYPE);
        OfpError reply = (OfpError) written(ch);
        assertThat(reply.error()).isEqualTo(ErrorCode.BAD_REQUEST_BAD_TYPE);
        assertThat(reply.data()).isEqualTo(Wire.message(77, 3, "00000000"));
        assertThat(ch.isOpen()).isTrue();
    }

    @Test
    void lengthBelowHeaderIsFatalAndClosesAfterTheError() throws OfpException {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(Wire.hex("04 02 0004 00000001 ffffffff")));
        assertThat(((OfpMalformed) ch.readInbound()).isFatal()).isTrue();
        assertThat(((OfpError) written(ch)).error()).isEqualTo(ErrorCode.BAD_REQUEST_BAD_LEN);
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void encoderWritesMessages() {
        EmbeddedChannel ch = channel();
        ch.writeOutbound(Samples.flowMod());
        ByteBuf b = ch.readOutbound();
        assertThat(ByteBufUtil.getBytes(b)).isEqualTo(OfpCodec.encode(Samples.flowMod()));
        b.release();
    }
}
