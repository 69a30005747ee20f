package dev.iovirt.vmm.hv;

import dev.iovirt.vmm.mem.PageSize;

/**
 * What a VM is made of.
 *
 * @param name the VM's name, for messages and accounts
 * @param memoryBytes guest RAM: up to 3 GiB at GPA 0, the rest from 4 GiB up (the PC layout around the
 *     MMIO hole 0xC000_0000-0xFFFF_FFFF); at most 1 TiB
 * @param vcpus the number of vCPUs
 * @param backing the page size RAM is backed with on first touch (4 KiB, or 2 MiB "huge pages"), and so the EPT leaf size
 * @param vpid give each vCPU a VPID so that TLB entries survive exits
 * @param eptAccessedDirty enable EPT accessed/dirty flags in the EPTP
 * @param apicv use APIC virtualization: virtual-interrupt delivery, x2APIC EOI/TPR virtualization and
 *     posted-interrupt processing, so interrupts reach the guest without injection and EOIs without exits
 */
public record VmConfig(String name, long memoryBytes, int vcpus, PageSize backing, boolean vpid, boolean eptAccessedDirty,
        boolean apicv) {
    /** Guest-physical base of the MMIO hole where BARs are placed. */
    public static final long MMIO_HOLE = 0xC000_0000L;
    /** Where RAM above the hole starts. */
    public static final long HIGH_MEMORY = 0x1_0000_0000L;
    public static final long MAX_MEMORY = 1L << 40;

    public VmConfig {
        if (memoryBytes <= 0 || memoryBytes > MAX_MEMORY || (memoryBytes & (backing.bytes - 1)) != 0) {
            throw new IllegalArgumentException(name + ": memory " + memoryBytes + " must be positive, at most 1 TiB and a multiple of " + backing);
        }
        if (vcpus < 1 || vcpus > 255) {
            throw new IllegalArgumentException(name + ": vcpus must be 1..255, not " + vcpus);
        }
    }

    public static VmConfig of(String name, long memoryBytes) {
        return new VmConfig(name, memoryBytes, 1, PageSize.SIZE_4K, true, false, false);
    }

    public VmConfig withBacking(PageSize size) {
        return new VmConfig(name, memoryBytes, vcpus, size, vpid, eptAccessedDirty, apicv);
    }

    public VmConfig withVpid(boolean on) {
        return new VmConfig(name, memoryBytes, vcpus, backing, on, eptAccessedDirty, apicv);
    }

    public VmConfig withEptAccessedDirty(boolean on) {
        return new VmConfig(name, memoryBytes, vcpus, backing, vpid, on, apicv);
    }

    public VmConfig withApicv(boolean on) {
        return new VmConfig(name, memoryBytes, vcpus, backing, vpid, eptAccessedDirty, on);
    }

    public VmConfig withVcpus(int n) {
        return new VmConfig(name, memoryBytes, n, backing, vpid, eptAccessedDirty, apicv);
    }
}
