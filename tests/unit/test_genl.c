// SPDX-License-Identifier: GPL-2.0
/*
 * The netlink layer against the one generic netlink family every kernel
 * has, nlctrl: resolution, acked requests, dumps, extack, and that one
 * socket carries thousands of requests quickly (what batch relies on).
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include <linux/genetlink.h>

#include "genl.h"
#include "test.h"

struct count_ctx {
	unsigned int n;
	bool saw_nlctrl;
};

static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct count_ctx *c = data;

	if (genl_parse(nlh, tb, CTRL_ATTR_MAX) == 0 && tb[CTRL_ATTR_FAMILY_NAME] &&
	    strcmp(mnl_attr_get_str(tb[CTRL_ATTR_FAMILY_NAME]), "nlctrl") == 0)
		c->saw_nlctrl = true;
	c->n++;
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

T_SUITE(genl)
{
	struct count_ctx c = { 0 };
	struct nlmsghdr *nlh;
	struct genl g;
	double t0, dt;
	int r, i, fails = 0;

	r = genl_open(&g);
	if (r < 0) {
		t_skip("genl: no generic netlink socket here: %s", strerror(-r));
		return;
	}
	r = genl_resolve(&g, "nlctrl");
	t_check(r == 0 && g.family == GENL_ID_CTRL && genl_group(&g, "notify"),
		"genl resolve nlctrl and its notify group", "r=%d family=%u", r, g.family);
	t_check(genl_group(&g, "no-such-group") == 0, "genl unknown group is 0",
		"nonzero");

	r = genl_resolve(&g, "vq-no-such");
	t_check(r == -ENOENT, "genl resolve of a missing family is -ENOENT", "r=%d", r);

	/* genl_resolve left g->family at nlctrl; talk and dump it. */
	r = genl_resolve(&g, "nlctrl");
	nlh = genl_req(&g, CTRL_CMD_GETFAMILY, 0);
	r = genl_dump(&g, nlh, count_cb, &c);
	t_check(r == 0 && c.n > 1 && c.saw_nlctrl, "genl dump of all families",
		"r=%d n=%u", r, c.n);

	/* A policy violation: family id must be a u16, here a u8. */
	nlh = genl_req(&g, CTRL_CMD_GETFAMILY, 0);
	mnl_attr_put_u8(nlh, CTRL_ATTR_FAMILY_ID, 1);
	r = genl_talk(&g, nlh, NULL, NULL);
	t_check(r < 0 && g.extack[0], "genl error carries the extack message",
		"r=%d extack='%s'", r, g.extack);

	/* After an error the same socket must keep working. */
	c.n = 0;
	nlh = genl_req(&g, CTRL_CMD_GETFAMILY, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "nlctrl");
	r = genl_talk(&g, nlh, count_cb, &c);
	t_check(r == 0 && c.n == 1 && !g.extack[0], "genl talk after an error",
		"r=%d n=%u", r, c.n);

	t0 = now();
	for (i = 0; i < 10000; i++) {
		nlh = genl_req(&g, CTRL_CMD_GETFAMILY, 0);
		mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "nlctrl");
		if (genl_talk(&g, nlh, NULL, NULL) < 0)
			fails++;
	}
	dt = now() - t0;
	/* No time bound: valgrind and a loaded host make any limit a coin toss. */
	t_check(fails == 0, "genl 10000 acked requests on one socket",
		"%d failed", fails);
	printf("# 10000 acked requests took %.3f s\n", dt);

	r = genl_subscribe(&g, genl_group(&g, "notify"));
	t_check(r == 0, "genl subscribe to nlctrl notify", "r=%d", r);
	genl_close(&g);
}
