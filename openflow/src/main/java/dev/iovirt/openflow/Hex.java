package dev.iovirt.openflow;

import java.util.HexFormat;

/** Hex rendering of message payloads for {@code toString()}. */
final class Hex {
    private static final int MAX_SHOWN = 64;

    private Hex() {
    }

    static String of(byte[] data) {
        if (data.length <= MAX_SHOWN) {
            return HexFormat.of().formatHex(data);
        }
        return HexFormat.of().formatHex(data, 0, MAX_SHOWN) + "...(" + data.length + " bytes)";
    }
}
