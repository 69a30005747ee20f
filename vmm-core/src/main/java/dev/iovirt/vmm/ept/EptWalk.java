package dev.iovirt.vmm.ept;

/**
 * The result of one EPT walk, reused by its owner (one per MMU) so that walks do not allocate.
 * Fields are valid after {@link EptWalker#walk} returns.
 */
public final class EptWalk {
    /** Outcome: translated. */
    public static final int OK = 0;
    /** Outcome: EPT violation (entry not present or access not permitted). SDM Vol. 3C §29.3.3.2. */
    public static final int VIOLATION = 1;
    /** Outcome: EPT misconfiguration. SDM Vol. 3C §29.3.3.1. */
    public static final int MISCONFIG = 2;

    /** One of {@link #OK}, {@link #VIOLATION}, {@link #MISCONFIG}. */
    public int status;
    /** On {@link #OK}: the host-physical address of the access. */
    public long hpa;
    /** The logical AND of bits 2:0 of the entries used (qualification bits 3..5 come from it). */
    public long rwx;
    /** The size of the page that mapped the address: 12, 21 or 30. */
    public int pageShift;
    /** On {@link #MISCONFIG}: what is wrong with which entry. */
    public String misconfigReason;
    /** On {@link #OK}: true if the leaf's dirty flag is set (or A/D flags are off), so a write needs no walk to set it. */
    public boolean dirty;
}
