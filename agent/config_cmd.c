// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <linux/voiceqos.h>

#include "cli.h"
#include "common.h"

#define MAX_MIRROR 1000000U

struct cfg {
	uint64_t present;	/* VQ_BIT(VOICEQOS_CFG_A_*) */
	uint16_t ports[VOICEQOS_MAX_SIP_PORTS];
	size_t nports;
	uint32_t be_priority;
	uint8_t fallback_dscp;
	uint8_t sip_dscp;	/* VOICEQOS_DSCP_KEEP: untouched */
	uint32_t sip_priority;
	uint32_t mirror_rate, mirror_burst, max_flows, idle_timeout;
};

static int cfg_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[VOICEQOS_A_MAX + 1];
	const struct nlattr *ct[VOICEQOS_CFG_A_MAX + 1];
	struct cfg *c = data;
	const struct nlattr *a;

	if (genl_parse(nlh, tb, VOICEQOS_A_MAX) < 0 || !tb[VOICEQOS_A_CONFIG] ||
	    genl_parse_nested(tb[VOICEQOS_A_CONFIG], ct, VOICEQOS_CFG_A_MAX) < 0)
		return -EBADMSG;
	a = ct[VOICEQOS_CFG_A_SIP_PORTS];
	if (a) {
		size_t len = mnl_attr_get_payload_len(a);

		c->nports = len / sizeof(uint16_t);
		if (c->nports > VOICEQOS_MAX_SIP_PORTS)
			c->nports = VOICEQOS_MAX_SIP_PORTS;
		memcpy(c->ports, mnl_attr_get_payload(a), c->nports * sizeof(uint16_t));
		c->present |= VQ_BIT(VOICEQOS_CFG_A_SIP_PORTS);
	}
#define U(attr, field, T, t) do {					\
	a = ct[VOICEQOS_CFG_A_##attr];					\
	if (a && mnl_attr_validate(a, MNL_TYPE_##T) == 0) {		\
		c->field = mnl_attr_get_##t(a);				\
		c->present |= VQ_BIT(VOICEQOS_CFG_A_##attr);		\
	}								\
} while (0)
	U(BE_PRIORITY, be_priority, U32, u32);
	U(FALLBACK_DSCP, fallback_dscp, U8, u8);
	U(SIP_DSCP, sip_dscp, U8, u8);
	U(SIP_PRIORITY, sip_priority, U32, u32);
	U(MIRROR_RATE, mirror_rate, U32, u32);
	U(MIRROR_BURST, mirror_burst, U32, u32);
	U(MAX_FLOWS, max_flows, U32, u32);
	U(IDLE_TIMEOUT, idle_timeout, U32, u32);
#undef U
	return 0;
}

#define HAS(c, a) ((c)->present & VQ_BIT(VOICEQOS_CFG_A_##a))

/*
 * Human output uses the "config set" keywords, so that a saved
 * "config get" is close to a valid batch of "config set" lines.
 */
static void print_cfg(const struct cfg *c)
{
	char buf[32];
	size_t i;

	if (vq_json) {
		struct json j;

		json_init(&j, stdout);
		json_obj_begin(&j);
		json_key(&j, "sip_ports");
		json_arr_begin(&j);
		for (i = 0; i < c->nports; i++)
			json_u64(&j, c->ports[i]);
		json_arr_end(&j);
		json_kv_str(&j, "be_priority", HAS(c, BE_PRIORITY) ?
			    vq_format_handle(c->be_priority, buf, sizeof(buf)) : NULL);
		json_kv_opt(&j, "fallback_dscp", HAS(c, FALLBACK_DSCP), c->fallback_dscp);
		/* null when absent or "keep": either way nothing is written */
		json_kv_opt(&j, "sip_dscp", HAS(c, SIP_DSCP) && c->sip_dscp != VOICEQOS_DSCP_KEEP,
			    c->sip_dscp);
		json_kv_str(&j, "sip_priority", HAS(c, SIP_PRIORITY) ?
			    vq_format_handle(c->sip_priority, buf, sizeof(buf)) : NULL);
		json_kv_opt(&j, "mirror_rate", HAS(c, MIRROR_RATE), c->mirror_rate);
		json_kv_opt(&j, "mirror_burst", HAS(c, MIRROR_BURST), c->mirror_burst);
		json_kv_opt(&j, "max_flows", HAS(c, MAX_FLOWS), c->max_flows);
		json_kv_opt(&j, "idle_timeout", HAS(c, IDLE_TIMEOUT), c->idle_timeout);
		json_obj_end(&j);
		fputc('\n', stdout);
		return;
	}
	if (HAS(c, SIP_PORTS)) {
		fputs("sip-ports ", stdout);
		for (i = 0; i < c->nports; i++)
			printf("%s%u", i ? "," : "", c->ports[i]);
		fputc('\n', stdout);
	}
	if (HAS(c, BE_PRIORITY))
		printf("be-priority %s\n", vq_format_handle(c->be_priority, buf, sizeof(buf)));
	if (HAS(c, FALLBACK_DSCP))
		printf("fallback-dscp %u\n", c->fallback_dscp);
	if (HAS(c, SIP_DSCP)) {
		if (c->sip_dscp == VOICEQOS_DSCP_KEEP)
			puts("sip-dscp keep");
		else
			printf("sip-dscp %u\n", c->sip_dscp);
	}
	if (HAS(c, SIP_PRIORITY))
		printf("sip-priority %s\n", vq_format_handle(c->sip_priority, buf, sizeof(buf)));
	if (HAS(c, MIRROR_RATE))
		printf("mirror-rate %u\n", c->mirror_rate);
	if (HAS(c, MIRROR_BURST))
		printf("mirror-burst %u\n", c->mirror_burst);
	if (HAS(c, MAX_FLOWS))
		printf("max-flows %u\n", c->max_flows);
	if (HAS(c, IDLE_TIMEOUT))
		printf("idle-timeout %u\n", c->idle_timeout);
}

static int config_get(struct genl *g)
{
	struct cfg c = { 0 };
	int r;

	r = genl_talk(g, genl_req(g, VOICEQOS_CMD_CONFIG_GET, 0), cfg_cb, &c);
	if (r < 0)
		return vq_kerr("config get", -r, g->extack);
	if (!c.present)
		return vq_err("config get: no answer from the kernel");
	print_cfg(&c);
	fflush(stdout);
	return 0;
}

static int parse_set(int argc, char *argv[], struct cfg *c)
{
	static const char *cmd = "config set";
	int k;

	memset(c, 0, sizeof(*c));
	if (argc < 1)
		return vq_usage("config set: nothing to set (sip-ports, be-priority, "
				"fallback-dscp, sip-dscp, sip-priority, mirror-rate, "
				"mirror-burst)");
	for (k = 0; k < argc; k++) {
		const char *kw = argv[k], *val, *why = NULL;
		uint64_t bit = 0, v = 0;

		if (strcmp(kw, "sip-ports") == 0)
			bit = VQ_BIT(VOICEQOS_CFG_A_SIP_PORTS);
		else if (strcmp(kw, "be-priority") == 0)
			bit = VQ_BIT(VOICEQOS_CFG_A_BE_PRIORITY);
		else if (strcmp(kw, "fallback-dscp") == 0)
			bit = VQ_BIT(VOICEQOS_CFG_A_FALLBACK_DSCP);
		else if (strcmp(kw, "sip-dscp") == 0)
			bit = VQ_BIT(VOICEQOS_CFG_A_SIP_DSCP);
		else if (strcmp(kw, "sip-priority") == 0)
			bit = VQ_BIT(VOICEQOS_CFG_A_SIP_PRIORITY);
		else if (strcmp(kw, "mirror-rate") == 0)
			bit = VQ_BIT(VOICEQOS_CFG_A_MIRROR_RATE);
		else if (strcmp(kw, "mirror-burst") == 0)
			bit = VQ_BIT(VOICEQOS_CFG_A_MIRROR_BURST);
		else
			return vq_usage("%s: unknown argument '%s'", cmd, kw);
		if (c->present & bit)
			return vq_usage("%s: '%s' given twice", cmd, kw);
		if (k + 1 >= argc)
			return vq_usage("%s: '%s' needs a value", cmd, kw);
		val = argv[++k];
		c->present |= bit;

		if (bit == VQ_BIT(VOICEQOS_CFG_A_SIP_PORTS)) {
			why = vq_parse_ports(val, c->ports, VOICEQOS_MAX_SIP_PORTS,
					     &c->nports);
		} else if (bit == VQ_BIT(VOICEQOS_CFG_A_BE_PRIORITY)) {
			why = vq_parse_handle(val, &c->be_priority);
		} else if (bit == VQ_BIT(VOICEQOS_CFG_A_FALLBACK_DSCP)) {
			why = vq_parse_dscp(val, &c->fallback_dscp);
		} else if (bit == VQ_BIT(VOICEQOS_CFG_A_SIP_DSCP)) {
			c->sip_dscp = VOICEQOS_DSCP_KEEP;
			if (strcmp(val, "keep") != 0)
				why = vq_parse_dscp(val, &c->sip_dscp);
		} else if (bit == VQ_BIT(VOICEQOS_CFG_A_SIP_PRIORITY)) {
			why = vq_parse_handle(val, &c->sip_priority);
		} else if (bit == VQ_BIT(VOICEQOS_CFG_A_MIRROR_RATE)) {
			if (!vq_parse_num(val, MAX_MIRROR, &v))
				why = "0-1000000 copies/s";
			c->mirror_rate = v;
		} else {
			if (!vq_parse_num(val, MAX_MIRROR, &v) || v < 1)
				why = "1-1000000 copies";
			c->mirror_burst = v;
		}
		if (why)
			return vq_bad(cmd, kw, val, why);
	}
	return 0;
}

static int config_set(int argc, char *argv[])
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	struct genl *g;
	struct cfg c;
	int r;

	r = parse_set(argc, argv, &c);
	if (r)
		return r;
	g = vq_genl();
	if (!g)
		return EXIT_KERNEL;
	nlh = genl_req(g, VOICEQOS_CMD_CONFIG_SET, 0);
	nest = mnl_attr_nest_start(nlh, VOICEQOS_A_CONFIG);
	if (HAS(&c, SIP_PORTS))
		mnl_attr_put(nlh, VOICEQOS_CFG_A_SIP_PORTS,
			     c.nports * sizeof(uint16_t), c.ports);
	if (HAS(&c, BE_PRIORITY))
		mnl_attr_put_u32(nlh, VOICEQOS_CFG_A_BE_PRIORITY, c.be_priority);
	if (HAS(&c, FALLBACK_DSCP))
		mnl_attr_put_u8(nlh, VOICEQOS_CFG_A_FALLBACK_DSCP, c.fallback_dscp);
	if (HAS(&c, SIP_DSCP))
		mnl_attr_put_u8(nlh, VOICEQOS_CFG_A_SIP_DSCP, c.sip_dscp);
	if (HAS(&c, SIP_PRIORITY))
		mnl_attr_put_u32(nlh, VOICEQOS_CFG_A_SIP_PRIORITY, c.sip_priority);
	if (HAS(&c, MIRROR_RATE))
		mnl_attr_put_u32(nlh, VOICEQOS_CFG_A_MIRROR_RATE, c.mirror_rate);
	if (HAS(&c, MIRROR_BURST))
		mnl_attr_put_u32(nlh, VOICEQOS_CFG_A_MIRROR_BURST, c.mirror_burst);
	mnl_attr_nest_end(nlh, nest);
	r = genl_talk(g, nlh, NULL, NULL);
	if (r < 0)
		return vq_kerr("config set", -r, g->extack);
	return 0;
}

int config_main(int argc, char *argv[])
{
	struct genl *g;

	if (argc < 2)
		return vq_usage("config: missing subcommand (get, set)");
	if (strcmp(argv[1], "get") == 0) {
		if (argc > 2)
			return vq_usage("config get: unknown argument '%s'", argv[2]);
		g = vq_genl();
		return g ? config_get(g) : EXIT_KERNEL;
	}
	if (strcmp(argv[1], "set") == 0)
		return config_set(argc - 2, argv + 2);
	return vq_usage("config: unknown subcommand '%s' (get, set)", argv[1]);
}
