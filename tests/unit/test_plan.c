// SPDX-License-Identifier: GPL-2.0
/*
 * voiceqos plan against the reference numbers (G.711 20 ms
 * Ethernet 87.2 kbit/s per direction, G.729 31.2) and hand-computed ones:
 * per packet payload + RTP 12 + UDP 8 + IPv4 20 | IPv6 40 + framing
 * (ethernet 18, vlan 22, pppoe 26), times packets per second.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "plan.h"
#include "test.h"

struct planv {
	const char *codec;
	uint32_t calls, ptime;
	const char *link;
	uint64_t call_bps, total_bps, thumb_total_bps;
};

static const struct planv vectors[] = {
	/* (160 + 58) x 8 x 50 = 87200; 12 x 87200; 12 x 64000 x 1.25 */
	{ "PCMU", 12, 0, "ethernet", 87200, 1046400, 960000 },
	{ "G711", 1, 20, "ethernet", 87200, 87200, 80000 },
	{ "g.711a", 1, 0, NULL, 87200, 87200, 80000 },
	/* (20 + 58) x 8 x 50 = 31200; rule 12 x 8000 x 1.25 = 120000 */
	{ "G729", 12, 20, "ethernet", 31200, 374400, 120000 },
	/* PPPoE: +8 bytes x 8 x 50 = +3200 */
	{ "PCMA", 12, 20, "pppoe", 90400, 1084800, 960000 },
	{ "G.729", 12, 20, "pppoe", 34400, 412800, 120000 },
	/* VLAN +4 bytes: +1600; IPv6 +20 bytes: +8000 */
	{ "PCMU", 2, 20, "vlan", 88800, 177600, 160000 },
	{ "PCMU", 1, 20, "ipv6", 95200, 95200, 80000 },
	/* 30 ms: (240 + 58) x 8000 / 30 = 79466.7 -> 79467 */
	{ "PCMU", 3, 30, "ethernet", 79467, 238401, 240000 },
	/* G.729 25 ms is not whole frames: 20 ms */
	{ "G729", 1, 25, "ethernet", 31200, 31200, 10000 },
	/* G.723.1 30 ms, 24 bytes: (24 + 58) x 8000 / 30 = 21866.7; 6400 x 1.25 = 8000 */
	{ "G723", 5, 0, "ethernet", 21867, 109335, 40000 },
};

T_SUITE(plan)
{
	const char *why;
	struct vq_plan p;
	char buf[4096];
	size_t i;
	FILE *f;

	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		const struct planv *v = &vectors[i];
		int r = vq_plan(&p, v->calls, v->codec, v->ptime, v->link, &why);

		t_check(r == 0 && p.call_bps == v->call_bps && p.total_bps == v->total_bps &&
			p.thumb_total_bps == v->thumb_total_bps,
			"plan_vector", "%s x%u %u ms %s: r=%d per call %llu total %llu thumb %llu",
			v->codec, v->calls, v->ptime, v->link ? v->link : "(default)", r,
			(unsigned long long)p.call_bps, (unsigned long long)p.total_bps,
			(unsigned long long)p.thumb_total_bps);
	}

	/* RTCP 5 % of 87200 = 4360: reserved 91560 per call. */
	vq_plan(&p, 12, "PCMU", 20, "ethernet", &why);
	t_check(p.reserved_call_bps == 91560 && p.reserved_total_bps == 12 * 91560ULL,
		"plan_reserved", "%llu %llu", (unsigned long long)p.reserved_call_bps,
		(unsigned long long)p.reserved_total_bps);

	t_check(vq_plan(&p, 1, "G.7xx", 0, "ethernet", &why) == -1 && !strcmp(why, "codec"),
		"plan_unknown_codec", "why=%s", why);
	t_check(vq_plan(&p, 1, "PCMU", 0, "token-ring", &why) == -1 && !strcmp(why, "link"),
		"plan_unknown_link", "why=%s", why);

	vq_plan_codecs(buf, sizeof(buf));
	t_check(strstr(buf, "PCMU, PCMA") && strstr(buf, "G729") && strstr(buf, "opus"),
		"plan_codec_list", "%s", buf);

	/* The human table carries kbit/s with their decimals, the JSON bit/s. */
	f = fmemopen(buf, sizeof(buf), "w");
	vq_plan(&p, 12, "PCMU", 20, "ethernet", &why);
	vq_plan_print(f, &p, false);
	fclose(f);
	t_check(strstr(buf, "87.2") && strstr(buf, "1046.4") && strstr(buf, "960") &&
		strstr(buf, "91.56"), "plan_human", "%s", buf);
	f = fmemopen(buf, sizeof(buf), "w");
	vq_plan(&p, 12, "G729", 20, "ethernet", &why);
	vq_plan_print(f, &p, true);
	fclose(f);
	t_check(strstr(buf, "\"per_call_bps\":31200,") && strstr(buf, "\"total_bps\":374400,") &&
		strstr(buf, "\"rule_of_thumb_total_bps\":120000}") && buf[strlen(buf) - 1] == '\n',
		"plan_json", "%s", buf);
}
