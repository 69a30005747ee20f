package dev.iovirt.openflow;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/** A band of a meter, {@code struct ofp_meter_band_header} and its variants (OF 1.3.5 §7.3.4.4). */
public sealed interface MeterBand {
    // OF 1.3.5 §7.3.4.4, enum ofp_meter_band_type.
    int DROP = 1;
    int DSCP_REMARK = 2;
    int EXPERIMENTER = 0xFFFF;
    /** Every band of OpenFlow 1.3 is 16 bytes long. */
    int LENGTH = 16;

    int type();

    /** The rate above which the band applies, in kb/s or packets/s as the meter's flags say. */
    long rate();

    /** The burst size, in kb or packets. */
    long burstSize();

    /** OFPMBT_DROP: drop packets above the rate. */
    record Drop(long rate, long burstSize) implements MeterBand {
        public int type() {
            return DROP;
        }

        public String toString() {
            return "type=drop rate=" + rate + (burstSize != 0 ? " burst_size=" + burstSize : "");
        }
    }

    /** OFPMBT_DSCP_REMARK: raise the drop precedence of the DSCP by {@code precLevel}. */
    record DscpRemark(long rate, long burstSize, int precLevel) implements MeterBand {
        public int type() {
            return DSCP_REMARK;
        }

        public String toString() {
            return "type=dscp_remark rate=" + rate + (burstSize != 0 ? " burst_size=" + burstSize : "") + " prec_level=" + precLevel;
        }
    }

    static void writeAll(ByteBuf out, List<MeterBand> bands) {
        for (MeterBand b : bands) {
            out.writeShort(b.type());
            out.writeShort(LENGTH);
            out.writeInt((int) b.rate());
            out.writeInt((int) b.burstSize());
            if (b instanceof DscpRemark d) {
                out.writeByte(d.precLevel());
                out.writeZero(3);
            } else {
                out.writeZero(4);
            }
        }
    }

    /** Reads the bands that fill exactly {@code length} bytes; problems are OFPET_METER_MOD_FAILED/OFPMMFC_BAD_BAND. */
    static List<MeterBand> readAll(ByteBuf in, int length) throws OfpException {
        int end = in.readerIndex() + length;
        List<MeterBand> list = new ArrayList<>();
        while (in.readerIndex() < end) {
            int available = end - in.readerIndex();
            if (available < LENGTH) {
                throw new OfpException(ErrorCode.METER_MOD_FAILED_BAD_BAND, "meter band truncated (" + available + " bytes)");
            }
            int type = in.readUnsignedShort();
            int len = in.readUnsignedShort();
            if (len != LENGTH) {
                throw new OfpException(ErrorCode.METER_MOD_FAILED_BAD_BAND, "meter band type " + type + " with length " + len);
            }
            long rate = in.readUnsignedInt();
            long burst = in.readUnsignedInt();
            switch (type) {
                case DROP -> {
                    in.skipBytes(4);
                    list.add(new Drop(rate, burst));
                }
                case DSCP_REMARK -> {
                    int prec = in.readUnsignedByte();
                    in.skipBytes(3);
                    list.add(new DscpRemark(rate, burst, prec));
                }
                default -> throw new OfpException(ErrorCode.METER_MOD_FAILED_BAD_BAND, "unsupported meter band type " + type);
            }
        }
        return List.copyOf(list);
    }
}
