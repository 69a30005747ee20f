package dev.iovirt.nfv;

import static dev.iovirt.nfv.ApplianceLab.MS;
import static dev.iovirt.sriov.api.SriovRegisters.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.iommu.Iommu;
import dev.iovirt.iommu.VmPostedInterrupts;
import dev.iovirt.nfv.firewall.Firewall;
import dev.iovirt.nfv.firewall.Rule;
import dev.iovirt.packet.Bytes;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.packet.PacketBuilder;
import dev.iovirt.packet.testing.DummyPort;
import dev.iovirt.sriov.EmbeddedSwitch;
import dev.iovirt.sriov.PfMailbox;
import dev.iovirt.sriov.PhysicalFunction;
import dev.iovirt.sriov.VfAssignment;
import dev.iovirt.sriov.VfWiring;
import dev.iovirt.sriov.VirtualFunction;
import dev.iovirt.vmm.mem.MemoryAccount;
import dev.iovirt.vmm.pci.Bdf;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An appliance with an SR-IOV VF as port 0 (assigned through the IOMMU, MAC from the PF's mailbox,
 * polled by the loop with no interrupts) and a virtio NIC as port 1: frames from the wire reach the
 * firewall through the NIC's embedded switch, and replies leave the same way.
 */
class ApplianceVfTest {
    static final MacAddress VF_MAC = MacAddress.of("02:00:00:00:0f:00");
    static final MacAddress PEER = MacAddress.of("02:00:00:00:00:99");
    static final Ipv4Address OUTSIDE_HOST = Ipv4Address.of("10.0.0.9");
    static final Ipv4Address INSIDE_HOST = Ipv4Address.of("10.0.0.3");

    @Test
    void firewallOnAVfPortFiltersAndForwardsThroughTheEmbeddedSwitch() {
        ApplianceLab lab = new ApplianceLab();
        Iommu iommu = new Iommu(lab.host.memory(), lab.host.hostAccount(), Iommu.Options.defaults());
        VmPostedInterrupts posted = new VmPostedInterrupts(lab.host.memory());
        iommu.setPostedInterruptTarget(posted);
        PhysicalFunction pf = new PhysicalFunction("enp0s4f0", Bdf.of(0, 4, 0), VfWiring.iommu(iommu, new MemoryAccount("nic")));
        DummyPort wire = new DummyPort("uplink");
        EmbeddedSwitch veb = new EmbeddedSwitch(pf, wire, lab.clock);
        PfMailbox mailbox = new PfMailbox(pf, veb);
        pf.configWrite(pf.sriovCapabilityOffset() + SRIOV_NUM_VFS, 2, 1);
        pf.configWrite(pf.sriovCapabilityOffset() + SRIOV_CONTROL, 2, SRIOV_CTRL_VF_ENABLE | SRIOV_CTRL_VF_MSE);
        lab.steps.add(veb);
        lab.steps.add(mailbox);
        VirtualFunction vf = pf.virtualFunctions().get(0);
        veb.setMac(vf, VF_MAC);
        // A bump in the wire sends frames with other hosts' source MACs: "ip link set pf vf 0 spoofchk off".
        veb.setSpoofCheck(vf, false);

        Firewall firewall = new Firewall(Firewall.Config.of(List.of(Rule.parse("allow udp to 10.0.0.3 port 7"))));
        ApplianceVm fw = ApplianceVm.create(lab.host, ApplianceVm.Config.of("fw1", List.of(
                new ApplianceVm.VfNic("eth0", (vm, slot) -> {
                    posted.register(vm);
                    VfAssignment.assign(vf, vm, iommu, slot, 0xE000_0000L, 0xE001_0000L);
                }),
                new ApplianceVm.VirtioNic("eth1", MacAddress.of("02:00:00:00:0f:01")))), firewall);
        lab.steps.add(fw.vcpu());
        fw.start();
        DummyPort inside = new DummyPort("inside");
        lab.cable(fw.port(1), inside);
        lab.steps.runUntil(50 * MS);
        assertThat(fw.attached()).as("the loop waited for the VF's MAC, then attached").isTrue();

        // From the wire to the VF's MAC (the VEB delivers by MAC): one allowed datagram, one denied.
        wire.inject(PacketBuilder.ethernet(PEER, VF_MAC).ipv4(OUTSIDE_HOST, INSIDE_HOST).udp(4000, 7).payload(10).build());
        wire.inject(PacketBuilder.ethernet(PEER, VF_MAC).ipv4(OUTSIDE_HOST, INSIDE_HOST).udp(4000, 9).payload(10).build());
        lab.steps.runUntil(100 * MS);
        List<byte[]> passed = inside.drain();
        assertThat(passed).hasSize(1);
        assertThat(Bytes.getU16(passed.get(0), 36)).isEqualTo(7);
        assertThat(firewall.defaultDenied()).isEqualTo(1);

        // The reply goes out through the VF and the embedded switch to the wire (PEER is not a VF: uplink).
        inside.inject(PacketBuilder.ethernet(MacAddress.of("02:00:00:00:00:03"), PEER).ipv4(INSIDE_HOST, OUTSIDE_HOST)
                .udp(7, 4000).payload(10).build());
        lab.steps.runUntil(150 * MS);
        assertThat(wire.transmitted()).anySatisfy(f -> assertThat(Bytes.getU16(f, 34)).isEqualTo(7));
        assertThat(fw.portCounters(0).rxFrames()).isEqualTo(2);
        assertThat(fw.portCounters(0).txFrames()).isEqualTo(1);
        assertThat(iommu.faults()).isEmpty();
    }
}
