package dev.iovirt.iommu.impl;

import static dev.iovirt.iommu.vtd.VtdRegisters.*;

import dev.iovirt.iommu.FaultReason;
import dev.iovirt.iommu.FaultRecord;
import dev.iovirt.iommu.IommuStats;
import dev.iovirt.iommu.PostedInterruptSink;
import dev.iovirt.iommu.vtd.ContextEntry;
import dev.iovirt.iommu.vtd.InvalidationDescriptor;
import dev.iovirt.iommu.vtd.Irte;
import dev.iovirt.iommu.vtd.RemappableMsi;
import dev.iovirt.iommu.vtd.RootEntry;
import dev.iovirt.iommu.vtd.SecondLevelEntry;
import dev.iovirt.vmm.apic.Msi;
import dev.iovirt.vmm.io.MmioDevice;
import dev.iovirt.vmm.mem.HostMemory;
import dev.iovirt.vmm.mem.Hpa;
import dev.iovirt.vmm.pci.Bdf;
import dev.iovirt.vmm.pci.MsiSink;
import java.util.ArrayList;
import java.util.List;

/**
 * One DMA-remapping hardware unit (a DRHD): the register block of VT-d §10.4 and the hardware behind
 * it — translation of DMA requests through the root, context and second-level tables in host memory
 * (§3), its caches (§6.2), register-based and queued invalidation (§6.5), fault recording (§7.2) and
 * interrupt remapping with posted interrupts (§5).
 *
 * <p>Everything a driver programs goes through {@link #mmioRead}/{@link #mmioWrite}; the tables it
 * points to are read from host memory in the spec's layout each time a cache misses. The device side
 * calls {@link #translate} (for DMA) and {@link #interrupt} (for MSI writes); both are the hardware's
 * hot paths: a translation that hits the context cache and the IOTLB allocates nothing.
 *
 * <p>Thread safety: one lock (this object) serializes translations, interrupt requests and register
 * accesses, which is what makes an invalidation complete only after the translations before it —
 * the guarantee the invalidation-wait descriptor reports. Data movement itself (the copy a DMA does)
 * happens outside that lock, in {@link TranslatedDmaMemory}, under the shared side of a drain lock that
 * invalidating register writes take exclusively, so in-flight DMA is drained as DR/DW ask.
 */
public final class RemappingUnit implements MmioDevice {
    /** {@link #translate} returns a negative value, minus the {@link FaultReason#code}, for a blocked request. */
    public static boolean blocked(long translation) {
        return translation < 0;
    }
    /** The access kinds of a DMA request. */
    public static final int READ = 1;
    public static final int WRITE = 2;

    /** CAP.MAMV: page-selective invalidations cover at most 2^18 pages (1 GiB). VT-d §10.4.2. */
    public static final int MAMV = 18;
    private static final long CAPABILITIES = CAP_ND_8BIT | CAP_SAGAW_39 | CAP_SAGAW_48 | ((long) (48 - 1) << CAP_MGAW_SHIFT)
            | ((long) (FRCD / 16) << CAP_FRO_SHIFT) | CAP_SLLPS_2M | CAP_SLLPS_1G | CAP_PSI
            | ((long) (FAULT_RECORDS - 1) << CAP_NFR_SHIFT) | ((long) MAMV << CAP_MAMV_SHIFT) | CAP_PI;
    private static final long EXTENDED_CAPABILITIES = ECAP_QI | ECAP_IR | ECAP_EIM | ECAP_PT | ((long) (IOTLB & ~0xF) / 16 << ECAP_IRO_SHIFT);

    private final HostMemory memory;
    private final IommuStats stats = new IommuStats();
    private final ContextCache contextCache = new ContextCache();
    private final Iotlb iotlb = new Iotlb();
    private final PagingStructureCache psc = new PagingStructureCache();
    private final InterruptEntryCache iec = new InterruptEntryCache();
    /** Where remapped-format interrupts and fault/invalidation events go: the host's interrupt delivery. */
    private volatile MsiSink interruptTarget = (a, d) -> { };
    private volatile PostedInterruptSink postedTarget = (d, v, u) -> false;

    // Registers (VT-d §10.4).
    private int gsts;
    private long rtaddr;
    /** The root table the hardware uses: RTADDR latched by SRTP. */
    private long rootTable;
    private long ccmd;
    /** The RW1C bits of FSTS (PFO, IQE, ICE, ITE); PPF and FRI are computed. */
    private int fsts;
    private int fri;
    private int firstPending = -1;
    private int fectl = ECTL_IM;
    private int fedata;
    private int feaddr;
    private int feuaddr;
    private long iqh;
    private long iqt;
    private long iqa;
    private int ics;
    private int iectl = ECTL_IM;
    private int iedata;
    private int ieaddr;
    private long iqercd;
    private long irtaRegister;
    /** The interrupt remapping table the hardware uses: IRTA latched by SIRTP. */
    private long irta;
    private long iva;
    private long iotlbRegister;
    private final long[] frcdLow = new long[FAULT_RECORDS];
    private final long[] frcdHigh = new long[FAULT_RECORDS];

    public RemappingUnit(HostMemory memory) {
        this.memory = memory;
    }

    public HostMemory memory() {
        return memory;
    }

    /** Sets where remapped interrupts (and the unit's own fault and invalidation-completion events) are delivered. */
    public void setInterruptTarget(MsiSink target) {
        this.interruptTarget = target;
    }

    /** Sets where posted-format interrupts are posted. */
    public void setPostedInterruptTarget(PostedInterruptSink target) {
        this.postedTarget = target;
    }

    public synchronized IommuStats stats() {
        return stats.copy();
    }

    // ================================================================ DMA translation (VT-d §3)

    /**
     * Translates one DMA request of {@code access} ({@link #READ} or {@link #WRITE}) at {@code iova} from
     * {@code sourceId}. A blocked request is recorded in the fault recording registers (unless FPD) and
     * returns minus its fault reason code: the caller must not touch memory. A device (or the guest driver
     * programming it) chooses {@code iova} freely, so every outcome here is one a malicious guest can cause.
     *
     * @return the host-physical address, or minus the fault reason code
     */
    public synchronized long translate(int sourceId, long iova, int access) {
        stats.translations++;
        if ((gsts & GCMD_TE) == 0) {
            stats.passthrough++;
            return iova; // translation disabled: requests name host-physical addresses (VT-d §3.1)
        }
        long low = contextCache.lookup(sourceId);
        long high;
        if (low != 0) {
            stats.contextCacheHits++;
            high = contextCache.hitHigh;
        } else {
            stats.contextCacheMisses++;
            low = readContext(sourceId, iova, access);
            if (low < 0) {
                return low;
            }
            high = contextHigh;
        }
        boolean fpd = ContextEntry.faultProcessingDisabled(low);
        if (ContextEntry.translationType(low) == ContextEntry.TT_PASSTHROUGH) {
            stats.passthrough++;
            return iova;
        }
        int aw = ContextEntry.addressWidth(high);
        int did = ContextEntry.domainId(high);
        if ((iova >>> ContextEntry.agawBits(aw)) != 0) {
            return fault(FaultReason.ADDRESS_BEYOND_AW, sourceId, iova, access, fpd);
        }
        long hpa = iotlb.lookup(did, iova);
        if (hpa >= 0) {
            stats.iotlbHits++;
            return permitted(iotlb.hitPermissions, access) ? hpa : permissionFault(sourceId, iova, access, fpd);
        }
        stats.iotlbMisses++;
        return walk(sourceId, did, ContextEntry.levels(aw), ContextEntry.slptptr(low), iova, access, fpd);
    }

    private static boolean permitted(int rw, int access) {
        return (rw & access) == access;
    }

    private long permissionFault(int sourceId, long iova, int access, boolean fpd) {
        return fault(access == WRITE ? FaultReason.WRITE_TO_READ_ONLY : FaultReason.READ_WITHOUT_PERMISSION, sourceId, iova, access, fpd);
    }

    /** The high qword of the context entry {@link #readContext} returned. */
    private long contextHigh;

    /** Reads and checks the root and context entries for {@code sourceId}; returns the context low qword, or minus the fault reason after recording it. */
    private long readContext(int sourceId, long iova, int access) {
        int bus = sourceId >>> 8;
        long rootAddr = rootTable + (long) bus * RootEntry.SIZE;
        if (!memory.contains(rootTable) || !memory.contains(rootAddr + RootEntry.SIZE - 1)) {
            return fault(FaultReason.ROOT_TABLE_ADDRESS_INVALID, sourceId, iova, access, false);
        }
        long root = memory.read64(rootAddr);
        stats.contextReferences++;
        if (!RootEntry.present(root)) {
            return fault(FaultReason.ROOT_ENTRY_NOT_PRESENT, sourceId, iova, access, false);
        }
        if ((root & RootEntry.RESERVED_LOW) != 0 || memory.read64(rootAddr + 8) != 0) {
            return fault(FaultReason.ROOT_ENTRY_RESERVED, sourceId, iova, access, false);
        }
        long contextAddr = RootEntry.contextTable(root) + (long) (sourceId & 0xFF) * ContextEntry.SIZE;
        if (!memory.contains(contextAddr + ContextEntry.SIZE - 1)) {
            return fault(FaultReason.CONTEXT_TABLE_POINTER_INVALID, sourceId, iova, access, false);
        }
        long low = memory.read64(contextAddr);
        long high = memory.read64(contextAddr + 8);
        stats.contextReferences++;
        // FPD is evaluated whatever P says (VT-d §9.3): a host can silence a device it has not attached.
        boolean fpd = ContextEntry.faultProcessingDisabled(low);
        if (!ContextEntry.present(low)) {
            return fault(FaultReason.CONTEXT_ENTRY_NOT_PRESENT, sourceId, iova, access, fpd);
        }
        if ((low & ContextEntry.RESERVED_LOW) != 0 || (high & ContextEntry.RESERVED_HIGH) != 0) {
            return fault(FaultReason.CONTEXT_ENTRY_RESERVED, sourceId, iova, access, fpd);
        }
        int tt = ContextEntry.translationType(low);
        // TT 01b needs a device-TLB (ECAP.DT = 0 here) and 11b is reserved; untranslated needs a supported AGAW. VT-d §9.3.
        if (tt == ContextEntry.TT_ALL || tt == 3
                || (tt == ContextEntry.TT_UNTRANSLATED && ContextEntry.levels(ContextEntry.addressWidth(high)) == 0)) {
            return fault(FaultReason.INVALID_CONTEXT_ENTRY, sourceId, iova, access, fpd);
        }
        contextCache.fill(sourceId, low, high);
        contextHigh = high;
        return low;
    }

    /** The second-level walk, VT-d §3.6 and §9.8, starting at the deepest paging-structure cache hit. */
    private long walk(int sourceId, int did, int levels, long top, long iova, int access, boolean fpd) {
        long table = top;
        int level = levels;
        int rw = (int) SecondLevelEntry.RW;
        for (int l = 2; l <= levels; l++) {
            long next = psc.lookup(did, iova, l);
            if (next >= 0) {
                stats.pagingStructureCacheHits++;
                table = next;
                level = l - 1;
                rw = psc.hitPermissions;
                break;
            }
        }
        for (; level >= 1; level--) {
            int shift = 12 + 9 * (level - 1);
            long entryAddr = table + (((iova >>> shift) & 511) << 3);
            if (!memory.contains(table) || !memory.contains(entryAddr + 7)) {
                return fault(FaultReason.NEXT_LEVEL_TABLE_INVALID, sourceId, iova, access, fpd);
            }
            long e = memory.read64(entryAddr);
            stats.walkReferences++;
            if (!SecondLevelEntry.present(e)) {
                return permissionFault(sourceId, iova, access, fpd);
            }
            boolean leaf = level == 1 || (e & SecondLevelEntry.PAGE_SIZE) != 0;
            if ((e & SecondLevelEntry.RESERVED_HIGH) != 0 || (level == 4 && (e & SecondLevelEntry.PAGE_SIZE) != 0)
                    || (leaf && level > 1 && (e & ((1L << shift) - 1) & SecondLevelEntry.ADDRESS_MASK) != 0)) {
                return fault(FaultReason.PAGING_ENTRY_RESERVED, sourceId, iova, access, fpd);
            }
            rw &= (int) (e & SecondLevelEntry.RW);
            if (leaf) {
                long pageBase = SecondLevelEntry.address(e) & ~((1L << shift) - 1);
                iotlb.fill(did, iova, shift, pageBase, rw);
                if (!permitted(rw, access)) {
                    return permissionFault(sourceId, iova, access, fpd);
                }
                return pageBase | (iova & ((1L << shift) - 1));
            }
            table = SecondLevelEntry.address(e);
            psc.fill(did, iova, level, table, rw);
        }
        throw new AssertionError("unreachable");
    }

    // ================================================================ fault recording (VT-d §7.2)

    private long fault(FaultReason reason, int sourceId, long info, int access, boolean fpd) {
        stats.faults++;
        if (fpd) {
            stats.faultsSuppressed++;
        } else {
            recordFault(reason, sourceId, info, access == READ);
        }
        return -reason.code;
    }

    /**
     * Primary fault logging, VT-d §7.2.1: the record goes to the register FRI names; if that register
     * still holds an unserviced fault (F set), or PFO is already set, the fault is dropped and PFO set.
     */
    private void recordFault(FaultReason reason, int sourceId, long info, boolean read) {
        if ((fsts & FSTS_PFO) != 0 || (frcdHigh[fri] & FRCD_F) != 0) {
            fsts |= FSTS_PFO;
            stats.faultsOverflowed++;
            faultEvent();
            return;
        }
        frcdLow[fri] = reason.interruptRemapping() ? (info & 0xFFFFL) << 48 : info & FRCD_FI_MASK;
        frcdHigh[fri] = FRCD_F | ((long) reason.code << FRCD_FR_SHIFT) | (read ? FRCD_T_READ : 0) | (sourceId & FRCD_SID_MASK);
        boolean wasPending = firstPending >= 0;
        if (!wasPending) {
            firstPending = fri;
        }
        fri = (fri + 1) % FAULT_RECORDS;
        if (!wasPending) {
            faultEvent();
        }
    }

    /** The fault event interrupt (VT-d §7.3): sent through FEADDR/FEDATA unless masked, else left pending (IP). */
    private void faultEvent() {
        if ((fectl & ECTL_IM) != 0) {
            fectl |= ECTL_IP;
        } else {
            interruptTarget.signal(feaddr & 0xFFFF_FFFFL, fedata);
        }
    }

    private boolean anyFaultPending() {
        for (long h : frcdHigh) {
            if ((h & FRCD_F) != 0) {
                return true;
            }
        }
        return false;
    }

    /** The faults currently held in the fault recording registers (F set), in register order. */
    public synchronized List<FaultRecord> faultRecords() {
        List<FaultRecord> out = new ArrayList<>();
        for (int i = 0; i < FAULT_RECORDS; i++) {
            long h = frcdHigh[i];
            if ((h & FRCD_F) != 0) {
                int sid = (int) (h & FRCD_SID_MASK);
                out.add(new FaultRecord(i, FaultReason.of((int) (h >>> FRCD_FR_SHIFT) & 0xFF), Bdf.of(sid >>> 8, (sid >>> 3) & 31, sid & 7),
                        frcdLow[i], (h & FRCD_T_READ) != 0));
            }
        }
        return out;
    }

    // ================================================================ interrupt remapping (VT-d §5)

    /**
     * An interrupt request: a DWORD write of {@code data} to {@code address} (0xFEExxxxx) from
     * {@code sourceId}. With interrupt remapping off it goes to the interrupt target as it is; with it on,
     * a compatibility-format request passes only if CFIS is set, and a remappable one is translated
     * through its IRTE: checked (present, reserved fields, source-id), then delivered remapped or posted.
     * A device can write any address and data here (and a guest can program its MSI registers freely),
     * so every fault below is one a malicious guest can cause.
     *
     * @return true if the interrupt was delivered or posted, false if blocked (fault recorded)
     */
    public boolean interrupt(int sourceId, long address, int data) {
        long target;
        int vector;
        boolean urgent;
        synchronized (this) {
            stats.interruptRequests++;
            if ((gsts & GCMD_IRE) == 0) {
                target = -1;
                vector = 0;
                urgent = false;
            } else if (!RemappableMsi.remappable(address)) {
                if ((gsts & GCMD_CFI) == 0) {
                    fault(FaultReason.COMPATIBILITY_INTERRUPT_BLOCKED, sourceId, 0, WRITE, false);
                    return false;
                }
                target = -1;
                vector = 0;
                urgent = false;
            } else {
                int index = RemappableMsi.interruptIndex(address, data);
                if ((data & RemappableMsi.DATA_RESERVED) != 0) {
                    fault(FaultReason.INTERRUPT_REQUEST_RESERVED, sourceId, index, WRITE, false);
                    return false;
                }
                int entries = 1 << ((irta & IRTA_S_MASK) + 1);
                if (index >= entries) {
                    fault(FaultReason.INTERRUPT_INDEX_BEYOND_TABLE, sourceId, index, WRITE, false);
                    return false;
                }
                long low = iec.lookup(index);
                long high;
                if (low != 0) {
                    stats.interruptEntryCacheHits++;
                    high = iec.hitHigh;
                } else {
                    long irteAddr = (irta & IRTA_ADDRESS_MASK) + (long) index * Irte.SIZE;
                    if (!memory.contains(irteAddr + Irte.SIZE - 1)) {
                        fault(FaultReason.IRTA_ACCESS_ERROR, sourceId, index, WRITE, false);
                        return false;
                    }
                    low = memory.read64(irteAddr);
                    high = memory.read64(irteAddr + 8);
                    if (!Irte.present(low)) {
                        // FPD is evaluated whatever P says (VT-d §9.10).
                        fault(FaultReason.IRTE_NOT_PRESENT, sourceId, index, WRITE, Irte.faultProcessingDisabled(low));
                        return false;
                    }
                    iec.fill(index, low, high);
                }
                boolean fpd = Irte.faultProcessingDisabled(low);
                boolean x2apic = (irta & IRTA_EIME) != 0;
                boolean reserved = Irte.posted(low)
                        ? (low & Irte.RESERVED_LOW_POSTED) != 0 || (high & Irte.RESERVED_HIGH_POSTED) != 0
                        : (low & Irte.RESERVED_LOW_REMAPPED) != 0 || (!x2apic && (low & Irte.RESERVED_LOW_XAPIC_DST) != 0)
                                || (high & Irte.RESERVED_HIGH_REMAPPED) != 0;
                if (reserved || Irte.svt(high) == 3) {
                    fault(FaultReason.IRTE_RESERVED, sourceId, index, WRITE, fpd);
                    return false;
                }
                if (!Irte.sourceIdAllowed(high, sourceId)) {
                    fault(FaultReason.SOURCE_ID_VERIFICATION_FAILED, sourceId, index, WRITE, fpd);
                    return false;
                }
                vector = Irte.vector(low);
                if (Irte.posted(low)) {
                    stats.interruptsPosted++;
                    target = Irte.postedDescriptorAddress(low, high);
                    urgent = (low & Irte.URGENT) != 0;
                } else {
                    stats.interruptsRemapped++;
                    target = -1;
                    urgent = false;
                    // The remapped request, re-encoded in the compatibility format for the host's interrupt delivery.
                    address = Msi.ADDRESS_BASE | ((long) (Irte.destination(low, x2apic) & 0xFF) << 12)
                            | ((low & Irte.REDIRECTION_HINT) != 0 ? 8 : 0) | ((low & Irte.DESTINATION_MODE_LOGICAL) != 0 ? 4 : 0);
                    data = vector | Irte.deliveryMode(low) << 8 | ((low & Irte.TRIGGER_LEVEL) != 0 ? 0xC000 : 0);
                }
            }
        }
        // Delivery happens outside the lock: the target may take the vCPU's own locks.
        if (target >= 0) {
            boolean notified = postedTarget.post(new Hpa(target), vector, urgent);
            if (notified) {
                synchronized (this) {
                    stats.postNotifications++;
                }
            }
        } else {
            interruptTarget.signal(address, data);
        }
        return true;
    }

    // ================================================================ invalidation (VT-d §6.5)

    private void invalidateContextCache(int granularity, int did, int sid, int fm) {
        switch (granularity) {
            case GRAN_DOMAIN -> contextCache.invalidateDomain(did);
            case GRAN_DEVICE_OR_PAGE -> contextCache.invalidateDevice(sid, fm);
            default -> contextCache.invalidateAll();
        }
    }

    private void invalidateIotlb(int granularity, int did, long addr, int am, boolean leafOnly) {
        switch (granularity) {
            case GRAN_DOMAIN -> {
                iotlb.invalidateDomain(did);
                psc.invalidateDomain(did);
            }
            case GRAN_DEVICE_OR_PAGE -> {
                long length = HostMemory.FRAME_SIZE << am;
                long start = addr & ~(length - 1);
                iotlb.invalidateRange(did, start, length);
                if (!leafOnly) {
                    psc.invalidateRange(did, start, length);
                }
            }
            default -> {
                iotlb.invalidateAll();
                psc.invalidateAll();
            }
        }
    }

    /** Processes the invalidation queue from IQH to IQT. VT-d §6.5.2. */
    private void processQueue() {
        long base = iqa & IQA_BASE_MASK;
        long entries = 1L << ((iqa & IQA_QS_MASK) + 8);
        long tail = (iqt & IQ_INDEX_MASK) >>> 4;
        if (tail >= entries || (iqa & IQA_DW) != 0) {
            queueError(IQEI_TAIL);
            return;
        }
        long head = (iqh & IQ_INDEX_MASK) >>> 4;
        while (head != tail) {
            long addr = base + head * InvalidationDescriptor.SIZE;
            if (!memory.contains(addr + InvalidationDescriptor.SIZE - 1)) {
                queueError(IQEI_TAIL);
                return;
            }
            long low = memory.read64(addr);
            long high = memory.read64(addr + 8);
            if (!execute(low, high)) {
                return; // IQE set; IQH stays at the bad descriptor. VT-d §6.5.2.10.
            }
            stats.queuedInvalidations++;
            head = (head + 1) % entries;
            iqh = head << 4;
        }
    }

    private void queueError(int info) {
        fsts |= FSTS_IQE;
        iqercd = info;
        faultEvent();
    }

    /** Executes one descriptor; false (IQE recorded) if it is invalid. */
    private boolean execute(long low, long high) {
        int type = InvalidationDescriptor.type(low);
        int g = InvalidationDescriptor.granularity(low);
        int did = (int) (low >>> InvalidationDescriptor.DID_SHIFT) & 0xFFFF;
        switch (type) {
            case InvalidationDescriptor.CONTEXT_CACHE -> {
                if (g == 0 || high != 0) {
                    queueError(g == 0 ? IQEI_TYPE : IQEI_RESERVED);
                    return false;
                }
                invalidateContextCache(g, did, (int) (low >>> InvalidationDescriptor.CC_SID_SHIFT) & 0xFFFF,
                        (int) (low >>> InvalidationDescriptor.CC_FM_SHIFT) & 3);
            }
            case InvalidationDescriptor.IOTLB -> {
                // Reserved bits 11:7 of the high half, or an address mask beyond CAP.MAMV, make the descriptor invalid.
                if (g == 0 || (high & 0xF80L) != 0 || (g == GRAN_DEVICE_OR_PAGE && (high & InvalidationDescriptor.IOTLB_AM_MASK) > MAMV)) {
                    queueError(g == 0 ? IQEI_TYPE : IQEI_RESERVED);
                    return false;
                }
                invalidateIotlb(g, did, high & ~0xFFFL, (int) (high & InvalidationDescriptor.IOTLB_AM_MASK),
                        (high & InvalidationDescriptor.IOTLB_IH) != 0);
            }
            case InvalidationDescriptor.INTERRUPT_ENTRY_CACHE -> {
                if ((low & InvalidationDescriptor.IEC_INDEX_SELECTIVE) != 0) {
                    iec.invalidate((int) (low >>> InvalidationDescriptor.IEC_IIDX_SHIFT) & 0xFFFF,
                            (int) (low >>> InvalidationDescriptor.IEC_IM_SHIFT) & 0x1F);
                } else {
                    iec.invalidateAll();
                }
            }
            case InvalidationDescriptor.INVALIDATION_WAIT -> {
                // Every earlier descriptor is complete here: they ran in order under this lock.
                if ((low & InvalidationDescriptor.WAIT_SW) != 0) {
                    long statusAddr = high & InvalidationDescriptor.WAIT_STATUS_ADDRESS_MASK;
                    if (!memory.contains(statusAddr + 3)) {
                        queueError(IQEI_RESERVED);
                        return false;
                    }
                    memory.write32(statusAddr, (int) (low >>> InvalidationDescriptor.WAIT_STATUS_DATA_SHIFT));
                }
                if ((low & InvalidationDescriptor.WAIT_IF) != 0) {
                    ics |= ICS_IWC;
                    if ((iectl & ECTL_IM) != 0) {
                        iectl |= ECTL_IP;
                    } else {
                        interruptTarget.signal(ieaddr & 0xFFFF_FFFFL, iedata);
                    }
                }
            }
            default -> {
                queueError(IQEI_TYPE); // device-TLB (3) and the scalable-mode types are not supported
                return false;
            }
        }
        return true;
    }

    // ================================================================ registers (VT-d §10.4)

    @Override
    public synchronized long mmioRead(long offset, int size) {
        int off = (int) offset;
        if (offset < 0 || offset >= SIZE || (size != 4 && size != 8) || (off & (size - 1)) != 0) {
            return size == 8 ? -1L : 0xFFFF_FFFFL; // unsupported access width or alignment: all ones
        }
        long lo = readDword(off) & 0xFFFF_FFFFL;
        return size == 4 ? lo : lo | (long) readDword(off + 4) << 32;
    }

    @Override
    public void mmioWrite(long offset, int size, long value) {
        int off = (int) offset;
        if (offset < 0 || offset >= SIZE || (size != 4 && size != 8) || (off & (size - 1)) != 0) {
            return;
        }
        // A write that can start an invalidation first drains the DMA in flight (IOTLB DR/DW, VT-d §6.5.2.3):
        // when it returns, no access translated through the old entries is still moving data.
        boolean invalidates = off == IQT || ((off == CCMD || off == IOTLB) && size == 8) || off == CCMD + 4 || off == IOTLB + 4;
        long stamp = invalidates ? drain.writeLock() : 0;
        try {
            synchronized (this) {
                writeDword(off, (int) value);
                if (size == 8) {
                    writeDword(off + 4, (int) (value >>> 32));
                }
            }
        } finally {
            if (invalidates) {
                drain.unlockWrite(stamp);
            }
        }
    }

    /**
     * Held (shared) by a DMA from its first translation to its last byte, taken exclusively by the
     * register writes that invalidate; so an invalidation completes only after the accesses that may have
     * used the old translations. Invariant: nobody invalidates from inside a DMA access (the lock is not
     * reentrant), and the lock is always taken before this object's monitor.
     */
    private final java.util.concurrent.locks.StampedLock drain = new java.util.concurrent.locks.StampedLock();

    /** Starts a DMA access (see {@link #drain}); returns the stamp for {@link #endDma}. */
    public long beginDma() {
        return drain.readLock();
    }

    public void endDma(long stamp) {
        drain.unlockRead(stamp);
    }

    private static int half(long reg, int off) {
        return (off & 4) == 0 ? (int) reg : (int) (reg >>> 32);
    }

    private static long setHalf(long reg, int off, int v) {
        return (off & 4) == 0 ? (reg & 0xFFFF_FFFF_0000_0000L) | (v & 0xFFFF_FFFFL) : (reg & 0xFFFF_FFFFL) | ((long) v << 32);
    }

    private int readDword(int off) {
        if (off >= FRCD && off < FRCD + FAULT_RECORDS * 16) {
            int r = (off - FRCD) >>> 4;
            int w = (off - FRCD) & 15;
            return w < 8 ? half(frcdLow[r], w) : half(frcdHigh[r], w);
        }
        return switch (off) {
            case VER -> VERSION;
            case CAP, CAP + 4 -> half(CAPABILITIES, off);
            case ECAP, ECAP + 4 -> half(EXTENDED_CAPABILITIES, off);
            case GSTS -> gsts;
            case RTADDR, RTADDR + 4 -> half(rtaddr, off);
            case CCMD, CCMD + 4 -> half(ccmd, off);
            case FSTS -> fsts | (anyFaultPending() ? FSTS_PPF : 0) | (firstPending >= 0 ? firstPending << FSTS_FRI_SHIFT : 0);
            case FECTL -> fectl;
            case FEDATA -> fedata;
            case FEADDR -> feaddr;
            case FEUADDR -> feuaddr;
            case IQH, IQH + 4 -> half(iqh, off);
            case IQT, IQT + 4 -> half(iqt, off);
            case IQA, IQA + 4 -> half(iqa, off);
            case ICS -> ics;
            case IECTL -> iectl;
            case IEDATA -> iedata;
            case IEADDR -> ieaddr;
            case IQERCD, IQERCD + 4 -> half(iqercd, off);
            case IRTA, IRTA + 4 -> half(irtaRegister, off);
            case IVA, IVA + 4 -> half(iva, off);
            case IOTLB, IOTLB + 4 -> half(iotlbRegister, off);
            default -> 0; // GCMD is write-only; reserved space reads as zero
        };
    }

    private void writeDword(int off, int v) {
        if (off >= FRCD && off < FRCD + FAULT_RECORDS * 16) {
            int r = (off - FRCD) >>> 4;
            if (((off - FRCD) & 15) == 12 && (v & (int) (FRCD_F >>> 32)) != 0) {
                frcdHigh[r] &= ~FRCD_F; // F is RW1C: software has serviced the record
                if (r == firstPending) {
                    firstPending = nextPending();
                }
            }
            return;
        }
        switch (off) {
            case GCMD -> globalCommand(v);
            case RTADDR, RTADDR + 4 -> rtaddr = setHalf(rtaddr, off, v);
            case CCMD -> ccmd = setHalf(ccmd, off, v);
            case CCMD + 4 -> {
                ccmd = setHalf(ccmd, off, v);
                if ((ccmd & CCMD_ICC) != 0) {
                    int cirg = (int) (ccmd >>> CCMD_CIRG_SHIFT) & 3;
                    // Register-based invalidation is not to be used while queued invalidation is on (VT-d §6.5.2); ignored then.
                    if ((gsts & GCMD_QIE) == 0 && cirg != 0) {
                        invalidateContextCache(cirg, (int) ccmd & 0xFFFF, (int) (ccmd >>> CCMD_SID_SHIFT) & 0xFFFF,
                                (int) (ccmd >>> CCMD_FM_SHIFT) & 3);
                        stats.registerInvalidations++;
                    }
                    ccmd = (ccmd & ~CCMD_ICC & ~(3L << CCMD_CAIG_SHIFT)) | ((long) cirg << CCMD_CAIG_SHIFT);
                }
            }
            case FSTS -> fsts &= ~(v & (FSTS_PFO | FSTS_IQE | FSTS_ICE | FSTS_ITE));
            case FECTL -> {
                fectl = (fectl & ~ECTL_IM) | (v & ECTL_IM);
                if ((fectl & ECTL_IM) == 0 && (fectl & ECTL_IP) != 0) {
                    fectl &= ~ECTL_IP;
                    interruptTarget.signal(feaddr & 0xFFFF_FFFFL, fedata);
                }
            }
            case FEDATA -> fedata = v;
            case FEADDR -> feaddr = v;
            case FEUADDR -> feuaddr = v;
            case IQT, IQT + 4 -> {
                iqt = setHalf(iqt, off, v);
                if (off == IQT && (gsts & GCMD_QIE) != 0 && (fsts & FSTS_IQE) == 0) {
                    processQueue();
                }
            }
            case IQA, IQA + 4 -> {
                if ((gsts & GCMD_QIE) == 0) {
                    iqa = setHalf(iqa, off, v);
                }
            }
            case ICS -> ics &= ~(v & ICS_IWC);
            case IECTL -> {
                iectl = (iectl & ~ECTL_IM) | (v & ECTL_IM);
                if ((iectl & ECTL_IM) == 0 && (iectl & ECTL_IP) != 0) {
                    iectl &= ~ECTL_IP;
                    interruptTarget.signal(ieaddr & 0xFFFF_FFFFL, iedata);
                }
            }
            case IEDATA -> iedata = v;
            case IEADDR -> ieaddr = v;
            case IRTA, IRTA + 4 -> irtaRegister = setHalf(irtaRegister, off, v);
            case IVA, IVA + 4 -> iva = setHalf(iva, off, v);
            case IOTLB -> iotlbRegister = setHalf(iotlbRegister, off, v);
            case IOTLB + 4 -> {
                iotlbRegister = setHalf(iotlbRegister, off, v);
                if ((iotlbRegister & IOTLB_IVT) != 0) {
                    int iirg = (int) (iotlbRegister >>> IOTLB_IIRG_SHIFT) & 3;
                    if ((gsts & GCMD_QIE) == 0 && iirg != 0) {
                        invalidateIotlb(iirg, (int) (iotlbRegister >>> IOTLB_DID_SHIFT) & 0xFFFF, iva & IVA_ADDR_MASK,
                                (int) (iva & IVA_AM_MASK), (iva & IVA_IH) != 0);
                        stats.registerInvalidations++;
                    }
                    iotlbRegister = (iotlbRegister & ~IOTLB_IVT & ~(3L << IOTLB_IAIG_SHIFT)) | ((long) iirg << IOTLB_IAIG_SHIFT);
                }
            }
            default -> {
                // read-only or reserved: ignored
            }
        }
    }

    private int nextPending() {
        for (int k = 1; k <= FAULT_RECORDS; k++) {
            int i = (firstPending + k) % FAULT_RECORDS;
            if ((frcdHigh[i] & FRCD_F) != 0) {
                return i;
            }
        }
        return -1;
    }

    /**
     * GCMD: software writes the persistent enables it wants (TE, QIE, IRE, CFI, mirrored in GSTS) plus
     * at most one one-shot command (SRTP, SIRTP). VT-d §10.4.4.
     */
    private void globalCommand(int v) {
        if ((v & GCMD_SRTP) != 0) {
            rootTable = rtaddr & ~0xFFFL; // TTM 00b (legacy) assumed; other modes are not modeled
            gsts |= GCMD_SRTP;
        }
        if ((v & GCMD_SIRTP) != 0) {
            irta = irtaRegister;
            gsts |= GCMD_SIRTP;
        }
        if ((v & GCMD_QIE) != 0 && (gsts & GCMD_QIE) == 0) {
            iqh = 0;
        }
        int persistent = GCMD_TE | GCMD_QIE | GCMD_IRE | GCMD_CFI;
        gsts = (gsts & ~persistent) | (v & persistent);
        if ((gsts & (GCMD_TE | GCMD_IRE)) == 0) {
            fri = 0; // the fault record index resets when both remapping functions are off. VT-d §7.2.1
        }
    }
}
