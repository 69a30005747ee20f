package dev.iovirt.virtio.pci;

import static dev.iovirt.virtio.pci.VirtioPciLayout.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.virtio.VirtioDevice;
import dev.iovirt.virtio.VirtioStatus;
import dev.iovirt.virtio.queue.VirtQueue;
import dev.iovirt.virtio.testing.ArrayDmaMemory;
import dev.iovirt.virtio.testing.DriverQueue;
import dev.iovirt.vmm.io.IoBus;
import dev.iovirt.vmm.io.MmioBus;
import dev.iovirt.vmm.mem.DmaMemory;
import dev.iovirt.vmm.pci.PciBus;
import dev.iovirt.vmm.pci.PciConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The transport driven as a driver would, through config space and MMIO on real buses. */
class VirtioPciTransportTest {
    static final long BAR4 = 0xF000_0000L;
    static final long BAR1 = 0xF100_0000L;

    /** A device that records what the transport tells it. */
    static final class RecordingDevice implements VirtioDevice {
        final List<Integer> notified = new ArrayList<>();
        List<VirtQueue> activeQueues;
        long activeFeatures;
        Transport transport;
        int resets;

        @Override
        public int deviceType() {
            return 1;
        }

        @Override
        public long deviceFeatures() {
            return VirtioStatus.bit(VirtioStatus.F_VERSION_1) | VirtioStatus.bit(VirtioStatus.F_EVENT_IDX) | 1L << 5;
        }

        @Override
        public int queueCount() {
            return 2;
        }

        @Override
        public int maxQueueSize() {
            return 256;
        }

        @Override
        public long configRead(int offset, int size) {
            return offset == 0 ? 0x0b0a : 0;
        }

        @Override
        public void configWrite(int offset, int size, long value) {
        }

        @Override
        public void activate(long features, List<VirtQueue> queues, DmaMemory memory, Transport transport) {
            this.activeFeatures = features;
            this.activeQueues = queues;
            this.transport = transport;
        }

        @Override
        public void queueNotify(int index) {
            notified.add(index);
        }

        @Override
        public void reset() {
            resets++;
            activeQueues = null;
        }
    }

    final ArrayDmaMemory ram = new ArrayDmaMemory(1 << 20);
    final MmioBus mmio = new MmioBus();
    final PciBus pci = new PciBus(new IoBus(), mmio, PciBus.DEFAULT_ECAM_BASE);
    final RecordingDevice device = new RecordingDevice();
    VirtioPciTransport t;

    @BeforeEach
    void setUp() {
        t = new VirtioPciTransport(device, ram);
        pci.attach(3, 0, t);
        // Firmware's job: place the BARs and enable memory decoding and bus mastering.
        t.configWrite(PciConfig.BAR0 + 4 * REGIONS_BAR, 4, (int) BAR4);
        t.configWrite(PciConfig.BAR0 + 4 * (REGIONS_BAR + 1), 4, 0);
        t.configWrite(PciConfig.BAR0 + 4 * MSIX_BAR, 4, (int) BAR1);
        t.configWrite(PciConfig.COMMAND, 2, PciConfig.COMMAND_MEMORY | PciConfig.COMMAND_BUS_MASTER);
    }

    long common(int off, int size) {
        return mmio.read(BAR4 + COMMON_OFFSET + off, size);
    }

    void common(int off, int size, long v) {
        mmio.write(BAR4 + COMMON_OFFSET + off, size, v);
    }

    /** §3.1.1 steps 1-6; returns whether FEATURES_OK stuck. */
    boolean negotiate(long features) {
        common(DEVICE_STATUS, 1, 0);
        common(DEVICE_STATUS, 1, VirtioStatus.ACKNOWLEDGE);
        common(DEVICE_STATUS, 1, VirtioStatus.ACKNOWLEDGE | VirtioStatus.DRIVER);
        common(DRIVER_FEATURE_SELECT, 4, 0);
        common(DRIVER_FEATURE, 4, features & 0xFFFF_FFFFL);
        common(DRIVER_FEATURE_SELECT, 4, 1);
        common(DRIVER_FEATURE, 4, features >>> 32);
        common(DEVICE_STATUS, 1, VirtioStatus.ACKNOWLEDGE | VirtioStatus.DRIVER | VirtioStatus.FEATURES_OK);
        return (common(DEVICE_STATUS, 1) & VirtioStatus.FEATURES_OK) != 0;
    }

    void setUpQueue(int q, DriverQueue dq) {
        common(QUEUE_SELECT, 2, q);
        common(QUEUE_SIZE, 2, dq.size);
        common(QUEUE_DESC, 8, dq.desc);
        common(QUEUE_DRIVER, 4, dq.avail);
        common(QUEUE_DRIVER + 4, 4, 0);
        common(QUEUE_DEVICE, 8, dq.used);
        common(QUEUE_MSIX_VECTOR, 2, q + 1);
        common(QUEUE_ENABLE, 2, 1);
    }

    @Test
    void capabilitiesLocateTheFourRegionsInBar4() {
        int[] found = new int[6];
        int notifyMultiplier = -1;
        for (int cap = t.configRead(PciConfig.CAPABILITIES_POINTER, 1); cap != 0; cap = t.configRead(cap + 1, 1)) {
            if (t.configRead(cap, 1) == CAP_ID_VENDOR) {
                int type = t.configRead(cap + CAP_CFG_TYPE, 1);
                assertThat(t.configRead(cap + CAP_BAR, 1)).isEqualTo(REGIONS_BAR);
                found[type] = t.configRead(cap + CAP_OFFSET, 4) + 1;
                if (type == CFG_NOTIFY) {
                    notifyMultiplier = t.configRead(cap + CAP_NOTIFY_OFF_MULTIPLIER, 4);
                }
            }
        }
        assertThat(found[CFG_COMMON]).isEqualTo(COMMON_OFFSET + 1);
        assertThat(found[CFG_NOTIFY]).isEqualTo(NOTIFY_OFFSET + 1);
        assertThat(found[CFG_ISR]).isEqualTo(ISR_OFFSET + 1);
        assertThat(found[CFG_DEVICE]).isEqualTo(DEVICE_OFFSET + 1);
        assertThat(notifyMultiplier).isEqualTo(NOTIFY_OFF_MULTIPLIER);
        assertThat(t.configRead(PciConfig.VENDOR_ID, 2)).isEqualTo(0x1AF4);
        assertThat(t.configRead(PciConfig.DEVICE_ID, 2)).isEqualTo(0x1041);
        assertThat(t.configRead(PciConfig.REVISION_ID, 1)).isEqualTo(1);
    }

    @Test
    void theInitialisationSequenceActivatesTheEnabledQueues() {
        long want = VirtioStatus.bit(VirtioStatus.F_VERSION_1) | VirtioStatus.bit(VirtioStatus.F_EVENT_IDX);
        common(DEVICE_FEATURE_SELECT, 4, 1);
        assertThat(common(DEVICE_FEATURE, 4)).isEqualTo(1); // VERSION_1 is bit 32
        assertThat(common(NUM_QUEUES, 2)).isEqualTo(2);
        assertThat(negotiate(want)).isTrue();
        DriverQueue rx = new DriverQueue(ram, 0x10000, 16);
        setUpQueue(0, rx);
        common(DEVICE_STATUS, 1, common(DEVICE_STATUS, 1) | VirtioStatus.DRIVER_OK);
        assertThat(device.activeFeatures).isEqualTo(want);
        assertThat(device.activeQueues).hasSize(2);
        assertThat(device.activeQueues.get(0).size()).isEqualTo(16);
        assertThat(device.activeQueues.get(1)).as("queue 1 was not enabled").isNull();
        // The kick: a write to queue 0's notify address reaches the device.
        mmio.write(BAR4 + NOTIFY_OFFSET + 0 * NOTIFY_OFF_MULTIPLIER, 2, 0);
        mmio.write(BAR4 + NOTIFY_OFFSET + 1 * NOTIFY_OFF_MULTIPLIER, 2, 1);
        assertThat(device.notified).as("queue 1 is disabled: its kick is ignored").containsExactly(0);
        assertThat(mmio.read(BAR4 + DEVICE_OFFSET, 2)).isEqualTo(0x0b0a);
        // After DRIVER_OK the queue configuration is frozen.
        common(QUEUE_SELECT, 2, 0);
        common(QUEUE_SIZE, 2, 4);
        assertThat(common(QUEUE_SIZE, 2)).isEqualTo(16);
    }

    @Test
    void featuresWithoutVersion1OrNotOfferedAreRefused() {
        assertThat(negotiate(VirtioStatus.bit(VirtioStatus.F_EVENT_IDX))).isFalse();
        assertThat(negotiate(VirtioStatus.bit(VirtioStatus.F_VERSION_1) | 1L << 7)).as("bit 7 was not offered").isFalse();
        assertThat(negotiate(VirtioStatus.bit(VirtioStatus.F_VERSION_1) | 1L << 5)).isTrue();
        // Features cannot change once FEATURES_OK is set.
        common(DRIVER_FEATURE_SELECT, 4, 0);
        common(DRIVER_FEATURE, 4, 0);
        assertThat(t.negotiatedFeatures()).isEqualTo(VirtioStatus.bit(VirtioStatus.F_VERSION_1) | 1L << 5);
    }

    @Test
    void driverOkWithoutFeaturesOkNeedsResetAndSignalsConfigChange() {
        common(DEVICE_STATUS, 1, VirtioStatus.ACKNOWLEDGE | VirtioStatus.DRIVER);
        common(DEVICE_STATUS, 1, VirtioStatus.ACKNOWLEDGE | VirtioStatus.DRIVER | VirtioStatus.DRIVER_OK);
        assertThat(common(DEVICE_STATUS, 1) & VirtioStatus.DEVICE_NEEDS_RESET).isNotZero();
        assertThat(t.resetReason()).isEqualTo("DRIVER_OK without FEATURES_OK");
        assertThat(device.activeQueues).isNull();
        // Without MSI-X the configuration change shows in the ISR, which reading clears.
        assertThat(mmio.read(BAR4 + ISR_OFFSET, 1)).isEqualTo(ISR_CONFIG);
        assertThat(mmio.read(BAR4 + ISR_OFFSET, 1)).isZero();
        common(DEVICE_STATUS, 1, 0);
        assertThat(common(DEVICE_STATUS, 1)).isZero();
        assertThat(device.resets).isEqualTo(1);
    }

    @Test
    void aQueueOfInvalidSizeNeedsReset() {
        assertThat(negotiate(VirtioStatus.bit(VirtioStatus.F_VERSION_1))).isTrue();
        common(QUEUE_SELECT, 2, 0);
        common(QUEUE_SIZE, 2, 100); // not a power of 2
        common(QUEUE_ENABLE, 2, 1);
        common(DEVICE_STATUS, 1, common(DEVICE_STATUS, 1) | VirtioStatus.DRIVER_OK);
        assertThat(common(DEVICE_STATUS, 1) & VirtioStatus.DEVICE_NEEDS_RESET).isNotZero();
        assertThat(t.resetReason()).contains("invalid size 100");
    }

    @Test
    void aNonexistentQueueReadsSizeZero() {
        common(QUEUE_SELECT, 2, 7);
        assertThat(common(QUEUE_SIZE, 2)).isZero();
        common(QUEUE_SIZE, 2, 8);
        common(QUEUE_ENABLE, 2, 1);
        assertThat(common(QUEUE_ENABLE, 2)).isZero();
    }

    @Test
    void theDriverCannotClearStatusBitsExceptByReset() {
        assertThat(negotiate(VirtioStatus.bit(VirtioStatus.F_VERSION_1))).isTrue();
        common(DEVICE_STATUS, 1, VirtioStatus.ACKNOWLEDGE);
        assertThat(common(DEVICE_STATUS, 1)).isEqualTo(VirtioStatus.ACKNOWLEDGE | VirtioStatus.DRIVER | VirtioStatus.FEATURES_OK);
    }

    @Test
    void onlyTheNotifyRegionIsAnIoEventFd() {
        assertThat(mmio.isIoEventFd(BAR4 + NOTIFY_OFFSET)).isTrue();
        assertThat(mmio.isIoEventFd(BAR4 + NOTIFY_OFFSET + NOTIFY_OFF_MULTIPLIER)).isTrue();
        assertThat(mmio.isIoEventFd(BAR4 + COMMON_OFFSET + QUEUE_SELECT)).isFalse();
        assertThat(mmio.isIoEventFd(BAR4 + ISR_OFFSET)).isFalse();
        assertThat(mmio.isIoEventFd(BAR1)).isFalse();
    }

    @Test
    void afterResetEachQueueOffersItsMaximumSize() {
        common(DEVICE_STATUS, 1, 0);
        common(QUEUE_SELECT, 2, 0);
        assertThat(common(QUEUE_SIZE, 2)).isEqualTo(256);
        common(QUEUE_SELECT, 2, 1);
        assertThat(common(QUEUE_SIZE, 2)).isEqualTo(256);
    }
}
