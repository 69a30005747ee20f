/**
 * Time the platform owns: a {@link dev.iovirt.vmm.time.Clock} (real or virtual) and the
 * {@link dev.iovirt.vmm.time.TimerQueue} of host-side deadlines. No component reads the wall clock
 * directly, so a test under virtual time sees exactly what a real run would, without sleeping.
 */
package dev.iovirt.vmm.time;
