package dev.iovirt.sriov;

import static dev.iovirt.sriov.api.VfMailboxMessages.*;

import dev.iovirt.packet.MacAddress;
import dev.iovirt.vmm.hv.Steppable;

/**
 * The PF driver's end of the PF–VF mailbox (as Linux's {@code ixgbe_sriov.c} handles
 * {@code ixgbe_rcv_msg_from_vf}): each {@link #step} takes every VF's pending request, decides it by the
 * PF's policy, applies it to the {@link EmbeddedSwitch} and replies. A VF's driver can only ask; the
 * policy is the host's:
 *
 * <ul>
 *   <li>RESET: answered with ACK|CTS and the VF's MAC (the host's choice, or zero).
 *   <li>SET_MAC_ADDR: granted unless the host set the VF's MAC and the VF is not trusted (Linux's
 *       "VF attempted to override administratively set MAC address"); never a multicast or zero MAC.
 *   <li>SET_VLAN: refused while the host gave the VF a port VLAN.
 *   <li>SET_MULTICAST: at most {@link dev.iovirt.sriov.api.VfMailboxMessages#MAX_MULTICAST} group MACs;
 *       a longer or non-multicast list is refused.
 *   <li>anything else: NACK.
 * </ul>
 */
public final class PfMailbox implements Steppable {
    private final PhysicalFunction pf;
    private final EmbeddedSwitch veb;
    private long requests;
    private long refused;

    public PfMailbox(PhysicalFunction pf, EmbeddedSwitch veb) {
        this.pf = pf;
        this.veb = veb;
    }

    @Override
    public synchronized boolean step() {
        boolean work = false;
        for (VirtualFunction vf : pf.virtualFunctions()) {
            int[] request = vf.takeMailboxRequest();
            if (request == null) {
                continue;
            }
            work = true;
            requests++;
            int[] reply = handle(vf, request);
            if ((reply[0] & NACK) != 0) {
                refused++;
            }
            vf.mailboxReply(reply);
        }
        return work;
    }

    private int[] handle(VirtualFunction vf, int[] m) {
        int type = m[0] & TYPE_MASK;
        int info = (m[0] >>> INFO_SHIFT) & 0xFF;
        switch (type) {
            case RESET -> {
                int[] reply = new int[4];
                reply[0] = RESET | ACK | CTS;
                MacAddress mac = veb.mac(vf);
                if (mac != null) {
                    putMac(reply, 4, mac.bits());
                }
                return reply;
            }
            case SET_MAC_ADDR -> {
                return answer(m[0], veb.requestMac(vf, MacAddress.of(getMac(m, 4))));
            }
            case SET_VLAN -> {
                return answer(m[0], veb.requestVlan(vf, m[1] & 0xFFF, info != 0));
            }
            case SET_MULTICAST -> {
                if (info > MAX_MULTICAST) {
                    return answer(m[0], false);
                }
                long[] macs = new long[info];
                for (int i = 0; i < info; i++) {
                    macs[i] = getMac(m, 4 + 6 * i);
                    if ((macs[i] & (1L << 40)) == 0) {
                        return answer(m[0], false);
                    }
                }
                return answer(m[0], veb.requestMulticast(vf, macs));
            }
            default -> {
                return answer(m[0], false);
            }
        }
    }

    private static int[] answer(int request, boolean granted) {
        return new int[] {(request & 0x00FF_FFFF) | (granted ? ACK : NACK) | CTS};
    }

    /** The 48-bit MAC at byte {@code offset} of the little-endian message (first octet first). */
    static long getMac(int[] m, int offset) {
        long bits = 0;
        for (int i = 0; i < 6; i++) {
            int k = offset + i;
            bits = bits << 8 | ((m[k >>> 2] >>> (8 * (k & 3))) & 0xFF);
        }
        return bits;
    }

    static void putMac(int[] m, int offset, long bits) {
        for (int i = 0; i < 6; i++) {
            int k = offset + i;
            int b = (int) (bits >>> (8 * (5 - i))) & 0xFF;
            m[k >>> 2] = (m[k >>> 2] & ~(0xFF << (8 * (k & 3)))) | b << (8 * (k & 3));
        }
    }

    /** Requests handled. */
    public synchronized long requests() {
        return requests;
    }

    /** Requests refused (NACK). */
    public synchronized long refused() {
        return refused;
    }
}
