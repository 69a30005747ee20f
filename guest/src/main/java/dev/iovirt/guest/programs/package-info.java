/**
 * Guest programs over {@link dev.iovirt.guest.net.NetStack}: ping, a UDP echo server, a UDP traffic
 * generator, a TCP echo server and a TCP echo client that opens many connections
 * ({@link dev.iovirt.guest.programs.TcpConnectGenerator}), and a DHCP client. Each is a state machine driven by the guest's timer and its socket handlers (DESIGN §4):
 * a timer only schedules the program's task, the task sends and re-arms, replies arrive in the
 * driver's receive task. Times come from the platform clock (RDTSC, nanoseconds), so they are virtual
 * under the step driver and real otherwise.
 */
package dev.iovirt.guest.programs;
