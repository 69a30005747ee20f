package dev.iovirt.openflow;

import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * One meter in an OFPMP_METER_CONFIG reply, {@code struct ofp_meter_config} (OF 1.3.5 §7.3.5.13).
 *
 * @param flags the meter's OFPMF_* flags
 * @param meterId the meter
 * @param bands the meter's bands
 */
public record MeterConfig(int flags, MeterId meterId, List<MeterBand> bands) {
    public MeterConfig {
        bands = List.copyOf(bands);
    }

    public int length() {
        return 8 + MeterBand.LENGTH * bands.size();
    }

    void write(ByteBuf out) {
        out.writeShort(length());
        out.writeShort(flags);
        out.writeInt(meterId.value());
        MeterBand.writeAll(out, bands);
    }

    static MeterConfig read(ByteBuf in) throws OfpException {
        MpRequest.need(in, 8);
        int len = in.readUnsignedShort();
        if (len < 8 || len > in.readableBytes() + 2) {
            throw new OfpException(ErrorCode.BAD_REQUEST_BAD_LEN, "meter config length " + len);
        }
        int flags = in.readUnsignedShort();
        MeterId m = MeterId.of(in.readInt());
        return new MeterConfig(flags, m, MeterBand.readAll(in, len - 8));
    }
}
