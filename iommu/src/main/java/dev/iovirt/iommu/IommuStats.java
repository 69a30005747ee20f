package dev.iovirt.iommu;

/**
 * The remapping unit's counters (DESIGN §3: "IOTLB walks and misses"). A snapshot: the unit returns a
 * copy. A cost model charges {@link #walkReferences} like EPT walk references.
 */
public final class IommuStats {
    /** DMA translations requested (one per page an access touches). */
    public long translations;
    /** Translations answered by the IOTLB. */
    public long iotlbHits;
    /** Translations that missed the IOTLB and walked. */
    public long iotlbMisses;
    /** Context lookups answered by the context cache. */
    public long contextCacheHits;
    /** Context lookups that read the root and context tables. */
    public long contextCacheMisses;
    /** Walks that started below the top level thanks to a paging-structure cache entry. */
    public long pagingStructureCacheHits;
    /** Second-level paging entries read from host memory. */
    public long walkReferences;
    /** Root and context entries read from host memory. */
    public long contextReferences;
    /** Translations that went untranslated (pass-through context or translation disabled). */
    public long passthrough;
    /** Faults of any reason (recorded or not). */
    public long faults;
    /** Faults not recorded because FPD was set in the context entry or IRTE. */
    public long faultsSuppressed;
    /** Faults dropped because the fault recording registers were full (PFO). */
    public long faultsOverflowed;
    /** Interrupt requests seen. */
    public long interruptRequests;
    /** Interrupts remapped to a physical destination (IRTE remapped format). */
    public long interruptsRemapped;
    /** Interrupts posted to a posted-interrupt descriptor (IRTE posted format). */
    public long interruptsPosted;
    /** Posted interrupts that sent a notification event (ON was clear). */
    public long postNotifications;
    /** IRTE lookups answered by the interrupt entry cache. */
    public long interruptEntryCacheHits;
    /** Invalidation descriptors processed from the queue. */
    public long queuedInvalidations;
    /** Register-based invalidations (CCMD, IOTLB_REG). */
    public long registerInvalidations;

    public IommuStats copy() {
        IommuStats c = new IommuStats();
        c.translations = translations;
        c.iotlbHits = iotlbHits;
        c.iotlbMisses = iotlbMisses;
        c.contextCacheHits = contextCacheHits;
        c.contextCacheMisses = contextCacheMisses;
        c.pagingStructureCacheHits = pagingStructureCacheHits;
        c.walkReferences = walkReferences;
        c.contextReferences = contextReferences;
        c.passthrough = passthrough;
        c.faults = faults;
        c.faultsSuppressed = faultsSuppressed;
        c.faultsOverflowed = faultsOverflowed;
        c.interruptRequests = interruptRequests;
        c.interruptsRemapped = interruptsRemapped;
        c.interruptsPosted = interruptsPosted;
        c.postNotifications = postNotifications;
        c.interruptEntryCacheHits = interruptEntryCacheHits;
        c.queuedInvalidations = queuedInvalidations;
        c.registerInvalidations = registerInvalidations;
        return c;
    }

    @Override
    public String toString() {
        return "translations=" + translations + " iotlbHits=" + iotlbHits + " iotlbMisses=" + iotlbMisses + " ccHits="
                + contextCacheHits + " ccMisses=" + contextCacheMisses + " pscHits=" + pagingStructureCacheHits + " walkRefs="
                + walkReferences + " faults=" + faults + " remapped=" + interruptsRemapped + " posted=" + interruptsPosted;
    }
}
