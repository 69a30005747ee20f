package dev.iovirt.openflow;

import static dev.iovirt.openflow.Wire.flowMod;
import static dev.iovirt.openflow.Wire.flowModApplying;
import static dev.iovirt.openflow.Wire.flowModMatching;
import static dev.iovirt.openflow.Wire.hex;
import static dev.iovirt.openflow.Wire.match;
import static dev.iovirt.openflow.Wire.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Each malformed input is answered with the OFPET type and code OF 1.3.5 §7.4.4 names for it. */
class MalformedInputTest {
    // OXM headers used below (class 0x8000, field << 1 | hasmask, length).
    private static final String ETH_TYPE_IPV4 = "80000a02 0800 ";
    private static final String ETH_TYPE_ARP = "80000a02 0806 ";
    private static final String IP_PROTO_UDP = "80001401 11 ";
    private static final String IP_PROTO_TCP = "80001401 06 ";

    private static OfpException reject(byte[] wire) {
        OfpException e = catchThrowableOfType(OfpException.class, () -> OfpCodec.decode(wire));
        assertThat(e).as("decoding must fail with OfpException").isNotNull();
        return e;
    }

    private static void assertRejected(byte[] wire, ErrorCode code) {
        OfpException e = reject(wire);
        assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
        assertThat(e.isFatal()).isFalse();
        OfpError reply = e.toErrorMessage();
        assertThat(reply.error()).isEqualTo(code);
        assertThat(reply.xid()).isEqualTo(((wire[4] & 0xFF) << 24) | ((wire[5] & 0xFF) << 16) | ((wire[6] & 0xFF) << 8) | (wire[7] & 0xFF));
        assertThat(reply.data()).isEqualTo(Arrays.copyOf(wire, Math.min(64, wire.length)));
    }

    @Test
    void truncatedHeaderIsFatalBadLen() {
        OfpException e = reject(hex("04 00 00"));
        assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST_BAD_LEN);
        assertThat(e.isFatal()).isTrue();
    }

    @Test
    void headerLengthBelowEightIsFatalBadLen() {
        OfpException e = reject(hex("04 02 0004 00000009"));
        assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST_BAD_LEN);
        assertThat(e.isFatal()).isTrue();
        assertThat(e.xid()).isEqualTo(9);
    }

    @Test
    void headerLengthBeyondTheBufferIsBadLen() {
        assertRejected(hex("04 02 0010 00000001 0000"), ErrorCode.BAD_REQUEST_BAD_LEN);
    }

    @Test
    void bodyShorterThanTheMessageNeedsIsBadLen() {
        assertRejected(message(6, 1, "0000000000000001 0000"), ErrorCode.BAD_REQUEST_BAD_LEN); // FEATURES_REPLY
        assertRejected(message(14, 2, "00000000"), ErrorCode.BAD_REQUEST_BAD_LEN); // FLOW_MOD
        assertRejected(message(20, 3, "00"), ErrorCode.BAD_REQUEST_BAD_LEN); // BARRIER_REQUEST with a body
        assertRejected(message(13, 4, "ffffffff fffffffd 0100 000000000000"), ErrorCode.BAD_REQUEST_BAD_LEN); // actions_len past the end
    }

    @Test
    void unknownMessageTypeIsBadType() {
        assertRejected(message(99, 5, ""), ErrorCode.BAD_REQUEST_BAD_TYPE);
        assertRejected(message(22, 6, "00000001 00000000"), ErrorCode.BAD_REQUEST_BAD_TYPE); // QUEUE_GET_CONFIG_REQUEST: not carried
    }

    @Test
    void otherVersionIsBadVersionExceptForHello() throws OfpException {
        byte[] echo = message(2, 7, "");
        echo[0] = 1;
        assertRejected(echo, ErrorCode.BAD_REQUEST_BAD_VERSION);
        byte[] hello = message(0, 8, "");
        hello[0] = 1;
        assertThat(OfpCodec.decode(hello)).isEqualTo(new OfpHello(8, 1, 0));
    }

    @Test
    void experimenterMessageIsBadExperimenter() {
        assertRejected(message(4, 9, "00002320 00000000"), ErrorCode.BAD_REQUEST_BAD_EXPERIMENTER);
    }

    @Test
    void unsupportedMultipartTypeIsBadMultipart() {
        assertRejected(message(18, 10, "ffff 0000 00000000 00002320 00000000"), ErrorCode.BAD_REQUEST_BAD_MULTIPART); // experimenter
        assertRejected(message(18, 11, "0063 0000 00000000"), ErrorCode.BAD_REQUEST_BAD_MULTIPART); // unknown
    }

    @Test
    void unknownOxmFieldIsBadField() {
        assertRejected(flowModMatching("80006402 0000 "), ErrorCode.BAD_MATCH_BAD_FIELD); // field 50
        assertRejected(flowModMatching("00010004 00000001 "), ErrorCode.BAD_MATCH_BAD_FIELD); // NXM class
        assertRejected(flowModMatching("ffff0008 00002320 00000000 "), ErrorCode.BAD_MATCH_BAD_FIELD); // experimenter class
    }

    @Test
    void oxmWithWrongLengthIsBadMatchBadLen() {
        assertRejected(flowModMatching("80000005 0000000100 "), ErrorCode.BAD_MATCH_BAD_LEN); // in_port of 5 bytes
        assertRejected(flowModMatching("80000004 0000 "), ErrorCode.BAD_MATCH_BAD_LEN); // runs past the match
        assertRejected(flowMod("0001 0003 00000000", ""), ErrorCode.BAD_MATCH_BAD_LEN); // match length < 4
        assertRejected(flowMod("0001 0040 80000004 00000001", ""), ErrorCode.BAD_MATCH_BAD_LEN); // match past the message
    }

    @Test
    void standardMatchTypeIsBadMatchBadType() {
        assertRejected(flowMod("0000 0004 00000000", ""), ErrorCode.BAD_MATCH_BAD_TYPE);
    }

    @Test
    void missingPrerequisiteIsBadPrereq() {
        assertRejected(flowModMatching("80001604 0a000001 "), ErrorCode.BAD_MATCH_BAD_PREREQ); // ipv4_src alone
        assertRejected(flowModMatching(ETH_TYPE_ARP + "80001604 0a000001 "), ErrorCode.BAD_MATCH_BAD_PREREQ); // ipv4_src on ARP
        assertRejected(flowModMatching(ETH_TYPE_IPV4 + IP_PROTO_UDP + "80001c02 0050 "), ErrorCode.BAD_MATCH_BAD_PREREQ); // tcp_dst on UDP
        assertRejected(flowModMatching("80000e01 03 "), ErrorCode.BAD_MATCH_BAD_PREREQ); // vlan_pcp without vlan_vid
        assertRejected(flowModMatching("80000204 00000001 "), ErrorCode.BAD_MATCH_BAD_PREREQ); // in_phy_port without in_port
        // A masked eth_type does not satisfy a prerequisite.
        assertRejected(flowModMatching("80000b04 0800ffff 80001604 0a000001 "), ErrorCode.BAD_MATCH_BAD_MASK);
    }

    @Test
    void prerequisitesMetAreAccepted() throws OfpException {
        OfpFlowMod m = (OfpFlowMod) OfpCodec.decode(flowModMatching(ETH_TYPE_IPV4 + IP_PROTO_TCP + "80001c02 0050 "));
        assertThat(m.match().toString()).isEqualTo("dl_type=0x0800,nw_proto=6,tcp_dst=80");
    }

    @Test
    void duplicateFieldIsDupField() {
        assertRejected(flowModMatching("80000004 00000001 80000004 00000002 "), ErrorCode.BAD_MATCH_DUP_FIELD);
    }

    @Test
    void valueBitsUnderZeroMaskAreBadWildcards() {
        assertRejected(flowModMatching(ETH_TYPE_IPV4 + "80001908 0a000001 ffffff00 "), ErrorCode.BAD_MATCH_BAD_WILDCARDS);
    }

    @Test
    void maskOnAnUnmaskableFieldIsBadMask() {
        assertRejected(flowModMatching("80000108 00000001 ffffffff "), ErrorCode.BAD_MATCH_BAD_MASK);
    }

    @Test
    void valueOutsideTheFieldIsBadValue() {
        assertRejected(flowModMatching("80000c02 1000 80000e01 09 "), ErrorCode.BAD_MATCH_BAD_VALUE); // vlan_pcp=9
    }

    @Test
    void actionLengthProblemsAreBadActionBadLen() {
        assertRejected(flowModApplying("0000 000c 00000002 00000000 00000000 "), ErrorCode.BAD_ACTION_BAD_LEN); // not a multiple of 8
        assertRejected(flowModApplying("0000 0008 00000002 "), ErrorCode.BAD_ACTION_BAD_LEN); // output of 8 bytes
        assertRejected(flowModApplying("0012 0010 00000000 00000000 00000000 "), ErrorCode.BAD_ACTION_BAD_LEN); // pop_vlan of 16
        assertRejected(flowModApplying("0000 0020 00000002 ffff 000000000000 "), ErrorCode.BAD_ACTION_BAD_LEN); // past the list
        assertRejected(flowModApplying("0000 0004 00000000 "), ErrorCode.BAD_ACTION_BAD_LEN); // shorter than a header
    }

    @Test
    void unknownActionIsBadType() {
        assertRejected(flowModApplying("0063 0008 00000000 "), ErrorCode.BAD_ACTION_BAD_TYPE);
        assertRejected(flowModApplying("0001 0008 00000000 "), ErrorCode.BAD_ACTION_BAD_TYPE); // an OF 1.0 type number
    }

    @Test
    void experimenterActionIsBadExperimenter() {
        assertRejected(flowModApplying("ffff 0010 00002320 00000000 00000000 "), ErrorCode.BAD_ACTION_BAD_EXPERIMENTER);
    }

    @Test
    void setFieldProblemsAreBadSetCodes() {
        assertRejected(flowModApplying("0019 0010 80006402 0000 000000000000 "), ErrorCode.BAD_ACTION_BAD_SET_TYPE);
        assertRejected(flowModApplying("0019 0018 80000c02 1000 000000000000 00000000 00000000 "), ErrorCode.BAD_ACTION_BAD_SET_LEN);
        assertRejected(flowModApplying("0019 0010 80000d04 1000 1fff 00000000 "), ErrorCode.BAD_ACTION_BAD_SET_ARGUMENT); // masked
    }

    @Test
    void instructionProblemsAreBadInstructionCodes() {
        assertRejected(flowMod(match(""), "0009 0008 00000000"), ErrorCode.BAD_INSTRUCTION_UNKNOWN_INST);
        assertRejected(flowMod(match(""), "0001 0010 01000000 00000000"), ErrorCode.BAD_INSTRUCTION_BAD_LEN); // goto of 16
        assertRejected(flowMod(match(""), "0004 0004"), ErrorCode.BAD_INSTRUCTION_BAD_LEN); // truncated
        assertRejected(flowMod(match(""), "0004 0030 00000000"), ErrorCode.BAD_INSTRUCTION_BAD_LEN); // past the end
        assertRejected(flowMod(match(""), "ffff 0010 00002320 00000000 00000000"), ErrorCode.BAD_INSTRUCTION_BAD_EXPERIMENTER);
    }

    @Test
    void badCommandsAndTypesUseTheirMessagesErrorType() {
        byte[] flowMod = flowModMatching("");
        flowMod[8 + 17] = 9;
        assertRejected(flowMod, ErrorCode.FLOW_MOD_FAILED_BAD_COMMAND);
        assertRejected(message(15, 1, "0007 00 00 00000001"), ErrorCode.GROUP_MOD_FAILED_BAD_COMMAND);
        assertRejected(message(15, 1, "0000 09 00 00000001"), ErrorCode.GROUP_MOD_FAILED_BAD_TYPE);
        assertRejected(message(15, 1, "0000 00 00 00000001 0008 0000 ffffffff ffffffff 00000000"), ErrorCode.GROUP_MOD_FAILED_BAD_BUCKET);
        assertRejected(message(29, 1, "0000 0001 00000001 0003 0010 00000001 00000000 00000000"), ErrorCode.METER_MOD_FAILED_BAD_BAND);
        assertRejected(message(29, 1, "0005 0001 00000001"), ErrorCode.METER_MOD_FAILED_BAD_COMMAND);
        assertRejected(message(24, 1, "00000007 00000000 0000000000000000"), ErrorCode.ROLE_REQUEST_FAILED_BAD_ROLE);
    }

    @Test
    void errorDataIsTheFirst64BytesOfTheOffendingMessage() {
        byte[] wire = flowModApplying("0063 0008 00000000 ".repeat(10));
        assertThat(wire.length).isGreaterThan(64);
        OfpError reply = reject(wire).toErrorMessage();
        assertThat(reply.data()).isEqualTo(Arrays.copyOf(wire, 64));
        assertThat(reply.xid()).isEqualTo(0x77);
    }
}
