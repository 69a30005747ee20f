/**
 * Guest programs over {@link dev.iovirt.guest.net.NetStack}: ping, a UDP echo server and a UDP traffic
 * generator. Each is a state machine driven by the guest's timer and its socket handlers (DESIGN §4):
 * a timer only schedules the program's task, the task sends and re-arms, replies arrive in the
 * driver's receive task. Times come from the platform clock (RDTSC, nanoseconds), so they are virtual
 * under the step driver and real otherwise.
 */
package dev.iovirt.guest.programs;
