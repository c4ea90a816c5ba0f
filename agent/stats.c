// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>

#include <linux/voiceqos.h>

#include "cli.h"
#include "common.h"

/* Same names, same order as /proc/net/voiceqos/stats. */
static const struct {
	const char *name;
	int attr;
	enum mnl_attr_data_type type;
} stat_names[] = {
	{ "packets", VOICEQOS_STATS_A_PACKETS, MNL_TYPE_U64 },
	{ "matched", VOICEQOS_STATS_A_MATCHED, MNL_TYPE_U64 },
	{ "marked", VOICEQOS_STATS_A_MARKED, MNL_TYPE_U64 },
	{ "policed", VOICEQOS_STATS_A_POLICED, MNL_TYPE_U64 },
	{ "latched", VOICEQOS_STATS_A_LATCHED, MNL_TYPE_U64 },
	{ "unwritable", VOICEQOS_STATS_A_UNWRITABLE, MNL_TYPE_U64 },
	{ "sip_copies", VOICEQOS_STATS_A_SIP_COPIES, MNL_TYPE_U64 },
	{ "sip_dropped", VOICEQOS_STATS_A_SIP_DROPPED, MNL_TYPE_U64 },
	{ "flows", VOICEQOS_STATS_A_FLOWS, MNL_TYPE_U32 },
	{ "max_flows", VOICEQOS_STATS_A_MAX_FLOWS, MNL_TYPE_U32 },
	{ "expired", VOICEQOS_STATS_A_EXPIRED, MNL_TYPE_U64 },
	{ "hooks", VOICEQOS_STATS_A_HOOKS, MNL_TYPE_U32 },
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

int stats_main(int argc, char *argv[])
{
	struct stats_ctx c = { 0 };
	struct genl *g;
	size_t i;
	int r;

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
	if (vq_json) {
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
