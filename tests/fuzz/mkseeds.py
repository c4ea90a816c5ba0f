#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Turns the SIP exchange scenarios (tests/unit/scenarios/*.sip, format in its README.md)
into seeds of the input harness's record format (tests/fuzz/fuzz_input.c):

    tests/fuzz/mkseeds.py OUTDIR SCENARIO...

Each scenario becomes one file "VQF1" + config byte 0 + one record per packet. Addresses
map to the harness's three peers: the scenario's caller side (192.0.2.x, 2001:db8:1::x)
is A, 203.0.113.x is C, anything else B. Ports map to the nearest entry of the harness's
port table (5060 where there is none). split=N becomes N TCP records; trunc=N a cut copy;
### tick lines a time step, ### adopt and ### gone control records (adoption of a kernel
flow, the kernel expiring one); the rest of the directives are the unit test's checks and
are dropped."""
import os
import re
import sys

PORTS = [5060, 5060, 5060, 5061, 5080, 50612, 1024, 40000,
         5060, 65535, 0, 5062, 6060, 5060, 16384, 443]


def peer(addr):
    if addr.startswith("192.0.2.") or addr.startswith("[2001:db8:1:"):
        return 0
    if addr.startswith("203.0.113."):
        return 2
    return 1


def port_index(p):
    return PORTS.index(p) if p in PORTS else 0


def split_ep(ep):
    host, _, port = ep.rpartition(":")
    return host, int(port)


def time_steps(dt):
    """Header time bytes for a step of dt seconds: records of at most 23.9 s, or minutes."""
    steps = []
    if dt >= 60:
        m = min(int(dt // 60), 16)
        steps.append(0xef + m)
        dt -= m * 60
    while dt > 0:
        v = min(int(round(dt * 10)), 0xef)
        if v == 0:
            break
        steps.append(v)
        dt -= v / 10
    return steps or [0]


def convert(path):
    out = bytearray(b"VQF1\x00")
    lines = open(path, encoding="utf-8", errors="surrogateescape").read().split("\n")
    now = 0.0
    i = 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r"^--- (udp|tcp) (\S+) > (\S+) t=([0-9.]+)(.*)$", line)
        tick = re.match(r"^### tick t=([0-9.]+)", line)
        adopt = re.match(r"^### adopt (\S+) (rtp|rtcp) \S+ (\S+)$", line)
        gone = re.match(r"^### gone .* t=([0-9.]+)", line)
        if adopt:
            # A control record (SYN+FIN+RST): h7 = 2, the Call-ID as payload.
            cid, kind, dst = adopt.groups()
            host, port = split_ep(dst)
            flags = 0x70 | (2 if host.startswith("[") else 0) | (4 if peer(host) else 0)
            out += bytes([flags, 0, 1 if kind == "rtcp" else 0, port >> 8, port & 255,
                          0, len(cid), 2]) + cid.encode()
            i += 1
            continue
        if gone:
            # The kernel expires the first flow held (h7 = 0).
            t = float(gone.group(1))
            steps = time_steps(t - now)
            now = max(now, t)
            for v in steps:
                out += bytes([0, v, 0, 0, 0, 0, 0, 0])
            out += bytes([0x70, 0, 0, 0, 0, 0, 0, 0])
            i += 1
            continue
        if tick:
            t = float(tick.group(1))
            for v in time_steps(t - now):
                out += bytes([0, v, 0, 0, 0, 0, 0, 0])
            now = max(now, t)
            i += 1
            continue
        if not m:
            i += 1
            continue
        proto, src, dst, t, opts = m.groups()
        t = float(t)
        body = []
        i += 1
        while i < len(lines) and not lines[i].startswith("---") and not lines[i].startswith("###"):
            body.append(lines[i])
            i += 1
        if "hex" in opts.split():
            payload = bytes.fromhex("".join(l for l in body if not l.startswith("# ")))
        else:
            msgs, cur = [], []
            for l in body:
                if l.startswith("# "):
                    continue
                if l == "+++":
                    msgs.append(cur)
                    cur = []
                else:
                    cur.append(l)
            msgs.append(cur)
            payload = b""
            for msg in msgs:
                while msg and msg[-1] == "":
                    msg.pop()
                payload += ("\r\n".join(msg) + "\r\n").encode("utf-8", "surrogateescape") \
                    if msg else b"\r\n"
        sa, sp = split_ep(src)
        da, dp = split_ep(dst)
        ps, pd = peer(sa), peer(da)
        flags = 1 if proto == "tcp" else 0
        if sa.startswith("["):
            flags |= 2
        if ps != 0:
            flags |= 4
        if 2 in (ps, pd):
            flags |= 8
        trunc = re.search(r"trunc=(\d+)", opts)
        split = re.search(r"split=(\d+)", opts)
        nseg = int(split.group(1)) if split and proto == "tcp" else 1
        cut = 0
        if trunc:
            n = int(trunc.group(1))
            cut = min(255, (len(payload) - n + 7) // 8)
            payload = payload[:n]
        steps = time_steps(t - now)
        now = max(now, t)
        for v in steps[:-1]:
            out += bytes([0, v, 0, 0, 0, 0, 0, 0])
        size = (len(payload) + nseg - 1) // nseg or 1
        for k in range(nseg):
            seg = payload[k * size:(k + 1) * size]
            if k and not seg:
                break
            out += bytes([flags, steps[-1] if k == 0 else 0,
                          port_index(sp) | port_index(dp) << 4, 0, 0,
                          len(seg) >> 8, len(seg) & 255, cut])
            out += seg
    return bytes(out)


def main():
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    for p in sys.argv[2:]:
        name = "scenario-" + os.path.basename(p).rsplit(".", 1)[0]
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(convert(p))


if __name__ == "__main__":
    main()
