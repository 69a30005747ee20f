/**
 * The device subsystem: switches and their ports. One family, one owner (ONOS style):
 * {@link dev.iovirt.controller.device.DeviceService} (read side), {@code DeviceProvider} and
 * {@code DeviceProviderService} (the southbound side, implemented over OpenFlow by
 * {@code OpenFlowDeviceProvider}), {@code DeviceStore}, {@code DeviceEvent}/{@code DeviceListener},
 * all owned by {@link dev.iovirt.controller.device.DeviceManager}.
 *
 * <pre>
 * handshake done ─▶ deviceConnected ─▶ store.add ─▶ DEVICE_ADDED
 * PORT_STATUS    ─▶ portStatusChanged ─▶ store.updatePort ─▶ PORT_ADDED / PORT_UPDATED / PORT_REMOVED (only real changes)
 * connection closed ─▶ deviceDisconnected ─▶ store.remove ─▶ DEVICE_REMOVED
 * </pre>
 */
package dev.iovirt.controller.device;
