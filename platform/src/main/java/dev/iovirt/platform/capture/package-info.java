/**
 * Captures of a run: where frames are taken and how they are written.
 *
 * <p>A topology's capture (or {@code iovirt capture -p}) names capture points
 * ({@link dev.iovirt.platform.topology.CapturePoint}: a vNIC, a port of a host's switch, a host's
 * underlay). The run wraps every port that can be a capture point in a capturing port (platform.run)
 * that hands every frame crossing it, both ways, to its point's {@link CaptureTap}, and so to the
 * {@link CaptureFile.Point} of each capture that takes it now (captures start and stop while the run
 * goes on, over REST); a VF's point is its mirror on the NIC's embedded switch (module sriov), which
 * gives the same tap what the VF sends and what the switch delivers to it; a host's underlay point gets each
 * VXLAN datagram from its tunnel ports' tap, built into the frame it is on the wire by
 * {@link UnderlayFrame}. One {@link CaptureFile} per capture writes pcapng with an interface per
 * point, in time order (the run is one thread on virtual time), rotating through a ring of files if
 * asked:
 *
 * <pre>
 *  switch ─▶ CapturingPort(VM.NIC | HOST:PORT) ─▶ port          VxlanPort ─tap─▶ UnderlayFrame (HOST:underlay)
 *                 │            EmbeddedSwitch ─mirror─▶ (VM.NIC of a VF)            │
 *                 ▼                 │                                               │
 *             CaptureTap ◀──────────┘                                               │
 *                 └──────────▶ CaptureFile.Point ─▶ filter ─▶ CaptureFile ◀─────────┘
 *                                                      pcapng (IDB per point) ─▶ ring rotation
 * </pre>
 *
 * {@link CaptureMerge} merges existing files in time order ({@code iovirt capture --merge}).
 */
package dev.iovirt.platform.capture;
