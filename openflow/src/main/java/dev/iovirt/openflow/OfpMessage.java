package dev.iovirt.openflow;

/**
 * An OpenFlow 1.3 message: the header's type and xid (OF 1.3.5 §7.1) and a typed body. Every
 * message is an immutable record; {@link OfpCodec} turns them into bytes and back.
 */
public sealed interface OfpMessage permits OfpHello, OfpError, OfpEchoRequest, OfpEchoReply, OfpFeaturesRequest,
        OfpFeaturesReply, OfpGetConfigRequest, OfpGetConfigReply, OfpSetConfig, OfpPacketIn, OfpFlowRemoved,
        OfpPortStatus, OfpPacketOut, OfpFlowMod, OfpGroupMod, OfpPortMod, OfpTableMod, OfpMultipartRequest,
        OfpMultipartReply, OfpBarrierRequest, OfpBarrierReply, OfpRoleRequest, OfpRoleReply, OfpMeterMod, OfpGetAsyncRequest,
        OfpAsyncConfig {
    /** OFP_VERSION for OpenFlow 1.3 (OF 1.3.5 §7.1). */
    int VERSION = 0x04;
    /** The size of {@code struct ofp_header} (OF 1.3.5 §7.1). */
    int HEADER_LENGTH = 8;
    /** The largest message {@code ofp_header.length} can express. */
    int MAX_LENGTH = 0xFFFF;

    /** The transaction id; a reply carries the request's. */
    int xid();

    /** The {@code ofp_header.type}. */
    OfpType type();
}
