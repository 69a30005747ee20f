package dev.iovirt.vmm.ept;

/**
 * The kind of a memory access. The values are chosen to equal bits 2:0 of the EPT-violation exit
 * qualification (SDM Vol. 3C Table 28-7), so the walker can copy them into it.
 */
public final class Access {
    private Access() {
    }

    public static final int READ = 1;
    public static final int WRITE = 2;
    public static final int FETCH = 4;

    public static String name(int access) {
        return switch (access) {
            case READ -> "read";
            case WRITE -> "write";
            case FETCH -> "fetch";
            default -> "access " + access;
        };
    }
}
