/**
 * Test doubles for modules that speak OpenFlow through this codec, shipped in the openflow
 * test-jar: {@link dev.iovirt.openflow.testing.OfpFakeSwitch}, a minimal switch made of the real
 * Netty pipeline for controller tests (os-ken and ovs-ofctl drive it here), and
 * {@link dev.iovirt.openflow.testing.OfpTestClient}, a blocking scripted controller for switch
 * tests (it drives Open vSwitch here). Both answer what a peer needs to get going (handshake,
 * echo, barriers) and record everything else, so tests assert on decoded messages.
 */
package dev.iovirt.openflow.testing;
