// SPDX-License-Identifier: GPL-2.0
/*
 * voiceqos plan --calls N --codec C [--ptime MS] [--link L] [--json]
 *
 * Per direction: a call's RTP stream as the daemon sizes it (payload +
 * RTP/UDP/IP + link framing), the RTCP flow the daemon reserves beside it,
 * and the rule of thumb. Needs neither the module nor the daemon.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cli.h"
#include "common.h"
#include "json.h"
#include "plan.h"

int vq_plan(struct vq_plan *p, uint32_t calls, const char *codec,
	    uint32_t ptime_ms, const char *link, const char **why)
{
	struct vq_bw_cfg cfg;

	memset(p, 0, sizeof(*p));
	p->calls = calls;
	p->link = link ? link : "ethernet";
	p->ptime_asked = ptime_ms;
	p->family = AF_INET;
	/* IPv6 is a network layer, not a framing: IPv6 over Ethernet. */
	if (strcasecmp(p->link, "ipv6") == 0) {
		p->family = AF_INET6;
		p->l2_overhead = VQ_L2_ETHERNET;
	} else if (vq_bw_parse_link(p->link, &p->l2_overhead)) {
		*why = "link";
		return -1;
	}
	/* G.711 names no payload format; both laws cost the same. */
	if (codec && (strcasecmp(codec, "G711") == 0 || strcasecmp(codec, "G.711") == 0))
		codec = "PCMU";
	vq_bw_cfg_default(&cfg);
	cfg.l2_overhead = p->l2_overhead;
	if (vq_bw_codec(codec, ptime_ms, p->family, &cfg, &p->rtp) < 0) {
		*why = "codec";
		return -1;
	}
	vq_bw_rtcp(&p->rtp, &cfg, &p->rtcp);
	p->call_bps = p->rtp.wire_bps;
	p->total_bps = (uint64_t)calls * p->call_bps;
	p->reserved_call_bps = p->rtp.wire_bps + p->rtcp.wire_bps;
	p->reserved_total_bps = (uint64_t)calls * p->reserved_call_bps;
	/* x 1.25 rounded up, in integers like everything else here. */
	p->thumb_call_bps = ((uint64_t)p->rtp.payload_bps * 5 + 3) / 4;
	p->thumb_total_bps = ((uint64_t)calls * p->rtp.payload_bps * 5 + 3) / 4;
	return 0;
}

void vq_plan_codecs(char *buf, size_t len)
{
	size_t off = 0;
	const char *n;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; (n = vq_bw_codec_name(i)) && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", i ? ", " : "", n);
	if (off < len)
		snprintf(buf + off, len - off, ", t38, video; also G711, G711U, G711A, ulaw, alaw"
			 " and dotted forms such as G.729");
}

/* bit/s as kbit/s with up to three decimals and no trailing zeros. */
static const char *kbit(char *buf, size_t len, uint64_t bps)
{
	int n = snprintf(buf, len, "%" PRIu64 ".%03" PRIu64, bps / 1000, bps % 1000);

	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '.')
		buf[--n] = '\0';
	return buf;
}

static void print_json(FILE *f, const struct vq_plan *p)
{
	struct json j;

	json_init(&j, f);
	json_obj_begin(&j);
	json_kv_u64(&j, "calls", p->calls);
	json_kv_str(&j, "codec", p->rtp.codec);
	json_key(&j, "known");
	json_bool(&j, p->rtp.known);
	json_kv_u64(&j, "ptime_ms", p->rtp.ptime_ms);
	json_kv_str(&j, "link", p->link);
	json_kv_str(&j, "ip", p->family == AF_INET6 ? "ipv6" : "ipv4");
	json_kv_u64(&j, "l2_overhead_bytes", p->l2_overhead);
	json_kv_u64(&j, "payload_bps", p->rtp.payload_bps);
	json_kv_u64(&j, "payload_bytes", p->rtp.payload_bytes);
	json_kv_u64(&j, "packets_per_s_milli", p->rtp.pps_milli);
	json_kv_u64(&j, "per_call_bps", p->call_bps);
	json_kv_u64(&j, "total_bps", p->total_bps);
	json_kv_u64(&j, "rtcp_per_call_bps", p->rtcp.wire_bps);
	json_kv_u64(&j, "reserved_per_call_bps", p->reserved_call_bps);
	json_kv_u64(&j, "reserved_total_bps", p->reserved_total_bps);
	json_kv_u64(&j, "rule_of_thumb_per_call_bps", p->thumb_call_bps);
	json_kv_u64(&j, "rule_of_thumb_total_bps", p->thumb_total_bps);
	json_obj_end(&j);
	fputc('\n', f);
}

void vq_plan_print(FILE *f, const struct vq_plan *p, bool json)
{
	char a[32], b[32], c[32];

	if (json) {
		print_json(f, p);
		return;
	}
	/* pps_milli is packets/s x 1000, the same shape as bit/s to kbit/s. */
	fprintf(f, "%" PRIu32 " call%s of %s, %" PRIu32 " ms packets (%s/s), %s over %s"
		" (%u bytes/packet framing)\n",
		p->calls, p->calls == 1 ? "" : "s", p->rtp.codec, p->rtp.ptime_ms,
		kbit(a, sizeof(a), p->rtp.pps_milli),
		p->family == AF_INET6 ? "IPv6" : "IPv4",
		p->family == AF_INET6 ? "ethernet" : p->link, p->l2_overhead);
	if (p->ptime_asked && p->ptime_asked != p->rtp.ptime_ms)
		fprintf(f, "note: --ptime %" PRIu32 " is not a whole number of frames, sized at %"
			PRIu32 " ms\n", p->ptime_asked, p->rtp.ptime_ms);
	if (!p->rtp.known)
		fprintf(f, "note: no model for this codec, sized at a default payload rate\n");
	fprintf(f, "%-16s %14s %14s  %s\n", "kbit/s", "per call", "total", "(each direction)");
	fprintf(f, "%-16s %14s %14s  %s\n", "RTP on the wire", kbit(a, sizeof(a), p->call_bps),
		kbit(b, sizeof(b), p->total_bps), "exact: payload + RTP/UDP/IP + framing");
	fprintf(f, "%-16s %14s %14s  %s\n", "RTP + RTCP", kbit(a, sizeof(a),
		p->reserved_call_bps), kbit(b, sizeof(b), p->reserved_total_bps),
		"what voiceqosd reserves");
	snprintf(c, sizeof(c), "calls x %s x 1.25", kbit(a, sizeof(a), p->rtp.payload_bps));
	fprintf(f, "%-16s %14s %14s  %s\n", "rule of thumb", kbit(a, sizeof(a),
		p->thumb_call_bps), kbit(b, sizeof(b), p->thumb_total_bps), c);
}

static int num(const char *opt, const char *s, uint32_t lo, uint32_t hi, uint32_t *out)
{
	char *end, why[64];
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (!*s || *end || errno || s[0] == '-' || v < lo || v > hi) {
		snprintf(why, sizeof(why), "%" PRIu32 "-%" PRIu32, lo, hi);
		return vq_bad("plan", opt, s, why);
	}
	*out = v;
	return 0;
}

int plan_main(int argc, char *argv[])
{
	const char *codec = NULL, *link = "ethernet", *why;
	uint32_t calls = 0, ptime = 0;
	bool json = vq_json, have_calls = false;
	struct vq_plan p;
	char known[512];
	int i, r;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--json") == 0 || strcmp(a, "-j") == 0) {
			json = true;
			continue;
		}
		if (strcmp(a, "--calls") && strcmp(a, "--codec") && strcmp(a, "--ptime") &&
		    strcmp(a, "--link"))
			return vq_usage("plan: unexpected argument '%s'", a);
		if (i + 1 == argc)
			return vq_usage("plan: %s needs a value", a);
		if (strcmp(a, "--calls") == 0) {
			r = num("--calls", argv[++i], 1, VQ_PLAN_MAX_CALLS, &calls);
			if (r)
				return r;
			have_calls = true;
		} else if (strcmp(a, "--ptime") == 0) {
			r = num("--ptime", argv[++i], 1, 200, &ptime);
			if (r)
				return r;
		} else if (strcmp(a, "--codec") == 0) {
			codec = argv[++i];
		} else {
			link = argv[++i];
		}
	}
	if (!have_calls || !codec)
		return vq_usage("plan: needs --calls N and --codec C (see voiceqos help plan)");
	if (vq_plan(&p, calls, codec, ptime, link, &why) < 0) {
		if (strcmp(why, "link") == 0)
			return vq_bad("plan", "--link", link,
				      "ethernet, vlan, pppoe, ipv6, none or 0-256 bytes per packet");
		vq_plan_codecs(known, sizeof(known));
		return vq_usage("plan: unknown codec '%s' (known: %s)", codec, known);
	}
	vq_plan_print(stdout, &p, json);
	return 0;
}
