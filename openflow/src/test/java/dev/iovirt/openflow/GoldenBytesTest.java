package dev.iovirt.openflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.packet.Ipv4Address;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Messages laid out by hand from the structures of OF 1.3.5, byte for byte. */
class GoldenBytesTest {
    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    private static void assertGolden(OfpMessage m, String wire) throws OfpException {
        assertThat(HexFormat.of().formatHex(OfpCodec.encode(m))).isEqualTo(wire.replace(" ", ""));
        assertThat(OfpCodec.decode(hex(wire))).isEqualTo(m);
    }

    @Test
    void helloCarriesVersionBitmapElement() throws OfpException {
        // §7.1 header, §7.5.1 ofp_hello_elem_versionbitmap: type=1, length=8, bitmap bit 4.
        assertGolden(OfpHello.of(1), "04 00 0010 00000001  0001 0008 00000010");
    }

    @Test
    void echoRequestIsABareHeader() throws OfpException {
        assertGolden(OfpEchoRequest.of(0x2a), "04 02 0008 0000002a");
    }

    @Test
    void featuresReplyLaysOutSwitchFeatures() throws OfpException {
        // §7.3.1: datapath_id, n_buffers, n_tables, auxiliary_id, pad[2], capabilities, reserved.
        assertGolden(new OfpFeaturesReply(7, DatapathId.of(1), 0, 254, 0, OfpFeaturesReply.CAP_FLOW_STATS | OfpFeaturesReply.CAP_PORT_STATS),
                "04 06 0020 00000007  0000000000000001 00000000 fe 00 0000 00000005 00000000");
    }

    @Test
    void flowModInPort1OutputPort2() throws OfpException {
        // §7.3.4.1 ofp_flow_mod, §7.2.3.1 ofp_match with one OXM (in_port=1) padded to 16 bytes,
        // §7.2.4 OFPIT_APPLY_ACTIONS of 24 bytes holding §7.2.5 OFPAT_OUTPUT of 16 bytes.
        OfpFlowMod m = OfpFlowMod.builder(FlowModCommand.ADD).xid(3).priority(0x8000)
                .match(Match.builder().inPort(1).build()).apply(Action.Output.to(2)).build();
        assertGolden(m, "04 0e 0058 00000003"
                + " 0000000000000000 0000000000000000 00 00 0000 0000 8000 ffffffff ffffffff ffffffff 0000 0000"
                + " 0001 000c 80000004 00000001 00000000"
                + " 0004 0018 00000000  0000 0010 00000002 0000 000000000000");
    }

    @Test
    void maskedIpv4DestinationUsesHasMaskBit() throws OfpException {
        // eth_type=0x0800 (0x80000a02), ipv4_dst=10.0.0.0/24 with HM: field 12 -> 0x80001908; length 4+6+12=22, padded to 24.
        Match m = Match.builder().ethType(0x0800).ipv4Dst(Ipv4Address.of("10.0.0.0"), 24).build();
        io.netty.buffer.ByteBuf b = io.netty.buffer.Unpooled.buffer();
        m.write(b);
        assertThat(HexFormat.of().formatHex(io.netty.buffer.ByteBufUtil.getBytes(b)))
                .isEqualTo("0001001680000a02080080001908 0a000000 ffffff00 0000".replace(" ", ""));
    }

    @Test
    void vlanVidCarriesPresentBit() throws OfpException {
        OfpPacketOut m = OfpPacketOut.of(9, PortNo.CONTROLLER, new byte[0],
                new Action.SetField(Oxm.exact(OxmField.VLAN_VID, OxmField.VID_PRESENT | 100)), Action.Output.to(1));
        // §7.2.5 OFPAT_SET_FIELD: type 25, len 16, OXM vlan_vid (0x80000c02) = 0x1064, padded.
        assertGolden(m, "04 0d 0038 00000009 ffffffff fffffffd 0020 000000000000"
                + " 0019 0010 80000c02 1064 000000000000"
                + " 0000 0010 00000001 0000 000000000000");
    }

    @Test
    void groupModSelectWithWeightedBucket() throws OfpException {
        // §7.3.4.2 ofp_group_mod: command, type, pad, group_id; ofp_bucket: len, weight, watch_port, watch_group, pad[4].
        OfpGroupMod g = new OfpGroupMod(5, GroupModCommand.ADD, GroupType.SELECT, GroupId.of(1),
                List.of(new Bucket(2, PortNo.ANY, GroupId.ANY, List.of(Action.Output.to(3)))));
        assertGolden(g, "04 0f 0030 00000005 0000 01 00 00000001"
                + " 0020 0002 ffffffff ffffffff 00000000  0000 0010 00000003 0000 000000000000");
    }

    @Test
    void meterModWithDropBand() throws OfpException {
        // §7.3.4.4 ofp_meter_mod and ofp_meter_band_drop.
        OfpMeterMod m = new OfpMeterMod(6, MeterModCommand.ADD, OfpMeterMod.FLAG_KBPS, MeterId.of(1), List.of(new MeterBand.Drop(1000, 0)));
        assertGolden(m, "04 1d 0020 00000006 0000 0001 00000001  0001 0010 000003e8 00000000 00000000");
    }

    @Test
    void errorCarriesTypeCodeAndData() throws OfpException {
        // §7.4.4: OFPET_BAD_REQUEST (1) / OFPBRC_BAD_TYPE (1).
        assertGolden(OfpError.of(8, ErrorCode.BAD_REQUEST_BAD_TYPE, hex("04ff000800000008")),
                "04 01 0014 00000008 0001 0001 04ff000800000008");
    }

    @Test
    void ovsOfctlTestSuitePacketInDecodes() throws OfpException {
        // From Open vSwitch tests/ofp-print.at, "OFPT_PACKET_IN - OF1.3": in_port=3 via no_match,
        // table 0, cookie 0, unbuffered, total_len 60 with a truncated TCP/IPv4 frame.
        byte[] wire = hex("04 0a 00 4c 00 00 00 00 ff ff ff ff 00 3c 00 00"
                + "00 00 00 00 00 00 00 00 00 01 00 0c 80 00 00 04"
                + "00 00 00 03 00 00 00 00 00 00 50 54 00 00 00 05"
                + "50 54 00 00 00 06 08 00 45 00 00 28 00 00 40 00"
                + "40 06 b9 ce c0 a8 00 01 c0 a8 00 02");
        OfpPacketIn p = (OfpPacketIn) OfpCodec.decode(wire);
        assertThat(p.inPort()).isEqualTo(PortNo.of(3));
        assertThat(p.reason()).isEqualTo(OfpPacketIn.REASON_NO_MATCH);
        assertThat(p.totalLen()).isEqualTo(60);
        assertThat(p.bufferId()).isEqualTo(BufferId.NO_BUFFER);
        assertThat(p.data()).hasSize(34);
        assertThat(OfpCodec.encode(p)).isEqualTo(wire);
    }
}
