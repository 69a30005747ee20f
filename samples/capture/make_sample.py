#!/usr/bin/python3
"""Writes sample.pcap, the capture `iovirt inspect` is shown on in the README and tested on.

Made with scapy (Debian package python3-scapy) so that the file comes from an independent
implementation: ARP, ICMP echo, a TCP handshake, UDP (DNS), an 802.1Q-tagged frame, IPv6 ICMPv6 echo
and a VXLAN-encapsulated frame, with fixed timestamps so the output is the same on every machine.
Run: /usr/bin/python3 samples/capture/make_sample.py
"""
import os
from scapy.all import (ARP, DNS, DNSQR, Dot1Q, Ether, ICMP, ICMPv6EchoRequest, ICMPv6EchoReply, IP, IPv6,
                       Raw, TCP, UDP, wrpcap)
from scapy.layers.vxlan import VXLAN

A_MAC, B_MAC = "02:00:00:00:00:0a", "02:00:00:00:00:0b"
A, B = "10.0.1.11", "10.0.1.12"

packets = [
    Ether(src=A_MAC, dst="ff:ff:ff:ff:ff:ff") / ARP(op=1, hwsrc=A_MAC, psrc=A, pdst=B),
    Ether(src=B_MAC, dst=A_MAC) / ARP(op=2, hwsrc=B_MAC, psrc=B, hwdst=A_MAC, pdst=A),
    Ether(src=A_MAC, dst=B_MAC) / IP(src=A, dst=B, id=1) / ICMP(type=8, id=0x1234, seq=1) / Raw(bytes(range(56))),
    Ether(src=B_MAC, dst=A_MAC) / IP(src=B, dst=A, id=2) / ICMP(type=0, id=0x1234, seq=1) / Raw(bytes(range(56))),
    Ether(src=A_MAC, dst=B_MAC) / IP(src=A, dst=B) / TCP(sport=40000, dport=80, flags="S", seq=1000, window=64240),
    Ether(src=B_MAC, dst=A_MAC) / IP(src=B, dst=A) / TCP(sport=80, dport=40000, flags="SA", seq=5000, ack=1001, window=65160),
    Ether(src=A_MAC, dst=B_MAC) / IP(src=A, dst=B) / TCP(sport=40000, dport=80, flags="A", seq=1001, ack=5001, window=502),
    Ether(src=A_MAC, dst=B_MAC) / IP(src=A, dst=B) / UDP(sport=33000, dport=53) / DNS(rd=1, qd=DNSQR(qname="db1.iovirt.test")),
    Ether(src=A_MAC, dst=B_MAC) / Dot1Q(vlan=100, prio=3) / IP(src=A, dst=B) / UDP(sport=5000, dport=9000) / Raw(b"x" * 18),
    Ether(src=A_MAC, dst=B_MAC) / IPv6(src="2001:db8::a", dst="2001:db8::b") / ICMPv6EchoRequest(id=7, seq=1),
    Ether(src=B_MAC, dst=A_MAC) / IPv6(src="2001:db8::b", dst="2001:db8::a") / ICMPv6EchoReply(id=7, seq=1),
    Ether(src="02:00:00:00:01:01", dst="02:00:00:00:01:02") / IP(src="192.168.100.1", dst="192.168.100.2")
        / UDP(sport=49152, dport=4789, chksum=0) / VXLAN(vni=1001)
        / Ether(src=A_MAC, dst="02:00:00:00:00:15") / IP(src=A, dst="10.0.2.21") / UDP(sport=41000, dport=5432) / Raw(b"q" * 8),
]
for i, p in enumerate(packets):
    p.time = 1763722841 + i * 0.001001  # 2025-11-21 11:00:41 UTC, about a millisecond apart

wrpcap(os.path.join(os.path.dirname(os.path.abspath(__file__)), "sample.pcap"), packets)
