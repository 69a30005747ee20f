package dev.iovirt.iommu;

import static dev.iovirt.iommu.vtd.VtdRegisters.*;

import dev.iovirt.iommu.impl.RemappingUnit;
import dev.iovirt.iommu.impl.TranslatedDmaMemory;
import dev.iovirt.iommu.vtd.ContextEntry;
import dev.iovirt.iommu.vtd.InvalidationDescriptor;
import dev.iovirt.iommu.vtd.RootEntry;
import dev.iovirt.vmm.io.MmioDevice;
import dev.iovirt.vmm.mem.DmaMemory;
import dev.iovirt.vmm.mem.GuestPhysicalMemory;
import dev.iovirt.vmm.mem.HostMemory;
import dev.iovirt.vmm.mem.Hpa;
import dev.iovirt.vmm.mem.MemoryAccount;
import dev.iovirt.vmm.mem.MemorySlot;
import dev.iovirt.vmm.mem.PageSize;
import dev.iovirt.vmm.pci.Bdf;
import dev.iovirt.vmm.pci.MsiSink;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A VT-d IOMMU and the host driver that programs it — the API device assignment is built on.
 *
 * <p>The hardware is a {@link RemappingUnit} with its register block ({@link #registers()}, an
 * {@link MmioDevice} a guest or host driver can program); this class is the driver: it allocates the
 * root table, context tables, second-level tables, invalidation queue and interrupt remapping table in
 * host frames (charged to {@code account}), writes their entries in the spec's binary layout, and
 * programs the unit only through its registers — RTADDR + SRTP, IQA + QIE, IRTA + SIRTP, TE, IRE — and
 * invalidates through the invalidation queue (or, with {@link Options#queuedInvalidation} off, the
 * CCMD and IOTLB registers), exactly the sequence Linux's intel-iommu driver uses.
 *
 * <pre>
 *   Iommu iommu = new Iommu(host.memory(), host.hostAccount(), Iommu.Options.defaults());
 *   Domain d = iommu.createDomain();
 *   iommu.mapGuestMemory(d, vm.memory(), DmaPermission.READ_WRITE);  // IOVA = GPA → HPA
 *   iommu.attach(vf, d);
 *   DmaMemory dma = iommu.dmaFor(vf);                                  // what the device model gets
 *   MsiMessage m = iommu.interruptRemapper().post(vf, vm.vcpu(0).postedInterruptDescriptor().address(), 0x40, false);
 * </pre>
 *
 * <p>Thread safety: the driver's operations are synchronized; translations run in the unit.
 */
public final class Iommu {
    /**
     * How the driver runs the hardware.
     *
     * @param queuedInvalidation invalidate through the invalidation queue (else the CCMD and IOTLB registers)
     * @param interruptRemapping enable interrupt remapping (needs the queue: the interrupt entry cache has no register interface)
     * @param compatibilityInterrupts with interrupt remapping on, let compatibility-format MSIs through (GCMD.CFI)
     */
    public record Options(boolean queuedInvalidation, boolean interruptRemapping, boolean compatibilityInterrupts) {
        public Options {
            if (interruptRemapping && !queuedInvalidation) {
                throw new IllegalArgumentException("interrupt remapping needs queued invalidation (VT-d §6.5.2)");
            }
        }

        /** Queued invalidation, interrupt remapping, compatibility-format interrupts blocked. */
        public static Options defaults() {
            return new Options(true, true, false);
        }

        /** Register-based invalidation and no interrupt remapping: a VT-d 1.0-style driver. */
        public static Options registerBased() {
            return new Options(false, false, false);
        }
    }

    private final HostMemory memory;
    private final MemoryAccount account;
    private final Options options;
    private final RemappingUnit unit;
    private final Hpa rootTable;
    private final Hpa[] contextTables = new Hpa[256];
    private final Map<Integer, Domain> attached = new HashMap<>();
    private final boolean[] domainIds = new boolean[256];
    private Hpa queue;
    private Hpa waitStatus;
    private int queueTail;
    private int waitSequence;
    private InterruptRemapper remapper;

    public Iommu(HostMemory memory, MemoryAccount account, Options options) {
        this.memory = memory;
        this.account = account;
        this.options = options;
        this.unit = new RemappingUnit(memory);
        domainIds[0] = true; // DID 0 is left unused, as Linux does (it is reserved when CAP.CM = 1)
        rootTable = memory.allocateFrame(account);
        write64(RTADDR, rootTable.value());
        command(GCMD_SRTP);
        if (options.queuedInvalidation) {
            queue = memory.allocateFrame(account); // QS = 0: one page, 256 descriptors
            waitStatus = memory.allocateFrame(account);
            write64(IQA, queue.value());
            write64(IQT, 0);
            enable(GCMD_QIE);
        }
        invalidateAllContexts();
        invalidateAllIotlb();
        if (options.interruptRemapping) {
            remapper = new InterruptRemapper(this, unit, memory.allocateFrame(account));
            write64(IRTA, remapper.irta());
            command(GCMD_SIRTP);
            submit(InterruptRemapper.globalInvalidation(), 0);
            if (options.compatibilityInterrupts) {
                enable(GCMD_CFI);
            }
            enable(GCMD_IRE);
        }
        enable(GCMD_TE);
    }

    // ---------------------------------------------------------------- register access, as a driver does it

    private void write64(int offset, long value) {
        unit.mmioWrite(offset, 8, value);
    }

    private long read64(int offset) {
        return unit.mmioRead(offset, 8);
    }

    private int status() {
        return (int) unit.mmioRead(GSTS, 4);
    }

    /** Writes GCMD with the persistent enables of GSTS plus {@code oneShot}, and checks that it took. */
    private void command(int oneShot) {
        int persistent = status() & (GCMD_TE | GCMD_QIE | GCMD_IRE | GCMD_CFI);
        unit.mmioWrite(GCMD, 4, persistent | oneShot);
        if ((status() & oneShot) == 0) {
            throw new IllegalStateException("VT-d command 0x" + Integer.toHexString(oneShot) + " did not complete");
        }
    }

    private void enable(int bit) {
        int persistent = status() & (GCMD_TE | GCMD_QIE | GCMD_IRE | GCMD_CFI);
        unit.mmioWrite(GCMD, 4, persistent | bit);
    }

    /** The unit's register block (VT-d §10.4), to map into an address space a driver can reach. */
    public MmioDevice registers() {
        return unit;
    }

    /** The remapping hardware itself. */
    public RemappingUnit unit() {
        return unit;
    }

    public HostMemory memory() {
        return memory;
    }

    public Options options() {
        return options;
    }

    /** The root table's host-physical address (RTADDR). */
    public Hpa rootTable() {
        return rootTable;
    }

    /** Where remapped-format interrupts and the unit's fault events are delivered (the host's interrupt path; e.g. {@code vm::signalMsi}). */
    public void setInterruptTarget(MsiSink target) {
        unit.setInterruptTarget(target);
    }

    /** Where posted-format interrupts are posted (e.g. a {@link VmPostedInterrupts}). */
    public void setPostedInterruptTarget(PostedInterruptSink target) {
        unit.setPostedInterruptTarget(target);
    }

    /** The interrupt remapper; fails if interrupt remapping is off. */
    public InterruptRemapper interruptRemapper() {
        if (remapper == null) {
            throw new IllegalStateException("interrupt remapping is not enabled on this IOMMU");
        }
        return remapper;
    }

    // ---------------------------------------------------------------- domains and devices

    /** A new domain with 4-level (48-bit) second-level tables. */
    public Domain createDomain() {
        return createDomain(48);
    }

    /** A new domain with a 39-bit (3-level) or 48-bit (4-level) address width. */
    public synchronized Domain createDomain(int addressWidthBits) {
        int levels = switch (addressWidthBits) {
            case 39 -> 3;
            case 48 -> 4;
            default -> throw new IllegalArgumentException("SAGAW offers 39- and 48-bit address widths, not " + addressWidthBits);
        };
        return new Domain(allocateDomainId(), new SecondLevelTables(memory, account, levels));
    }

    /** A pass-through domain: its devices' DMA is not translated (ECAP.PT, context TT = 10b). */
    public synchronized Domain createPassthroughDomain() {
        return new Domain(allocateDomainId(), null);
    }

    private int allocateDomainId() {
        for (int i = 1; i < domainIds.length; i++) {
            if (!domainIds[i]) {
                domainIds[i] = true;
                return i;
            }
        }
        throw new IllegalStateException("no free domain id (CAP.ND: 256 domains)");
    }

    /**
     * Destroys a domain no device is attached to: invalidates what the caches hold for it, frees its
     * tables and its domain id. (A VM's teardown: detach its devices, then this, then destroy the VM.)
     */
    public synchronized void destroyDomain(Domain domain) {
        if (attached.containsValue(domain)) {
            throw new IllegalStateException(domain + " still has devices attached");
        }
        invalidateDomain(domain);
        if (!domain.passthrough()) {
            domain.tables().free();
        }
        domainIds[domain.id()] = false;
    }

    /** Writes {@code device}'s context entry to point at {@code domain}, then invalidates its context-cache entry and the domain's IOTLB. */
    public synchronized void attach(Bdf device, Domain domain) {
        long ctx = contextEntryAddress(device, true);
        long low = domain.passthrough()
                ? ContextEntry.low(ContextEntry.TT_PASSTHROUGH, 0, false)
                : ContextEntry.low(ContextEntry.TT_UNTRANSLATED, domain.tables().top().value(), false);
        int aw = domain.passthrough() ? ContextEntry.AW_48 : domain.addressWidth() == 39 ? ContextEntry.AW_39 : ContextEntry.AW_48;
        memory.write64(ctx, 0); // not present while the high half changes
        memory.write64(ctx + 8, ContextEntry.high(aw, domain.id()));
        memory.write64(ctx, low);
        attached.put(device.requesterId(), domain);
        invalidateContext(device);
        invalidateDomain(domain);
    }

    /** Clears {@code device}'s context entry: its DMA faults with reason 0x2 from now on. */
    public synchronized void detach(Bdf device) {
        long ctx = contextEntryAddress(device, false);
        Domain d = attached.remove(device.requesterId());
        if (ctx != 0) {
            memory.write64(ctx, 0);
            memory.write64(ctx + 8, 0);
        }
        invalidateContext(device);
        if (d != null) {
            invalidateDomain(d);
        }
    }

    /** The domain {@code device} is attached to, or {@code null}. */
    public synchronized Domain domainFor(Bdf device) {
        return attached.get(device.requesterId());
    }

    /** The DMA memory to give {@code device}'s model: its requests carry its source-id and are translated by its domain. */
    public DmaMemory dmaFor(Bdf device) {
        return new TranslatedDmaMemory(unit, device.requesterId());
    }

    private long contextEntryAddress(Bdf device, boolean create) {
        Hpa table = contextTables[device.bus()];
        if (table == null) {
            if (!create) {
                return 0;
            }
            table = memory.allocateFrame(account);
            contextTables[device.bus()] = table;
            memory.write64(rootTable.value() + (long) device.bus() * RootEntry.SIZE, RootEntry.of(table.value()));
        }
        return table.value() + (long) ((device.device() << 3) | device.function()) * ContextEntry.SIZE;
    }

    // ---------------------------------------------------------------- mappings

    /**
     * Maps [iova, iova + size) to [hpa, hpa + size) in {@code domain} with {@link DmaPermission} bits,
     * using 1 GiB and 2 MiB super pages wherever both addresses are aligned. A new mapping needs no
     * invalidation (CAP.CM = 0: not-present entries are never cached) — unless a super page replaces a
     * pointer to a lower-level table, which the paging-structure caches may hold: then the range is
     * invalidated before this returns.
     */
    public synchronized void map(Domain domain, Iova iova, Hpa hpa, long size, int permissions) {
        if (((iova.value() | hpa.value() | size) & PageSize.SIZE_4K.offsetMask) != 0 || size <= 0) {
            throw new IllegalArgumentException("map of " + size + " bytes " + iova + " -> " + hpa + " is not 4 KiB aligned");
        }
        SecondLevelTables t = domain.tables();
        long i = iova.value();
        long h = hpa.value();
        long end = i + size;
        while (i < end) {
            PageSize s = PageSize.SIZE_4K;
            for (PageSize candidate : new PageSize[] {PageSize.SIZE_1G, PageSize.SIZE_2M}) {
                if (((i | h) & candidate.offsetMask) == 0 && end - i >= candidate.bytes) {
                    s = candidate;
                    break;
                }
            }
            if (t.map(Iova.of(i), Hpa.of(h), s, permissions)) {
                invalidatePages(domain, Iova.of(i), s.bytes);
            }
            i += s.bytes;
            h += s.bytes;
        }
    }

    /**
     * Maps all of a VM's RAM into {@code domain} with IOVA = GPA, as device assignment (VFIO) does: every
     * backing page is allocated now (pinned) and mapped at its backing size, so a VM backed by 2 MiB pages
     * gets 2 MiB second-level super pages.
     */
    public synchronized void mapGuestMemory(Domain domain, GuestPhysicalMemory guest, int permissions) {
        for (MemorySlot slot : guest.slots()) {
            long step = slot.backing().bytes;
            int perms = slot.readOnly() ? permissions & DmaPermission.READ : permissions;
            for (long off = 0; off < slot.size(); off += step) {
                long gpa = slot.base().value() + off;
                if (domain.tables().map(Iova.of(gpa), Hpa.of(slot.backingPage(gpa)), slot.backing(), perms)) {
                    invalidatePages(domain, Iova.of(gpa), step);
                }
            }
        }
    }

    /**
     * Removes the mappings of [iova, iova + size) and invalidates them (page-selective IOTLB invalidation
     * covering the range, or domain-selective beyond CAP.MAMV), waiting for completion: when this returns
     * no request can use the old translation. A super page must be unmapped whole.
     */
    public synchronized void unmap(Domain domain, Iova iova, long size) {
        SecondLevelTables t = domain.tables();
        long i = iova.value();
        long end = i + size;
        while (i < end) {
            PageSize[] s = new PageSize[1];
            long addr = t.leafEntryAddress(Iova.of(i), s);
            if (addr == 0) {
                i = (i | PageSize.SIZE_4K.offsetMask) + 1;
                continue;
            }
            if ((i & s[0].offsetMask) != 0 || end - i < s[0].bytes) {
                throw new IllegalArgumentException("unmap of " + Iova.of(i) + " would split a " + s[0] + " page");
            }
            memory.write64(addr, 0);
            i += s[0].bytes;
        }
        invalidatePages(domain, iova, size);
    }

    // ---------------------------------------------------------------- invalidation (VT-d §6.5)

    /** Invalidates the IOTLB entries covering [iova, iova + size) in {@code domain}, with the paging-structure caches. */
    public synchronized void invalidatePages(Domain domain, Iova iova, long size) {
        long pages = (size + PageSize.SIZE_4K.offsetMask) >>> 12;
        int am = 64 - Long.numberOfLeadingZeros(Math.max(1, pages) - 1);
        // The aligned 2^am-page block must cover the whole range; grow it until it does.
        while (am <= RemappingUnit.MAMV && ((iova.value() >>> (12 + am)) != ((iova.value() + size - 1) >>> (12 + am)))) {
            am++;
        }
        if (am > RemappingUnit.MAMV) {
            invalidateDomain(domain);
            return;
        }
        if (options.queuedInvalidation) {
            submit(InvalidationDescriptor.iotlb(GRAN_DEVICE_OR_PAGE, domain.id()), InvalidationDescriptor.iotlbAddress(iova.value(), am, false));
        } else {
            write64(IVA, (iova.value() & IVA_ADDR_MASK) | am);
            registerIotlb(GRAN_DEVICE_OR_PAGE, domain.id());
        }
    }

    /** Domain-selective IOTLB invalidation (and the domain's paging-structure caches). */
    public synchronized void invalidateDomain(Domain domain) {
        if (options.queuedInvalidation) {
            submit(InvalidationDescriptor.iotlb(GRAN_DOMAIN, domain.id()), 0);
        } else {
            registerIotlb(GRAN_DOMAIN, domain.id());
        }
    }

    /** Global IOTLB invalidation. */
    public synchronized void invalidateAllIotlb() {
        if (options.queuedInvalidation) {
            submit(InvalidationDescriptor.iotlb(GRAN_GLOBAL, 0), 0);
        } else {
            registerIotlb(GRAN_GLOBAL, 0);
        }
    }

    /** Device-selective context-cache invalidation. */
    public synchronized void invalidateContext(Bdf device) {
        if (options.queuedInvalidation) {
            submit(InvalidationDescriptor.contextCache(GRAN_DEVICE_OR_PAGE, 0, device.requesterId(), 0), 0);
        } else {
            registerContext(GRAN_DEVICE_OR_PAGE, 0, device.requesterId());
        }
    }

    /** Global context-cache invalidation. */
    public synchronized void invalidateAllContexts() {
        if (options.queuedInvalidation) {
            submit(InvalidationDescriptor.contextCache(GRAN_GLOBAL, 0, 0, 0), 0);
        } else {
            registerContext(GRAN_GLOBAL, 0, 0);
        }
    }

    /** Interrupt entry cache invalidation: 2^{@code mask} entries from {@code index} (global when {@code index} &lt; 0). */
    public synchronized void invalidateInterruptEntries(int index, int mask) {
        submit(InvalidationDescriptor.interruptEntryCache(index, mask), 0);
    }

    private void registerIotlb(int granularity, int did) {
        write64(IOTLB, IOTLB_IVT | ((long) granularity << IOTLB_IIRG_SHIFT) | ((long) did << IOTLB_DID_SHIFT));
        if ((read64(IOTLB) & IOTLB_IVT) != 0) {
            throw new IllegalStateException("IOTLB invalidation did not complete");
        }
    }

    private void registerContext(int granularity, int did, int sid) {
        write64(CCMD, CCMD_ICC | ((long) granularity << CCMD_CIRG_SHIFT) | ((long) sid << CCMD_SID_SHIFT) | did);
        if ((read64(CCMD) & CCMD_ICC) != 0) {
            throw new IllegalStateException("context-cache invalidation did not complete");
        }
    }

    /**
     * Queues one descriptor and an invalidation wait with a status write behind it, moves the tail, and
     * checks the status — the wait descriptor's status is the driver's proof that the invalidation is done.
     */
    private void submit(long low, long high) {
        if (queue == null) {
            throw new IllegalStateException("queued invalidation is not enabled on this IOMMU");
        }
        int sequence = ++waitSequence;
        memory.write32(waitStatus.value(), 0);
        put(low, high);
        put(InvalidationDescriptor.invalidationWait(sequence, false), waitStatus.value());
        write64(IQT, (long) queueTail << 4);
        if ((unit.mmioRead(FSTS, 4) & FSTS_IQE) != 0) {
            throw new IllegalStateException("invalidation queue error (IQERCD 0x" + Long.toHexString(read64(IQERCD)) + ")");
        }
        if (memory.read32(waitStatus.value()) != sequence) {
            throw new IllegalStateException("invalidation wait descriptor did not write its status");
        }
    }

    private void put(long low, long high) {
        long addr = queue.value() + (long) queueTail * InvalidationDescriptor.SIZE;
        memory.write64(addr, low);
        memory.write64(addr + 8, high);
        queueTail = (queueTail + 1) % 256;
    }

    // ---------------------------------------------------------------- faults and statistics

    /** The faults held in the fault recording registers. */
    public List<FaultRecord> faults() {
        return unit.faultRecords();
    }

    /** Services every recorded fault (writes 1 to each F bit) and clears PFO, as a driver's fault handler does. */
    public synchronized void clearFaults() {
        for (int i = 0; i < FAULT_RECORDS; i++) {
            unit.mmioWrite(FRCD + i * 16 + 12, 4, 0x8000_0000L);
        }
        unit.mmioWrite(FSTS, 4, FSTS_PFO);
    }

    public IommuStats stats() {
        return unit.stats();
    }
}
