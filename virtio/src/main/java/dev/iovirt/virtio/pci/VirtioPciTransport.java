package dev.iovirt.virtio.pci;

import static dev.iovirt.virtio.pci.VirtioPciLayout.*;

import dev.iovirt.virtio.VirtioDevice;
import dev.iovirt.virtio.VirtioStatus;
import dev.iovirt.virtio.queue.PackedVirtQueue;
import dev.iovirt.virtio.queue.SplitRing;
import dev.iovirt.virtio.queue.SplitVirtQueue;
import dev.iovirt.virtio.queue.VirtQueue;
import dev.iovirt.vmm.io.MmioDevice;
import dev.iovirt.vmm.mem.DmaMemory;
import dev.iovirt.vmm.mem.Gpa;
import dev.iovirt.vmm.pci.MsixCapability;
import dev.iovirt.vmm.pci.PciFunction;
import java.util.ArrayList;
import java.util.List;

/**
 * The virtio-pci modern transport (virtio 1.2 §4.1) around a {@link VirtioDevice}: the PCI
 * identity, the vendor-specific capabilities that locate the common, notify, ISR and device
 * configuration regions in BAR 4, MSI-X in BAR 1, feature negotiation and the device status state
 * machine (§2.1, §3.1.1), and the queues' activation on DRIVER_OK.
 *
 * <pre>
 *   driver MMIO ─▶ common cfg: features, status, queue_select/size/desc/driver/device/enable
 *              ─▶ notify region (queue index × 4) ─▶ device.queueNotify(q)      [the kick: an in-kernel
 *                 exit, as KVM's ioeventfd, not one to user space]
 *   device ─▶ Transport.signalQueue(q) ─▶ MSI-X entry queue_msix_vector (or ISR bit 0)
 * </pre>
 *
 * A driver that breaks the protocol (DRIVER_OK without FEATURES_OK, a queue of invalid size or
 * outside memory) gets DEVICE_NEEDS_RESET and a configuration-change notification, as §2.1.2 says.
 */
public final class VirtioPciTransport extends PciFunction {
    private final VirtioDevice device;
    private final DmaMemory dma;
    private final MsixCapability msix;
    private final int queues;
    private final int[] queueSize;
    private final int[] queueVector;
    private final boolean[] queueEnabled;
    private final long[] queueDesc;
    private final long[] queueDriver;
    private final long[] queueDeviceArea;
    private int status;
    private int deviceFeatureSelect;
    private int driverFeatureSelect;
    private long driverFeatures;
    private int queueSelect;
    private int configVector = NO_VECTOR;
    private int configGeneration;
    private int isr;
    private long kicks;
    private String resetReason;

    public VirtioPciTransport(VirtioDevice device, DmaMemory dma) {
        // Class code: network controller for a net device, "other" otherwise (§4.1.2 leaves it to the device type).
        super(VENDOR_ID, DEVICE_ID_BASE + device.deviceType(), device.deviceType() == 1 ? 0x02_00_00 : 0xFF_00_00, REVISION);
        this.device = device;
        this.dma = dma;
        this.queues = device.queueCount();
        queueSize = new int[queues];
        queueVector = new int[queues];
        queueEnabled = new boolean[queues];
        queueDesc = new long[queues];
        queueDriver = new long[queues];
        queueDeviceArea = new long[queues];
        put16(dev.iovirt.vmm.pci.PciConfig.SUBSYSTEM_VENDOR_ID, VENDOR_ID);
        put16(dev.iovirt.vmm.pci.PciConfig.SUBSYSTEM_ID, DEVICE_ID_BASE + device.deviceType());
        addVirtioCap(CFG_COMMON, COMMON_OFFSET, COMMON_CFG_LENGTH, CAP_LEN);
        int notify = addVirtioCap(CFG_NOTIFY, NOTIFY_OFFSET, Math.max(4, queues * NOTIFY_OFF_MULTIPLIER), NOTIFY_CAP_LEN);
        put32(notify + CAP_NOTIFY_OFF_MULTIPLIER, NOTIFY_OFF_MULTIPLIER);
        addVirtioCap(CFG_ISR, ISR_OFFSET, 1, CAP_LEN);
        addVirtioCap(CFG_DEVICE, DEVICE_OFFSET, REGION_SIZE, CAP_LEN);
        msix = addMsix(queues + 1, MSIX_BAR, MSIX_TABLE_OFFSET, MSIX_PBA_OFFSET);
        MmioDevice table = msix.tableRegion();
        MmioDevice pba = msix.pbaRegion();
        memoryBar(MSIX_BAR, MSIX_BAR_SIZE, new MmioDevice() {
            @Override
            public long mmioRead(long offset, int size) {
                return offset < MSIX_PBA_OFFSET ? table.mmioRead(offset, size) : pba.mmioRead(offset - MSIX_PBA_OFFSET, size);
            }

            @Override
            public void mmioWrite(long offset, int size, long value) {
                if (offset < MSIX_PBA_OFFSET) {
                    table.mmioWrite(offset, size, value);
                }
            }
        });
        memoryBar64(REGIONS_BAR, REGIONS_BAR_SIZE, false, new Regions());
        resetState();
    }

    private int addVirtioCap(int cfgType, int offset, int length, int capLen) {
        int at = addCapability(CAP_ID_VENDOR, capLen);
        put16(at + 2, capLen | cfgType << 8); // cap_len, cfg_type
        put16(at + CAP_BAR, REGIONS_BAR);      // bar, id
        put32(at + CAP_OFFSET, offset);
        put32(at + CAP_LENGTH, length);
        return at;
    }

    /** The device status as the driver would read it. */
    public int status() {
        return status;
    }

    /** Why the device asked for a reset, or null. */
    public String resetReason() {
        return resetReason;
    }

    public long negotiatedFeatures() {
        return driverFeatures;
    }

    /** Notifications (kicks) received from the driver. */
    public long kicks() {
        return kicks;
    }

    public MsixCapability msixCapability() {
        return msix;
    }

    private void resetState() {
        status = 0;
        driverFeatures = 0;
        deviceFeatureSelect = 0;
        driverFeatureSelect = 0;
        queueSelect = 0;
        configVector = NO_VECTOR;
        isr = 0;
        resetReason = null;
        for (int q = 0; q < queues; q++) {
            queueSize[q] = device.maxQueueSize();
            queueVector[q] = NO_VECTOR;
            queueEnabled[q] = false;
            queueDesc[q] = queueDriver[q] = queueDeviceArea[q] = 0;
        }
    }

    private final VirtioDevice.Transport transport = new VirtioDevice.Transport() {
        @Override
        public void signalQueue(int index) {
            signal(index >= 0 && index < queues ? queueVector[index] : NO_VECTOR, ISR_QUEUE);
        }

        @Override
        public void signalConfigChange() {
            configGeneration++;
            signal(configVector, ISR_CONFIG);
        }

        @Override
        public void needsReset(String why) {
            setNeedsReset(why);
        }
    };

    private synchronized void signal(int vector, int isrBit) {
        if (msix.enabled()) {
            if (vector != NO_VECTOR && vector < msix.tableSize()) {
                msix.notify(vector);
            }
            return;
        }
        isr |= isrBit; // §4.1.4.5; INTx is not wired in this model: a driver without MSI-X polls the ISR
    }

    private void setNeedsReset(String why) {
        if ((status & VirtioStatus.DEVICE_NEEDS_RESET) != 0) {
            return;
        }
        resetReason = why;
        status |= VirtioStatus.DEVICE_NEEDS_RESET;
        transport.signalConfigChange();
    }

    private void writeStatus(int value) {
        value &= 0xFF;
        if (value == 0) {
            // §2.4: writing 0 resets the device.
            device.reset();
            resetState();
            return;
        }
        int added = value & ~status;
        // §2.1.2: the driver sets bits; it never clears one (only a reset does). Cleared bits are ignored.
        int next = status | value;
        if ((added & VirtioStatus.FEATURES_OK) != 0 && !featuresAcceptable()) {
            next &= ~VirtioStatus.FEATURES_OK; // §3.1.1 step 6: the driver re-reads and sees it unset
        }
        status = next;
        if ((added & VirtioStatus.DRIVER_OK) != 0) {
            activate();
        }
    }

    /** §6.1: the driver accepts VERSION_1 and nothing the device did not offer. */
    private boolean featuresAcceptable() {
        return (driverFeatures & ~device.deviceFeatures()) == 0 && (driverFeatures & VirtioStatus.bit(VirtioStatus.F_VERSION_1)) != 0;
    }

    private void activate() {
        if ((status & VirtioStatus.FEATURES_OK) == 0) {
            setNeedsReset("DRIVER_OK without FEATURES_OK");
            return;
        }
        boolean eventIdx = (driverFeatures & VirtioStatus.bit(VirtioStatus.F_EVENT_IDX)) != 0;
        boolean indirect = (driverFeatures & VirtioStatus.bit(VirtioStatus.F_INDIRECT_DESC)) != 0;
        boolean packed = (driverFeatures & VirtioStatus.bit(VirtioStatus.F_RING_PACKED)) != 0;
        List<VirtQueue> vqs = new ArrayList<>(queues);
        for (int q = 0; q < queues; q++) {
            if (!queueEnabled[q]) {
                vqs.add(null);
                continue;
            }
            // §2.7: a split queue's size is a power of 2; §2.8: a packed queue's need not be.
            boolean sizeOk = packed ? queueSize[q] > 0 : SplitRing.isValidSize(queueSize[q]);
            if (!sizeOk || queueSize[q] > device.maxQueueSize()) {
                setNeedsReset("queue " + q + " has invalid size " + queueSize[q]);
                return;
            }
            vqs.add(packed
                    ? new PackedVirtQueue(dma, queueSize[q], Gpa.of(queueDesc[q]), Gpa.of(queueDriver[q]), Gpa.of(queueDeviceArea[q]),
                            eventIdx, indirect)
                    : new SplitVirtQueue(dma, queueSize[q], Gpa.of(queueDesc[q]), Gpa.of(queueDriver[q]), Gpa.of(queueDeviceArea[q]),
                            eventIdx, indirect));
        }
        device.activate(driverFeatures, vqs, dma, transport);
    }

    private boolean queueConfigWritable() {
        // §4.1.4.3.2: queue configuration is set before DRIVER_OK.
        return (status & VirtioStatus.DRIVER_OK) == 0 && queueSelect < queues;
    }

    /** The four regions of BAR 4; the notify region is an ioeventfd: a kick exits to the kernel only. */
    private final class Regions implements MmioDevice {
        @Override
        public boolean isIoEventFd(long offset) {
            return offset >= NOTIFY_OFFSET && offset < NOTIFY_OFFSET + REGION_SIZE;
        }

        @Override
        public long mmioRead(long offset, int size) {
            int region = (int) (offset / REGION_SIZE) * REGION_SIZE;
            int at = (int) (offset - region);
            return switch (region) {
                case COMMON_OFFSET -> commonRead(at, size);
                case ISR_OFFSET -> {
                    synchronized (VirtioPciTransport.this) {
                        int v = isr; // §4.1.4.5: reading clears
                        isr = 0;
                        yield v;
                    }
                }
                case DEVICE_OFFSET -> device.configRead(at, size);
                default -> 0;
            };
        }

        @Override
        public void mmioWrite(long offset, int size, long value) {
            int region = (int) (offset / REGION_SIZE) * REGION_SIZE;
            int at = (int) (offset - region);
            switch (region) {
                case COMMON_OFFSET -> commonWrite(at, size, value);
                case DEVICE_OFFSET -> device.configWrite(at, size, value);
                case NOTIFY_OFFSET -> {
                    int q = at / NOTIFY_OFF_MULTIPLIER;
                    if (q < queues && (status & VirtioStatus.DRIVER_OK) != 0 && queueEnabled[q]) {
                        kicks++;
                        device.queueNotify(q);
                    }
                }
                default -> {
                    // writes to the ISR and to unused space are ignored
                }
            }
        }
    }

    private long commonRead(int at, int size) {
        int q = queueSelect;
        boolean valid = q < queues;
        return switch (at) {
            case DEVICE_FEATURE_SELECT -> deviceFeatureSelect;
            case DEVICE_FEATURE -> deviceFeatureSelect == 0 ? device.deviceFeatures() & 0xFFFF_FFFFL
                    : deviceFeatureSelect == 1 ? device.deviceFeatures() >>> 32 : 0;
            case DRIVER_FEATURE_SELECT -> driverFeatureSelect;
            case DRIVER_FEATURE -> driverFeatureSelect == 0 ? driverFeatures & 0xFFFF_FFFFL
                    : driverFeatureSelect == 1 ? driverFeatures >>> 32 : 0;
            case CONFIG_MSIX_VECTOR -> configVector;
            case NUM_QUEUES -> queues;
            case DEVICE_STATUS -> size == 1 ? status : status | configGeneration << 8;
            case CONFIG_GENERATION -> configGeneration & 0xFF;
            case QUEUE_SELECT -> queueSelect;
            case QUEUE_SIZE -> valid ? queueSize[q] : 0; // §4.1.4.3: 0 for a queue that does not exist
            case QUEUE_MSIX_VECTOR -> valid ? queueVector[q] : NO_VECTOR;
            case QUEUE_ENABLE -> valid && queueEnabled[q] ? 1 : 0;
            case QUEUE_NOTIFY_OFF -> valid ? q : 0;
            case QUEUE_DESC -> valid ? part(queueDesc[q], at, size) : 0;
            case QUEUE_DESC + 4 -> valid ? queueDesc[q] >>> 32 : 0;
            case QUEUE_DRIVER -> valid ? part(queueDriver[q], at, size) : 0;
            case QUEUE_DRIVER + 4 -> valid ? queueDriver[q] >>> 32 : 0;
            case QUEUE_DEVICE -> valid ? part(queueDeviceArea[q], at, size) : 0;
            case QUEUE_DEVICE + 4 -> valid ? queueDeviceArea[q] >>> 32 : 0;
            default -> 0;
        };
    }

    private static long part(long v, int at, int size) {
        return size == 8 ? v : v & 0xFFFF_FFFFL;
    }

    private void commonWrite(int at, int size, long value) {
        int q = queueSelect;
        switch (at) {
            case DEVICE_FEATURE_SELECT -> deviceFeatureSelect = (int) value;
            case DRIVER_FEATURE_SELECT -> driverFeatureSelect = (int) value;
            case DRIVER_FEATURE -> {
                // §3.1.1: features are negotiated before FEATURES_OK and fixed after.
                if ((status & VirtioStatus.FEATURES_OK) == 0 && driverFeatureSelect < 2) {
                    int shift = driverFeatureSelect * 32;
                    driverFeatures = driverFeatures & ~(0xFFFF_FFFFL << shift) | (value & 0xFFFF_FFFFL) << shift;
                }
            }
            case CONFIG_MSIX_VECTOR -> configVector = (int) value & 0xFFFF;
            case DEVICE_STATUS -> writeStatus((int) value);
            case QUEUE_SELECT -> queueSelect = (int) value & 0xFFFF;
            case QUEUE_SIZE -> {
                if (queueConfigWritable()) {
                    queueSize[q] = (int) value & 0xFFFF;
                }
            }
            case QUEUE_MSIX_VECTOR -> {
                if (queueSelect < queues) {
                    queueVector[q] = (int) value & 0xFFFF;
                }
            }
            case QUEUE_ENABLE -> {
                if (queueConfigWritable() && value == 1) {
                    queueEnabled[q] = true; // §4.1.4.3.2: the driver never writes 0 here
                }
            }
            case QUEUE_DESC -> setAddress(queueDesc, at - QUEUE_DESC, size, value);
            case QUEUE_DESC + 4 -> setAddress(queueDesc, 4, 4, value);
            case QUEUE_DRIVER -> setAddress(queueDriver, at - QUEUE_DRIVER, size, value);
            case QUEUE_DRIVER + 4 -> setAddress(queueDriver, 4, 4, value);
            case QUEUE_DEVICE -> setAddress(queueDeviceArea, at - QUEUE_DEVICE, size, value);
            case QUEUE_DEVICE + 4 -> setAddress(queueDeviceArea, 4, 4, value);
            default -> {
                // read-only fields and unused space ignore writes
            }
        }
    }

    private void setAddress(long[] field, int half, int size, long value) {
        if (!queueConfigWritable()) {
            return;
        }
        int q = queueSelect;
        if (size == 8) {
            field[q] = value;
        } else if (half == 0) {
            field[q] = field[q] & 0xFFFF_FFFF_0000_0000L | value & 0xFFFF_FFFFL;
        } else {
            field[q] = field[q] & 0xFFFF_FFFFL | (value & 0xFFFF_FFFFL) << 32;
        }
    }

    @Override
    public String toString() {
        return "virtio-pci[" + device.deviceType() + ", status 0x" + Integer.toHexString(status) + "]";
    }
}
