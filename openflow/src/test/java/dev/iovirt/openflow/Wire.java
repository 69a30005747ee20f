package dev.iovirt.openflow;

import java.util.HexFormat;

/** Hand-assembled messages for malformed-input tests. */
final class Wire {
    private Wire() {
    }

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    /** A message with a correct header around {@code bodyHex}. */
    static byte[] message(int type, int xid, String bodyHex) {
        byte[] body = hex(bodyHex);
        byte[] m = new byte[8 + body.length];
        m[0] = 4;
        m[1] = (byte) type;
        m[2] = (byte) (m.length >>> 8);
        m[3] = (byte) m.length;
        m[4] = (byte) (xid >>> 24);
        m[5] = (byte) (xid >>> 16);
        m[6] = (byte) (xid >>> 8);
        m[7] = (byte) xid;
        System.arraycopy(body, 0, m, 8, body.length);
        return m;
    }

    /** An OXM match of TLVs {@code oxmHex}, with its header and padding. */
    static String match(String oxmHex) {
        int n = hex(oxmHex).length;
        int len = 4 + n;
        int pad = ((len + 7) & ~7) - len;
        return String.format("0001 %04x ", len) + oxmHex + "00".repeat(pad);
    }

    /** A FLOW_MOD ADD with the raw match {@code matchHex} and raw instructions {@code instructionsHex}. */
    static byte[] flowMod(String matchHex, String instructionsHex) {
        return message(14, 0x77, "0000000000000000 0000000000000000 00 00 0000 0000 8000 ffffffff ffffffff ffffffff 0000 0000 "
                + matchHex + instructionsHex);
    }

    static byte[] flowModMatching(String oxmHex) {
        return flowMod(match(oxmHex), "");
    }

    /** A FLOW_MOD matching everything whose apply-actions instruction holds {@code actionsHex}. */
    static byte[] flowModApplying(String actionsHex) {
        int n = hex(actionsHex).length;
        return flowMod(match(""), String.format("0004 %04x 00000000 ", 8 + n) + actionsHex);
    }
}
