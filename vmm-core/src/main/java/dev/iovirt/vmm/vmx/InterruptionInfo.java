package dev.iovirt.vmm.vmx;

/**
 * The interruption-information format shared by the VM-entry interruption-information field (0x4016),
 * the VM-exit interruption-information field (0x4404) and IDT-vectoring information (0x4408).
 * SDM Vol. 3C §25.8.3, Table 25-17, and §25.9.2: bits 7:0 vector, 10:8 type, 11 deliver error code,
 * 30:12 reserved (must be 0 on entry), 31 valid.
 */
public final class InterruptionInfo {
    private InterruptionInfo() {
    }

    public static final int TYPE_EXTERNAL_INTERRUPT = 0;
    public static final int TYPE_NMI = 2;
    public static final int TYPE_HARDWARE_EXCEPTION = 3;
    public static final int TYPE_SOFTWARE_INTERRUPT = 4;
    public static final int TYPE_PRIVILEGED_SOFTWARE_EXCEPTION = 5;
    public static final int TYPE_SOFTWARE_EXCEPTION = 6;
    public static final int TYPE_OTHER_EVENT = 7;
    public static final int DELIVER_ERROR_CODE = 1 << 11;
    public static final int VALID = 1 << 31;
    private static final int RESERVED = 0x7FFF_F000;

    public static int of(int type, int vector, boolean errorCode) {
        return VALID | (type << 8) | (vector & 0xFF) | (errorCode ? DELIVER_ERROR_CODE : 0);
    }

    public static boolean valid(int info) {
        return (info & VALID) != 0;
    }

    public static int vector(int info) {
        return info & 0xFF;
    }

    public static int type(int info) {
        return (info >>> 8) & 7;
    }

    /**
     * The VM-entry checks on a valid entry interruption-information field (SDM Vol. 3C §27.2.1.3).
     *
     * @return {@code null} if acceptable, else the reason entry fails with error 7
     */
    public static String entryCheck(int info) {
        if (!valid(info)) {
            return null;
        }
        int type = type(info);
        int vector = vector(info);
        if (type == 1) {
            return "interruption type 1 is reserved";
        }
        if (type == TYPE_NMI && vector != 2) {
            return "NMI injection with vector " + vector;
        }
        if (type == TYPE_HARDWARE_EXCEPTION && vector > 31) {
            return "hardware exception with vector " + vector + " > 31";
        }
        if (type == TYPE_OTHER_EVENT && vector != 0) {
            return "other event with vector " + vector;
        }
        if ((info & DELIVER_ERROR_CODE) != 0) {
            boolean hasErrorCode = type == TYPE_HARDWARE_EXCEPTION
                    && (vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 || vector == 21);
            if (!hasErrorCode) {
                return "deliver-error-code set for an event without an error code";
            }
        }
        if ((info & RESERVED) != 0) {
            return "reserved bits 30:12 set";
        }
        return null;
    }
}
