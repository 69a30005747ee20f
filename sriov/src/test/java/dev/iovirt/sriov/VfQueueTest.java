package dev.iovirt.sriov;

import static dev.iovirt.sriov.api.VfDescriptors.*;
import static dev.iovirt.sriov.api.VfRegisters.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.iommu.DmaPermission;
import dev.iovirt.iommu.Domain;
import dev.iovirt.iommu.FaultReason;
import dev.iovirt.iommu.FaultRecord;
import dev.iovirt.iommu.Iova;
import dev.iovirt.iommu.MsiMessage;
import dev.iovirt.iommu.VmPostedInterrupts;
import dev.iovirt.packet.Frame;
import dev.iovirt.packet.FrameBatch;
import dev.iovirt.vmm.apic.PostedInterruptDescriptor;
import dev.iovirt.vmm.hv.Vm;
import dev.iovirt.vmm.hv.VmConfig;
import dev.iovirt.vmm.mem.Hpa;
import dev.iovirt.vmm.mem.PageSize;
import dev.iovirt.vmm.pci.PciConfig;
import org.junit.jupiter.api.Test;

/**
 * A VF's queue pair, driven from the driver's side: descriptors and buffers written into memory the
 * VF's IOMMU domain maps, doorbells written into the doorbell page (as a guest's store through EPT
 * would land), the device stepped with {@code poll()}.
 */
class VfQueueTest {
    /** The IOVA (= guest-physical address under assignment) of the 2 MiB the VF's domain maps. */
    private static final long IOVA = 0x20_0000;
    private static final long TX_RING = IOVA;
    private static final long RX_RING = IOVA + 0x1000;
    private static final long BUFFERS = IOVA + 0x1_0000;
    private static final int RING_SIZE = 16;

    private final SriovRig rig = new SriovRig();
    private final Hpa region = rig.memory.allocatePage(PageSize.SIZE_2M, rig.host.hostAccount());
    private final Domain domain = rig.iommu.createDomain();
    private final VirtualFunction vf;
    private final VirtualFunction other;

    VfQueueTest() {
        rig.enableVfs(2);
        vf = rig.pf.virtualFunctions().get(0);
        other = rig.pf.virtualFunctions().get(1);
        rig.iommu.map(domain, Iova.of(IOVA), region, PageSize.SIZE_2M.bytes, DmaPermission.READ_WRITE);
        rig.iommu.attach(vf.routingId(), domain);
        vf.configWrite(PciConfig.COMMAND, 2, PciConfig.COMMAND_BUS_MASTER);
        reg(TDBAL, (int) TX_RING);
        reg(TDLEN, RING_SIZE * SIZE);
        reg(TXDCTL, QUEUE_ENABLE);
        reg(RDBAL, (int) RX_RING);
        reg(RDLEN, RING_SIZE * SIZE);
        reg(RXDCTL, QUEUE_ENABLE);
    }

    // ---------------------------------------------------------------- the driver's side

    private void reg(int offset, int value) {
        vf.registersBar().mmioWrite(offset, 4, value);
    }

    private int regRead(int offset) {
        return (int) vf.registersBar().mmioRead(offset, 4);
    }

    private long hpa(long iova) {
        return region.value() + (iova - IOVA);
    }

    /** A doorbell: a 32-bit store into the doorbell page (what a guest store through the EPT mapping does). */
    private void doorbell(int offset, int value) {
        rig.memory.write32(vf.doorbellPage().value() + offset, value);
    }

    private void txDescriptor(int index, long buffer, int length, int dcmd) {
        long d = hpa(TX_RING + (long) index * SIZE);
        rig.memory.write64(d + ADDRESS, buffer);
        rig.memory.write32(d + TX_CMD_TYPE_LEN, length | TX_DTYP_DATA | TX_DCMD_DEXT | dcmd);
        rig.memory.write32(d + TX_OLINFO_STATUS, 0);
    }

    private void rxDescriptor(int index, long buffer) {
        long d = hpa(RX_RING + (long) index * SIZE);
        rig.memory.write64(d + ADDRESS, buffer);
        rig.memory.write64(d + RX_STATUS, 0);
    }

    private static byte[] bytes(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (seed + i);
        }
        return b;
    }

    private FrameBatch drain(VirtualFunction f) {
        FrameBatch batch = new FrameBatch();
        f.receive(batch);
        return batch;
    }

    private static FrameBatch batchOf(byte[]... frames) {
        FrameBatch batch = new FrameBatch();
        for (byte[] f : frames) {
            batch.add(f, 0, f.length);
        }
        return batch;
    }

    // ---------------------------------------------------------------- transmit

    @Test
    void transmitGathersBuffersUpToEopAndWritesDdWhereRsAsked() {
        byte[] head = bytes(14, 1);
        byte[] payload = bytes(86, 50);
        rig.memory.write(hpa(BUFFERS), head, 0, head.length);
        rig.memory.write(hpa(BUFFERS + 2048), payload, 0, payload.length);
        txDescriptor(0, BUFFERS, head.length, 0);
        txDescriptor(1, BUFFERS + 2048, payload.length, TX_DCMD_EOP | TX_DCMD_RS | TX_DCMD_IFCS);

        doorbell(TX_TAIL, 2);
        assertThat(drain(vf).size()).as("the device sees the doorbell only when it runs").isZero();
        assertThat(vf.poll()).isTrue();

        FrameBatch sent = drain(vf);
        assertThat(sent.size()).isEqualTo(1);
        byte[] expected = new byte[100];
        System.arraycopy(head, 0, expected, 0, 14);
        System.arraycopy(payload, 0, expected, 14, 86);
        assertThat(sent.get(0).toBytes()).isEqualTo(expected);
        assertThat(rig.memory.read32(hpa(TX_RING) + TX_OLINFO_STATUS) & TX_STA_DD).as("no RS, no DD").isZero();
        assertThat(rig.memory.read32(hpa(TX_RING + SIZE) + TX_OLINFO_STATUS) & TX_STA_DD).isEqualTo(TX_STA_DD);
        assertThat(regRead(TDH)).isEqualTo(2);
        assertThat(regRead(EICR)).isEqualTo(CAUSE_TX0);
        assertThat(vf.poll()).as("quiet once the ring is drained").isFalse();
        assertThat(rig.iommu.faults()).isEmpty();
    }

    @Test
    void aFrameWhoseEopIsNotYetHandedOverWaits() {
        rig.memory.write(hpa(BUFFERS), bytes(60, 0), 0, 60);
        txDescriptor(0, BUFFERS, 30, 0);
        txDescriptor(1, BUFFERS + 30, 30, TX_DCMD_EOP);
        doorbell(TX_TAIL, 1);
        vf.poll();
        assertThat(drain(vf).size()).isZero();
        assertThat(regRead(TDH)).isZero();

        doorbell(TX_TAIL, 2);
        vf.poll();
        assertThat(drain(vf).get(0).length()).isEqualTo(60);
    }

    @Test
    void theTxRingWrapsAround() {
        rig.memory.write(hpa(BUFFERS), bytes(64, 0), 0, 64);
        for (int round = 0; round < 3 * RING_SIZE; round++) {
            txDescriptor(round % RING_SIZE, BUFFERS, 64, TX_DCMD_EOP | TX_DCMD_RS);
            doorbell(TX_TAIL, (round + 1) % RING_SIZE);
            vf.poll();
            assertThat(drain(vf).size()).isEqualTo(1);
        }
        assertThat(vf.counters().rxPackets).isEqualTo(3 * RING_SIZE);
    }

    // ---------------------------------------------------------------- receive

    @Test
    void receiveWritesTheFrameAndTheWriteBackThenAdvancesTheHead() {
        rxDescriptor(0, BUFFERS);
        rxDescriptor(1, BUFFERS + 2048);
        doorbell(RX_TAIL, 2);
        byte[] frame = bytes(98, 7);

        assertThat(vf.transmit(batchOf(frame))).isEqualTo(1);

        byte[] got = new byte[98];
        rig.memory.read(hpa(BUFFERS), got, 0, 98);
        assertThat(got).isEqualTo(frame);
        long d = hpa(RX_RING);
        assertThat(rig.memory.read32(d + RX_STATUS)).isEqualTo(RX_STAT_DD | RX_STAT_EOP);
        assertThat(rig.memory.read32(d + RX_LENGTH_VLAN) & 0xFFFF).isEqualTo(98);
        assertThat(rig.memory.read64(d + ADDRESS)).as("write-back clears the address half").isZero();
        assertThat(regRead(RDH)).isEqualTo(1);
        assertThat(regRead(EICR)).isEqualTo(CAUSE_RX0);
    }

    @Test
    void aFrameWithNoPostedBufferIsDroppedAndCounted() {
        rxDescriptor(0, BUFFERS);
        doorbell(RX_TAIL, 1);

        assertThat(vf.transmit(batchOf(bytes(60, 0), bytes(60, 1)))).isEqualTo(1);

        assertThat(vf.errors(VfError.RX_NO_BUFFER)).isEqualTo(1);
        assertThat(vf.counters().txDropped).isEqualTo(1);
    }

    @Test
    void aFrameLargerThanTheBufferIsDroppedWithoutTouchingMemory() {
        reg(SRRCTL, 1); // 1 KiB buffers
        rxDescriptor(0, BUFFERS);
        doorbell(RX_TAIL, 1);

        assertThat(vf.transmit(batchOf(bytes(1500, 0)))).isZero();

        assertThat(vf.errors(VfError.RX_OVERSIZE)).isEqualTo(1);
        assertThat(rig.memory.read32(hpa(RX_RING) + RX_STATUS)).isZero();
        assertThat(regRead(RDH)).isZero();
    }

    // ---------------------------------------------------------------- malicious drivers

    @Test
    void aTxBufferOutsideTheDomainFaultsStopsTheQueueAndSendsNothing() {
        txDescriptor(0, 0x4000_0000L, 64, TX_DCMD_EOP | TX_DCMD_RS);
        doorbell(TX_TAIL, 1);

        vf.poll();

        assertThat(drain(vf).size()).isZero();
        assertThat(rig.iommu.faults()).extracting(FaultRecord::reason, FaultRecord::sourceId, FaultRecord::faultInfo)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(FaultReason.READ_WITHOUT_PERMISSION, vf.routingId(), 0x4000_0000L));
        assertThat(vf.errors(VfError.DMA_FAULT)).isEqualTo(1);
        assertThat(vf.queueEnabled(true)).isFalse();
        assertThat(regRead(ERRSTAT)).isEqualTo(ERR_TX_DMA);
        assertThat(regRead(EICR)).isEqualTo(CAUSE_ERR);
        assertThat(rig.memory.read32(hpa(TX_RING) + TX_OLINFO_STATUS)).as("no write-back").isZero();
    }

    @Test
    void anRxBufferPointingAtAnotherDomainsMemoryFaultsAndWritesNothing() {
        Hpa victim = rig.frame();
        rig.memory.write64(victim.value(), 0x1111_2222_3333_4444L);
        Domain otherDomain = rig.iommu.createDomain();
        rig.iommu.map(otherDomain, Iova.of(0x10_0000), victim, 4096, DmaPermission.READ_WRITE);
        rig.iommu.attach(other.routingId(), otherDomain);
        rxDescriptor(0, 0x10_0000); // the other VF's IOVA ...
        rxDescriptor(1, victim.value()); // ... and the victim's host-physical address
        doorbell(RX_TAIL, 2);

        assertThat(vf.transmit(batchOf(bytes(60, 0)))).isZero();

        assertThat(rig.memory.read64(victim.value())).isEqualTo(0x1111_2222_3333_4444L);
        assertThat(rig.iommu.faults()).singleElement().satisfies(f -> {
            assertThat(f.reason()).isEqualTo(FaultReason.WRITE_TO_READ_ONLY);
            assertThat(f.sourceId()).isEqualTo(vf.routingId());
            assertThat(f.faultInfo()).isEqualTo(0x10_0000L);
            assertThat(f.read()).isFalse();
        });
        assertThat(vf.queueEnabled(false)).isFalse();
        assertThat(rig.memory.read32(hpa(RX_RING) + RX_STATUS)).as("no write-back").isZero();
        assertThat(regRead(ERRSTAT)).isEqualTo(ERR_RX_DMA);
    }

    @Test
    void badTxLengthsAreMaliciousDriverEvents() {
        txDescriptor(0, BUFFERS, 0, TX_DCMD_EOP);
        doorbell(TX_TAIL, 1);
        vf.poll();
        assertThat(vf.errors(VfError.TX_BAD_LENGTH)).isEqualTo(1);
        assertThat(vf.queueEnabled(true)).isFalse();
        assertThat(regRead(ERRSTAT)).isEqualTo(ERR_TX_MDD);
    }

    @Test
    void aFrameLongerThanTheLargestFrameIsAMaliciousDriverEvent() {
        txDescriptor(0, BUFFERS, 1500, 0);
        txDescriptor(1, BUFFERS, 1500, TX_DCMD_EOP);
        doorbell(TX_TAIL, 2);
        vf.poll();
        assertThat(vf.errors(VfError.TX_BAD_LENGTH)).isEqualTo(1);
        assertThat(drain(vf).size()).isZero();
    }

    @Test
    void moreThanEightDescriptorsPerFrameIsAMaliciousDriverEvent() {
        for (int i = 0; i < 9; i++) {
            txDescriptor(i, BUFFERS, 10, i == 8 ? TX_DCMD_EOP : 0);
        }
        doorbell(TX_TAIL, 9);
        vf.poll();
        assertThat(vf.errors(VfError.TX_BAD_LENGTH)).isEqualTo(1);
        assertThat(drain(vf).size()).isZero();
    }

    @Test
    void aDescriptorThatIsNotAnAdvancedDataDescriptorStopsTheQueue() {
        rig.memory.write64(hpa(TX_RING), BUFFERS);
        rig.memory.write32(hpa(TX_RING) + TX_CMD_TYPE_LEN, 60 | TX_DCMD_EOP); // legacy: no DEXT, DTYP 0
        doorbell(TX_TAIL, 1);
        vf.poll();
        assertThat(vf.errors(VfError.TX_BAD_DESCRIPTOR)).isEqualTo(1);
        assertThat(vf.queueEnabled(true)).isFalse();
    }

    @Test
    void aTailOutsideTheRingStopsTheQueue() {
        doorbell(TX_TAIL, RING_SIZE);
        vf.poll();
        assertThat(vf.errors(VfError.TAIL_OUT_OF_RING)).isEqualTo(1);
        assertThat(vf.queueEnabled(true)).isFalse();

        doorbell(RX_TAIL, -1);
        vf.transmit(batchOf(bytes(60, 0)));
        assertThat(vf.errors(VfError.TAIL_OUT_OF_RING)).isEqualTo(2);
        assertThat(vf.queueEnabled(false)).isFalse();
        assertThat(regRead(ERRSTAT)).isEqualTo(ERR_TX_MDD | ERR_RX_MDD);
    }

    @Test
    void aStoppedQueueWorksAgainOnceTheDriverReprogramsIt() {
        txDescriptor(0, BUFFERS, 0, TX_DCMD_EOP);
        doorbell(TX_TAIL, 1);
        vf.poll();
        assertThat(vf.queueEnabled(true)).isFalse();

        reg(TDH, 0);
        doorbell(TX_TAIL, 0);
        reg(TXDCTL, QUEUE_ENABLE);
        txDescriptor(0, BUFFERS, 60, TX_DCMD_EOP);
        doorbell(TX_TAIL, 1);
        vf.poll();

        assertThat(drain(vf).size()).isEqualTo(1);
    }

    @Test
    void ringBaseAndLengthCannotMoveUnderARunningQueue() {
        reg(TDLEN, 128);
        reg(TDBAL, 0x4000_0000);
        assertThat(regRead(TDLEN)).isEqualTo(RING_SIZE * SIZE);
        assertThat(regRead(TDBAL)).isEqualTo((int) TX_RING);
    }

    @Test
    void aRingOfLengthZeroCannotBeEnabled() {
        reg(TXDCTL, 0);
        reg(TDLEN, 0x7F); // below 128: reads 0
        reg(TXDCTL, QUEUE_ENABLE);
        assertThat(regRead(TXDCTL)).isZero();
        assertThat(vf.errors(VfError.RING_INVALID)).isEqualTo(1);
    }

    @Test
    void withoutBusMasterEnableTheVfMovesNothing() {
        vf.configWrite(PciConfig.COMMAND, 2, 0);
        txDescriptor(0, BUFFERS, 60, TX_DCMD_EOP);
        doorbell(TX_TAIL, 1);
        assertThat(vf.poll()).isFalse();
        assertThat(drain(vf).size()).isZero();
        assertThat(vf.errors(VfError.BUS_MASTER_DISABLED)).isEqualTo(1);
    }

    @Test
    void aTrappedDoorbellWriteLandsInTheSamePageAsAMappedOne() {
        vf.registersBar().mmioWrite(TX_TAIL, 4, 3);
        assertThat(rig.memory.read32(vf.doorbellPage().value() + TX_TAIL)).isEqualTo(3);
        assertThat(vf.registersBar().mmioRead(TX_TAIL, 4)).isEqualTo(3);
    }

    @Test
    void afterUnmapAndInvalidationTheStaleTranslationIsNeverUsed() {
        rig.memory.write(hpa(BUFFERS), bytes(60, 0), 0, 60);
        txDescriptor(0, BUFFERS, 60, TX_DCMD_EOP | TX_DCMD_RS);
        doorbell(TX_TAIL, 1);
        vf.poll(); // the IOTLB now caches the translation of the buffer page
        assertThat(drain(vf).size()).isEqualTo(1);

        // The host takes the 2 MiB back (unmap waits for the IOTLB invalidation) and maps only the rings again.
        rig.iommu.unmap(domain, Iova.of(IOVA), PageSize.SIZE_2M.bytes);
        Hpa rings = rig.frame();
        rig.iommu.map(domain, Iova.of(IOVA), rings, 4096, DmaPermission.READ_WRITE);
        rig.memory.write64(rings.value() + SIZE + ADDRESS, BUFFERS);
        rig.memory.write32(rings.value() + SIZE + TX_CMD_TYPE_LEN, 60 | TX_DTYP_DATA | TX_DCMD_DEXT | TX_DCMD_EOP);
        doorbell(TX_TAIL, 2);
        vf.poll();

        assertThat(drain(vf).size()).as("the old buffer page is unreachable").isZero();
        assertThat(rig.iommu.faults()).singleElement().satisfies(f -> {
            assertThat(f.reason()).isEqualTo(FaultReason.READ_WITHOUT_PERMISSION);
            assertThat(f.faultInfo()).isEqualTo(BUFFERS);
        });
    }

    // ---------------------------------------------------------------- interrupts

    @Test
    void rxInterruptIsPostedToTheVcpuThroughInterruptRemappingOncePerBatch() {
        Vm vm = rig.host.createVm(VmConfig.of("vm1", 16L << 20).withApicv(true));
        rig.iommu.setPostedInterruptTarget(new VmPostedInterrupts(rig.memory).register(vm));
        MsiMessage m = rig.iommu.interruptRemapper().post(vf.routingId(), vm.vcpu(0), 0x61);
        programMsix(vf, VECTOR_RX, m);
        reg(EIMS, CAUSE_RX0);
        for (int i = 0; i < 4; i++) {
            rxDescriptor(i, BUFFERS + i * 2048L);
        }
        doorbell(RX_TAIL, 4);

        vf.transmit(batchOf(bytes(60, 0), bytes(60, 1), bytes(60, 2)));

        PostedInterruptDescriptor pi = vm.vcpu(0).postedInterruptDescriptor();
        assertThat(pi.requested(0x61)).isTrue();
        assertThat(rig.iommu.stats().interruptsPosted).as("one interrupt for the batch of three").isEqualTo(1);
        assertThat(vf.interruptsRequested()).isEqualTo(1);
        assertThat(m.address() & (1L << 4)).as("remappable format (VT-d §5.1.5.2, address bit 4)").isNotZero();
    }

    @Test
    void maskedCausesSignalNothingUntilUnmasked() {
        Vm vm = rig.host.createVm(VmConfig.of("vm1", 16L << 20).withApicv(true));
        rig.iommu.setPostedInterruptTarget(new VmPostedInterrupts(rig.memory).register(vm));
        programMsix(vf, VECTOR_RX, rig.iommu.interruptRemapper().post(vf.routingId(), vm.vcpu(0), 0x61));
        rxDescriptor(0, BUFFERS);
        doorbell(RX_TAIL, 1);

        vf.transmit(batchOf(bytes(60, 0)));
        assertThat(rig.iommu.stats().interruptsPosted).as("poll mode: EIMS = 0").isZero();

        reg(EIMS, CAUSE_RX0);
        assertThat(rig.iommu.stats().interruptsPosted).as("the pending cause signals once unmasked").isEqualTo(1);
    }

    @Test
    void aVfThatForgesAnotherVfsInterruptMessageIsBlockedBySourceIdVerification() {
        Vm vm = rig.host.createVm(VmConfig.of("vm1", 16L << 20).withApicv(true));
        rig.iommu.setPostedInterruptTarget(new VmPostedInterrupts(rig.memory).register(vm));
        MsiMessage mine = rig.iommu.interruptRemapper().post(vf.routingId(), vm.vcpu(0), 0x61);
        programMsix(other, VECTOR_MISC, mine); // the other VF's driver programs vf's message into its own table
        other.registersBar().mmioWrite(EIMS, 4, CAUSE_ERR);

        other.registersBar().mmioWrite(EICS, 4, CAUSE_ERR);

        assertThat(vm.vcpu(0).postedInterruptDescriptor().requested(0x61)).isFalse();
        assertThat(rig.iommu.faults()).singleElement().satisfies(f -> {
            assertThat(f.reason()).isEqualTo(FaultReason.SOURCE_ID_VERIFICATION_FAILED);
            assertThat(f.sourceId()).isEqualTo(other.routingId());
        });
    }

    private static void programMsix(VirtualFunction f, int vector, MsiMessage m) {
        f.msixBar().mmioWrite(vector * 16L, 4, m.address() & 0xFFFF_FFFFL);
        f.msixBar().mmioWrite(vector * 16L + 4, 4, m.address() >>> 32);
        f.msixBar().mmioWrite(vector * 16L + 8, 4, m.data());
        f.msixBar().mmioWrite(vector * 16L + 12, 4, 0);
        int cap = f.msix().capabilityOffset();
        f.configWrite(cap + PciConfig.MSIX_MESSAGE_CONTROL, 2, PciConfig.MSIX_CONTROL_ENABLE);
    }
}
