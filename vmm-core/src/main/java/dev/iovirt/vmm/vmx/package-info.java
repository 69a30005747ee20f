/**
 * VMX: the VMCS, its field encodings, controls, exit reasons, exit qualifications, interruption
 * information and VM-instruction errors, numbered as the Intel SDM Vol. 3C numbers them (chapters 25-28,
 * 31 and Appendices A-C of the 2023 edition). These are the architectural constants; the processor that
 * executes VMX instructions against them is {@link dev.iovirt.vmm.cpu.Vcpu}.
 */
package dev.iovirt.vmm.vmx;
