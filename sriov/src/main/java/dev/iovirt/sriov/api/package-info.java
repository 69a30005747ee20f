/**
 * Register maps and identity of the SR-IOV NIC: constants that a host PF driver, a VFIO layer and the
 * guest VF driver share with the device model (DESIGN §2: the guest imports layouts, never devices).
 */
package dev.iovirt.sriov.api;
