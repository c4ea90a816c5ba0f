#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Seeds of the pcap harness (tests/fuzz/fuzz_pcap.c), one per link layer and IP shape:

    tests/fuzz/mkpcapseeds.py OUTDIR

Each file is the harness's format: a file byte (link type index, timestamp precision,
byte order, pcapng, snap length), a ports byte, then records (2-byte captured length,
time step, bytes not captured, frame). The frames carry a short SIP INVITE with SDP
between 192.0.2.10:5060 and 198.51.100.20:5060 (2001:db8::10/20 for IPv6)."""
import os
import struct
import sys

LINKS = [0, 1, 101, 12, 14, 108, 113, 228, 229, 276]  # index = low nibble of byte 0

SIP = (b"INVITE sip:bob@198.51.100.20 SIP/2.0\r\n"
       b"Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-seed\r\n"
       b"From: <sip:alice@192.0.2.10>;tag=a1\r\nTo: <sip:bob@198.51.100.20>\r\n"
       b"Call-ID: pcap-seed@192.0.2.10\r\nCSeq: 1 INVITE\r\n"
       b"Content-Type: application/sdp\r\nContent-Length: 107\r\n\r\n"
       b"v=0\r\no=- 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n"
       b"m=audio 49170 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n")
V4S, V4D = bytes([192, 0, 2, 10]), bytes([198, 51, 100, 20])
V6S = bytes.fromhex("20010db8000000000000000000000010")
V6D = bytes.fromhex("20010db8000000000000000000000020")


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def udp(payload, sport=5060, dport=5060):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def tcp(payload, seq=1000, flags=0x18, sport=50612, dport=5060):
    return struct.pack("!HHIIBBHHH", sport, dport, seq, 0, 5 << 4, flags, 65535, 0, 0) + payload


def ipv4(l4, proto=17, ident=1, frag=0, opts=b""):
    ihl = 5 + len(opts) // 4
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, ihl * 4 + len(l4), ident, frag, 64,
                    proto, 0, V4S, V4D) + opts
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + l4


def ipv6(l4, nh=17, ext=b""):
    return struct.pack("!IHBB16s16s", 0x60000000, len(ext) + len(l4), nh if not ext else 0,
                       64, V6S, V6D) + ext + l4


def eth(ip, etype=0x0800, tags=()):
    h = bytes.fromhex("020000000002020000000001")
    for tpid, vid in tags:
        h += struct.pack("!HH", tpid, vid)
    return h + struct.pack("!H", etype) + ip


def pppoe(ip, proto=0x0021):
    return eth(struct.pack("!BBHHH", 0x11, 0, 0x1234, len(ip) + 2, proto) + ip, 0x8864)


def sll(ip, etype=0x0800):
    return struct.pack("!HHH8sH", 0, 1, 6, b"\2\0\0\0\0\1\0\0", etype) + ip


def sll2(ip, etype=0x0800):
    return struct.pack("!HHIHBB8s", etype, 0, 2, 1, 0, 6, b"\2\0\0\0\0\1\0\0") + ip


def null(ip, af=2, net=False):
    return struct.pack("!I" if net else "<I", af) + ip


def seed(link, frames, flags=0, ports=0):
    out = bytearray([LINKS.index(link) | flags, ports])
    for f, step, cut in frames:
        out += struct.pack("!HBB", len(f), step, cut) + f
    return bytes(out)


def main():
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    v4 = ipv4(udp(SIP))
    v6 = ipv6(udp(SIP))
    # Two IPv4 fragments of one UDP datagram (first piece a multiple of 8 bytes).
    dgram = udp(SIP)
    cut = 200
    frag1 = ipv4(dgram[:cut], ident=7, frag=0x2000)
    frag2 = ipv4(dgram[cut:], ident=7, frag=cut // 8)
    # IPv6: hop-by-hop then a fragment header.
    hbh = bytes([44, 0, 1, 4, 0, 0, 0, 0])
    f6a = ipv6(hbh + struct.pack("!BBHI", 17, 0, 0x0001, 9) + dgram[:cut], ext=b"")
    f6a = f6a[:6] + b"\0" + f6a[7:]
    f6a = f6a[:4] + struct.pack("!H", len(hbh) + 8 + cut) + f6a[6:]
    f6b = ipv6(struct.pack("!BBHI", 17, 0, cut, 9) + dgram[cut:], nh=44)
    f6b = f6b[:6] + bytes([44]) + f6b[7:]
    seeds = {
        "eth-ipv4-udp": seed(1, [(eth(v4), 1, 0)]),
        "eth-ipv6-udp": seed(1, [(eth(v6, 0x86dd), 1, 0)], 16),
        "eth-vlan": seed(1, [(eth(v4, tags=[(0x8100, 10)]), 1, 0)]),
        "eth-qinq": seed(1, [(eth(v6, 0x86dd, tags=[(0x88a8, 100), (0x8100, 10)]), 1, 0)], 32),
        "eth-pppoe": seed(1, [(pppoe(v4), 1, 0), (pppoe(v6, 0x0057), 1, 0)]),
        "eth-ipv4-options": seed(1, [(eth(ipv4(udp(SIP), opts=bytes([1, 1, 1, 0]))), 1, 0)]),
        "eth-ipv4-frags": seed(1, [(eth(frag1), 1, 0), (eth(frag2), 0, 0)]),
        "eth-ipv6-frags": seed(1, [(eth(f6a, 0x86dd), 1, 0), (eth(f6b, 0x86dd), 0, 0)]),
        "eth-tcp-cut": seed(1, [(eth(ipv4(tcp(SIP), proto=6))[:120], 1, 200)], 128),
        "sll": seed(113, [(sll(v4), 1, 0)]),
        "sll2": seed(276, [(sll2(v6, 0x86dd), 1, 0)], 64),
        "null": seed(0, [(null(v4), 1, 0), (null(v6, 30), 1, 0)], 32),
        "loop": seed(108, [(null(v4, 2, True), 1, 0)]),
        "raw": seed(12, [(v4, 1, 0), (v6, 1, 0)]),
        "linktype-raw": seed(101, [(v4, 1, 0)], 64),
        "ipv4-only": seed(228, [(v4, 1, 0)]),
        "ipv6-only": seed(229, [(v6, 1, 0)], 0, 1),
        "raw14-5080": seed(14, [(ipv4(udp(SIP, 5080, 40000)), 1, 0)], 0, 0),
    }
    for name, data in seeds.items():
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
