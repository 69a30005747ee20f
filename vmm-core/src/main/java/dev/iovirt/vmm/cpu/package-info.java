/**
 * The processor: a logical processor with VMX ({@link dev.iovirt.vmm.cpu.Vcpu}), its VMCS data
 * ({@link dev.iovirt.vmm.cpu.Vmcs}, {@link dev.iovirt.vmm.cpu.VmcsStore}) and its MMU with the TLB
 * ({@link dev.iovirt.vmm.cpu.Mmu}).
 *
 * <p>In VMX root operation the VMM executes VMX instructions on a {@code Vcpu}; each returns the SDM's
 * VMsucceed / VMfailInvalid / VMfailValid (with the error number in the current VMCS). VMLAUNCH and
 * VMRESUME enter non-root operation: the processor checks the controls, host and guest state, loads
 * guest state, delivers an injected event through the guest's IDT ({@link dev.iovirt.vmm.arch.GuestCode#interrupt}),
 * and runs a slice of guest code. Every guest operation goes through the controls: a memory access
 * through the MMU (TLB hit: no memory reference; miss: the 2-D walk, which may fault to the guest or
 * exit with an EPT violation), an I/O or MSR access through the bitmaps, HLT/CPUID/VMCALL/MOV CR/INVLPG
 * through their controls. An exit saves guest state, writes the exit-information fields and calls the
 * VMM's {@link dev.iovirt.vmm.cpu.VmExitHandler} on the same thread; when it returns RESUME, the
 * processor performs VMRESUME and the guest's operation completes (or is retried, for a resolved EPT
 * violation).
 */
package dev.iovirt.vmm.cpu;
