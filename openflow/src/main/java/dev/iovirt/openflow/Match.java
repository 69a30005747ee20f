package dev.iovirt.openflow;

import dev.iovirt.packet.FlowKey;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.Ipv6Address;
import dev.iovirt.packet.MacAddress;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * An OpenFlow match, {@code struct ofp_match} of type OFPMT_OXM (OF 1.3.5 §7.2.3.1): a set of OXM
 * TLVs, each at most once, whose prerequisites (§7.2.3.6) hold. Immutable; the fields are kept in
 * field-number order, which also puts every prerequisite before the fields that need it on the wire,
 * so two matches with the same fields are equal whatever order they were built or received in.
 *
 * <p>{@link #matches(FlowKey, long, long)} is the straightforward test a switch can use for a single
 * rule; a classifier will want its own index, built from {@link #fields()}.
 */
public final class Match {
    /** OFPMT_OXM (OF 1.3.5 §7.2.3.1). */
    public static final int TYPE_OXM = 1;
    /** OFPMT_STANDARD, the deprecated OpenFlow 1.1 match (OF 1.3.5 §7.2.3.1). */
    public static final int TYPE_STANDARD = 0;
    /** The match that matches every packet. */
    public static final Match ALL = new Match(new Oxm[0]);

    private static final java.util.Comparator<Oxm> BY_FIELD = (a, b) -> Integer.compare(a.field().code(), b.field().code());

    private final Oxm[] fields;
    private final int wireLength;

    private Match(Oxm[] sortedFields) {
        this.fields = sortedFields;
        int len = 4;
        for (Oxm o : sortedFields) {
            len += o.wireLength();
        }
        this.wireLength = len;
    }

    /** A match of {@code fields}, checked as a switch checks a received one. */
    public static Match of(Oxm... fields) throws OfpException {
        return ofOwned(fields.clone());
    }

    /** {@link #of} for an array nobody else holds, which becomes the match's own. */
    private static Match ofOwned(Oxm[] sorted) throws OfpException {
        Arrays.sort(sorted, BY_FIELD);
        for (Oxm o : sorted) {
            checkValue(o);
        }
        checkDuplicatesAndPrerequisites(sorted);
        return new Match(sorted);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The fields in field-number order. */
    public List<Oxm> fields() {
        return Collections.unmodifiableList(Arrays.asList(fields));
    }

    /** The field {@code f}, or null if the match does not constrain it. */
    public Oxm get(OxmField f) {
        for (Oxm o : fields) {
            if (o.field() == f) {
                return o;
            }
        }
        return null;
    }

    public boolean isEmpty() {
        return fields.length == 0;
    }

    /** {@code ofp_match.length}: the header and the TLVs, without the trailing padding. */
    public int length() {
        return wireLength;
    }

    /** The bytes the match occupies on the wire, padded to a multiple of 8. */
    public int paddedLength() {
        return (wireLength + 7) & ~7;
    }

    /**
     * True if a packet with header fields {@code key} matches. {@code metadata} and {@code tunnelId}
     * come from the pipeline (OXM METADATA and TUNNEL_ID are not packet headers). Allocates nothing.
     */
    public boolean matches(FlowKey key, long metadata, long tunnelId) {
        for (Oxm o : fields) {
            if (!o.matches(key, metadata, tunnelId)) {
                return false;
            }
        }
        return true;
    }

    /**
     * True if every packet {@code other} matches, this matches too: the non-strict comparison of
     * OF 1.3.5 §6.4 that FLOW_MOD MODIFY/DELETE and flow stats requests use to select entries
     * ("entries whose match is equal to or more specific than the request's").
     */
    public boolean covers(Match other) {
        for (Oxm mine : fields) {
            if (mine.isWildcard()) {
                continue;
            }
            Oxm theirs = other.get(mine.field());
            if (theirs == null
                    || (theirs.mask() & mine.mask()) != mine.mask() || (theirs.maskHi() & mine.maskHi()) != mine.maskHi()
                    || (theirs.value() & mine.mask()) != mine.value() || (theirs.valueHi() & mine.maskHi()) != mine.valueHi()) {
                return false;
            }
        }
        return true;
    }

    /** {@link #matches(FlowKey, long, long)} with metadata and tunnel id 0. */
    public boolean matches(FlowKey key) {
        return matches(key, 0, 0);
    }

    // ---------------------------------------------------------------- validation

    private static void checkValue(Oxm o) throws OfpException {
        OxmField f = o.field();
        if (o.hasMask() && !f.isMaskable()) {
            throw new OfpException(ErrorCode.BAD_MATCH_BAD_MASK, f + " cannot be masked");
        }
        long valid = f.validBits();
        if ((o.value() & ~valid) != 0 || (!f.isWide() && o.valueHi() != 0)) {
            throw new OfpException(ErrorCode.BAD_MATCH_BAD_VALUE, f + " value 0x" + Long.toHexString(o.value()) + " has bits outside 0x" + Long.toHexString(valid));
        }
        if (o.hasMask() && ((o.mask() & ~valid) != 0 || (!f.isWide() && o.maskHi() != 0))) {
            throw new OfpException(ErrorCode.BAD_MATCH_BAD_MASK, f + " mask 0x" + Long.toHexString(o.mask()) + " has bits outside 0x" + Long.toHexString(valid));
        }
        // OF 1.3.5 §7.2.3.4: a value bit under a 0 mask bit is an error.
        if ((o.value() & ~o.mask()) != 0 || (o.valueHi() & ~o.maskHi()) != 0) {
            throw new OfpException(ErrorCode.BAD_MATCH_BAD_WILDCARDS, f + " value has bits set where its mask is 0");
        }
    }

    // Invariant: sorted by field number.
    private static void checkDuplicatesAndPrerequisites(Oxm[] sorted) throws OfpException {
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i].field() == sorted[i - 1].field()) {
                throw new OfpException(ErrorCode.BAD_MATCH_DUP_FIELD, sorted[i].field() + " appears twice");
            }
        }
        for (Oxm o : sorted) {
            String missing = missingPrerequisite(o.field(), sorted);
            if (missing != null) {
                throw new OfpException(ErrorCode.BAD_MATCH_BAD_PREREQ, o.field() + " requires " + missing);
            }
        }
    }

    /** OF 1.3.5 §7.2.3.6: what a field needs, or null if it is satisfied. */
    private static String missingPrerequisite(OxmField f, Oxm[] all) {
        return switch (f) {
            case IN_PHY_PORT -> present(all, OxmField.IN_PORT) ? null : "in_port";
            case VLAN_PCP -> {
                Oxm vid = find(all, OxmField.VLAN_VID);
                yield vid != null && (vid.value() & vid.mask() & OxmField.VID_PRESENT) != 0 ? null : "vlan_vid != OFPVID_NONE";
            }
            case IP_DSCP, IP_ECN, IP_PROTO -> exact(all, OxmField.ETH_TYPE, 0x0800, 0x86DD) ? null : "eth_type=0x0800 or 0x86dd";
            case IPV4_SRC, IPV4_DST -> exact(all, OxmField.ETH_TYPE, 0x0800) ? null : "eth_type=0x0800";
            case TCP_SRC, TCP_DST -> exact(all, OxmField.IP_PROTO, 6) ? null : "ip_proto=6";
            case UDP_SRC, UDP_DST -> exact(all, OxmField.IP_PROTO, 17) ? null : "ip_proto=17";
            case SCTP_SRC, SCTP_DST -> exact(all, OxmField.IP_PROTO, 132) ? null : "ip_proto=132";
            case ICMPV4_TYPE, ICMPV4_CODE -> exact(all, OxmField.IP_PROTO, 1) ? null : "ip_proto=1";
            case ARP_OP, ARP_SPA, ARP_TPA, ARP_SHA, ARP_THA -> exact(all, OxmField.ETH_TYPE, 0x0806) ? null : "eth_type=0x0806";
            case IPV6_SRC, IPV6_DST, IPV6_FLABEL, IPV6_EXTHDR -> exact(all, OxmField.ETH_TYPE, 0x86DD) ? null : "eth_type=0x86dd";
            case ICMPV6_TYPE, ICMPV6_CODE -> exact(all, OxmField.IP_PROTO, 58) ? null : "ip_proto=58";
            case IPV6_ND_TARGET -> exact(all, OxmField.ICMPV6_TYPE, 135, 136) ? null : "icmpv6_type=135 or 136";
            case IPV6_ND_SLL -> exact(all, OxmField.ICMPV6_TYPE, 135) ? null : "icmpv6_type=135";
            case IPV6_ND_TLL -> exact(all, OxmField.ICMPV6_TYPE, 136) ? null : "icmpv6_type=136";
            case MPLS_LABEL, MPLS_TC, MPLS_BOS -> exact(all, OxmField.ETH_TYPE, 0x8847, 0x8848) ? null : "eth_type=0x8847 or 0x8848";
            case PBB_ISID -> exact(all, OxmField.ETH_TYPE, 0x88E7) ? null : "eth_type=0x88e7";
            default -> null;
        };
    }

    private static Oxm find(Oxm[] all, OxmField f) {
        for (Oxm o : all) {
            if (o.field() == f) {
                return o;
            }
        }
        return null;
    }

    private static boolean present(Oxm[] all, OxmField f) {
        return find(all, f) != null;
    }

    private static boolean exact(Oxm[] all, OxmField f, long... values) {
        Oxm o = find(all, f);
        if (o == null || o.hasMask()) {
            return false;
        }
        for (long v : values) {
            if (o.value() == v) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- wire

    /** Writes the match with its padding (OF 1.3.5 §7.2.3.1). */
    public void write(ByteBuf out) {
        out.writeShort(TYPE_OXM);
        out.writeShort(wireLength);
        for (Oxm o : fields) {
            writeOxm(out, o);
        }
        out.writeZero(paddedLength() - wireLength);
    }

    /** Writes one TLV (OF 1.3.5 §7.2.3.2). */
    static void writeOxm(ByteBuf out, Oxm o) {
        OxmField f = o.field();
        out.writeInt(f.header(o.hasMask()));
        writeValue(out, f, o.valueHi(), o.value());
        if (o.hasMask()) {
            writeValue(out, f, o.maskHi(), o.mask());
        }
    }

    private static void writeValue(ByteBuf out, OxmField f, long hi, long lo) {
        switch (f.width()) {
            case 1 -> out.writeByte((int) lo);
            case 2 -> out.writeShort((int) lo);
            case 3 -> out.writeMedium((int) lo);
            case 4 -> out.writeInt((int) lo);
            case 6 -> {
                out.writeShort((int) (lo >>> 32));
                out.writeInt((int) lo);
            }
            case 8 -> out.writeLong(lo);
            default -> {
                out.writeLong(hi);
                out.writeLong(lo);
            }
        }
    }

    /**
     * Reads a match and its padding at the reader index.
     *
     * @throws OfpException OFPET_BAD_MATCH with the code the spec prescribes for what is wrong
     */
    public static Match read(ByteBuf in) throws OfpException {
        if (in.readableBytes() < 4) {
            throw new OfpException(ErrorCode.BAD_MATCH_BAD_LEN, "match header truncated");
        }
        int type = in.readUnsignedShort();
        int length = in.readUnsignedShort();
        if (type != TYPE_OXM) {
            throw new OfpException(ErrorCode.BAD_MATCH_BAD_TYPE, "match type " + type + " (only OFPMT_OXM is supported)");
        }
        int padded = (length + 7) & ~7;
        if (length < 4 || padded - 4 > in.readableBytes()) {
            throw new OfpException(ErrorCode.BAD_MATCH_BAD_LEN, "match length " + length + " with " + (in.readableBytes() + 4) + " bytes left");
        }
        int end = in.readerIndex() + length - 4;
        // Invariant: every TLV is at least 5 bytes, so (length - 4) / 5 bounds the count.
        Oxm[] read = new Oxm[(length - 4) / 5];
        int n = 0;
        while (in.readerIndex() < end) {
            read[n++] = readOxm(in, end - in.readerIndex(), ErrorCode.BAD_MATCH_BAD_LEN);
        }
        in.skipBytes(padded - length);
        if (n == 0) {
            return ALL;
        }
        return ofOwned(n == read.length ? read : Arrays.copyOf(read, n));
    }

    /** Reads one TLV of at most {@code available} bytes; a length problem is reported as {@code lenError}. */
    static Oxm readOxm(ByteBuf in, int available, ErrorCode lenError) throws OfpException {
        if (available < 4) {
            throw new OfpException(lenError, "OXM header truncated");
        }
        int header = in.readInt();
        int oxmClass = header >>> 16;
        int code = header >>> 9 & 0x7F;
        boolean hasMask = (header & 0x100) != 0;
        int length = header & 0xFF;
        if (length > available - 4) {
            throw new OfpException(lenError, "OXM length " + length + " beyond the " + (available - 4) + " bytes left");
        }
        OxmField f = oxmClass == OxmField.CLASS_OPENFLOW_BASIC ? OxmField.of(code) : null;
        if (f == null) {
            in.skipBytes(length);
            throw new OfpException(ErrorCode.BAD_MATCH_BAD_FIELD,
                    String.format("unsupported OXM class 0x%04x field %d", oxmClass, code));
        }
        if (length != (hasMask ? 2 : 1) * f.width()) {
            throw new OfpException(lenError, f + " with length " + length + (hasMask ? " (masked)" : ""));
        }
        long hi = 0;
        long lo;
        long mhi = f.isWide() ? -1L : 0;
        long mlo = f.validBits();
        if (f.isWide()) {
            hi = in.readLong();
            lo = in.readLong();
        } else {
            lo = readNarrow(in, f.width());
        }
        if (hasMask) {
            if (f.isWide()) {
                mhi = in.readLong();
                mlo = in.readLong();
            } else {
                mhi = 0;
                mlo = readNarrow(in, f.width());
            }
        }
        return new Oxm(f, hi, lo, mhi, mlo, hasMask);
    }

    private static long readNarrow(ByteBuf in, int width) {
        return switch (width) {
            case 1 -> in.readUnsignedByte();
            case 2 -> in.readUnsignedShort();
            case 3 -> in.readUnsignedMedium();
            case 4 -> in.readUnsignedInt();
            case 6 -> (long) in.readUnsignedShort() << 32 | in.readUnsignedInt();
            default -> in.readLong();
        };
    }

    // ---------------------------------------------------------------- object

    @Override
    public boolean equals(Object o) {
        return o instanceof Match m && Arrays.equals(fields, m.fields);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(fields);
    }

    /** The fields in ovs-ofctl's notation, comma-separated ({@code in_port=1,dl_type=0x0800,nw_dst=10.0.0.0/24}); empty for {@link #ALL}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Oxm o : fields) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(o);
        }
        return sb.toString();
    }

    /** Builds a match field by field; {@link #build()} checks it as a switch would. */
    public static final class Builder {
        private final List<Oxm> fields = new ArrayList<>();

        private Builder() {
        }

        public Builder add(Oxm oxm) {
            fields.add(oxm);
            return this;
        }

        public Builder exact(OxmField f, long value) {
            return add(Oxm.exact(f, value));
        }

        public Builder masked(OxmField f, long value, long mask) {
            return add(Oxm.masked(f, value, mask));
        }

        public Builder inPort(PortNo port) {
            return exact(OxmField.IN_PORT, port.value() & 0xFFFF_FFFFL);
        }

        public Builder inPort(int port) {
            return inPort(PortNo.of(port));
        }

        public Builder metadata(long value) {
            return exact(OxmField.METADATA, value);
        }

        public Builder metadata(long value, long mask) {
            return masked(OxmField.METADATA, value, mask);
        }

        public Builder ethDst(MacAddress mac) {
            return exact(OxmField.ETH_DST, mac.bits());
        }

        public Builder ethDst(MacAddress mac, MacAddress mask) {
            return masked(OxmField.ETH_DST, mac.bits(), mask.bits());
        }

        public Builder ethSrc(MacAddress mac) {
            return exact(OxmField.ETH_SRC, mac.bits());
        }

        public Builder ethType(int ethType) {
            return exact(OxmField.ETH_TYPE, ethType);
        }

        /** A tagged packet with VLAN ID {@code vid} (sets OFPVID_PRESENT). */
        public Builder vlanVid(int vid) {
            return exact(OxmField.VLAN_VID, OxmField.VID_PRESENT | vid);
        }

        /** Any tagged packet ({@code vlan_vid=0x1000/0x1000}). */
        public Builder anyVlan() {
            return masked(OxmField.VLAN_VID, OxmField.VID_PRESENT, OxmField.VID_PRESENT);
        }

        /** An untagged packet (OFPVID_NONE). */
        public Builder noVlan() {
            return exact(OxmField.VLAN_VID, OxmField.VID_NONE);
        }

        public Builder vlanPcp(int pcp) {
            return exact(OxmField.VLAN_PCP, pcp);
        }

        public Builder ipDscp(int dscp) {
            return exact(OxmField.IP_DSCP, dscp);
        }

        public Builder ipProto(int proto) {
            return exact(OxmField.IP_PROTO, proto);
        }

        public Builder ipv4Src(Ipv4Address a) {
            return exact(OxmField.IPV4_SRC, a.bits() & 0xFFFF_FFFFL);
        }

        public Builder ipv4Src(Ipv4Address a, int prefix) {
            return masked(OxmField.IPV4_SRC, a.bits() & Ipv4Address.prefixMask(prefix) & 0xFFFF_FFFFL, Ipv4Address.prefixMask(prefix) & 0xFFFF_FFFFL);
        }

        public Builder ipv4Dst(Ipv4Address a) {
            return exact(OxmField.IPV4_DST, a.bits() & 0xFFFF_FFFFL);
        }

        public Builder ipv4Dst(Ipv4Address a, int prefix) {
            return masked(OxmField.IPV4_DST, a.bits() & Ipv4Address.prefixMask(prefix) & 0xFFFF_FFFFL, Ipv4Address.prefixMask(prefix) & 0xFFFF_FFFFL);
        }

        public Builder ipv6Src(Ipv6Address a) {
            return add(Oxm.exact(OxmField.IPV6_SRC, a.hi(), a.lo()));
        }

        public Builder ipv6Dst(Ipv6Address a) {
            return add(Oxm.exact(OxmField.IPV6_DST, a.hi(), a.lo()));
        }

        public Builder tcpSrc(int port) {
            return exact(OxmField.TCP_SRC, port);
        }

        public Builder tcpDst(int port) {
            return exact(OxmField.TCP_DST, port);
        }

        public Builder udpSrc(int port) {
            return exact(OxmField.UDP_SRC, port);
        }

        public Builder udpDst(int port) {
            return exact(OxmField.UDP_DST, port);
        }

        public Builder icmpv4Type(int type) {
            return exact(OxmField.ICMPV4_TYPE, type);
        }

        public Builder arpOp(int op) {
            return exact(OxmField.ARP_OP, op);
        }

        public Builder arpTpa(Ipv4Address a) {
            return exact(OxmField.ARP_TPA, a.bits() & 0xFFFF_FFFFL);
        }

        public Builder tunnelId(long id) {
            return exact(OxmField.TUNNEL_ID, id);
        }

        /** The match; throws {@link IllegalArgumentException} carrying the OFPET_BAD_MATCH code a switch would answer. */
        public Match build() {
            try {
                return Match.of(fields.toArray(new Oxm[0]));
            } catch (OfpException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
    }
}
