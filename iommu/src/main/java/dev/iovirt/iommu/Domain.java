package dev.iovirt.iommu;

/**
 * A DMA-remapping domain: an isolated IOVA space, named by its domain id (the DID of context entries,
 * the tag of the IOTLB and paging-structure caches) and defined by its second-level tables. Devices
 * attached to one domain share its mappings; a device in no domain cannot DMA at all. VT-d §3.3.
 * A pass-through domain has no tables: its devices' requests go untranslated (context TT = 10b).
 */
public final class Domain {
    private final int id;
    private final SecondLevelTables tables;

    Domain(int id, SecondLevelTables tables) {
        this.id = id;
        this.tables = tables;
    }

    /** The domain id (DID). */
    public int id() {
        return id;
    }

    /** True for a pass-through domain. */
    public boolean passthrough() {
        return tables == null;
    }

    /** The second-level tables (for editing without the invalidation {@link Iommu#unmap} does, as a test or a driver would). */
    public SecondLevelTables tables() {
        if (tables == null) {
            throw new IllegalStateException("domain " + id + " is pass-through: it has no tables");
        }
        return tables;
    }

    /** The address width in bits: 39 or 48 (and 64 — everything — for pass-through). */
    public int addressWidth() {
        return tables == null ? 64 : 12 + 9 * tables.levels();
    }

    @Override
    public String toString() {
        return "domain " + id + (tables == null ? " (pass-through)" : " (" + addressWidth() + "-bit)");
    }
}
