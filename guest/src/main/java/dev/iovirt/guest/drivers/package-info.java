/** Guest device drivers. Each reaches its device only through port I/O, MMIO and guest memory. */
package dev.iovirt.guest.drivers;
