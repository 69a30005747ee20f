package dev.iovirt.iommu;

import static dev.iovirt.iommu.vtd.VtdRegisters.*;

import dev.iovirt.iommu.impl.RemappingUnit;
import dev.iovirt.iommu.vtd.InvalidationDescriptor;
import dev.iovirt.iommu.vtd.Irte;
import dev.iovirt.iommu.vtd.RemappableMsi;
import dev.iovirt.vmm.mem.HostMemory;
import dev.iovirt.vmm.mem.Hpa;
import dev.iovirt.vmm.pci.Bdf;
import dev.iovirt.vmm.pci.MsiSink;

/**
 * The VMM's side of interrupt remapping: it owns the interrupt remapping table (256 IRTEs in one host
 * frame, IRTA.S = 7, x2APIC mode), hands out entries, writes them in the spec's layout (VT-d §9.10,
 * §9.11) and invalidates the interrupt entry cache after each change; it gives each device the
 * {@link MsiSink} its interrupts go through and the {@link MsiMessage} to program into its MSI or
 * MSI-X registers.
 *
 * <p>Each entry it writes verifies the source-id (SVT = 01b, SQ = 00b, SID = the device's BDF), so a
 * device that writes another device's message is blocked with fault 0x26.
 */
public final class InterruptRemapper {
    /** log2(entries) - 1: the IRTA.S field. VT-d §10.4.31. */
    public static final int SIZE_FIELD = 7;
    /** Entries in the table. */
    public static final int ENTRIES = 1 << (SIZE_FIELD + 1);

    private final Iommu iommu;
    private final RemappingUnit unit;
    private final HostMemory memory;
    private final Hpa table;
    private final boolean[] used = new boolean[ENTRIES];

    InterruptRemapper(Iommu iommu, RemappingUnit unit, Hpa table) {
        this.iommu = iommu;
        this.unit = unit;
        this.memory = unit.memory();
        this.table = table;
    }

    /** The table's host-physical address (IRTA). */
    public Hpa table() {
        return table;
    }

    /** The IRTA register value. */
    long irta() {
        return table.value() | IRTA_EIME | SIZE_FIELD;
    }

    /** The sink through which {@code device}'s interrupt requests reach the remapping hardware, carrying its source-id. */
    public MsiSink msiSinkFor(Bdf device) {
        int sid = device.requesterId();
        return (address, data) -> unit.interrupt(sid, address, data);
    }

    private synchronized int allocate() {
        for (int i = 0; i < ENTRIES; i++) {
            if (!used[i]) {
                used[i] = true;
                return i;
            }
        }
        throw new IllegalStateException("interrupt remapping table full (" + ENTRIES + " entries)");
    }

    private void write(int index, long low, long high) {
        long a = table.value() + (long) index * Irte.SIZE;
        memory.write64(a, 0); // clear P first so that hardware never sees a half-written present entry
        memory.write64(a + 8, high);
        memory.write64(a, low);
        iommu.invalidateInterruptEntries(index, 0);
    }

    /**
     * Allocates an IRTE that remaps {@code device}'s interrupt to a fixed, physical-destination,
     * edge-triggered {@code vector} at APIC id {@code destination}.
     *
     * @return the message the device is to be programmed with
     */
    public MsiMessage remap(Bdf device, int vector, int destination) {
        int index = allocate();
        write(index, Irte.remappedLow(vector, destination, false, 0, false, false),
                Irte.high(Irte.SVT_REQUESTER_ID, 0, device.requesterId(), 0));
        return new MsiMessage(RemappableMsi.address(index), 0);
    }

    /**
     * Allocates a posted-format IRTE: {@code device}'s interrupt sets {@code vector} in the posted-interrupt
     * descriptor at {@code descriptor} (a vCPU's, VMCS field 0x2016) and notifies that vCPU's processor.
     */
    public MsiMessage post(Bdf device, Hpa descriptor, int vector, boolean urgent) {
        int index = allocate();
        write(index, Irte.postedLow(vector, descriptor.value(), urgent),
                Irte.high(Irte.SVT_REQUESTER_ID, 0, device.requesterId(), descriptor.value()));
        return new MsiMessage(RemappableMsi.address(index), 0);
    }

    /**
     * Allocates a posted-format IRTE that delivers {@code device}'s interrupt as {@code vector} to vCPU
     * {@code vcpu} of its VM (device assignment: the VF's MSI-X vectors point at the VM's vCPUs).
     */
    public MsiMessage post(Bdf device, dev.iovirt.vmm.hv.VcpuRunner vcpu, int vector) {
        return post(device, vcpu.postedInterruptDescriptor().address(), vector, false);
    }

    /** The IRTE index a message from {@link #remap} or {@link #post} names. */
    public static int indexOf(MsiMessage message) {
        return RemappableMsi.interruptIndex(message.address(), message.data());
    }

    /** The raw 128-bit entry {@code index}: {low, high}. */
    public long[] entry(int index) {
        long a = table.value() + (long) index * Irte.SIZE;
        return new long[] {memory.read64(a), memory.read64(a + 8)};
    }

    /** Rewrites entry {@code index} with raw values (and invalidates it), for drivers and tests that build IRTEs themselves. */
    public void setEntry(int index, long low, long high) {
        synchronized (this) {
            used[index] = true;
        }
        write(index, low, high);
    }

    /** Clears entry {@code index} and frees it. */
    public void free(int index) {
        write(index, 0, 0);
        synchronized (this) {
            used[index] = false;
        }
    }

    static long globalInvalidation() {
        return InvalidationDescriptor.interruptEntryCache(-1, 0);
    }
}
