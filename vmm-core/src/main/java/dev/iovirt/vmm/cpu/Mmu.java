package dev.iovirt.vmm.cpu;

import dev.iovirt.vmm.arch.X86;
import dev.iovirt.vmm.cost.VcpuStats;
import dev.iovirt.vmm.ept.Access;
import dev.iovirt.vmm.ept.EptEntry;
import dev.iovirt.vmm.ept.EptViolation;
import dev.iovirt.vmm.ept.EptWalk;
import dev.iovirt.vmm.ept.EptWalker;
import dev.iovirt.vmm.mem.HostMemory;
import java.util.Arrays;

/**
 * A vCPU's memory-management unit: the two-dimensional walk GVA → GPA → HPA and the TLB that caches
 * its result.
 *
 * <p><b>The walk.</b> With CR0.PG=1 the guest's IA-32e four-level tables (SDM Vol. 3A §4.5) live in
 * guest memory; CR3 holds the guest-physical address of the PML4. Every guest entry is itself at a
 * guest-physical address, so reading it first takes an EPT walk (up to 4 references) and then the read
 * (1 reference). After the guest leaf, the final GPA takes one more EPT walk. Cold, with 4 KiB pages in
 * both dimensions: 4 × (4 + 1) + 4 = 24 references. Large pages end either walk early. The walk sets
 * the guest's accessed and dirty flags (SDM Vol. 3A §4.8) — a write to guest memory, so EPT must permit
 * it — and, when the EPTP enables them, EPT's own A/D flags; with EPT A/D on, every access to a guest
 * paging-structure entry counts as a write for EPT (SDM Vol. 3C §29.3.3.2).
 *
 * <p><b>The TLB</b> holds combined mappings (SDM Vol. 3C §29.4.1): linear page → host page, tagged with
 * the VPID and the EPTP they were derived with, and splintered to 4 KiB. A hit costs no memory
 * reference. A write that hits an entry whose dirty flags are not yet set walks again, as hardware does.
 * Invalidation: INVLPG (one page, current VPID), MOV to CR3 (non-global entries of the current VPID),
 * INVVPID (by address, VPID or all), INVEPT (by EPTP or all), and every VM entry and exit when VPID is
 * off (SDM Vol. 3C §29.4.3.1).
 *
 * <p>{@link #translate} returns the host-physical address, or {@link #FAULT} with the fault described in
 * {@link #fault} and its fields. Not thread-safe: one MMU per vCPU, used by its thread.
 */
public final class Mmu {
    /** Returned by {@link #translate} when the access faulted. */
    public static final long FAULT = -1;
    public static final int FAULT_NONE = 0;
    public static final int FAULT_EPT_VIOLATION = 1;
    public static final int FAULT_EPT_MISCONFIG = 2;
    public static final int FAULT_PAGE = 3;
    /** EPT is off and the physical address is not host memory. */
    public static final int FAULT_NO_MEMORY = 4;

    private static final int TLB_BITS = 9;
    private static final int TLB_SIZE = 1 << TLB_BITS;
    private static final int T_READ = 1;
    private static final int T_WRITE = 2;
    private static final int T_EXEC = 4;
    private static final int T_DIRTY = 8;
    private static final int T_GLOBAL = 16;
    /** User-mode (CPL 3) reads allowed: U/S=1 on every level. */
    private static final int T_USER = 32;
    /** User-mode writes allowed: U/S=1 and R/W=1 on every level (and EPT W). */
    private static final int T_USER_WRITE = 64;

    private final HostMemory memory;
    private final EptWalker eptWalker;
    private final EptWalk ew = new EptWalk();
    private final VcpuStats stats;

    private final long[] tlbTag = new long[TLB_SIZE];
    private final long[] tlbPage = new long[TLB_SIZE];
    private final long[] tlbEptp = new long[TLB_SIZE];
    private final int[] tlbFlags = new int[TLB_SIZE];

    // Translation context, set by the vCPU from guest state and controls.
    long cr3;
    boolean paging;
    boolean writeProtect;
    boolean noExecute;
    boolean globalPages;
    int cpl;
    boolean eptEnabled;
    long eptp;
    /** The VPID of the current context; 0 outside a guest or with VPID off. */
    int vpid;

    // The last fault.
    /** One of the FAULT_ constants. */
    public int fault;
    /** The guest-physical address that faulted in EPT. */
    public long faultGpa;
    /** The EPT-violation exit qualification (SDM Vol. 3C Table 28-7). */
    public long faultQualification;
    /** The page-fault error code (SDM Vol. 3A §4.7). */
    public int pageFaultError;
    /** What was misconfigured, for an EPT misconfiguration. */
    public String misconfigReason;

    Mmu(HostMemory memory, VcpuStats stats) {
        this.memory = memory;
        this.eptWalker = new EptWalker(memory);
        this.stats = stats;
        Arrays.fill(tlbTag, -1L);
    }

    private static int index(long vpn, int vpid) {
        return (int) ((vpn ^ (vpn >>> TLB_BITS) ^ ((long) vpid * 0x9E5)) & (TLB_SIZE - 1));
    }

    private static long tag(long vpn, int vpid) {
        return (vpn << 16) | vpid;
    }

    /**
     * Translates {@code gva} for an access of kind {@code access} ({@link Access}). Hot path: a TLB hit
     * allocates nothing and reads no memory.
     */
    public long translate(long gva, int access) {
        long vpn = gva >>> 12;
        int i = index(vpn, vpid);
        // Invariant: an entry is valid only for the VPID and EPTP it was filled under, and every change to
        // the guest tables, EPT or paging mode that could make it stale is followed by the invalidation the
        // SDM requires (INVLPG, MOV CR3/CR0/CR4, INVVPID, INVEPT, or the VPID-0 flush at entry and exit).
        // Skipping one of those leaves a stale translation here, exactly as on hardware.
        if (tlbTag[i] == tag(vpn, vpid) && tlbEptp[i] == eptp) {
            int f = tlbFlags[i];
            boolean ok = switch (access) {
                case Access.READ -> (f & T_READ) != 0;
                case Access.WRITE -> (f & (T_WRITE | T_DIRTY)) == (T_WRITE | T_DIRTY);
                default -> (f & T_EXEC) != 0;
            };
            if (ok && cpl == 3) {
                ok = (f & T_USER) != 0 && (access != Access.WRITE || (f & T_USER_WRITE) != 0);
            }
            if (ok) {
                stats.tlbHits++;
                return tlbPage[i] | (gva & 0xFFF);
            }
        }
        stats.tlbMisses++;
        return walk(gva, access);
    }

    private long walk(long gva, int access) {
        fault = FAULT_NONE;
        long refs0 = eptWalker.references();
        long gpa;
        int allowed = T_READ | T_WRITE | T_EXEC;
        int userFlags = T_USER | T_USER_WRITE; // paging off: no U/S checks
        boolean global = false;
        boolean guestDirty = true;
        if (!paging) {
            gpa = gva;
        } else {
            long table = cr3 & X86.PTE_ADDRESS;
            boolean user = cpl == 3;
            boolean rw = true;
            boolean us = true;
            boolean xd = false;
            gpa = 0;
            for (int level = 4; level >= 1; level--) {
                int shift = 12 + 9 * (level - 1);
                long entryGpa = table | (((gva >>> shift) & 511) << 3);
                boolean eptAd = eptEnabled && (eptp & dev.iovirt.vmm.ept.Eptp.ENABLE_AD) != 0;
                long entryHpa = physical(entryGpa, eptAd ? Access.WRITE : Access.READ, gva, false);
                if (entryHpa == FAULT) {
                    return finishFault(refs0);
                }
                long e = memory.read64(entryHpa);
                stats.walkReferences++;
                if ((e & X86.PTE_P) == 0) {
                    return pageFault(gva, access, user, false, refs0);
                }
                rw &= (e & X86.PTE_RW) != 0;
                us &= (e & X86.PTE_US) != 0;
                xd |= (e & X86.PTE_XD) != 0;
                boolean leaf = level == 1 || (level <= 3 && (e & X86.PTE_PS) != 0);
                if (leaf) {
                    if (user && !us) {
                        return pageFault(gva, access, true, true, refs0);
                    }
                    if (access == Access.WRITE && !rw && (user || writeProtect)) {
                        return pageFault(gva, access, user, true, refs0);
                    }
                    if (access == Access.FETCH && xd && noExecute) {
                        return pageFault(gva, access, user, true, refs0);
                    }
                }
                long update = (e & X86.PTE_A) == 0 ? X86.PTE_A : 0;
                if (leaf && access == Access.WRITE && (e & X86.PTE_D) == 0) {
                    update |= X86.PTE_D;
                }
                if (update != 0) {
                    // The processor's A/D update is a write to guest memory: EPT must allow it.
                    if (eptEnabled && !eptAd && (ew.rwx & EptEntry.WRITE) == 0) {
                        eptViolation(entryGpa, Access.WRITE, ew.rwx, gva, false);
                        return finishFault(refs0);
                    }
                    memory.write64(entryHpa, e | update);
                    e |= update;
                }
                if (leaf) {
                    long pageMask = (1L << shift) - 1;
                    gpa = (e & X86.PTE_ADDRESS & ~pageMask) | (gva & pageMask);
                    global = globalPages && (e & X86.PTE_G) != 0;
                    guestDirty = (e & X86.PTE_D) != 0;
                    if (!rw && (user || writeProtect)) {
                        allowed &= ~T_WRITE;
                    }
                    if (xd && noExecute) {
                        allowed &= ~T_EXEC;
                    }
                    userFlags = (us ? T_USER : 0) | (us && rw ? T_USER_WRITE : 0);
                    break;
                }
                table = e & X86.PTE_ADDRESS;
            }
        }
        long hpa = physical(gpa, access, gva, true);
        if (hpa == FAULT) {
            return finishFault(refs0);
        }
        stats.walkReferences += eptWalker.references() - refs0;
        stats.walks++;
        int eptAllowed = eptEnabled ? (int) ew.rwx : 7;
        int flags = (allowed & eptAllowed) | (userFlags & ((eptAllowed & T_WRITE) != 0 ? -1 : ~T_USER_WRITE));
        if (guestDirty && (!eptEnabled || ew.dirty)) {
            flags |= T_DIRTY;
        }
        if (global) {
            flags |= T_GLOBAL;
        }
        long vpn = gva >>> 12;
        int i = index(vpn, vpid);
        tlbTag[i] = tag(vpn, vpid);
        tlbPage[i] = hpa & ~0xFFFL;
        tlbEptp[i] = eptp;
        tlbFlags[i] = flags;
        return hpa;
    }

    private long finishFault(long refs0) {
        stats.walkReferences += eptWalker.references() - refs0;
        return FAULT;
    }

    /** EPT translation of one guest-physical access (or identity when EPT is off). */
    private long physical(long gpa, int access, long gva, boolean finalTranslation) {
        if (!eptEnabled) {
            ew.rwx = 7;
            ew.dirty = true;
            if (!memory.contains(gpa)) {
                fault = FAULT_NO_MEMORY;
                faultGpa = gpa;
                return FAULT;
            }
            return gpa;
        }
        eptWalker.walk(eptp, gpa, access, ew);
        if (ew.status == EptWalk.OK) {
            return ew.hpa;
        }
        if (ew.status == EptWalk.MISCONFIG) {
            fault = FAULT_EPT_MISCONFIG;
            faultGpa = gpa;
            misconfigReason = ew.misconfigReason;
            return FAULT;
        }
        eptViolation(gpa, access, ew.rwx, gva, finalTranslation);
        return FAULT;
    }

    private void eptViolation(long gpa, int access, long rwx, long gva, boolean finalTranslation) {
        fault = FAULT_EPT_VIOLATION;
        faultGpa = gpa;
        // SDM Vol. 3C Table 28-7: bits 2:0 access, 5:3 the AND of the entries' R/W/X, 7 linear address valid,
        // 8 the access was to the linear address's translation (1) or to a paging-structure entry (0).
        faultQualification = access | ((rwx & 7) << 3) | EptViolation.GLA_VALID
                | (finalTranslation ? EptViolation.GLA_TRANSLATION : 0);
    }

    private long pageFault(long gva, int access, boolean user, boolean present, long refs0) {
        fault = FAULT_PAGE;
        pageFaultError = (present ? X86.PF_P : 0) | (access == Access.WRITE ? X86.PF_W : 0) | (user ? X86.PF_U : 0)
                | (access == Access.FETCH && noExecute ? X86.PF_I : 0);
        return finishFault(refs0);
    }

    // ---------------------------------------------------------------- invalidation

    /** INVLPG, and INVVPID type 0: one page of one VPID, global or not. */
    public void invalidatePage(int vpid, long gva) {
        long vpn = gva >>> 12;
        int i = index(vpn, vpid);
        if (tlbTag[i] == tag(vpn, vpid)) {
            tlbTag[i] = -1;
        }
    }

    /** All mappings of {@code vpid}; with {@code keepGlobal}, global ones stay (MOV to CR3, INVVPID type 3). */
    public void invalidateVpid(int vpid, boolean keepGlobal) {
        for (int i = 0; i < TLB_SIZE; i++) {
            if (tlbTag[i] != -1 && (tlbTag[i] & 0xFFFF) == vpid && !(keepGlobal && (tlbFlags[i] & T_GLOBAL) != 0)) {
                tlbTag[i] = -1;
            }
        }
    }

    /** All mappings of every VPID except 0 (INVVPID type 2), or of every VPID including 0. */
    public void invalidateAllVpids(boolean includingZero) {
        for (int i = 0; i < TLB_SIZE; i++) {
            if (tlbTag[i] != -1 && (includingZero || (tlbTag[i] & 0xFFFF) != 0)) {
                tlbTag[i] = -1;
            }
        }
    }

    /** Mappings derived with this EPTP's PML4 (INVEPT single-context); SDM Vol. 3C §29.4.3.1. */
    public void invalidateEptp(long eptp) {
        long ep4ta = eptp & EptEntry.ADDRESS_MASK;
        for (int i = 0; i < TLB_SIZE; i++) {
            if (tlbTag[i] != -1 && (tlbEptp[i] & EptEntry.ADDRESS_MASK) == ep4ta) {
                tlbTag[i] = -1;
            }
        }
    }

    /** Valid TLB entries (for tests and statistics). */
    public int tlbEntries() {
        int n = 0;
        for (long t : tlbTag) {
            if (t != -1) {
                n++;
            }
        }
        return n;
    }
}
