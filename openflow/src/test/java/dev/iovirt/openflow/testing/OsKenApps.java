package dev.iovirt.openflow.testing;

/** os-ken applications the interop tests run against our OpenFlow code (PEERS.md: osken-manager APP.py). */
public final class OsKenApps {
    /**
     * A reactive MAC-learning switch: a table-miss entry to the controller; each packet-in learns the
     * source port and either floods or installs an exact in_port/eth_dst/eth_src flow, then sends the
     * packet out. The ~25-line learning switch of PEERS.md; it parses only the Ethernet header.
     */
    public static final String LEARNING_SWITCH = """
            from os_ken.base import app_manager
            from os_ken.controller import ofp_event
            from os_ken.controller.handler import CONFIG_DISPATCHER, MAIN_DISPATCHER, set_ev_cls
            from os_ken.ofproto import ofproto_v1_3

            class Learn(app_manager.OSKenApp):
                OFP_VERSIONS = [ofproto_v1_3.OFP_VERSION]

                def __init__(self, *args, **kwargs):
                    super().__init__(*args, **kwargs)
                    self.macs = {}

                @set_ev_cls(ofp_event.EventOFPSwitchFeatures, CONFIG_DISPATCHER)
                def features(self, ev):
                    dp = ev.msg.datapath
                    p, o = dp.ofproto_parser, dp.ofproto
                    out = [p.OFPActionOutput(o.OFPP_CONTROLLER, o.OFPCML_NO_BUFFER)]
                    dp.send_msg(p.OFPFlowMod(datapath=dp, priority=0, match=p.OFPMatch(),
                                             instructions=[p.OFPInstructionActions(o.OFPIT_APPLY_ACTIONS, out)]))

                @set_ev_cls(ofp_event.EventOFPPacketIn, MAIN_DISPATCHER)
                def packet_in(self, ev):
                    msg = ev.msg
                    dp = msg.datapath
                    p, o = dp.ofproto_parser, dp.ofproto
                    in_port = msg.match['in_port']
                    data = msg.data
                    dst = ':'.join('%02x' % b for b in data[0:6])
                    src = ':'.join('%02x' % b for b in data[6:12])
                    self.macs[src] = in_port
                    out_port = self.macs.get(dst, o.OFPP_FLOOD)
                    actions = [p.OFPActionOutput(out_port)]
                    if out_port != o.OFPP_FLOOD:
                        match = p.OFPMatch(in_port=in_port, eth_dst=dst, eth_src=src)
                        dp.send_msg(p.OFPFlowMod(datapath=dp, priority=1, match=match,
                                                 instructions=[p.OFPInstructionActions(o.OFPIT_APPLY_ACTIONS, actions)]))
                    dp.send_msg(p.OFPPacketOut(datapath=dp, buffer_id=o.OFP_NO_BUFFER, in_port=in_port,
                                               actions=actions, data=data))
            """;

    private OsKenApps() {
    }
}
