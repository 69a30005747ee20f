/** The guest's view of PCI: enumeration, BAR sizing and placement through configuration mechanism #1. */
package dev.iovirt.guest.pci;
