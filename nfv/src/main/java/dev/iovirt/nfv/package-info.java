/**
 * Virtual network functions that run inside appliance VMs: each is a guest program behind two or more
 * vNICs, driven by a poll-mode loop (DPDK style: no RX interrupts, bursts of frames).
 *
 * <p>A {@link dev.iovirt.nfv.NetworkFunction} is the data path of one appliance: it takes a frame
 * received on one of its ports and emits frames on its ports. It runs on the appliance VM's vCPU and
 * sees only what the guest's drivers hand it (frames copied out of guest memory); it never holds a
 * device or switch object.
 *
 * <p>{@link dev.iovirt.nfv.ApplianceVm} is the runtime: it builds the VM with its NICs and loads a
 * guest kernel whose one program is the poll loop.
 *
 * <pre>
 *   switch/link ═▶ NIC (virtio-net / VF) ─DMA─▶ RX ring in guest memory
 *     ─▶ poll loop: PollModeDevice.receiveBurst(≤ 32) ─▶ NetworkFunction.process(port, frame)
 *     ─▶ Output.emit(port, frame) ─▶ transmit under xmit_more ─▶ one doorbell per burst ─▶ NIC ═▶ switch/link
 *     ─▶ NetworkFunction.tick(now) (expiry) ─▶ nothing received this round? sleep idleNanos
 * </pre>
 *
 * <p>The management interface of {@code ApplianceVm} (start, stop, counters) is the one place the host
 * reads or sets the appliance program's state, as an operator uses an appliance's CLI or API;
 * frames never take that way.
 */
package dev.iovirt.nfv;
