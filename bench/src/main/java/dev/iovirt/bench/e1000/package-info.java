/**
 * Benchmarks of the full-emulation path: VM to VM over two e1000s joined by a cable, driven by the
 * step driver (virtual time), measuring host time per packet and the exits and modeled cycles each
 * packet costs the two guests.
 */
package dev.iovirt.bench.e1000;
