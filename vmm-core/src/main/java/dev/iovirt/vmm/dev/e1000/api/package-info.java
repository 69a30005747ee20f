/**
 * What a guest driver may know of the e1000: the register map, the EEPROM layout and the legacy
 * descriptor layouts of the Intel 82540EM, as the 8254x Family of Gigabit Ethernet Controllers
 * Software Developer's Manual (Intel 317453, rev. 4.0) gives them. Constants only, no device object:
 * the device model ({@code dev.iovirt.vmm.dev.e1000}) and the guest driver both read them from here,
 * and nothing else crosses the hardware boundary (DESIGN §1).
 */
package dev.iovirt.vmm.dev.e1000.api;
