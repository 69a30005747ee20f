/**
 * The iovirt SDN controller: an OpenFlow 1.3 controller on Netty with ONOS-style subsystems, apps
 * and a northbound REST API on Vert.x. {@link dev.iovirt.controller.ControllerMain} wires and runs
 * it all.
 *
 * <h2>How a message flows</h2>
 * <pre>
 *  switch ──TCP──▶ OfpPipeline (frame, decode, answer malformed input)          [openflow codec]
 *                  └─▶ SwitchConnection: handshake, echo, xid correlation        [controller.openflow]
 *                       ├─ PACKET_IN ─▶ PacketProcessors in priority order, on the event loop:
 *                       │               TopologyManager (LLDP) ─▶ HostManager ─▶ ArpResponder ─▶ LearningSwitch
 *                       │                                     PACKET_OUT (ARP reply) ◀─┘      └─▶ FLOW_MOD / PACKET_OUT ─▶ switch
 *                       └─ handshake done, PORT_STATUS, close ─▶ OpenFlowDeviceProvider
 *                            ─▶ DeviceManager ─▶ DeviceStore                      [controller.device]
 *                                   └─ DeviceEvent ─▶ DeviceListeners: apps (table-miss, LLDP probes),
 *                                                     HostManager, EventStream (SSE)
 *  REST client ──HTTP──▶ RestApi: bearer token ─▶ OpenApiValidator ─▶ resource    [controller.rest]
 *                  ├─▶ FlowRuleManager ─▶ OpenFlowFlowRuleProvider ─▶ FLOW_MOD + BARRIER ─▶ switch
 *                  │        └─ FlowEvent ─▶ EventStream (SSE)                      [controller.flow]
 *                  ├─▶ GroupManager / MeterManager ─▶ their OpenFlow providers ─▶ GROUP_MOD / METER_MOD + BARRIER
 *                  ├─▶ AclManager ─▶ FlowRuleManager, on every switch and on DEVICE_ADDED  [controller.acl]
 *                  └─▶ NetworkManager (networks, members, tunnels)                 [controller.network]
 *                           └─▶ OverlayApp.sync ─▶ FlowRuleManager (ADD / DELETE_STRICT + BARRIER), also on DEVICE_ADDED
 * </pre>
 *
 * <p>DESIGN.md §2: this module uses {@code packet} and {@code openflow} only, and never
 * {@code vswitch}: the controller and our switch speak OpenFlow over a socket, like any other pair.
 */
package dev.iovirt.controller;
