/**
 * The stateful firewall: a bump in the wire between port 0 and port 1 whose ordered rules ({@link
 * dev.iovirt.nfv.firewall.Rule}, compiled into an indexed {@link dev.iovirt.nfv.firewall.RuleSet})
 * decide each connection's first packet; the connection tracker passes the rest. See {@link
 * dev.iovirt.nfv.firewall.Firewall} for the per-packet order.
 */
package dev.iovirt.nfv.firewall;
