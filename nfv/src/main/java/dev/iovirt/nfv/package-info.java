/**
 * Virtual network functions that run inside appliance VMs: each is a guest program behind two or more
 * vNICs, driven by a poll-mode loop (DPDK style: no RX interrupts, bursts of frames).
 *
 * <p>A {@link dev.iovirt.nfv.NetworkFunction} is the data path of one appliance: it takes a frame
 * received on one of its ports and emits frames on its ports. It runs on the appliance VM's vCPU and
 * sees only what the guest's drivers hand it (frames copied out of guest memory); it never holds a
 * device or switch object.
 */
package dev.iovirt.nfv;
