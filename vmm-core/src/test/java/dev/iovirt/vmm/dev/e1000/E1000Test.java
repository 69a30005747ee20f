package dev.iovirt.vmm.dev.e1000;

import static dev.iovirt.vmm.dev.e1000.api.E1000Registers.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.iovirt.packet.FrameBatch;
import dev.iovirt.packet.MacAddress;
import dev.iovirt.vmm.dev.e1000.api.Eeprom;
import dev.iovirt.vmm.dev.e1000.api.LegacyRxDescriptor;
import dev.iovirt.vmm.dev.e1000.api.LegacyTxDescriptor;
import dev.iovirt.vmm.hv.Host;
import dev.iovirt.vmm.hv.Vm;
import dev.iovirt.vmm.hv.VmConfig;
import dev.iovirt.vmm.mem.DmaMemory;
import dev.iovirt.vmm.mem.Gpa;
import dev.iovirt.vmm.pci.PciConfig;
import dev.iovirt.vmm.time.VirtualClock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The device model seen from the driver's side, without a guest: the test writes registers as the
 * driver's MMIO would and lays out descriptors in the VM's memory, then checks memory, registers and
 * the host port. The malicious-guest cases are here, one per case.
 */
class E1000Test {
    private static final MacAddress MAC = MacAddress.of("52:54:00:12:34:56");
    private static final long RX_RING = 0x10000;
    private static final long TX_RING = 0x11000;
    private static final long RX_BUF = 0x20000;
    private static final long TX_BUF = 0x40000;
    private static final int N = 8;
    private static final long RAM = 16L << 20;

    private final Host host = new Host(256L << 20, new VirtualClock());
    private final Vm vm = host.createVm(VmConfig.of("dut", RAM));
    private final DmaMemory mem = vm.dma();
    private final E1000 nic = new E1000("dut.eth0", MAC, mem);
    private final List<Integer> msis = new ArrayList<>();

    E1000Test() {
        nic.setMsiSink((address, data) -> {
            assertThat(address).isEqualTo(0xFEE0_0000L);
            msis.add(data);
        });
        nic.configWrite(PciConfig.COMMAND, 2, PciConfig.COMMAND_MEMORY | PciConfig.COMMAND_BUS_MASTER);
        int cap = nic.msiCapability();
        nic.configWrite(cap + MSI_ADDRESS, 4, 0xFEE0_0000);
        nic.configWrite(cap + MSI_DATA, 2, 0x41);
        nic.configWrite(cap + MSI_CONTROL, 2, MSI_CONTROL_ENABLE);
    }

    private int read(int reg) {
        return (int) nic.mmioRead(reg, 4);
    }

    private void write(int reg, int value) {
        nic.mmioWrite(reg, 4, value);
    }

    private void setUpRx() {
        for (int i = 0; i < N; i++) {
            mem.write64(Gpa.of(RX_RING + 16L * i), RX_BUF + 2048L * i);
            mem.write64(Gpa.of(RX_RING + 16L * i + 8), 0);
        }
        write(RDBAL, (int) RX_RING);
        write(RDBAH, 0);
        write(RDLEN, N * 16);
        write(RDH, 0);
        write(RDT, N - 1);
        write(RCTL, RCTL_EN | RCTL_BAM | RCTL_SECRC);
        write(CTRL, CTRL_SLU | CTRL_ASDE);
        read(ICR);
    }

    private void setUpTx() {
        write(TDBAL, (int) TX_RING);
        write(TDBAH, 0);
        write(TDLEN, N * 16);
        write(TDH, 0);
        write(TDT, 0);
        write(TCTL, TCTL_EN | TCTL_PSP);
        assertThat(read(ICR)).isEqualTo(ICR_LSC); // the link came up after reset
    }

    private void txDescriptor(int index, long buffer, int length, int cmd) {
        mem.write64(Gpa.of(TX_RING + 16L * index), buffer);
        mem.write64(Gpa.of(TX_RING + 16L * index + 8), length | (long) cmd << 24);
    }

    private static byte[] frame(MacAddress dst, int length) {
        byte[] f = new byte[length];
        dst.write(f, 0);
        MacAddress.of("52:54:00:00:00:99").write(f, 6);
        f[12] = 0x08;
        for (int i = 14; i < length; i++) {
            f[i] = (byte) i;
        }
        return f;
    }

    private int deliver(byte[]... frames) {
        FrameBatch batch = new FrameBatch();
        for (byte[] f : frames) {
            batch.add(f, 0, f.length);
        }
        return nic.transmit(batch);
    }

    private List<byte[]> drain() {
        FrameBatch batch = new FrameBatch();
        nic.receive(batch);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            out.add(batch.get(i).toBytes());
        }
        return out;
    }

    // ------------------------------------------------------------------ what a correct driver sees

    @Test
    void eepromHoldsTheMacInWordsZeroToTwoAndSumsToBaba() {
        int sum = 0;
        int[] words = new int[Eeprom.WORDS];
        for (int w = 0; w < Eeprom.WORDS; w++) {
            write(EERD, w << EERD_ADDR_SHIFT | EERD_START);
            int v = read(EERD);
            assertThat(v & EERD_DONE).isNotZero();
            words[w] = v >>> EERD_DATA_SHIFT;
            sum += words[w];
        }
        assertThat(sum & 0xFFFF).isEqualTo(Eeprom.CHECKSUM_SUM);
        assertThat(words[0]).isEqualTo(0x5452);
        assertThat(words[1]).isEqualTo(0x1200);
        assertThat(words[2]).isEqualTo(0x5634);
        assertThat(read(RAL0)).isEqualTo(0x12005452); // RA[0] loaded from the EEPROM at reset
        assertThat(read(RAH0)).isEqualTo(0x5634 | RAH_AV);
        assertThat(nic.vendorId()).isEqualTo(0x8086);
        assertThat(nic.deviceId()).isEqualTo(0x100E);
    }

    /** One bit out to the EEPROM: DI, then a clock pulse (Linux e1000_shift_out_ee_bits). */
    private void eepromBitOut(int bit) {
        int base = EECD_REQ | EECD_CS | (bit != 0 ? EECD_DI : 0);
        write(EECD, base);
        write(EECD, base | EECD_SK);
        write(EECD, base);
    }

    /** One bit in from the EEPROM: raise the clock, read DO, lower it (Linux e1000_shift_in_ee_bits). */
    private int eepromBitIn() {
        write(EECD, EECD_REQ | EECD_CS | EECD_SK);
        int bit = (read(EECD) & EECD_DO) != 0 ? 1 : 0;
        write(EECD, EECD_REQ | EECD_CS);
        return bit;
    }

    @Test
    void theEepromReadsTheSameThroughTheMicrowireInterfaceAsThroughEerd() {
        write(EECD, EECD_REQ);
        assertThat(read(EECD) & (EECD_GNT | EECD_PRES)).isEqualTo(EECD_GNT | EECD_PRES);
        for (int w : new int[] {0, 1, 2, 0x3F}) {
            write(EECD, EECD_REQ); // CS low between commands
            write(EECD, EECD_REQ | EECD_CS);
            int command = 0b110 << 6 | w; // start bit, READ, 6-bit address
            for (int i = 8; i >= 0; i--) {
                eepromBitOut(command >>> i & 1);
            }
            int word = 0;
            for (int i = 0; i < 16; i++) {
                word = word << 1 | eepromBitIn();
            }
            write(EERD, w << EERD_ADDR_SHIFT | EERD_START);
            assertThat(word).as("word %d", w).isEqualTo(read(EERD) >>> EERD_DATA_SHIFT);
        }
        write(EECD, 0); // release
        assertThat(read(EECD) & EECD_GNT).isZero();
    }

    @Test
    void transmitGathersBuffersWritesBackDdAndHandsTheFrameToThePort() {
        setUpTx();
        byte[] f = frame(MacAddress.BROADCAST, 100);
        mem.write(Gpa.of(TX_BUF), f, 0, 40);
        mem.write(Gpa.of(TX_BUF + 4096), f, 40, 60);
        txDescriptor(0, TX_BUF, 40, LegacyTxDescriptor.CMD_IFCS);
        txDescriptor(1, TX_BUF + 4096, 60, LegacyTxDescriptor.CMD_EOP | LegacyTxDescriptor.CMD_IFCS | LegacyTxDescriptor.CMD_RS);
        write(IMS, ICR_TXDW);
        write(TDT, 2);

        assertThat(read(TDH)).isEqualTo(2);
        assertThat(drain()).singleElement().isEqualTo(f);
        assertThat(mem.read8(Gpa.of(TX_RING + 12)) & LegacyTxDescriptor.STATUS_DD).isZero(); // no RS: no write-back
        assertThat(mem.read8(Gpa.of(TX_RING + 16 + 12)) & LegacyTxDescriptor.STATUS_DD).isNotZero();
        assertThat(msis).containsExactly(0x41);
        assertThat(read(ICR)).isEqualTo(ICR_TXDW | ICR_TXQE);
        assertThat(read(ICR)).isZero(); // read to clear
        assertThat(read(GPTC)).isEqualTo(1);
        assertThat(read(GPTC)).isZero(); // statistics clear on read
        assertThat(read(GOTCL)).isEqualTo(104); // counted with the FCS
        assertThat(read(BPTC)).isEqualTo(1);
    }

    @Test
    void shortFramesArePaddedWhenTctlPspIsSet() {
        setUpTx();
        byte[] f = frame(MAC, 42);
        mem.write(Gpa.of(TX_BUF), f, 0, f.length);
        txDescriptor(0, TX_BUF, 42, LegacyTxDescriptor.CMD_EOP | LegacyTxDescriptor.CMD_RS);
        write(TDT, 1);
        assertThat(drain().get(0)).hasSize(60);
    }

    @Test
    void receiveWritesBufferAndDescriptorAndRaisesRxt0ByMsi() {
        setUpRx();
        write(IMS, ICR_RXT0);
        byte[] f = frame(MAC, 98);
        assertThat(deliver(f, frame(MacAddress.BROADCAST, 60))).isEqualTo(2);

        byte[] got = new byte[98];
        mem.read(Gpa.of(RX_BUF), got, 0, 98);
        assertThat(got).isEqualTo(f);
        assertThat(mem.read16(Gpa.of(RX_RING + 8))).isEqualTo(98);
        assertThat(mem.read8(Gpa.of(RX_RING + 12))).isEqualTo(LegacyRxDescriptor.STATUS_DD | LegacyRxDescriptor.STATUS_EOP);
        assertThat(mem.read16(Gpa.of(RX_RING + 16 + 8))).isEqualTo(60);
        assertThat(read(RDH)).isEqualTo(2);
        assertThat(msis).containsExactly(0x41); // one message for the batch: asserted until ICR is read
        assertThat(read(ICR)).isEqualTo(ICR_RXT0);
        assertThat(read(GPRC)).isEqualTo(2);
        assertThat(read(BPRC)).isEqualTo(1);
        deliver(frame(MAC, 60));
        assertThat(msis).hasSize(2); // ICR was read: the next cause asserts again
    }

    @Test
    void framesForOtherAddressesAreFilteredUnlessPromiscuous() {
        setUpRx();
        assertThat(deliver(frame(MacAddress.of("52:54:00:00:00:01"), 60))).isZero();
        assertThat(read(RDH)).isZero();
        assertThat(read(MPC)).isZero(); // filtered is not missed
        write(RCTL, read(RCTL) | RCTL_UPE);
        assertThat(deliver(frame(MacAddress.of("52:54:00:00:00:01"), 60))).isEqualTo(1);
    }

    @Test
    void aFrameWithNoPostedBufferIsMissedAndCounted() {
        setUpRx();
        write(IMS, ICR_RXO);
        write(RDT, 2); // only descriptors 0 and 1 are the device's
        assertThat(deliver(frame(MAC, 60), frame(MAC, 60), frame(MAC, 60))).isEqualTo(2);
        assertThat(read(MPC)).isEqualTo(1);
        assertThat(read(RNBC)).isEqualTo(1);
        assertThat(read(ICR) & ICR_RXO).isNotZero();
        assertThat(nic.counters().txDropped).isEqualTo(1);
    }

    @Test
    void rxdmt0IsRaisedWhenFreeDescriptorsFallToTheRdmtsFraction() {
        setUpRx(); // 8 descriptors, 7 the device's; RDMTS = 00b: half the ring, 4
        deliver(frame(MAC, 60), frame(MAC, 60));
        assertThat(read(ICR) & ICR_RXDMT0).isZero(); // 5 left
        deliver(frame(MAC, 60));
        assertThat(read(ICR) & ICR_RXDMT0).isNotZero(); // 4 left
    }

    @Test
    void linkStatusChangesRaiseLsc() {
        write(CTRL, CTRL_SLU);
        read(ICR);
        write(IMS, ICR_LSC);
        assertThat(read(STATUS) & STATUS_LU).isNotZero();
        nic.setCableConnected(false);
        assertThat(read(STATUS) & STATUS_LU).isZero();
        assertThat(msis).hasSize(1);
        assertThat(read(ICR)).isEqualTo(ICR_LSC);
        nic.setCableConnected(true);
        assertThat(msis).hasSize(2);
        assertThat(nic.isLinkUp()).isTrue();
    }

    @Test
    void icsRaisesMaskedCausesWithoutAMessageUntilImsUnmasksThem() {
        write(ICS, ICR_RXT0);
        assertThat(msis).isEmpty();
        write(IMS, ICR_RXT0);
        assertThat(msis).hasSize(1);
        write(IMC, ICR_RXT0);
        assertThat(read(IMS)).isZero();
    }

    @Test
    void withItrSetMessagesAreAtLeastTheIntervalApartAndCausesMeanwhileShareOne() {
        VirtualClock clock = new VirtualClock();
        dev.iovirt.vmm.time.TimerQueue timers = new dev.iovirt.vmm.time.TimerQueue(clock);
        E1000 throttled = new E1000("t.eth0", MAC, mem, timers);
        List<Long> at = new ArrayList<>();
        throttled.setMsiSink((address, data) -> at.add(clock.nanos()));
        int cap = throttled.msiCapability();
        throttled.configWrite(cap + MSI_ADDRESS, 4, 0xFEE0_0000);
        throttled.configWrite(cap + MSI_CONTROL, 2, MSI_CONTROL_ENABLE);
        throttled.mmioWrite(ITR, 4, 1000); // 256 µs
        throttled.mmioRead(ICR, 4);
        throttled.mmioWrite(IMS, 4, ICR_RXT0);
        throttled.mmioWrite(ICS, 4, ICR_RXT0); // t = 0: sent
        throttled.mmioRead(ICR, 4);
        clock.advanceTo(100_000);
        throttled.mmioWrite(ICS, 4, ICR_RXT0); // inside the interval: deferred to 256 µs
        clock.advanceTo(200_000);
        throttled.mmioWrite(ICS, 4, ICR_RXT0); // shares the deferred message
        timers.runDue();
        assertThat(at).containsExactly(0L);
        clock.advanceTo(timers.nextDeadline());
        timers.runDue();
        assertThat(at).containsExactly(0L, 256_000L);
        assertThat(throttled.interruptsThrottled()).isEqualTo(1);
    }

    @Test
    void aCauseUnmaskedBeforeMsiIsEnabledIsSignalledWhenItIs() {
        int cap = nic.msiCapability();
        nic.configWrite(cap + MSI_CONTROL, 2, 0);
        write(ICS, ICR_RXT0);
        write(IMS, ICR_RXT0);
        assertThat(msis).isEmpty();
        nic.configWrite(cap + MSI_CONTROL, 2, MSI_CONTROL_ENABLE | 0x70); // multiple-message bits are read-only here
        assertThat(msis).hasSize(1);
        assertThat(nic.configRead(cap + MSI_CONTROL, 2)).isEqualTo(MSI_CONTROL_ENABLE);
    }

    @Test
    void aStalledTransmitRingResumesWhenTheHostDrainsTheQueue() {
        write(TDBAL, (int) TX_RING);
        write(TDLEN, 128 * 16);
        write(TCTL, TCTL_EN);
        byte[] f = frame(MAC, 60);
        mem.write(Gpa.of(TX_BUF), f, 0, f.length);
        for (int i = 0; i < 100; i++) {
            txDescriptor(i, TX_BUF, 60, LegacyTxDescriptor.CMD_EOP | LegacyTxDescriptor.CMD_RS);
        }
        write(TDT, 100);
        assertThat(read(TDH)).isEqualTo(E1000.TX_QUEUE_FRAMES);
        assertThat(drain()).hasSize(32);
        assertThat(drain()).hasSize(32);
        assertThat(drain()).hasSize(32);
        assertThat(drain()).hasSize(4);
        assertThat(read(TDH)).isEqualTo(100);
    }

    // ------------------------------------------------------------------ a malicious or broken guest

    @Test
    void txDescriptorsOutsideGuestMemoryStallTheRingAndAreCounted() {
        write(TDBAL, (int) RAM); // just past the end of RAM
        write(TDLEN, N * 16);
        write(TCTL, TCTL_EN);
        write(TDT, 3);
        assertThat(nic.errors(E1000Error.DESCRIPTOR_DMA_FAULT)).isEqualTo(1);
        assertThat(read(TDH)).isZero(); // stalled at the bad descriptor
        assertThat(drain()).isEmpty();
        assertThat(vm.stopped()).isFalse();
    }

    @Test
    void aTxBufferOutsideGuestMemoryDropsThePacketAndTheRingMovesOn() {
        setUpTx();
        byte[] f = frame(MAC, 60);
        mem.write(Gpa.of(TX_BUF), f, 0, f.length);
        txDescriptor(0, 0xFFFF_FFFF_0000L, 60, LegacyTxDescriptor.CMD_EOP | LegacyTxDescriptor.CMD_RS);
        txDescriptor(1, TX_BUF, 60, LegacyTxDescriptor.CMD_EOP | LegacyTxDescriptor.CMD_RS);
        write(TDT, 2);
        assertThat(nic.errors(E1000Error.BUFFER_DMA_FAULT)).isEqualTo(1);
        assertThat(drain()).singleElement().isEqualTo(f);
        assertThat(read(TDH)).isEqualTo(2);
    }

    @Test
    void bufferAddressesAtTheTopOfTheAddressSpaceAreFaultsNotOverflows() {
        setUpTx();
        setUpRx();
        txDescriptor(0, -16L, 60, LegacyTxDescriptor.CMD_EOP | LegacyTxDescriptor.CMD_RS);
        txDescriptor(1, Long.MAX_VALUE - 8, 60, LegacyTxDescriptor.CMD_EOP | LegacyTxDescriptor.CMD_RS);
        write(TDT, 2);
        mem.write64(Gpa.of(RX_RING), -1L);
        deliver(frame(MAC, 60));
        assertThat(nic.errors(E1000Error.BUFFER_DMA_FAULT)).isEqualTo(3);
        assertThat(drain()).isEmpty();
    }

    @Test
    void aRingMovedByTheGuestIsReadAtItsNewAddress() {
        setUpTx();
        byte[] f = frame(MAC, 60);
        mem.write(Gpa.of(TX_BUF), f, 0, f.length);
        txDescriptor(0, TX_BUF, 60, LegacyTxDescriptor.CMD_EOP | LegacyTxDescriptor.CMD_RS);
        write(TDT, 1);
        assertThat(drain()).hasSize(1);
        long moved = TX_RING + 0x8000;
        mem.write64(Gpa.of(moved), TX_BUF);
        mem.write64(Gpa.of(moved + 8), 60 | (long) (LegacyTxDescriptor.CMD_EOP | LegacyTxDescriptor.CMD_RS) << 24);
        write(TDBAL, (int) moved);
        write(TDH, 0);
        write(TDT, 1);
        assertThat(drain()).hasSize(1);
        assertThat(mem.read8(Gpa.of(moved + 12)) & LegacyTxDescriptor.STATUS_DD).isNotZero();
    }

    @Test
    void rxDescriptorsOutsideGuestMemoryDropTheFrameAndAreCounted() {
        setUpRx();
        write(RDBAL, (int) (RAM - 64)); // the ring runs off the end of RAM at descriptor 4
        write(RDH, 4);
        write(RDT, 6);
        assertThat(deliver(frame(MAC, 60))).isZero();
        assertThat(nic.errors(E1000Error.DESCRIPTOR_DMA_FAULT)).isEqualTo(1);
        assertThat(read(MPC)).isEqualTo(1);
        assertThat(read(RDH)).isEqualTo(4);
    }

    @Test
    void anRxBufferOutsideGuestMemoryConsumesTheDescriptorWithAnError() {
        setUpRx();
        mem.write64(Gpa.of(RX_RING), RAM + 4096);
        assertThat(deliver(frame(MAC, 60))).isZero();
        assertThat(nic.errors(E1000Error.BUFFER_DMA_FAULT)).isEqualTo(1);
        assertThat(mem.read8(Gpa.of(RX_RING + 13))).isEqualTo(LegacyRxDescriptor.ERRORS_RXE);
        assertThat(deliver(frame(MAC, 60))).isEqualTo(1); // the next descriptor is good
    }

    @Test
    void ringLengthsThatAreNotMultiplesOf128AreTruncatedAsHardwareDoesAndCounted() {
        write(RDLEN, 200);
        write(TDLEN, 100);
        assertThat(read(RDLEN)).isEqualTo(128);
        assertThat(read(TDLEN)).isZero();
        assertThat(nic.errors(E1000Error.RING_LENGTH_NOT_MULTIPLE_OF_128)).isEqualTo(2);
        write(TCTL, TCTL_EN);
        write(TDT, 1);
        assertThat(nic.errors(E1000Error.RING_LENGTH_ZERO)).isEqualTo(1);
    }

    @Test
    void aZeroLengthRingStallsAndCountsInsteadOfDividingByZero() {
        setUpRx();
        write(RDLEN, 0);
        write(RDT, 1);
        assertThat(deliver(frame(MAC, 60))).isZero();
        assertThat(nic.errors(E1000Error.RING_LENGTH_ZERO)).isEqualTo(1);
        assertThat(read(MPC)).isEqualTo(1);
    }

    @Test
    void aTailBeyondTheRingStallsTransmitAndIsCounted() {
        setUpTx();
        write(TDT, N + 5);
        assertThat(nic.errors(E1000Error.TAIL_BEYOND_RING)).isEqualTo(1);
        assertThat(read(TDH)).isZero();
        assertThat(drain()).isEmpty();
    }

    @Test
    void aHeadBeyondTheRingStallsReceiveAndIsCounted() {
        setUpRx();
        write(RDH, 0xFFFF);
        assertThat(deliver(frame(MAC, 60))).isZero();
        assertThat(nic.errors(E1000Error.HEAD_BEYOND_RING)).isEqualTo(1);
        write(RDH, 0); // software fixes it: the ring works again
        assertThat(deliver(frame(MAC, 60))).isEqualTo(1);
    }

    @Test
    void withoutBusMasteringTheDeviceDoesNoDma() {
        setUpTx();
        nic.configWrite(PciConfig.COMMAND, 2, PciConfig.COMMAND_MEMORY);
        txDescriptor(0, TX_BUF, 60, LegacyTxDescriptor.CMD_EOP | LegacyTxDescriptor.CMD_RS);
        write(TDT, 1);
        assertThat(nic.errors(E1000Error.BUS_MASTER_DISABLED)).isEqualTo(1);
        assertThat(drain()).isEmpty();
    }

    @Test
    void extendedDescriptorsAreDroppedAndCounted() {
        setUpTx();
        txDescriptor(0, TX_BUF, 60, LegacyTxDescriptor.CMD_EOP | LegacyTxDescriptor.CMD_DEXT);
        write(TDT, 1);
        assertThat(nic.errors(E1000Error.TX_EXTENDED_DESCRIPTOR)).isEqualTo(1);
        assertThat(drain()).isEmpty();
        assertThat(read(TDH)).isEqualTo(1);
    }

    @Test
    void anOversizedTransmitChainIsDroppedAndCounted() {
        setUpTx();
        for (int i = 0; i < 4; i++) {
            txDescriptor(i, TX_BUF, 1000, i == 3 ? LegacyTxDescriptor.CMD_EOP : 0);
        }
        write(TDT, 4);
        assertThat(nic.errors(E1000Error.TX_FRAME_TOO_LONG)).isEqualTo(1);
        assertThat(drain()).isEmpty();
    }

    @Test
    void randomRegisterWritesAndRandomRingContentsNeverThrowIntoTheHost() {
        java.util.Random random = new java.util.Random(4);
        int[] registers = {CTRL, EECD, EERD, ICR, ITR, ICS, IMS, IMC, RCTL, TCTL, RDBAL, RDBAH, RDLEN, RDH, RDT,
            TDBAL, TDBAH, TDLEN, TDH, TDT, MTA, RAL0, RAH0, GPRC, 0x1FFFC, 0x5A00};
        for (int i = 0; i < 64; i++) {
            mem.write64(Gpa.of(RX_RING + 8L * i), random.nextBoolean() ? random.nextLong() : RX_BUF + random.nextInt(1 << 20));
        }
        for (int round = 0; round < 20_000; round++) {
            int reg = registers[random.nextInt(registers.length)];
            int value = switch (random.nextInt(4)) {
                case 0 -> random.nextInt();
                case 1 -> random.nextInt(64);
                case 2 -> (int) RX_RING + 16 * random.nextInt(8);
                default -> TCTL_EN | RCTL_EN | RCTL_UPE;
            };
            if (random.nextInt(3) == 0) {
                read(reg);
            } else {
                nic.mmioWrite(reg + (random.nextInt(8) == 0 ? random.nextInt(4) : 0), 1 + random.nextInt(4) / 3 * 3, value);
            }
            if (round % 50 == 0) {
                deliver(frame(random.nextBoolean() ? MAC : MacAddress.BROADCAST, 14 + random.nextInt(1500)));
                drain();
            }
        }
        assertThat(vm.stopped()).isFalse();
        assertThat(nic.totalErrors()).isPositive(); // it did find the guest's mistakes, and counted them
    }
}
