package dev.iovirt.sriov;

import static dev.iovirt.sriov.api.VfMailboxMessages.*;
import static dev.iovirt.sriov.api.VfRegisters.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.PacketBuilder;
import dev.iovirt.packet.testing.DummyPort;
import org.junit.jupiter.api.Test;

/** The PF–VF mailbox: a VF's driver asks (through VFMBMEM/VFMAILBOX), the PF's policy decides. */
class PfMailboxTest {
    private static final MacAddress MAC0 = MacAddress.of("02:00:00:00:00:10");
    private static final MacAddress WANTED = MacAddress.of("02:00:00:00:77:01");
    private static final MacAddress REMOTE = MacAddress.of("02:00:00:00:99:01");
    private static final MacAddress GROUP = MacAddress.of("01:00:5e:00:00:01");

    private final SriovRig rig = new SriovRig();
    private final DummyPort wire = new DummyPort("uplink");
    private final EmbeddedSwitch veb = new EmbeddedSwitch(rig.pf, wire, rig.clock);
    private final PfMailbox mailbox = new PfMailbox(rig.pf, veb);
    private final VirtualFunction vf0;
    private final VirtualFunction vf1;

    PfMailboxTest() {
        rig.enableVfs(2);
        vf0 = rig.pf.virtualFunctions().get(0);
        vf1 = rig.pf.virtualFunctions().get(1);
    }

    /** The VF driver's side: write the message, set REQ; the PF steps; read the reply. */
    private int[] ask(VirtualFunction vf, int... message) {
        for (int i = 0; i < message.length; i++) {
            vf.registersBar().mmioWrite(VFMBMEM + 4L * i, 4, message[i]);
        }
        vf.registersBar().mmioWrite(VFMAILBOX, 4, MAILBOX_REQ);
        assertThat(mailbox.step()).isTrue();
        assertThat((int) vf.registersBar().mmioRead(VFMAILBOX, 4)).isEqualTo(MAILBOX_PFSTS | MAILBOX_PFACK);
        int[] reply = new int[MAILBOX_WORDS];
        for (int i = 0; i < MAILBOX_WORDS; i++) {
            reply[i] = (int) vf.registersBar().mmioRead(VFMBMEM + 4L * i, 4);
        }
        return reply;
    }

    private static int[] withMac(int word0, MacAddress mac) {
        int[] m = new int[3];
        m[0] = word0;
        PfMailbox.putMac(m, 4, mac.bits());
        return m;
    }

    private void runUntilQuiet() {
        for (int i = 0; i < 1000 && veb.step(); i++) {
            // step until nothing moves
        }
    }

    @Test
    void resetAnswersWithTheMacTheHostGave() {
        veb.setMac(vf0, MAC0);
        int[] reply = ask(vf0, RESET);
        assertThat(reply[0]).isEqualTo(RESET | ACK | CTS);
        assertThat(PfMailbox.getMac(reply, 4)).isEqualTo(MAC0.bits());
        assertThat(vf0.registersBar().mmioRead(EICR, 4) & CAUSE_MAILBOX).isEqualTo(CAUSE_MAILBOX);
    }

    @Test
    void aVfMayChooseItsMacWhenTheHostSetNoneAndThenReceivesForIt() {
        HostSideDriver d0 = new HostSideDriver(rig, vf0);
        assertThat(ask(vf0, withMac(SET_MAC_ADDR, WANTED))[0] & (ACK | NACK)).isEqualTo(ACK);
        assertThat(veb.mac(vf0)).isEqualTo(WANTED);

        wire.inject(PacketBuilder.ethernet(REMOTE, WANTED).etherType(0x88B5).payload(new byte[46]).build());
        runUntilQuiet();
        assertThat(d0.received()).hasSize(1);
    }

    @Test
    void aVfCannotOverrideTheHostsMacUnlessTrusted() {
        veb.setMac(vf0, MAC0);
        assertThat(ask(vf0, withMac(SET_MAC_ADDR, WANTED))[0] & (ACK | NACK)).isEqualTo(NACK);
        assertThat(veb.mac(vf0)).isEqualTo(MAC0);
        assertThat(mailbox.refused()).isEqualTo(1);

        veb.setTrusted(vf0, true);
        assertThat(ask(vf0, withMac(SET_MAC_ADDR, WANTED))[0] & (ACK | NACK)).isEqualTo(ACK);
        assertThat(veb.mac(vf0)).isEqualTo(WANTED);
    }

    @Test
    void aMulticastOrZeroMacIsRefused() {
        assertThat(ask(vf0, withMac(SET_MAC_ADDR, GROUP))[0] & NACK).isEqualTo(NACK);
        assertThat(ask(vf0, withMac(SET_MAC_ADDR, MacAddress.ZERO))[0] & NACK).isEqualTo(NACK);
    }

    @Test
    void aJoinedVlanCarriesTaggedFramesAndAPortVlanForbidsJoining() {
        veb.setMac(vf0, MAC0);
        HostSideDriver d0 = new HostSideDriver(rig, vf0);
        byte[] tagged = PacketBuilder.ethernet(REMOTE, MAC0).vlan(100).etherType(0x88B5).payload(new byte[46]).build();
        wire.inject(tagged);
        runUntilQuiet();
        assertThat(d0.received()).as("not a member of VLAN 100 yet").isEmpty();

        assertThat(ask(vf0, SET_VLAN | 1 << INFO_SHIFT, 100)[0] & (ACK | NACK)).isEqualTo(ACK);
        assertThat(veb.inVlan(vf0, 100)).isTrue();
        wire.inject(tagged);
        d0.send(PacketBuilder.ethernet(MAC0, REMOTE).vlan(200).etherType(0x88B5).payload(new byte[46]).build());
        runUntilQuiet();
        assertThat(d0.received()).containsExactly(tagged);
        assertThat(veb.stats(vf0).vlanViolations).as("VLAN 200 was never joined").isEqualTo(1);

        veb.setVlan(vf1, 300);
        assertThat(ask(vf1, SET_VLAN | 1 << INFO_SHIFT, 100)[0] & (ACK | NACK)).isEqualTo(NACK);
    }

    @Test
    void multicastReachesOnlyTheVfsThatSubscribed() {
        HostSideDriver d0 = new HostSideDriver(rig, vf0);
        HostSideDriver d1 = new HostSideDriver(rig, vf1);
        int[] m = new int[3];
        m[0] = SET_MULTICAST | 1 << INFO_SHIFT;
        PfMailbox.putMac(m, 4, GROUP.bits());
        assertThat(ask(vf1, m)[0] & (ACK | NACK)).isEqualTo(ACK);

        wire.inject(PacketBuilder.ethernet(REMOTE, GROUP).etherType(0x88B5).payload(new byte[46]).build());
        runUntilQuiet();

        assertThat(d1.received()).hasSize(1);
        assertThat(d0.received()).isEmpty();
    }

    @Test
    void tooLongAMulticastListAndUnknownMessagesAreRefused() {
        assertThat(ask(vf0, SET_MULTICAST | (MAX_MULTICAST + 1) << INFO_SHIFT)[0] & NACK).isEqualTo(NACK);
        assertThat(ask(vf0, 0x7F)[0] & NACK).isEqualTo(NACK);
        assertThat(mailbox.requests()).isEqualTo(2);
        assertThat(mailbox.refused()).isEqualTo(2);
    }

    @Test
    void theBufferIsThePfsWhileARequestWaits() {
        vf0.registersBar().mmioWrite(VFMBMEM, 4, RESET);
        vf0.registersBar().mmioWrite(VFMAILBOX, 4, MAILBOX_REQ);
        vf0.registersBar().mmioWrite(VFMBMEM, 4, SET_VLAN); // too late: ignored

        assertThat(mailbox.step()).isTrue();
        assertThat((int) vf0.registersBar().mmioRead(VFMBMEM, 4) & TYPE_MASK).isEqualTo(RESET);
        assertThat(mailbox.step()).as("one request, one answer").isFalse();
    }
}
