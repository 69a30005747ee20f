# A learning switch for os-ken (shared/PEERS.md: the Debian package ships no sample apps), the peer
# our controller's cbench figures are compared with. Run:
#   osken-manager --ofp-listen-host 127.0.0.1 --ofp-tcp-listen-port 6653 learning_switch.py
from os_ken.base import app_manager
from os_ken.controller import ofp_event
from os_ken.controller.handler import CONFIG_DISPATCHER, MAIN_DISPATCHER, set_ev_cls
from os_ken.ofproto import ofproto_v1_3


class LearningSwitch(app_manager.OSKenApp):
    OFP_VERSIONS = [ofproto_v1_3.OFP_VERSION]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.macs = {}

    @set_ev_cls(ofp_event.EventOFPSwitchFeatures, CONFIG_DISPATCHER)
    def features(self, ev):
        dp = ev.msg.datapath
        p, o = dp.ofproto_parser, dp.ofproto
        inst = [p.OFPInstructionActions(o.OFPIT_APPLY_ACTIONS, [p.OFPActionOutput(o.OFPP_CONTROLLER, o.OFPCML_NO_BUFFER)])]
        dp.send_msg(p.OFPFlowMod(datapath=dp, priority=0, match=p.OFPMatch(), instructions=inst))

    @set_ev_cls(ofp_event.EventOFPPacketIn, MAIN_DISPATCHER)
    def packet_in(self, ev):
        msg = ev.msg
        dp = msg.datapath
        p, o = dp.ofproto_parser, dp.ofproto
        data = msg.data
        dst, src = data[0:6], data[6:12]   # only the Ethernet header (PEERS.md gotcha)
        in_port = msg.match['in_port']
        table = self.macs.setdefault(dp.id, {})
        table[src] = in_port
        out = table.get(dst, o.OFPP_FLOOD)
        actions = [p.OFPActionOutput(out)]
        if out != o.OFPP_FLOOD:
            match = p.OFPMatch(in_port=in_port, eth_dst=dst.hex(':'), eth_src=src.hex(':'))
            inst = [p.OFPInstructionActions(o.OFPIT_APPLY_ACTIONS, actions)]
            dp.send_msg(p.OFPFlowMod(datapath=dp, priority=10, idle_timeout=60, match=match, instructions=inst,
                                     buffer_id=msg.buffer_id))
            if msg.buffer_id != o.OFP_NO_BUFFER:
                return
        dp.send_msg(p.OFPPacketOut(datapath=dp, buffer_id=msg.buffer_id, in_port=in_port, actions=actions,
                                   data=None if msg.buffer_id != o.OFP_NO_BUFFER else data))
