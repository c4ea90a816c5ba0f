// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <linux/voiceqos.h>

#include "cli.h"
#include "common.h"
#include "prom.h"

/*
 * Same names, same order as /proc/net/voiceqos/stats. The u64 ones only
 * grow (Prometheus counters, "_total"); the u32 ones are levels.
 */
static const struct {
	const char *name;
	int attr;
	enum mnl_attr_data_type type;
	const char *help;
} stat_names[] = {
	{ "packets", VOICEQOS_STATS_A_PACKETS, MNL_TYPE_U64,
	  "UDP packets looked up in the flow table" },
	{ "matched", VOICEQOS_STATS_A_MATCHED, MNL_TYPE_U64,
	  "Packets that matched a flow" },
	{ "marked", VOICEQOS_STATS_A_MARKED, MNL_TYPE_U64,
	  "Packets given voice treatment (within their reservation)" },
	{ "policed", VOICEQOS_STATS_A_POLICED, MNL_TYPE_U64,
	  "Packets demoted to best effort by a flow's policer" },
	{ "latched", VOICEQOS_STATS_A_LATCHED, MNL_TYPE_U64,
	  "Wildcard flows latched to their first source" },
	{ "unwritable", VOICEQOS_STATS_A_UNWRITABLE, MNL_TYPE_U64,
	  "DSCP rewrites skipped because the packet could not be made writable" },
	{ "sip_copies", VOICEQOS_STATS_A_SIP_COPIES, MNL_TYPE_U64,
	  "SIP packets copied to the agent" },
	{ "sip_dropped", VOICEQOS_STATS_A_SIP_DROPPED, MNL_TYPE_U64,
	  "SIP copies not sent (rate limit or no memory)" },
	{ "flows", VOICEQOS_STATS_A_FLOWS, MNL_TYPE_U32,
	  "Flows installed now" },
	{ "max_flows", VOICEQOS_STATS_A_MAX_FLOWS, MNL_TYPE_U32,
	  "Flow table bound (module parameter max_flows)" },
	{ "expired", VOICEQOS_STATS_A_EXPIRED, MNL_TYPE_U64,
	  "Flows removed after their idle timeout" },
	{ "hooks", VOICEQOS_STATS_A_HOOKS, MNL_TYPE_U32,
	  "1 once this namespace has its netfilter hooks" },
};

#define NSTATS (sizeof(stat_names) / sizeof(stat_names[0]))

struct stats_ctx {
	bool got;
	bool have[NSTATS];
	uint64_t val[NSTATS];
};

static int stats_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[VOICEQOS_A_MAX + 1];
	const struct nlattr *st[VOICEQOS_STATS_A_MAX + 1];
	struct stats_ctx *c = data;
	size_t i;

	if (genl_parse(nlh, tb, VOICEQOS_A_MAX) < 0 || !tb[VOICEQOS_A_STATS] ||
	    genl_parse_nested(tb[VOICEQOS_A_STATS], st, VOICEQOS_STATS_A_MAX) < 0)
		return -EBADMSG;
	for (i = 0; i < NSTATS; i++) {
		const struct nlattr *a = st[stat_names[i].attr];

		if (!a || mnl_attr_validate(a, stat_names[i].type) < 0)
			continue;
		c->have[i] = true;
		c->val[i] = stat_names[i].type == MNL_TYPE_U64 ?
			    mnl_attr_get_u64(a) : mnl_attr_get_u32(a);
	}
	c->got = true;
	return 0;
}

/* node_exporter textfile collector input: every family, even at zero. */
static void stats_prometheus(const struct stats_ctx *c)
{
	char name[64];
	size_t i;

	for (i = 0; i < NSTATS; i++) {
		bool counter = stat_names[i].type == MNL_TYPE_U64;

		if (!c->have[i])
			continue;
		snprintf(name, sizeof(name), "voiceqos_%s%s", stat_names[i].name,
			 counter ? "_total" : "");
		vq_prom_family(stdout, name, counter ? VQ_PROM_COUNTER : VQ_PROM_GAUGE,
			       stat_names[i].help);
		vq_prom_sample_u64(stdout, name, NULL, c->val[i]);
	}
}

int stats_main(int argc, char *argv[])
{
	struct stats_ctx c = { 0 };
	bool prometheus = false;
	struct genl *g;
	size_t i;
	int r;

	if (argc > 1 && !strcmp(argv[1], "--prometheus")) {
		prometheus = true;
		argc--;
		argv++;
	}
	if (argc > 1)
		return vq_usage("stats: unknown argument '%s'", argv[1]);
	g = vq_genl();
	if (!g)
		return EXIT_KERNEL;
	r = genl_talk(g, genl_req(g, VOICEQOS_CMD_STATS_GET, 0), stats_cb, &c);
	if (r < 0)
		return vq_kerr("stats", -r, g->extack);
	if (!c.got)
		return vq_err("stats: no answer from the kernel");
	if (prometheus) {
		stats_prometheus(&c);
	} else if (vq_json) {
		struct json j;

		json_init(&j, stdout);
		json_obj_begin(&j);
		for (i = 0; i < NSTATS; i++)
			json_kv_opt(&j, stat_names[i].name, c.have[i], c.val[i]);
		json_obj_end(&j);
		fputc('\n', stdout);
	} else {
		for (i = 0; i < NSTATS; i++)
			if (c.have[i])
				printf("%s %" PRIu64 "\n", stat_names[i].name, c.val[i]);
	}
	fflush(stdout);
	return 0;
}
