package dev.iovirt.sriov;

import static dev.iovirt.sriov.api.VfDescriptors.*;
import static dev.iovirt.sriov.api.VfRegisters.*;

import dev.iovirt.packet.Frame;
import dev.iovirt.packet.FrameBatch;
import dev.iovirt.packet.PortCounters;
import dev.iovirt.vmm.io.MmioDevice;
import dev.iovirt.vmm.mem.DmaFaultException;
import dev.iovirt.vmm.mem.DmaMemory;
import dev.iovirt.vmm.mem.Gpa;
import dev.iovirt.vmm.mem.HostMemory;
import dev.iovirt.vmm.mem.Hpa;
import dev.iovirt.vmm.pci.MsixCapability;

/**
 * A VF's queue pair, its registers and its interrupt causes — the only code that moves the rings'
 * heads (STYLE: one class owns a ring's indices). Register map in {@link dev.iovirt.sriov.api.VfRegisters},
 * descriptors in {@link dev.iovirt.sriov.api.VfDescriptors}.
 *
 * <p><b>Transmit</b>: {@link #poll} reads the TX tail from the doorbell page (a host frame the guest
 * may write through EPT without an exit), then reads descriptors from head to tail by DMA, gathers each
 * frame's buffers up to EOP, queues it for the host side, writes DD back where RS asked, and raises
 * {@code CAUSE_TX0}. A frame whose EOP descriptor is not yet below the tail waits for a later poll.
 *
 * <p><b>Receive</b>: {@link #deliver} takes the descriptor at RX head if the RX tail (read from the
 * doorbell page) is ahead of it, writes the frame into its buffer by DMA, writes the descriptor back
 * (DD, EOP, length) and raises {@code CAUSE_RX0}.
 *
 * <p><b>Errors</b> (each can be caused by a malicious guest; none reaches the host): a tail outside
 * the ring, a descriptor that is not an advanced data descriptor, an empty or oversized frame, or more
 * than {@link dev.iovirt.sriov.api.VfRegisters#MAX_DESCRIPTORS_PER_FRAME} descriptors per frame stop the
 * queue, as the X710's malicious driver detection does; a DMA the IOMMU refuses (it records the fault
 * with its reason and moves no byte) stops the queue too. Either sets ERRSTAT and raises CAUSE_ERR. The
 * driver recovers by disabling, reprogramming and re-enabling the queue.
 *
 * <p><b>Interrupts</b>: causes collected during one poll or one delivered batch are signalled once, on
 * their MSI-X vectors, if EIMS unmasks them; a driver in poll mode leaves EIMS at 0 and reads DD bits.
 *
 * <p>Not yet allocation-free: each descriptor and buffer access makes a {@link Gpa} (docs/sriov.md).
 */
final class VfQueuePair implements MmioDevice {
    /** Frames the host side holds before transmission stalls (the VF's share of the TX FIFO). */
    static final int TX_QUEUE_FRAMES = 64;
    /** Frames one poll moves at most (OVS's NETDEV_MAX_BURST). */
    static final int BURST = FrameBatch.MAX_BURST;

    /**
     * One ring's registers. Invariant: head < count() whenever the ring is enabled — base and length
     * writes are ignored while it is (the 82599 leaves them undefined then), so a guest cannot move
     * the ring under the device's indices.
     */
    private static final class Ring {
        int baseLow;
        int baseHigh;
        int lengthBytes;
        int head;
        int control;

        long base() {
            return (baseHigh & 0xFFFF_FFFFL) << 32 | (baseLow & 0xFFFF_FF80L);
        }

        int count() {
            return lengthBytes / SIZE;
        }

        boolean enabled() {
            return (control & QUEUE_ENABLE) != 0;
        }

        Gpa descriptor(int index) {
            return Gpa.of(base() + (long) index * SIZE);
        }
    }

    private final VirtualFunction vf;
    private final DmaMemory dma;
    private final HostMemory memory;
    private final Hpa doorbell;
    private final MsixCapability msix;
    private final Ring rx = new Ring();
    private final Ring tx = new Ring();
    private int srrctl;
    private int eicr;
    private int eims;
    private int errstat;
    private int pendingCauses;
    private boolean released;
    private final int[] mailbox = new int[MAILBOX_WORDS];
    /** VFMAILBOX state: REQ (the VF's request waits for the PF), PFSTS and PFACK (read-clear). */
    private int mailboxControl;
    private final long[] errors = new long[VfError.values().length];
    private long interrupts;

    private final byte[] descriptor = new byte[SIZE];
    private final byte[] writeBack = new byte[SIZE];
    private final byte[] assembly = new byte[MAX_FRAME];
    private final int[] frameCommands = new int[MAX_DESCRIPTORS_PER_FRAME];
    private final Frame[] txQueue = new Frame[TX_QUEUE_FRAMES];
    private int txQueueHead;
    private int txQueued;
    private final PortCounters counters = new PortCounters();
    private Runnable receiveListener = () -> { };

    VfQueuePair(VirtualFunction vf, DmaMemory dma, HostMemory memory, Hpa doorbell, MsixCapability msix) {
        this.vf = vf;
        this.dma = dma;
        this.memory = memory;
        this.doorbell = doorbell;
        this.msix = msix;
        for (int i = 0; i < TX_QUEUE_FRAMES; i++) {
            txQueue[i] = new Frame(0, MAX_FRAME);
        }
    }

    // ---------------------------------------------------------------- registers (trapped MMIO)

    @Override
    public synchronized long mmioRead(long offset, int size) {
        if (released) {
            return size >= 8 ? -1L : (1L << (8 * size)) - 1; // a vanished function reads all ones
        }
        if (offset < DOORBELL_PAGE_SIZE) {
            return readDoorbell(offset, size);
        }
        if (size != 4 || (offset & 3) != 0) {
            return 0;
        }
        return switch ((int) offset) {
            case RDBAL -> rx.baseLow & 0xFFFF_FF80L;
            case RDBAH -> rx.baseHigh & 0xFFFF_FFFFL;
            case RDLEN -> rx.lengthBytes;
            case RDH -> rx.head;
            case SRRCTL -> srrctl;
            case RXDCTL -> rx.control;
            case TDBAL -> tx.baseLow & 0xFFFF_FF80L;
            case TDBAH -> tx.baseHigh & 0xFFFF_FFFFL;
            case TDLEN -> tx.lengthBytes;
            case TDH -> tx.head;
            case TXDCTL -> tx.control;
            case EICR -> {
                int v = eicr;
                eicr = 0;
                yield v;
            }
            case EIMS -> eims;
            case VFMAILBOX -> {
                int v = mailboxControl;
                mailboxControl &= ~(MAILBOX_PFSTS | MAILBOX_PFACK);
                yield v;
            }
            case ERRSTAT -> {
                int v = errstat;
                errstat = 0;
                yield v;
            }
            default -> offset >= VFMBMEM && offset < VFMBMEM + 4L * MAILBOX_WORDS
                    ? mailbox[(int) (offset - VFMBMEM) >>> 2] & 0xFFFF_FFFFL : 0;
        };
    }

    @Override
    public synchronized void mmioWrite(long offset, int size, long value) {
        if (released) {
            return; // the doorbell frame may already belong to someone else
        }
        if (offset < DOORBELL_PAGE_SIZE) {
            writeDoorbell(offset, size, value);
            return;
        }
        if (size != 4 || (offset & 3) != 0) {
            return;
        }
        int v = (int) value;
        switch ((int) offset) {
            case RDBAL -> {
                if (!rx.enabled()) {
                    rx.baseLow = v;
                }
            }
            case RDBAH -> {
                if (!rx.enabled()) {
                    rx.baseHigh = v;
                }
            }
            case RDLEN -> {
                if (!rx.enabled()) {
                    rx.lengthBytes = v & 0xF_FF80;
                }
            }
            case RDH -> setHead(rx, v);
            case SRRCTL -> srrctl = v & 0x1F;
            case RXDCTL -> setControl(rx, v);
            case TDBAL -> {
                if (!tx.enabled()) {
                    tx.baseLow = v;
                }
            }
            case TDBAH -> {
                if (!tx.enabled()) {
                    tx.baseHigh = v;
                }
            }
            case TDLEN -> {
                if (!tx.enabled()) {
                    tx.lengthBytes = v & 0xF_FF80;
                }
            }
            case TDH -> setHead(tx, v);
            case TXDCTL -> setControl(tx, v);
            case EICS -> {
                pendingCauses |= v & CAUSES;
                signal();
            }
            case EIMS -> {
                eims |= v & CAUSES;
                pendingCauses |= eicr & eims; // causes that arrived while masked signal now
                signal();
            }
            case EIMC -> eims &= ~v;
            case VFMAILBOX -> {
                if ((v & MAILBOX_REQ) != 0) {
                    mailboxControl |= MAILBOX_REQ;
                }
            }
            default -> {
                if (offset >= VFMBMEM && offset < VFMBMEM + 4L * MAILBOX_WORDS && (mailboxControl & MAILBOX_REQ) == 0) {
                    mailbox[(int) (offset - VFMBMEM) >>> 2] = v; // the buffer is the PF's while a request waits
                    return;
                }
                // Unimplemented offsets ignore writes, as reserved register space does.
            }
        }
    }

    private long readDoorbell(long offset, int size) {
        if (offset + size > DOORBELL_PAGE_SIZE || size > 8) {
            return 0;
        }
        long a = doorbell.value() + offset;
        return switch (size) {
            case 1 -> memory.read8(a);
            case 2 -> memory.read16(a);
            case 4 -> memory.read32(a) & 0xFFFF_FFFFL;
            default -> memory.read64(a);
        };
    }

    /** A trapped write to the doorbell page (the page is not mapped in EPT) lands where a mapped write would. */
    private void writeDoorbell(long offset, int size, long value) {
        if (offset + size > DOORBELL_PAGE_SIZE || size > 8) {
            return;
        }
        long a = doorbell.value() + offset;
        switch (size) {
            case 1 -> memory.write8(a, (int) value);
            case 2 -> memory.write16(a, (int) value);
            case 4 -> memory.write32(a, (int) value);
            default -> memory.write64(a, value);
        }
    }

    private void setHead(Ring ring, int value) {
        if (!ring.enabled()) {
            ring.head = value & 0xFFFF; // the driver may reset the head only while the queue is stopped
        }
    }

    private void setControl(Ring ring, int value) {
        boolean enable = (value & QUEUE_ENABLE) != 0;
        if (enable && !ring.enabled()) {
            if (ring.lengthBytes == 0) {
                errors[VfError.RING_INVALID.ordinal()]++;
                return;
            }
            if (ring.head >= ring.count()) {
                ring.head = 0;
            }
        }
        ring.control = value & QUEUE_ENABLE;
    }

    // ---------------------------------------------------------------- transmit

    /** Processes the TX ring up to the doorbell's tail (at most one burst) and signals collected causes; false if there was nothing to do. */
    synchronized boolean poll() {
        if (released) {
            return false;
        }
        boolean work = processTransmit();
        signal();
        return work;
    }

    private boolean processTransmit() {
        if (!tx.enabled()) {
            return false;
        }
        int count = tx.count();
        int tail = memory.read32(doorbell.value() + TX_TAIL);
        if (tail < 0 || tail >= count) {
            stop(tx, VfError.TAIL_OUT_OF_RING, ERR_TX_MDD);
            return true;
        }
        if (tx.head == tail || txQueued == TX_QUEUE_FRAMES) {
            return false;
        }
        if (!vf.busMaster()) {
            errors[VfError.BUS_MASTER_DISABLED.ordinal()]++;
            return false;
        }
        boolean work = false;
        for (int frames = 0; frames < BURST && tx.head != tail && txQueued < TX_QUEUE_FRAMES; frames++) {
            int h = tx.head;
            int length = 0;
            int used = 0;
            boolean eop = false;
            try {
                while (h != tail) {
                    dma.read(tx.descriptor(h), descriptor, 0, SIZE);
                    int cmd = le32(descriptor, TX_CMD_TYPE_LEN);
                    if ((cmd & TX_DTYP_MASK) != TX_DTYP_DATA || (cmd & TX_DCMD_DEXT) == 0) {
                        stop(tx, VfError.TX_BAD_DESCRIPTOR, ERR_TX_MDD);
                        return true;
                    }
                    int bufferLength = cmd & TX_LEN_MASK;
                    if (bufferLength == 0 || length + bufferLength > MAX_FRAME || used == MAX_DESCRIPTORS_PER_FRAME) {
                        stop(tx, VfError.TX_BAD_LENGTH, ERR_TX_MDD);
                        return true;
                    }
                    dma.read(Gpa.of(le64(descriptor, ADDRESS)), assembly, length, bufferLength);
                    frameCommands[used++] = cmd;
                    length += bufferLength;
                    h = h + 1 == count ? 0 : h + 1;
                    if ((cmd & TX_DCMD_EOP) != 0) {
                        eop = true;
                        break;
                    }
                }
                if (!eop) {
                    return work; // the driver has not handed over the frame's last descriptor yet
                }
                boolean report = false;
                for (int i = 0, d = tx.head; i < used; i++, d = d + 1 == count ? 0 : d + 1) {
                    if ((frameCommands[i] & TX_DCMD_RS) != 0) {
                        dma.write32(tx.descriptor(d).plus(TX_OLINFO_STATUS), TX_STA_DD);
                        report = true;
                    }
                }
                Frame f = txQueue[(txQueueHead + txQueued) % TX_QUEUE_FRAMES];
                f.reset();
                f.copyFrom(assembly, 0, length);
                txQueued++;
                tx.head = h;
                work = true;
                if (report) {
                    pendingCauses |= CAUSE_TX0;
                }
            } catch (DmaFaultException fault) {
                stop(tx, VfError.DMA_FAULT, ERR_TX_DMA);
                return true;
            }
        }
        if (work) {
            receiveListener.run();
        }
        return work;
    }

    /** The host side takes frames the guest sent. */
    synchronized int takeTransmitted(FrameBatch batch) {
        int n = 0;
        while (txQueued > 0 && batch.remaining() > 0) {
            Frame f = txQueue[txQueueHead];
            batch.add(f);
            counters.rxPackets++;
            counters.rxBytes += f.length();
            txQueueHead = (txQueueHead + 1) % TX_QUEUE_FRAMES;
            txQueued--;
            n++;
        }
        return n;
    }

    // ---------------------------------------------------------------- receive

    /** Delivers every frame of {@code batch} into the RX ring; returns how many were accepted. */
    synchronized int deliver(FrameBatch batch) {
        int accepted = 0;
        for (int i = 0; i < batch.size(); i++) {
            Frame f = batch.get(i);
            if (!released && deliverOne(f)) {
                accepted++;
                counters.txPackets++;
                counters.txBytes += f.length();
            } else {
                counters.txDropped++;
            }
        }
        signal();
        return accepted;
    }

    private boolean deliverOne(Frame f) {
        if (!rx.enabled()) {
            errors[VfError.RX_NO_BUFFER.ordinal()]++;
            return false;
        }
        int count = rx.count();
        int tail = memory.read32(doorbell.value() + RX_TAIL);
        if (tail < 0 || tail >= count) {
            stop(rx, VfError.TAIL_OUT_OF_RING, ERR_RX_MDD);
            return false;
        }
        if (rx.head == tail) {
            errors[VfError.RX_NO_BUFFER.ordinal()]++;
            return false;
        }
        if (!vf.busMaster()) {
            errors[VfError.BUS_MASTER_DISABLED.ordinal()]++;
            return false;
        }
        int bufferSize = (srrctl & 0x1F) == 0 ? 2048 : (srrctl & 0x1F) << 10;
        if (f.length() > bufferSize) {
            errors[VfError.RX_OVERSIZE.ordinal()]++;
            return false;
        }
        Gpa d = rx.descriptor(rx.head);
        try {
            long buffer = dma.read64(d.plus(ADDRESS));
            dma.write(Gpa.of(buffer), f.buffer(), f.offset(), f.length());
            java.util.Arrays.fill(writeBack, (byte) 0);
            putLe32(writeBack, RX_STATUS, RX_STAT_DD | RX_STAT_EOP);
            putLe32(writeBack, RX_LENGTH_VLAN, f.length());
            dma.write(d, writeBack, 0, SIZE);
        } catch (DmaFaultException fault) {
            stop(rx, VfError.DMA_FAULT, ERR_RX_DMA);
            return false;
        }
        rx.head = rx.head + 1 == count ? 0 : rx.head + 1;
        pendingCauses |= CAUSE_RX0;
        return true;
    }

    // ---------------------------------------------------------------- errors and interrupts

    private void stop(Ring ring, VfError error, int errBit) {
        ring.control &= ~QUEUE_ENABLE;
        errors[error.ordinal()]++;
        errstat |= errBit;
        pendingCauses |= CAUSE_ERR;
    }

    private void signal() {
        int causes = pendingCauses;
        pendingCauses = 0;
        if (causes == 0) {
            return;
        }
        eicr |= causes;
        if ((causes & eims & CAUSE_RX0) != 0) {
            notifyVector(VECTOR_RX);
        }
        if ((causes & eims & CAUSE_TX0) != 0) {
            notifyVector(VECTOR_TX);
        }
        if ((causes & eims & (CAUSE_ERR | CAUSE_MAILBOX)) != 0) {
            notifyVector(VECTOR_MISC);
        }
    }

    private void notifyVector(int vector) {
        interrupts++;
        msix.notify(vector);
    }

    // ---------------------------------------------------------------- mailbox, the PF's side

    /** The VF's pending mailbox request, copied out and acknowledged (PFACK), or null if none waits. */
    synchronized int[] takeMailboxRequest() {
        if ((mailboxControl & MAILBOX_REQ) == 0 || released) {
            return null;
        }
        int[] request = mailbox.clone();
        mailboxControl = (mailboxControl & ~MAILBOX_REQ) | MAILBOX_PFACK;
        return request;
    }

    /** The PF's reply: written into the buffer, PFSTS set, CAUSE_MAILBOX raised. */
    synchronized void mailboxReply(int[] message) {
        if (released) {
            return;
        }
        java.util.Arrays.fill(mailbox, 0);
        System.arraycopy(message, 0, mailbox, 0, Math.min(message.length, MAILBOX_WORDS));
        mailboxControl |= MAILBOX_PFSTS;
        pendingCauses |= CAUSE_MAILBOX;
        signal();
    }

    synchronized long errors(VfError error) {
        return errors[error.ordinal()];
    }

    synchronized long interrupts() {
        return interrupts;
    }

    synchronized boolean queueEnabled(boolean transmit) {
        return (transmit ? tx : rx).enabled();
    }

    PortCounters counters() {
        return counters;
    }

    synchronized void setReceiveListener(Runnable listener) {
        this.receiveListener = listener;
    }

    synchronized void release() {
        released = true;
        rx.control = 0;
        tx.control = 0;
    }

    private static int le32(byte[] b, int o) {
        return (b[o] & 0xFF) | (b[o + 1] & 0xFF) << 8 | (b[o + 2] & 0xFF) << 16 | (b[o + 3] & 0xFF) << 24;
    }

    private static long le64(byte[] b, int o) {
        return (le32(b, o) & 0xFFFF_FFFFL) | (long) le32(b, o + 4) << 32;
    }

    private static void putLe32(byte[] b, int o, int v) {
        b[o] = (byte) v;
        b[o + 1] = (byte) (v >>> 8);
        b[o + 2] = (byte) (v >>> 16);
        b[o + 3] = (byte) (v >>> 24);
    }
}
