// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <linux/voiceqos.h>

#include "cli.h"
#include "common.h"

enum flow_op { OP_ADD, OP_DEL, OP_GET, OP_LIST, OP_FLUSH };

static const struct {
	const char *name;
	enum flow_op op;
} flow_ops[] = {
	{ "add", OP_ADD },
	{ "del", OP_DEL },
	{ "delete", OP_DEL },
	{ "get", OP_GET },
	{ "list", OP_LIST },
	{ "show", OP_LIST },
	{ "flush", OP_FLUSH },
};

/* Keywords and the ops that accept them. */
enum kw {
	KW_DST, KW_SRC, KW_COOKIE, KW_MEDIA, KW_RTCP, KW_DSCP, KW_PRIORITY,
	KW_MARK, KW_RATE, KW_BURST, KW_CLOCK, KW_TIMEOUT, KW_EXCL,
};

#define A (1 << OP_ADD)
#define D (1 << OP_DEL)
#define G (1 << OP_GET)
#define L (1 << OP_LIST)

static const struct {
	const char *name;
	enum kw kw;
	bool takes_value;
	unsigned int ops;
} keywords[] = {
	{ "dst", KW_DST, true, A | D | G },
	{ "src", KW_SRC, true, A | D | G },
	{ "cookie", KW_COOKIE, true, A | D | L },
	{ "media", KW_MEDIA, true, A },
	{ "rtcp", KW_RTCP, false, A },
	{ "dscp", KW_DSCP, true, A },
	{ "priority", KW_PRIORITY, true, A },
	{ "prio", KW_PRIORITY, true, A },	/* as flow list prints it */
	{ "mark", KW_MARK, true, A },
	{ "rate", KW_RATE, true, A },
	{ "burst", KW_BURST, true, A },
	{ "clock", KW_CLOCK, true, A },
	{ "timeout", KW_TIMEOUT, true, A },
	{ "excl", KW_EXCL, false, A },
};

#undef A
#undef D
#undef G
#undef L

#define MAX_BURST (16U << 20)
#define MAX_CLOCK 1000000U
#define MAX_TIMEOUT 86400U

static int num_arg(const char *cmd, const char *kw, const char *val,
		   uint64_t min, uint64_t max, const char *unit, uint64_t *out)
{
	char why[80];

	if (vq_parse_num(val, max, out) && *out >= min)
		return 0;
	snprintf(why, sizeof(why), "%llu-%llu%s%s", (unsigned long long)min,
		 (unsigned long long)max, unit ? " " : "", unit ? unit : "");
	return vq_bad(cmd, kw, val, why);
}

int flow_parse(int argc, char *argv[], struct flow_args *a)
{
	struct vq_flow *f = &a->f;
	struct vq_endpoint src = { .any_addr = true };
	char cmd[32];
	unsigned int seen = 0;
	int op;
	size_t i;
	int k, r;

	memset(a, 0, sizeof(*a));
	if (argc < 1)
		return vq_usage("flow: missing subcommand (add, del, get, list, flush)");
	for (i = 0; i < sizeof(flow_ops) / sizeof(flow_ops[0]); i++)
		if (strcmp(argv[0], flow_ops[i].name) == 0)
			break;
	if (i == sizeof(flow_ops) / sizeof(flow_ops[0]))
		return vq_usage("flow: unknown subcommand '%s' (add, del, get, list, flush)",
				argv[0]);
	op = flow_ops[i].op;
	snprintf(cmd, sizeof(cmd), "flow %s", argv[0]);

	for (k = 1; k < argc; k++) {
		const char *word = argv[k], *val = NULL, *why;
		uint64_t v;

		for (i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
			if (strcmp(word, keywords[i].name) == 0)
				break;
		if (i == sizeof(keywords) / sizeof(keywords[0]) ||
		    !(keywords[i].ops & (1U << op)))
			return vq_usage("%s: unknown argument '%s'", cmd, word);
		if (seen & (1U << keywords[i].kw))
			return vq_usage("%s: '%s' given twice", cmd, word);
		seen |= 1U << keywords[i].kw;
		if (keywords[i].takes_value) {
			if (k + 1 >= argc)
				return vq_usage("%s: '%s' needs a value", cmd, word);
			val = argv[++k];
		}

		switch (keywords[i].kw) {
		case KW_DST:
			why = vq_parse_endpoint(val, VQ_EP_DST, &f->dst);
			if (why)
				return vq_bad(cmd, word, val, why);
			a->have_dst = true;
			break;
		case KW_SRC:
			why = vq_parse_endpoint(val, VQ_EP_SRC, &src);
			if (why)
				return vq_bad(cmd, word, val, why);
			break;
		case KW_COOKIE:
			if ((r = num_arg(cmd, word, val, 0, UINT64_MAX, NULL, &f->cookie)))
				return r;
			VQ_SET(f, COOKIE);
			break;
		case KW_MEDIA:
			why = vq_parse_media(val, &f->media);
			if (why)
				return vq_bad(cmd, word, val, why);
			VQ_SET(f, MEDIA);
			break;
		case KW_RTCP:
			f->flags |= VOICEQOS_FLOW_F_RTCP;
			VQ_SET(f, FLAGS);
			break;
		case KW_DSCP:
			why = vq_parse_dscp(val, &f->dscp);
			if (why)
				return vq_bad(cmd, word, val, why);
			VQ_SET(f, DSCP);
			break;
		case KW_PRIORITY:
			why = vq_parse_handle(val, &f->priority);
			if (why)
				return vq_bad(cmd, word, val, why);
			VQ_SET(f, PRIORITY);
			break;
		case KW_MARK: {
			bool has_mask;

			why = vq_parse_mark(val, &f->mark, &f->mark_mask, &has_mask);
			if (why)
				return vq_bad(cmd, word, val, why);
			VQ_SET(f, MARK);
			if (has_mask)
				VQ_SET(f, MARK_MASK);
			break;
		}
		case KW_RATE:
			why = vq_parse_rate(val, &f->rate);
			if (why)
				return vq_bad(cmd, word, val, why);
			VQ_SET(f, RATE);
			break;
		case KW_BURST:
			if ((r = num_arg(cmd, word, val, 0, MAX_BURST, "bytes", &v)))
				return r;
			f->burst = v;
			VQ_SET(f, BURST);
			break;
		case KW_CLOCK:
			if ((r = num_arg(cmd, word, val, 0, MAX_CLOCK, "Hz", &v)))
				return r;
			f->clock_rate = v;
			VQ_SET(f, CLOCK_RATE);
			break;
		case KW_TIMEOUT:
			if ((r = num_arg(cmd, word, val, 1, MAX_TIMEOUT, "seconds", &v)))
				return r;
			f->timeout = v;
			VQ_SET(f, TIMEOUT);
			break;
		case KW_EXCL:
			a->excl = true;
			break;
		}
	}

	switch (op) {
	case OP_ADD:
	case OP_GET:
		if (!a->have_dst)
			return vq_usage("%s: dst ADDR:PORT is required", cmd);
		break;
	case OP_DEL:
		if (a->have_dst && VQ_HAS(f, COOKIE))
			return vq_usage("%s: give dst [src] or cookie, not both", cmd);
		if (!a->have_dst && !VQ_HAS(f, COOKIE))
			return vq_usage("%s: dst ADDR:PORT or cookie N is required", cmd);
		if (!a->have_dst && (seen & (1U << KW_SRC)))
			return vq_usage("%s: src needs dst", cmd);
		break;
	default:
		break;
	}
	if (a->have_dst) {
		if (src.family != AF_UNSPEC && src.family != f->dst.family)
			return vq_usage("%s: src and dst are of different address families",
					cmd);
		f->family = f->dst.family;
		src.family = f->family;
		f->src = src;
		VQ_SET(f, FAMILY);
	}
	a->op = op;
	return 0;
}

static void print_flow(const struct vq_flow *f)
{
	if (vq_json) {
		struct json j;

		json_init(&j, stdout);
		vq_flow_json(&j, f);
	} else {
		vq_flow_print(stdout, f);
	}
}

struct show_ctx {
	unsigned int count;
	bool array;	/* JSON array of flows (list) rather than one object */
	bool bad;
};

static int show_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[VOICEQOS_A_MAX + 1];
	struct show_ctx *c = data;
	struct vq_flow f;

	if (genl_parse(nlh, tb, VOICEQOS_A_MAX) < 0 || !tb[VOICEQOS_A_FLOW] ||
	    vq_flow_parse(tb[VOICEQOS_A_FLOW], &f) < 0) {
		c->bad = true;
		return 0;
	}
	if (vq_json && c->array)
		fputc(c->count ? ',' : '[', stdout);
	print_flow(&f);
	c->count++;
	return 0;
}

static int kernel_fail(const struct genl *g, const char *cmd, int r)
{
	if (r == -EAGAIN)
		return vq_err("%s: the flow table kept changing, gave up after %d tries",
			      cmd, GENL_DUMP_RETRIES + 1);
	return vq_kerr(cmd, -r, g->extack);
}

static int run(const struct flow_args *a, const char *cmd)
{
	struct show_ctx sc = { 0, a->op == OP_LIST, false };
	struct nlmsghdr *nlh;
	struct genl *g;
	int r;

	g = vq_genl();
	if (!g)
		return EXIT_KERNEL;
	switch (a->op) {
	case OP_ADD:
		nlh = genl_req(g, VOICEQOS_CMD_FLOW_NEW, 0);
		if (a->excl)
			mnl_attr_put(nlh, VOICEQOS_A_EXCL, 0, NULL);
		vq_flow_put(nlh, &a->f);
		r = genl_talk(g, nlh, NULL, NULL);
		break;
	case OP_DEL:
		nlh = genl_req(g, VOICEQOS_CMD_FLOW_DEL, 0);
		if (a->have_dst) {
			struct vq_flow key = a->f;

			key.present &= VQ_BIT(VOICEQOS_FLOW_A_FAMILY);
			vq_flow_put(nlh, &key);
		} else {
			mnl_attr_put_u64(nlh, VOICEQOS_A_COOKIE, a->f.cookie);
		}
		r = genl_talk(g, nlh, NULL, NULL);
		break;
	case OP_GET:
		nlh = genl_req(g, VOICEQOS_CMD_FLOW_GET, 0);
		vq_flow_put(nlh, &a->f);
		r = genl_talk(g, nlh, show_cb, &sc);
		if (vq_json && sc.count)
			fputc('\n', stdout);
		break;
	case OP_LIST:
		nlh = genl_req(g, VOICEQOS_CMD_FLOW_GET, 0);
		if (VQ_HAS(&a->f, COOKIE))
			mnl_attr_put_u64(nlh, VOICEQOS_A_COOKIE, a->f.cookie);
		/* show_cb only runs once the dump is known to be consistent. */
		r = genl_dump(g, nlh, show_cb, &sc);
		if (vq_json && r == 0)
			fputs(sc.count ? "]\n" : "[]\n", stdout);
		break;
	case OP_FLUSH:
		nlh = genl_req(g, VOICEQOS_CMD_FLOW_FLUSH, 0);
		r = genl_talk(g, nlh, NULL, NULL);
		break;
	default:
		return EXIT_USAGE;
	}
	if (r < 0)
		return kernel_fail(g, cmd, r);
	if (sc.bad)
		return vq_err("%s: malformed flow in the kernel's reply", cmd);
	fflush(stdout);
	return 0;
}

/* `voiceqos flows [cookie N]`: the kernel's view, as `flow list`. */
int flows_main(int argc, char *argv[])
{
	char flow[] = "flow", sub[] = "list";
	char *list[5] = { flow, sub };
	int i;

	if (argc > 3)
		return vq_usage("flows: unknown argument '%s'", argv[3]);
	for (i = 1; i < argc; i++)
		list[i + 1] = argv[i];
	list[argc + 1] = NULL;
	return flow_main(argc + 1, list);
}

int flow_main(int argc, char *argv[])
{
	struct flow_args a;
	char cmd[32];
	int r;

	r = flow_parse(argc - 1, argv + 1, &a);
	if (r)
		return r;
	snprintf(cmd, sizeof(cmd), "flow %s", argv[1]);
	return run(&a, cmd);
}
