package dev.iovirt.guest.e1000;

import static dev.iovirt.guest.e1000.E1000Lab.MS;
import static dev.iovirt.vmm.dev.e1000.api.E1000Registers.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.guest.Kernel;
import dev.iovirt.guest.drivers.E1000Driver;
import dev.iovirt.guest.e1000.E1000Lab.Machine;
import dev.iovirt.guest.pci.PciDevice;
import dev.iovirt.guest.programs.Ping;
import dev.iovirt.packet.FrameBatch;
import dev.iovirt.packet.Ipv4Address;
import dev.iovirt.vmm.arch.GuestCpu;
import dev.iovirt.vmm.dev.e1000.E1000Error;
import dev.iovirt.vmm.dev.e1000.api.LegacyTxDescriptor;
import org.junit.jupiter.api.Test;

/**
 * A guest that programs its e1000 to break the rules, through MMIO like any driver, while two other
 * VMs on the same host ping each other: the rogue's device counts what it did and the others see
 * nothing of it.
 */
class E1000RogueGuestTest {
    private final E1000Lab lab = new E1000Lab();

    /** Runs {@code program} against the e1000's BAR 0 from a kernel task. */
    private Machine rogue(String name, java.util.function.BiConsumer<GuestCpu, Long> program) {
        Machine m = lab.bare(name, "52:54:00:00:00:66");
        m.kernel = Kernel.builder().task(k -> {
            PciDevice nic = k.devices().stream().filter(d -> d.vendorId() == PCI_VENDOR_INTEL).findFirst().orElseThrow();
            program.accept(k.cpu(), nic.barAddress()[0]);
            return false;
        }).build();
        m.vm.load(m.kernel);
        lab.steps.add(m.vm.vcpu(0));
        return m;
    }

    private Ping[] pingingPair() {
        Ping[] ping = new Ping[1];
        Machine a = lab.machine("a", "52:54:00:00:00:0a", "10.0.0.1", m -> {
            ping[0] = new Ping(m.stack, Ipv4Address.of("10.0.0.2"), 5, 10 * MS, 56, 10 * MS);
            m.kernel.spawn(ping[0]);
        });
        Machine b = lab.machine("b", "52:54:00:00:00:0b", "10.0.0.2", m -> { });
        lab.cable(a, b);
        return ping;
    }

    @Test
    void aGuestThatBreaksEveryRingRuleGetsCountedStallsWhileOtherVmsPingOn() {
        long ram = 64L << 20;
        Machine r = rogue("rogue", (cpu, bar) -> {
            cpu.write32(bar + TCTL, TCTL_EN);
            cpu.write32(bar + TDLEN, 200); // not a multiple of 128: 128 used
            cpu.write32(bar + TDBAL, (int) (ram - 64)); // descriptors 4.. are beyond RAM
            cpu.write32(bar + TDH, 4);
            cpu.write32(bar + TDT, 6); // DMA fault on descriptor 4: stall
            cpu.write32(bar + TDT, 100); // tail beyond the ring
            cpu.write32(bar + TDLEN, 0);
            cpu.write32(bar + TDT, 1); // zero-length ring
            cpu.write32(bar + RDBAL, (int) (ram + (1L << 20))); // receive ring entirely outside RAM
            cpu.write32(bar + RDLEN, 128);
            cpu.write32(bar + RDT, 3);
            cpu.write32(bar + RCTL, RCTL_EN | RCTL_UPE);
        });
        Ping[] ping = pingingPair();
        lab.steps.runUntil(1_000 * MS);
        // The rogue's NIC gets frames from the host side too: its receive ring is outside RAM.
        FrameBatch batch = new FrameBatch();
        batch.add(new byte[60], 0, 60);
        r.nic.transmit(batch);

        assertThat(r.nic.errors(E1000Error.RING_LENGTH_NOT_MULTIPLE_OF_128)).isEqualTo(1);
        assertThat(r.nic.errors(E1000Error.DESCRIPTOR_DMA_FAULT)).isEqualTo(1 + 1);
        assertThat(r.nic.errors(E1000Error.TAIL_BEYOND_RING)).isEqualTo(1);
        assertThat(r.nic.errors(E1000Error.RING_LENGTH_ZERO)).isEqualTo(1);
        assertThat(r.vm.stopped()).isFalse(); // hardware does not stop a machine for this
        assertThat(ping[0].received()).isEqualTo(5);
        assertThat(lab.host.vms()).allSatisfy(vm -> assertThat(vm.stopped()).isFalse());
    }

    @Test
    void aGuestCannotMakeItsE1000SendAnotherVmsMemory() {
        Ping[] ping = pingingPair(); // a's NIC is in slot 4: its driver's transmit buffers are at regionFor(4) + ...
        long victimTxBuffers = E1000Driver.regionFor(4) + 2 * 4096 + (long) E1000Driver.RING_SIZE * E1000Driver.BUFFER_SIZE;
        Machine r = rogue("rogue", (cpu, bar) -> {
            long ring = 0x20_0000;
            cpu.write64(ring, victimTxBuffers); // the same guest-physical address, in the rogue's own RAM
            cpu.write64(ring + 8, 64 | (long) (LegacyTxDescriptor.CMD_EOP | LegacyTxDescriptor.CMD_RS) << 24);
            cpu.write32(bar + TDBAL, (int) ring);
            cpu.write32(bar + TDLEN, 128);
            cpu.write32(bar + TCTL, TCTL_EN);
            cpu.write32(bar + TDT, 1);
        });
        lab.steps.runUntil(1_000 * MS);
        FrameBatch batch = new FrameBatch();
        assertThat(r.nic.receive(batch)).isEqualTo(1);
        assertThat(batch.get(0).toBytes()).containsOnly(0); // its own untouched page, not a's frames
        assertThat(ping[0].received()).isEqualTo(5);
    }
}
