package dev.iovirt.platform.topology;

/**
 * A hypervisor host: one switch, the VMs and appliances placed on it, and its physical NIC.
 *
 * @param name unique among hosts
 * @param nic the host's physical NIC
 */
public record HostSpec(String name, NicSpec nic) {
    public HostSpec {
        java.util.Objects.requireNonNull(name, "name");
        java.util.Objects.requireNonNull(nic, "nic");
    }

    /**
     * A host's physical NIC.
     *
     * @param model plain, or SR-IOV capable
     * @param vfs how many virtual functions are enabled (NumVFs); 0 unless the model is SR-IOV
     * @param totalVfs how many the NIC can offer (TotalVFs in its SR-IOV capability); 0 unless SR-IOV
     */
    public record NicSpec(Model model, int vfs, int totalVfs) {
        /** TotalVFs of an SR-IOV NIC when the topology does not say (an Intel 82599 PF offers 64). */
        public static final int DEFAULT_TOTAL_VFS = 64;
        /** NumVFs of an SR-IOV NIC when the topology does not say. */
        public static final int DEFAULT_VFS = 8;
        /** A NIC without SR-IOV. */
        public static final NicSpec PLAIN = new NicSpec(Model.DEFAULT, 0, 0);

        public NicSpec {
            if (vfs < 0 || vfs > totalVfs) {
                throw new IllegalArgumentException("vfs must be 0..totalVfs (" + totalVfs + "): " + vfs);
            }
            if (model == Model.DEFAULT && totalVfs != 0) {
                throw new IllegalArgumentException("a NIC without SR-IOV has no VFs");
            }
        }

        /** Whether the NIC offers virtual functions. */
        public boolean isSriov() {
            return model == Model.SRIOV;
        }
    }

    /** What kind of physical NIC a host has. */
    public enum Model {
        /** A NIC without SR-IOV: VMs reach the wire only through the host's switch. */
        DEFAULT("default"),
        /** A PCIe SR-IOV NIC whose virtual functions can be assigned to VMs. */
        SRIOV("sriov");

        private final String yamlName;

        Model(String yamlName) {
            this.yamlName = yamlName;
        }

        /** The word a topology file uses. */
        public String yamlName() {
            return yamlName;
        }
    }
}
