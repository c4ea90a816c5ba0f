#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Writes a pcap of complete SIP calls for the replay tests and the replay bench.

Each call is the message set of a basic call, each with realistic headers and the
INVITE/200 carrying SDP (G.711 u-law + telephone-event, 20 ms):
INVITE, 100, 180, 200, ACK, BYE, 200. Calls start 1 ms apart (so several thousand
overlap) and last 2 s; Call-IDs, tags, branches, addresses and media ports differ per call.
Caller i is 10.1.x.y (fd00:1::i) with media port 20000 + 2 (i mod 10000), callee i
10.2.x.y (fd00:2::i) with 30000 + 2 (i mod 10000); SIP on 5060/UDP.

  gencalls.py --calls N --out FILE [--link L] [--ipv 4|6] [--nsec] [--fragment-every K]
              [--spacing-ms MS] [--unanswered-every K] [--bad-sdp-every K]

--link: en10mb (default), vlan, qinq, pppoe, sll, sll2, raw, null. --nsec writes a
nanosecond pcap. --fragment-every K sends every Kth message as two IPv4 fragments
(which replay skips and counts). --spacing-ms sets the time between call starts (default
1). --unanswered-every K leaves every Kth call (i % K == K - 1) ringing: INVITE, 100, 180
and nothing more, for the early timeout. --bad-sdp-every K gives every Kth call's INVITE an
SDP that must be refused (m=audio 70000): the call has no offer, so no flows. UDP checksums are left 0. Only the standard library is used.
"""
import argparse
import hashlib
import struct
import sys

LINKTYPES = {"en10mb": 1, "vlan": 1, "qinq": 1, "pppoe": 1, "sll": 113, "sll2": 276,
             "raw": 101, "null": 0}
T0 = 1700000000.0


def sdp(ip, v6, port, sess):
    fam = "IP6" if v6 else "IP4"
    return ("v=0\r\n"
            f"o=- {sess} {sess} IN {fam} {ip}\r\n"
            "s=call\r\n"
            f"c=IN {fam} {ip}\r\n"
            "t=0 0\r\n"
            f"m=audio {port} RTP/AVP 0 101\r\n"
            "a=rtpmap:0 PCMU/8000\r\n"
            "a=rtpmap:101 telephone-event/8000\r\n"
            "a=fmtp:101 0-16\r\n"
            "a=ptime:20\r\n"
            "a=sendrecv\r\n")


def hostport(ip, v6):
    return f"[{ip}]:5060" if v6 else f"{ip}:5060"


def call_messages(i, v6, bad_sdp=False):
    """[(time offset s, from caller?, message bytes)] of call i."""
    h = hashlib.sha1(str(i).encode()).hexdigest()
    if v6:
        a, b = f"fd00:1::{i:x}", f"fd00:2::{i:x}"
    else:
        a = f"10.1.{i >> 8 & 255}.{i & 255}"
        b = f"10.2.{i >> 8 & 255}.{i & 255}"
    ha, hb = hostport(a, v6), hostport(b, v6)
    cid = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{i}@{ha}"
    ftag, ttag = h[16:24], h[24:32]
    br1, br2, br3 = "z9hG4bK" + h[32:40], "z9hG4bK" + h[:6] + "a", "z9hG4bK" + h[6:12] + "b"
    ruri = f"sip:{2000 + i % 8000}@{hb}"
    frm = f'"Caller {i}" <sip:{1000 + i % 8000}@{ha}>;tag={ftag}'
    to = f"<{ruri}>"
    tot = f"{to};tag={ttag}"
    common_req = "Max-Forwards: 70\r\nUser-Agent: gencalls/1.0\r\n"
    allow = "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, PRACK, UPDATE\r\n"
    offer = sdp(a, v6, 70000 if bad_sdp else 20000 + 2 * (i % 10000), 1000 + i)
    answer = sdp(b, v6, 30000 + 2 * (i % 10000), 5000 + i)

    def req(method, cseq, branch, to_hdr, body=""):
        s = (f"{method} {ruri} SIP/2.0\r\n"
             f"Via: SIP/2.0/UDP {ha};branch={branch};rport\r\n"
             f"From: {frm}\r\nTo: {to_hdr}\r\nCall-ID: {cid}\r\nCSeq: {cseq} {method}\r\n"
             f"Contact: <sip:{1000 + i % 8000}@{ha}>\r\n" + common_req)
        if method == "INVITE":
            s += allow + "Supported: replaces, timer\r\n"
        if body:
            s += "Content-Type: application/sdp\r\n"
        return (s + f"Content-Length: {len(body)}\r\n\r\n" + body).encode()

    def rsp(code, reason, cseq, method, branch, to_hdr, body=""):
        s = (f"SIP/2.0 {code} {reason}\r\n"
             f"Via: SIP/2.0/UDP {ha};branch={branch};rport=5060;received={a}\r\n"
             f"From: {frm}\r\nTo: {to_hdr}\r\nCall-ID: {cid}\r\nCSeq: {cseq} {method}\r\n")
        if code != 100:
            s += f"Contact: <sip:{2000 + i % 8000}@{hb}>\r\n"
        if body:
            s += allow + "Content-Type: application/sdp\r\n"
        return (s + f"Content-Length: {len(body)}\r\n\r\n" + body).encode()

    return [
        (0.000, True, req("INVITE", 1, br1, to, offer)),
        (0.001, False, rsp(100, "Trying", 1, "INVITE", br1, to)),
        (0.010, False, rsp(180, "Ringing", 1, "INVITE", br1, tot)),
        (0.500, False, rsp(200, "OK", 1, "INVITE", br1, tot, answer)),
        (0.502, True, req("ACK", 1, br2, tot)),
        (2.000, True, req("BYE", 2, br3, tot)),
        (2.001, False, rsp(200, "OK", 2, "BYE", br3, tot)),
    ], a, b


def ip_packets(src, dst, v6, payload, ident, fragment):
    """IP packets (bytes) carrying one UDP datagram 5060 -> 5060."""
    udp = struct.pack("!HHHH", 5060, 5060, 8 + len(payload), 0) + payload
    if v6:
        s = bytes.fromhex(ipv6_hex(src))
        d = bytes.fromhex(ipv6_hex(dst))
        return [struct.pack("!IHBB", 0x60000000, len(udp), 17, 64) + s + d + udp]
    s = bytes(int(x) for x in src.split("."))
    d = bytes(int(x) for x in dst.split("."))

    def hdr(length, frag):
        return struct.pack("!BBHHHBBH", 0x45, 0, 20 + length, ident & 0xffff, frag, 64, 17,
                           0) + s + d
    if not fragment:
        return [hdr(len(udp), 0) + udp]
    cut = (len(udp) // 2) & ~7
    return [hdr(cut, 0x2000) + udp[:cut], hdr(len(udp) - cut, cut >> 3) + udp[cut:]]


def ipv6_hex(addr):
    head, _, tail = addr.partition("::")
    h = [int(x, 16) for x in head.split(":") if x]
    t = [int(x, 16) for x in tail.split(":") if x]
    words = h + [0] * (8 - len(h) - len(t)) + t
    return "".join(f"{w:04x}" for w in words)


def frame(link, v6, ip):
    et = 0x86dd if v6 else 0x0800
    macs = b"\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02"
    if link == "en10mb":
        return macs + struct.pack("!H", et) + ip
    if link == "vlan":
        return macs + struct.pack("!HHH", 0x8100, 100, et) + ip
    if link == "qinq":
        return macs + struct.pack("!HHHHH", 0x88a8, 10, 0x8100, 100, et) + ip
    if link == "pppoe":
        return (macs + struct.pack("!HBBHHH", 0x8864, 0x11, 0, 0x1234, len(ip) + 2,
                                   0x0057 if v6 else 0x0021) + ip)
    if link == "sll":
        return struct.pack("!HHH", 0, 1, 6) + macs[:6] + b"\0\0" + struct.pack("!H", et) + ip
    if link == "sll2":
        return struct.pack("!HHIHBB", et, 0, 2, 1, 0, 6) + macs[:6] + b"\0\0" + ip
    if link == "raw":
        return ip
    if link == "null":
        return struct.pack("<I", 30 if v6 else 2) + ip
    raise ValueError(link)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--calls", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--link", default="en10mb", choices=sorted(LINKTYPES))
    ap.add_argument("--ipv", type=int, default=4, choices=(4, 6))
    ap.add_argument("--nsec", action="store_true")
    ap.add_argument("--fragment-every", type=int, default=0)
    ap.add_argument("--spacing-ms", type=float, default=1.0)
    ap.add_argument("--unanswered-every", type=int, default=0)
    ap.add_argument("--bad-sdp-every", type=int, default=0)
    o = ap.parse_args()
    v6 = o.ipv == 6
    if v6 and o.fragment_every:
        sys.exit("gencalls.py: --fragment-every is IPv4 only")

    events = []
    for i in range(o.calls):
        bad = o.bad_sdp_every and i % o.bad_sdp_every == o.bad_sdp_every - 1
        msgs, a, b = call_messages(i, v6, bad)
        t = i * o.spacing_ms / 1000
        if o.unanswered_every and i % o.unanswered_every == o.unanswered_every - 1:
            msgs = msgs[:3]
        for off, fwd, m in msgs:
            # Integral microseconds so that the order is exact and reproducible.
            events.append((round((t + off) * 1e6), i, fwd, m, a, b))
    events.sort(key=lambda e: (e[0], e[1]))

    magic = 0xa1b23c4d if o.nsec else 0xa1b2c3d4
    with open(o.out, "wb") as f:
        f.write(struct.pack("<IHHiIII", magic, 2, 4, 0, 0, 262144, LINKTYPES[o.link]))
        n = 0
        for us, _, fwd, m, a, b in events:
            n += 1
            src, dst = (a, b) if fwd else (b, a)
            frag = o.fragment_every and n % o.fragment_every == 0
            for ip in ip_packets(src, dst, v6, m, n, frag):
                fr = frame(o.link, v6, ip)
                sec = int(T0) + us // 1000000
                sub = us % 1000000 * (1000 if o.nsec else 1)
                f.write(struct.pack("<IIII", sec, sub, len(fr), len(fr)))
                f.write(fr)


if __name__ == "__main__":
    main()
