package dev.iovirt.openflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iovirt.openflow.netty.OfpMalformed;
import dev.iovirt.openflow.netty.OfpPipeline;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CodecDetailsTest {

    @Test
    void helloNegotiatesTheHighestCommonVersion() {
        int ours = 1 << OfpMessage.VERSION;
        assertThat(OfpHello.of(1).negotiate(ours)).isEqualTo(4);
        assertThat(new OfpHello(1, 6, (1 << 6) | (1 << 4) | (1 << 1)).negotiate(ours)).isEqualTo(4);
        assertThat(new OfpHello(1, 1, 1 << 1).negotiate(ours)).isEqualTo(-1);
        // Without a bitmap, the peer supports its header version and below (OF 1.3.5 §6.3.1).
        assertThat(new OfpHello(1, 5, 0).negotiate(ours)).isEqualTo(4);
        assertThat(new OfpHello(1, 1, 0).negotiate(ours)).isEqualTo(-1);
    }

    @Test
    void zeroAllocationPacketInEncoderWritesTheSameBytesAsTheRecord() {
        byte[] frame = new byte[100];
        frame[5] = 7;
        Match m = Match.builder().inPort(3).build();
        ByteBuf out = Unpooled.buffer();
        OfpCodec.encodePacketIn(out, 9, BufferId.NO_BUFFER, 100, OfpPacketIn.REASON_ACTION, TableId.of(2), 5, m, frame, 0, 100);
        assertThat(ByteBufUtil.getBytes(out)).isEqualTo(OfpCodec.encode(
                new OfpPacketIn(9, BufferId.NO_BUFFER, 100, OfpPacketIn.REASON_ACTION, TableId.of(2), 5, m, frame)));
    }

    @Test
    void splitReplyPartsFitAMessageAndMergeBackToTheWhole() throws OfpException {
        List<PortStats> ports = new ArrayList<>();
        for (int i = 1; i <= 1000; i++) {
            ports.add(new PortStats(PortNo.of(i), i, i, i, i, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0));
        }
        OfpMultipartReply whole = OfpMultipartReply.of(3, new MpReply.Ports(ports));
        List<OfpMultipartReply> parts = whole.split(OfpMessage.MAX_LENGTH);
        assertThat(parts).hasSize(2);
        assertThat(parts.get(0).hasMore()).isTrue();
        assertThat(parts.get(1).hasMore()).isFalse();
        List<OfpMultipartReply> decoded = new ArrayList<>();
        for (OfpMultipartReply p : parts) {
            byte[] b = OfpCodec.encode(p);
            assertThat(b.length).isLessThanOrEqualTo(OfpMessage.MAX_LENGTH);
            decoded.add((OfpMultipartReply) OfpCodec.decode(b));
        }
        assertThat(OfpMultipartReply.merge(decoded)).isEqualTo(whole);

        MultipartAssembler assembler = new MultipartAssembler();
        OfpMultipartReply other = OfpMultipartReply.of(4, new MpReply.Aggregate(1, 2, 3));
        assertThat(assembler.add(decoded.get(0))).isNull();
        assertThat(assembler.add(other)).isSameAs(other); // another xid, in one part, passes through
        assertThat(assembler.pending()).isEqualTo(1);
        assertThat(assembler.add(decoded.get(1))).isEqualTo(whole);
        assertThat(assembler.pending()).isZero();
    }

    @Test
    void semanticErrorCarriesTheMessagesXidAndFirst64Bytes() throws OfpException {
        OfpFlowMod fm = Samples.flowMod();
        OfpError e = OfpError.about(fm, ErrorCode.FLOW_MOD_FAILED_BAD_TABLE_ID);
        assertThat(e.xid()).isEqualTo(fm.xid());
        assertThat(e.error()).isEqualTo(ErrorCode.FLOW_MOD_FAILED_BAD_TABLE_ID);
        assertThat(e.data()).isEqualTo(java.util.Arrays.copyOf(OfpCodec.encode(fm), 64));
        assertThat(OfpCodec.decode(OfpCodec.encode(e))).isEqualTo(e);
    }

    @Test
    void messageOverTheLengthFieldIsRefusedNotTruncated() {
        OfpPacketOut big = OfpPacketOut.of(1, PortNo.CONTROLLER, new byte[70_000], Action.Output.to(1));
        ByteBuf out = Unpooled.buffer();
        assertThatThrownBy(() -> OfpCodec.encode(big, out)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("65535");
        assertThat(out.writerIndex()).isZero();
    }

    @Test
    void pipelineSurvivesARandomByteStreamWithoutThrowing() {
        SplittableRandom rnd = new SplittableRandom(42);
        EmbeddedChannel ch = new EmbeddedChannel();
        OfpPipeline.install(ch.pipeline());
        List<byte[]> seeds = Samples.all().stream().map(OfpCodec::encode).toList();
        int messages = 0;
        int malformed = 0;
        for (int i = 0; i < 5_000 && ch.isOpen(); i++) {
            byte[] m = seeds.get(rnd.nextInt(seeds.size())).clone();
            if (m.length > 8 && rnd.nextInt(4) == 0) {
                m[8 + rnd.nextInt(m.length - 8)] = (byte) rnd.nextInt(256); // corrupt the body, never the header
            }
            int at = 0;
            while (at < m.length) {
                int n = 1 + rnd.nextInt(m.length - at);
                ch.writeInbound(Unpooled.wrappedBuffer(m, at, n));
                at += n;
            }
            Object o;
            while ((o = ch.readInbound()) != null) {
                if (o instanceof OfpMalformed) {
                    malformed++;
                } else {
                    messages++;
                }
            }
        }
        ch.checkException();
        assertThat(ch.isOpen()).isTrue();
        assertThat(messages + malformed).isEqualTo(5_000);
        assertThat(malformed).isPositive();
        Object out;
        int errors = 0;
        while ((out = ch.readOutbound()) != null) {
            ((ByteBuf) out).release();
            errors++;
        }
        assertThat(errors).isEqualTo(malformed);
        ch.finishAndReleaseAll();
    }
}
