package dev.iovirt.sriov;

import static dev.iovirt.sriov.api.SriovRegisters.*;

import dev.iovirt.vmm.pci.Bdf;
import dev.iovirt.vmm.pci.PciConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The physical function of an X710-class SR-IOV NIC (PCI 8086:1572): a PCIe endpoint whose SR-IOV
 * extended capability (PCIe Base Spec 6.0 §9.3.3) creates and removes its {@link VirtualFunction}s.
 *
 * <p><b>How VFs come and go.</b> The PF driver (the host) reads TotalVFs, writes NumVFs and System
 * Page Size, programs the VF BARs, then sets VF Enable (and VF MSE) in SR-IOV Control. On VF Enable
 * 0→1 the PF creates NumVFs VFs; VF <i>n</i> (1-based) answers at routing ID
 * {@code PF + First VF Offset + (n − 1) × VF Stride} (§9.3.3.9-10), and its memory is VF BAR<i>x</i> +
 * (n − 1) × the per-VF BAR size (§9.3.3.14). On VF Enable 1→0 the VFs cease to exist and their state is
 * lost. {@link VfListener}s hear both, so a host bus or a VFIO layer can plug and unplug them.
 *
 * <p><b>Writes the spec leaves undefined</b>, and what this model does (a host driver can make them; the
 * device never throws): NumVFs greater than TotalVFs (§9.3.3.7, "undefined") is ignored and counted;
 * NumVFs written while VF Enable is set (§9.3.3.7 makes the field read-only then) is ignored and
 * counted; a System Page Size with no or several bits set, or one not in Supported Page Sizes
 * (§9.3.3.13, "undefined"), is ignored and counted, as is any System Page Size write while VF Enable
 * is set (the VF BARs' layout must not move under live VFs).
 *
 * <p>The PF's own BARs (its register file, admin queue and PF–VF mailbox) are not modeled yet: see
 * docs/sriov.md.
 *
 * <p>Thread safety: configuration writes and the VF list are guarded by the PF's monitor; the VF list
 * readers see an immutable snapshot.
 */
public final class PhysicalFunction extends PcieFunction {
    /**
     * Hears VFs appear (VF Enable set) and disappear (VF Enable cleared). {@code vfRemoved} runs before
     * the VF's doorbell page goes back to the host, so a listener must drop every mapping of it there.
     */
    public interface VfListener {
        void vfCreated(VirtualFunction vf);

        void vfRemoved(VirtualFunction vf);
    }

    /** Where an address decoded by the VF BARs lands. */
    public record VfBarHit(VirtualFunction vf, int bar, long offset) {
    }

    /** Per-VF size of each VF BAR as the device needs it (0: BAR not implemented). */
    private static final int[] VF_BAR_NEED = new int[6];
    /** Type bits of each implemented VF BAR: 64-bit, prefetchable (PCI 3.0 §6.2.5.1). */
    private static final int VF_BAR_TYPE = PciConfig.BAR_MEM_64 | PciConfig.BAR_PREFETCHABLE;

    static {
        VF_BAR_NEED[VF_REGS_BAR] = VF_REGS_SIZE;
        VF_BAR_NEED[VF_MSIX_BAR] = VF_MSIX_SIZE;
    }

    private final String name;
    private final Bdf routingId;
    private final VfWiring wiring;
    private final int totalVfs;
    private final int firstVfOffset;
    private final int vfStride;
    private final int sriovCap;
    private volatile List<VirtualFunction> vfs = List.of();
    private final List<VfListener> listeners = new CopyOnWriteArrayList<>();
    private long ignoredNumVfsWrites;
    private long ignoredPageSizeWrites;

    /** A PF named {@code name} at {@code routingId} with the X710's TotalVFs, First VF Offset and VF Stride; its VFs get what {@code wiring} gives. */
    public PhysicalFunction(String name, Bdf routingId, VfWiring wiring) {
        this(name, routingId, wiring, DEFAULT_TOTAL_VFS, DEFAULT_FIRST_VF_OFFSET, DEFAULT_VF_STRIDE);
    }

    /**
     * A PF named {@code name} at {@code routingId} offering at most {@code totalVfs} VFs, VF 1 at
     * {@code firstVfOffset} routing IDs after the PF and each next one {@code vfStride} further; its VFs
     * get their DMA view, MSI path and doorbell page from {@code wiring}.
     *
     * @throws IllegalArgumentException if the last VF's routing ID would not exist (above FFFFh), or an
     *     argument is out of its register's range
     */
    public PhysicalFunction(String name, Bdf routingId, VfWiring wiring, int totalVfs, int firstVfOffset, int vfStride) {
        super(VENDOR_INTEL, DEVICE_X710_PF);
        this.name = Objects.requireNonNull(name);
        this.wiring = Objects.requireNonNull(wiring);
        this.routingId = Objects.requireNonNull(routingId);
        if (totalVfs < 0 || totalVfs > 0xFFFF || firstVfOffset < 1 || firstVfOffset > 0xFFFF
                || vfStride < 1 || vfStride > 0xFFFF) {
            throw new IllegalArgumentException("bad SR-IOV geometry: TotalVFs " + totalVfs + ", offset "
                    + firstVfOffset + ", stride " + vfStride);
        }
        long lastRid = routingId.requesterId() + firstVfOffset + (long) Math.max(0, totalVfs - 1) * vfStride;
        if (lastRid > 0xFFFF) {
            throw new IllegalArgumentException("VF " + totalVfs + " would need routing ID " + Long.toHexString(lastRid));
        }
        this.totalVfs = totalVfs;
        this.firstVfOffset = firstVfOffset;
        this.vfStride = vfStride;
        sriovCap = addExtendedCapability(PciConfig.EXT_CAP_ID_SRIOV, SRIOV_CAP_VERSION, SRIOV_CAP_LENGTH);
        put16(sriovCap + SRIOV_INITIAL_VFS, totalVfs); // no VF migration: InitialVFs = TotalVFs (§9.3.3.5)
        put16(sriovCap + SRIOV_TOTAL_VFS, totalVfs);
        config8(sriovCap + SRIOV_FUNCTION_DEPENDENCY_LINK, routingId.function());
        put16(sriovCap + SRIOV_FIRST_VF_OFFSET, firstVfOffset);
        put16(sriovCap + SRIOV_VF_STRIDE, vfStride);
        put16(sriovCap + SRIOV_VF_DEVICE_ID, DEVICE_X710_VF);
        put32(sriovCap + SRIOV_SUPPORTED_PAGE_SIZES, SUPPORTED_PAGE_SIZES);
        put32(sriovCap + SRIOV_SYSTEM_PAGE_SIZE, SYSTEM_PAGE_SIZE_4K);
        for (int bar = 0; bar < 6; bar++) {
            if (VF_BAR_NEED[bar] != 0) {
                put32(vfBarRegister(bar), VF_BAR_TYPE);
            }
        }
        // Every SR-IOV register is read-only in the generic write mask; configWritten applies the
        // writable ones with the rules above.
    }

    private void config8(int offset, int value) {
        put16(offset, (get16(offset) & 0xFF00) | (value & 0xFF));
    }

    /** The PF's name (its host interface's, as {@code enp1s0f0}). */
    public String name() {
        return name;
    }

    /** The PF's routing ID. */
    public Bdf routingId() {
        return routingId;
    }

    /** Offset of the SR-IOV extended capability in configuration space. */
    public int sriovCapabilityOffset() {
        return sriovCap;
    }

    public int totalVfs() {
        return totalVfs;
    }

    /** The NumVFs register. */
    public int numVfs() {
        return get16(sriovCap + SRIOV_NUM_VFS);
    }

    /** The SR-IOV Control register. */
    public int sriovControl() {
        return get16(sriovCap + SRIOV_CONTROL);
    }

    /** Whether VF Enable is set. */
    public boolean vfEnabled() {
        return (sriovControl() & SRIOV_CTRL_VF_ENABLE) != 0;
    }

    /** The System Page Size in bytes. */
    public long systemPageBytes() {
        return 4096L << Integer.numberOfTrailingZeros(get32(sriovCap + SRIOV_SYSTEM_PAGE_SIZE));
    }

    /** Per-VF size of VF BAR {@code bar}: the device's need rounded up to the System Page Size (§9.3.3.13), 0 if not implemented. */
    public long vfBarSize(int bar) {
        return VF_BAR_NEED[bar] == 0 ? 0 : Math.max(VF_BAR_NEED[bar], systemPageBytes());
    }

    /** The base programmed in VF BAR {@code bar} (and {@code bar + 1} for its upper half): VF 1's slice. */
    public long vfBarBase(int bar) {
        if (VF_BAR_NEED[bar] == 0) {
            return 0;
        }
        long low = get32(vfBarRegister(bar)) & 0xFFFF_FFF0L;
        return low | (get32(vfBarRegister(bar + 1)) & 0xFFFF_FFFFL) << 32;
    }

    /** Where VF {@code index} (0-based)'s BAR {@code bar} sits: VF BAR base + index × per-VF size (§9.3.3.14). */
    public long vfBarAddress(int index, int bar) {
        return vfBarBase(bar) + index * vfBarSize(bar);
    }

    /** The VFs that exist now (empty unless VF Enable is set), VF 1 first. */
    public List<VirtualFunction> virtualFunctions() {
        return vfs;
    }

    /** The VF answering at {@code rid}, or {@code null} if no VF exists there. */
    public VirtualFunction virtualFunction(Bdf rid) {
        int delta = rid.requesterId() - routingId.requesterId() - firstVfOffset;
        List<VirtualFunction> now = vfs;
        if (delta < 0 || delta % vfStride != 0 || delta / vfStride >= now.size()) {
            return null;
        }
        return now.get(delta / vfStride);
    }

    /**
     * Decodes a memory address against the VF BARs: the VF, BAR and offset it hits, or {@code null} when
     * it hits none, VF Enable or VF MSE is clear (§9.3.3.3.4: then the VF BARs decode nothing).
     */
    public VfBarHit decode(long address) {
        int ctrl = sriovControl();
        List<VirtualFunction> now = vfs;
        if ((ctrl & SRIOV_CTRL_VF_ENABLE) == 0 || (ctrl & SRIOV_CTRL_VF_MSE) == 0 || now.isEmpty()) {
            return null;
        }
        for (int bar = 0; bar < 6; bar++) {
            long base = vfBarBase(bar);
            long size = vfBarSize(bar);
            if (size == 0 || base == 0 || address < base || address - base >= size * now.size()) {
                continue;
            }
            return new VfBarHit(now.get((int) ((address - base) / size)), bar, (address - base) % size);
        }
        return null;
    }

    public void addListener(VfListener listener) {
        listeners.add(listener);
    }

    /** NumVFs writes ignored: above TotalVFs, or while VF Enable was set. */
    public synchronized long ignoredNumVfsWrites() {
        return ignoredNumVfsWrites;
    }

    /** System Page Size writes ignored: not exactly one supported bit, or while VF Enable was set. */
    public synchronized long ignoredPageSizeWrites() {
        return ignoredPageSizeWrites;
    }

    private int vfBarRegister(int bar) {
        return sriovCap + SRIOV_VF_BAR0 + 4 * bar;
    }

    @Override
    protected void configWritten(int offset, int size, int value) {
        if (offset + size <= sriovCap || offset >= sriovCap + SRIOV_CAP_LENGTH) {
            return;
        }
        List<VirtualFunction> created = List.of();
        List<VirtualFunction> removed = List.of();
        synchronized (this) {
            boolean enabled = vfEnabled();
            long v = overlay(sriovCap + SRIOV_NUM_VFS, 2, numVfs(), offset, size, value);
            if (v >= 0 && v != numVfs()) {
                if (enabled || v > totalVfs) {
                    ignoredNumVfsWrites++;
                } else {
                    put16(sriovCap + SRIOV_NUM_VFS, (int) v);
                }
            }
            int page = get32(sriovCap + SRIOV_SYSTEM_PAGE_SIZE);
            v = overlay(sriovCap + SRIOV_SYSTEM_PAGE_SIZE, 4, page, offset, size, value);
            if (v >= 0 && v != (page & 0xFFFF_FFFFL)) {
                if (enabled || Long.bitCount(v) != 1 || (v & SUPPORTED_PAGE_SIZES) == 0) {
                    ignoredPageSizeWrites++;
                } else {
                    put32(sriovCap + SRIOV_SYSTEM_PAGE_SIZE, (int) v);
                    for (int bar = 0; bar < 6; bar++) {
                        if (VF_BAR_NEED[bar] != 0) { // re-align the bases to the new per-VF size
                            writeVfBarLow(bar, get32(vfBarRegister(bar)));
                        }
                    }
                }
            }
            for (int bar = 0; bar < 6; bar++) {
                if (VF_BAR_NEED[bar] == 0) {
                    continue;
                }
                v = overlay(vfBarRegister(bar), 4, get32(vfBarRegister(bar)), offset, size, value);
                if (v >= 0) {
                    writeVfBarLow(bar, (int) v);
                }
                v = overlay(vfBarRegister(bar + 1), 4, get32(vfBarRegister(bar + 1)), offset, size, value);
                if (v >= 0) {
                    put32(vfBarRegister(bar + 1), (int) v); // upper half: every bit writable (per-VF size < 4 GiB)
                }
            }
            int ctrl = sriovControl();
            v = overlay(sriovCap + SRIOV_CONTROL, 2, ctrl, offset, size, value);
            if (v >= 0) {
                int next = (int) v & (SRIOV_CTRL_VF_ENABLE | SRIOV_CTRL_VF_MSE);
                put16(sriovCap + SRIOV_CONTROL, next);
                boolean nowEnabled = (next & SRIOV_CTRL_VF_ENABLE) != 0;
                if (!enabled && nowEnabled) {
                    created = createVfs();
                } else if (enabled && !nowEnabled) {
                    removed = vfs;
                    vfs = List.of();
                }
            }
        }
        // Listeners run outside the monitor: they may plug functions into buses that take their own locks.
        for (VirtualFunction vf : created) {
            listeners.forEach(l -> l.vfCreated(vf));
        }
        for (VirtualFunction vf : removed) {
            listeners.forEach(l -> l.vfRemoved(vf));
        }
        // Invariant: listeners (a VMM unmapping a doorbell page from a guest's EPT) have let go of each
        // VF's resources before they return to the host.
        removed.forEach(VirtualFunction::release);
    }

    private void writeVfBarLow(int bar, int value) {
        int mask = (int) ~(vfBarSize(bar) - 1) & 0xFFFF_FFF0;
        put32(vfBarRegister(bar), (value & mask) | VF_BAR_TYPE);
    }

    private List<VirtualFunction> createVfs() {
        int n = numVfs();
        List<VirtualFunction> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int rid = routingId.requesterId() + firstVfOffset + i * vfStride;
            list.add(new VirtualFunction(this, i, Bdf.of(rid >>> 8, (rid >>> 3) & 0x1F, rid & 7), wiring));
        }
        vfs = Collections.unmodifiableList(list);
        return vfs;
    }

    @Override
    public String toString() {
        return "PF " + name + " (" + routingId + ")";
    }
}
