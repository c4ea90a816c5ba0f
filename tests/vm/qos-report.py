#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Tables (and a gnuplot PNG) from the result lines of tests/vm/qos.sh.

    tests/vm/qos-report.py [--markdown] [--plot DIR] [--goal] RESULTS...

RESULTS: files with the guest's result lines (qos-stream, qos-series, qos-info). Per
scenario and configuration: calls, loss, one-way delay p50 (median of the streams) and
p99 (worst stream), RFC 3550 jitter (worst stream), MOS min/mean, over the calls that
voiceqos admitted in configuration 4 and over all calls elsewhere (over-budget calls get
a line of their own), and the bulk TCP throughput. --plot DIR writes DIR/qos-delay.png
(the worst one-way delay of any call per 0.5 s, uplink, per configuration; one panel per
scenario) with gnuplot. --goal prints the issue's goal for voiceqos per scenario.
"""
import argparse
import collections
import json
import os
import statistics
import subprocess
import sys

CONF_NAMES = {
    "0": "0 reference: no bulk, no QoS",
    "1": "1 no QoS (modem FIFO)",
    "2": "2 HTB+fq_codel",
    "3": "3 cake diffserv4 + SIP helper EF",
    "4": "4 voiceqos",
}


def load(paths):
    streams = collections.defaultdict(list)  # (scen, conf) -> [(dir, adm, obj)]
    series = collections.defaultdict(list)  # (scen, conf, dir) -> [(t, ms)]
    info = collections.defaultdict(dict)  # (scen, conf) -> {key: value}
    header = {}
    for path in paths:
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                line = line.strip()
                if line.startswith("qos-stream "):
                    _, scen, conf, d, adm, js = line.split(" ", 5)
                    streams[(scen, conf)].append((d, adm, json.loads(js)))
                elif line.startswith("qos-series "):
                    _, scen, conf, d, t, ms = line.split()
                    series[(scen, conf, d)].append((float(t), float(ms)))
                elif line.startswith("qos-info "):
                    _, scen, conf, rest = line.split(" ", 3)
                    if rest.startswith("[") or rest == "null":
                        info[(scen, conf)]["links"] = rest
                        continue
                    for kv in rest.split():
                        if "=" in kv:
                            k, v = kv.split("=", 1)
                            (header if scen == "-" else info[(scen, conf)])[k] = v
    return streams, series, info, header


def summarise(rows):
    """rows: rtpq objects (both directions of the calls in a group)."""
    if not rows:
        return None
    sent = sum(r["sent"] for r in rows)
    lost = sum(r["lost"] for r in rows)
    return {
        "streams": len(rows),
        "loss": 100.0 * lost / sent if sent else 0.0,
        "loss_worst": max(r["loss_pct"] for r in rows),
        "p50": statistics.median(r["delay_p50_ms"] for r in rows),
        "p99": max(r["delay_p99_ms"] for r in rows),
        "jitter": max(r["jitter_ms"] for r in rows),
        "mos_min": min(r["mos"] for r in rows),
        "mos_mean": statistics.mean(r["mos"] for r in rows),
    }


def groups(streams, scen, conf):
    """[(label, summary, n_calls)] for one run: admitted / over budget / all."""
    rows = [(d, a, o) for d, a, o in streams.get((scen, conf), []) if d in ("up", "down")]
    out = []
    if conf == "4":
        adm = [o for d, a, o in rows if a == "admitted"]
        over = [o for d, a, o in rows if a == "over_budget"]
        other = [o for d, a, o in rows if a not in ("admitted", "over_budget")]
        for label, g in (("admitted", adm), ("over budget", over), ("not seen", other)):
            if g:
                out.append((label, summarise(g), sum(1 for o in g if o["src"].startswith("192.0.2."))))
    else:
        g = [o for d, a, o in rows]
        out.append(("all", summarise(g), sum(1 for o in g if o["src"].startswith("192.0.2."))))
    return out


def table(streams, info, header, markdown):
    scens = sorted({s for s, c in streams})
    lines = []
    cols = ["scenario", "configuration", "calls", "loss % (all/worst)", "delay p50 ms",
            "delay p99 ms", "p99 over ref. ms", "jitter ms", "MOS min", "MOS mean",
            "bulk up/down Mbit/s"]
    rows = []
    for scen in scens:
        for conf in sorted({c for s, c in streams if s == scen}):
            i = info.get((scen, conf), {})
            bulk = "%s / %s" % (i.get("bulk_up_mbit", "?"), i.get("bulk_down_mbit", "?"))
            if conf == "0":
                bulk = "none"
            for label, s, n in groups(streams, scen, conf):
                if s is None:
                    continue
                name = CONF_NAMES.get(conf, conf) + ("" if label == "all" else " (%s)" % label)
                ref = reference_p99(streams, scen)
                over = "-" if ref is None or conf == "0" else "%.1f" % (s["p99"] - ref)
                rows.append([scen, name, str(n), "%.2f / %.2f" % (s["loss"], s["loss_worst"]),
                             "%.1f" % s["p50"], "%.1f" % s["p99"], over, "%.1f" % s["jitter"],
                             "%.2f" % s["mos_min"], "%.2f" % s["mos_mean"], bulk])
    if markdown:
        lines.append("| " + " | ".join(cols) + " |")
        lines.append("|" + "---|" * len(cols))
        for r in rows:
            lines.append("| " + " | ".join(r) + " |")
    else:
        w = [max(len(c), *(len(r[k]) for r in rows)) if rows else len(c)
             for k, c in enumerate(cols)]
        lines.append("  ".join(c.ljust(w[k]) for k, c in enumerate(cols)))
        for r in rows:
            lines.append("  ".join(v.ljust(w[k]) for k, v in enumerate(r)))
    return "\n".join(lines)


def reference_p99(streams, scen):
    """The worst p99 of configuration 0 (no bulk, no QoS) in a scenario, or None."""
    rows = [o for d, a, o in streams.get((scen, "0"), []) if d in ("up", "down")]
    return max(o["delay_p99_ms"] for o in rows) if rows else None


def goal(streams):
    """The issue's goal for voiceqos, per scenario: (met, text). The delay the router adds
    is the p99 over configuration 0's (the same calls on the idle emulated path) when the
    run has it; otherwise the raw p99, which is an upper bound."""
    out = []
    all_met = True
    for scen in sorted({s for s, c in streams}):
        rows4 = [o for d, a, o in streams.get((scen, "4"), []) if d in ("up", "down")
                 and a == "admitted"]
        if not rows4:
            out.append("%s: no admitted calls of voiceqos measured" % scen)
            all_met = False
            continue
        why = []
        if any(o["lost"] for o in rows4):
            why.append("%d admitted streams lost packets" % sum(1 for o in rows4 if o["lost"]))
        if min(o["mos"] for o in rows4) < 4.3:
            why.append("MOS min %.2f < 4.3" % min(o["mos"] for o in rows4))
        p99 = max(o["delay_p99_ms"] for o in rows4)
        ref = reference_p99(streams, scen)
        added = p99 - ref if ref is not None else p99
        if added > 10:
            why.append("delay p99 %.1f ms%s > 10" %
                       (added, " over the reference's %.1f" % ref if ref is not None else ""))
        s4 = summarise(rows4)
        for conf in ("1", "2", "3"):
            rows = [o for d, a, o in streams.get((scen, conf), []) if d in ("up", "down")]
            if not rows:
                continue
            s = summarise(rows)
            worse, better = [], []
            for key, name, low in (("loss", "loss", True), ("mos_min", "MOS min", False),
                                   ("p99", "delay p99", True)):
                if (s4[key] > s[key]) if low else (s4[key] < s[key]):
                    worse.append(name)
                elif (s4[key] < s[key]) if low else (s4[key] > s[key]):
                    better.append(name)
            if worse:
                why.append("not better than %s in %s" % (conf, ", ".join(worse)))
            elif scen in ("b", "c", "d") and not better:
                why.append("not strictly better than %s" % conf)
        all_met = all_met and not why
        out.append("%s: %s (admitted: loss %.2f %%, MOS min %.2f, p99 %.1f ms%s)" % (
            scen, "met" if not why else "NOT met: " + "; ".join(why), s4["loss"],
            s4["mos_min"], p99, ", %.1f over the reference" % added if ref is not None else ""))
    return all_met, "\n".join(out)


def plot(series, outdir):
    os.makedirs(outdir, exist_ok=True)
    scens = sorted({s for s, c, d in series})
    if not scens:
        return None
    data = os.path.join(outdir, "qos-delay.dat")
    png = os.path.join(outdir, "qos-delay.png")
    blocks = []  # (scen, conf, index)
    with open(data, "w", encoding="utf-8") as f:
        for scen in scens:
            for conf in sorted({c for s, c, d in series if s == scen}):
                pts = sorted(series.get((scen, conf, "up"), []))
                if not pts:
                    continue
                f.write("# scenario %s configuration %s\n" % (scen, conf))
                t0 = pts[0][0]
                for t, ms in pts:
                    f.write("%.1f %.3f\n" % (t - t0, ms))
                f.write("\n\n")
                blocks.append((scen, conf, len(blocks)))
    gp = ["set terminal pngcairo size 1000,%d font ',10'" % (380 * len(scens))
          if False else "set terminal png size 1000,%d" % (380 * len(scens)),
          "set output '%s'" % png,
          "set termoption noenhanced",
          "set multiplot layout %d,1" % len(scens),
          "set logscale y", "set yrange [0.05:*]", "set grid",
          "set xlabel 'seconds into the calls'",
          "set ylabel 'one-way delay, worst call (ms)'"]
    for scen in scens:
        plots = ["'%s' index %d with lines lw 2 title '%s'" % (data, i, CONF_NAMES.get(c, c))
                 for s, c, i in blocks if s == scen]
        gp.append("set title 'scenario %s: uplink RTP one-way delay (max per 0.5 s)'" % scen)
        gp.append("plot " + ", ".join(plots))
    gp.append("unset multiplot")
    subprocess.run(["gnuplot"], input="\n".join(gp) + "\n", text=True, check=True)
    return png


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--plot")
    ap.add_argument("--goal", action="store_true")
    ap.add_argument("results", nargs="+")
    a = ap.parse_args()
    streams, series, info, header = load(a.results)
    if not streams:
        print("qos-report: no qos-stream lines in %s" % " ".join(a.results), file=sys.stderr)
        return 1
    if header:
        print("# " + " ".join("%s=%s" % kv for kv in header.items()))
    print(table(streams, info, header, a.markdown))
    if a.goal:
        met, text = goal(streams)
        print("\nGoal for voiceqos (0.0 % loss, MOS >= 4.3, p99 added <= 10 ms on every "
              "admitted call; not worse than 1-3, strictly better in b, c, d):")
        print(text)
    if a.plot:
        png = plot(series, a.plot)
        if png:
            print("\nplot: %s" % png)
    return 0


if __name__ == "__main__":
    sys.exit(main())
