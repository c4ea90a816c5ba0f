// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "genl.h"

/*
 * The kernel sizes dump skbs after our recvmsg buffer (capped at 32 KiB)
 * and a SIP copy is up to VOICEQOS_SIP_MAX_PAYLOAD plus headers; a smaller
 * buffer would make recvmsg truncate.
 */
#define RBUF_LEN (256 * 1024)
#define SBUF_LEN 8192

int genl_open(struct genl *g)
{
	int one = 1;

	memset(g, 0, sizeof(*g));
	g->nl = mnl_socket_open(NETLINK_GENERIC);
	if (!g->nl)
		return -errno;
	if (mnl_socket_bind(g->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int err = -errno;

		mnl_socket_close(g->nl);
		g->nl = NULL;
		return err;
	}
	/*
	 * Extack is what turns EINVAL into a sentence; CAP_ACK keeps the
	 * kernel from echoing our whole request back in every error. Both
	 * are optional (old kernels), so failures are ignored.
	 */
	mnl_socket_setsockopt(g->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(g->nl, NETLINK_CAP_ACK, &one, sizeof(one));
	g->portid = mnl_socket_get_portid(g->nl);
	g->seq = time(NULL);
	g->rbuf_len = RBUF_LEN;
	g->sbuf_len = SBUF_LEN;
	g->rbuf = malloc(g->rbuf_len);
	g->sbuf = calloc(1, g->sbuf_len);
	if (!g->rbuf || !g->sbuf) {
		genl_close(g);
		return -ENOMEM;
	}
	return 0;
}

void genl_close(struct genl *g)
{
	if (g->nl)
		mnl_socket_close(g->nl);
	free(g->rbuf);
	free(g->sbuf);
	memset(g, 0, sizeof(*g));
}

int genl_fd(const struct genl *g)
{
	return mnl_socket_get_fd(g->nl);
}

static struct nlmsghdr *req_start(struct genl *g, uint16_t type, uint8_t cmd,
				  uint8_t version, uint16_t flags)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *gh;

	memset(g->sbuf, 0, MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*gh)));
	nlh = mnl_nlmsg_put_header(g->sbuf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	gh = mnl_nlmsg_put_extra_header(nlh, sizeof(*gh));
	gh->cmd = cmd;
	gh->version = version;
	return nlh;
}

struct nlmsghdr *genl_req(struct genl *g, uint8_t cmd, uint16_t flags)
{
	return req_start(g, g->family, cmd, g->version, flags);
}

const struct genlmsghdr *genl_hdr(const struct nlmsghdr *nlh)
{
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct genlmsghdr))
		return NULL;
	return mnl_nlmsg_get_payload(nlh);
}

struct tb_ctx {
	const struct nlattr **tb;
	int max;
};

static int tb_cb(const struct nlattr *attr, void *data)
{
	struct tb_ctx *c = data;
	int type = mnl_attr_get_type(attr);

	/* Unknown (newer) attributes are skipped, not an error. */
	if (type <= c->max)
		c->tb[type] = attr;
	return MNL_CB_OK;
}

int genl_parse(const struct nlmsghdr *nlh, const struct nlattr **tb, int max)
{
	struct tb_ctx c = { tb, max };

	memset(tb, 0, sizeof(*tb) * (max + 1));
	if (!genl_hdr(nlh))
		return -EBADMSG;
	if (mnl_attr_parse(nlh, sizeof(struct genlmsghdr), tb_cb, &c) < 0)
		return -EBADMSG;
	return 0;
}

int genl_parse_nested(const struct nlattr *nest, const struct nlattr **tb,
		      int max)
{
	struct tb_ctx c = { tb, max };

	memset(tb, 0, sizeof(*tb) * (max + 1));
	if (mnl_attr_get_len(nest) < MNL_ATTR_HDRLEN ||
	    mnl_attr_validate(nest, MNL_TYPE_NESTED) < 0)
		return -EBADMSG;
	if (mnl_attr_parse_nested(nest, tb_cb, &c) < 0)
		return -EBADMSG;
	return 0;
}

static void parse_extack(struct genl *g, const struct nlmsghdr *nlh,
			 size_t off)
{
	const struct nlattr *attr;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	mnl_attr_for_each(attr, nlh, off) {
		if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0) {
			snprintf(g->extack, sizeof(g->extack), "%s",
				 mnl_attr_get_str(attr));
			/* The kernel's sentences may end in a newline. */
			g->extack[strcspn(g->extack, "\n")] = '\0';
		}
	}
}

/* 0 for an ack, -errno for an error. */
static int handle_error(struct genl *g, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	size_t off = sizeof(*e);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e))
		return -EBADMSG;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) &&
	    e->msg.nlmsg_len >= sizeof(struct nlmsghdr))
		off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
	if (e->error)
		parse_extack(g, nlh, off);
	return e->error > 0 ? -e->error : e->error;
}

static int handle_done(struct genl *g, const struct nlmsghdr *nlh)
{
	int err = 0;

	/* A failed dump reports its error in DONE's payload. */
	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int))
		memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(int));
	if (err)
		parse_extack(g, nlh, sizeof(int));
	return err > 0 ? -err : err;
}

/*
 * Process one datagram of replies to seq. Returns 1 to keep reading, 0 when
 * the ack or DONE arrived, -errno on a kernel error. A callback's failure
 * is remembered in *cberr but reading goes on to the ack, so that the next
 * request on this socket (batch) does not read our leftovers.
 */
static int run(struct genl *g, int len, uint32_t seq, genl_cb cb, void *data,
	       bool *intr, int *cberr)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)g->rbuf;
	int r;

	for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
		/* Stale replies of an earlier, abandoned request. */
		if (nlh->nlmsg_seq != seq || nlh->nlmsg_pid != g->portid)
			continue;
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			*intr = true;
		switch (nlh->nlmsg_type) {
		case NLMSG_NOOP:
			break;
		case NLMSG_ERROR:
			return handle_error(g, nlh);
		case NLMSG_DONE:
			return handle_done(g, nlh);
		case NLMSG_OVERRUN:
			return -ENOBUFS;
		default:
			if (!cb)
				break;
			r = cb(nlh, data);
			if (r < 0 && !*cberr)
				*cberr = r;
		}
	}
	return 1;
}

static int exchange(struct genl *g, struct nlmsghdr *req, genl_cb cb,
		    void *data, bool *intr)
{
	int cberr = 0, r = 1;
	ssize_t n;

	req->nlmsg_seq = ++g->seq;
	g->extack[0] = '\0';
	*intr = false;
	if (mnl_socket_sendto(g->nl, req, req->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(g->nl, g->rbuf, g->rbuf_len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		r = run(g, n, req->nlmsg_seq, cb, data, intr, &cberr);
	} while (r > 0);
	return r < 0 ? r : cberr;
}

int genl_talk(struct genl *g, struct nlmsghdr *req, genl_cb cb, void *data)
{
	bool intr;

	req->nlmsg_flags |= NLM_F_ACK;
	return exchange(g, req, cb, data, &intr);
}

struct collect {
	char *buf;
	size_t len, cap;
};

static int collect_cb(const struct nlmsghdr *nlh, void *data)
{
	struct collect *c = data;
	size_t need = MNL_ALIGN(nlh->nlmsg_len);

	if (c->cap - c->len < need) {
		size_t cap = c->cap ? c->cap : 65536;
		char *nb;

		while (cap - c->len < need)
			cap *= 2;
		nb = realloc(c->buf, cap);
		if (!nb)
			return -ENOMEM;
		c->buf = nb;
		c->cap = cap;
	}
	memset(c->buf + c->len, 0, need);
	memcpy(c->buf + c->len, nlh, nlh->nlmsg_len);
	c->len += need;
	return 0;
}

int genl_dump(struct genl *g, struct nlmsghdr *req, genl_cb cb, void *data)
{
	struct collect c = { 0 };
	int attempt, r = 0;
	bool intr = false;

	req->nlmsg_flags |= NLM_F_DUMP;
	req->nlmsg_flags &= ~NLM_F_ACK;
	for (attempt = 0; attempt <= GENL_DUMP_RETRIES; attempt++) {
		c.len = 0;
		r = exchange(g, req, collect_cb, &c, &intr);
		if (r < 0 || !intr)
			break;
	}
	if (r == 0 && intr)
		r = -EAGAIN;
	if (r == 0) {
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)c.buf;
		int len = c.len;

		for (; c.buf && mnl_nlmsg_ok(nlh, len);
		     nlh = mnl_nlmsg_next(nlh, &len)) {
			int e = cb(nlh, data);

			if (e < 0 && !r)
				r = e;
		}
	}
	free(c.buf);
	return r;
}

struct resolve_ctx {
	struct genl *g;
	bool found;
};

static void parse_groups(struct genl *g, const struct nlattr *nest)
{
	const struct nlattr *grp;

	mnl_attr_for_each_nested(grp, nest) {
		const struct nlattr *tb[CTRL_ATTR_MCAST_GRP_MAX + 1];

		if (g->ngroups >= GENL_MAX_GROUPS)
			break;
		if (genl_parse_nested(grp, tb, CTRL_ATTR_MCAST_GRP_MAX) < 0 ||
		    !tb[CTRL_ATTR_MCAST_GRP_NAME] || !tb[CTRL_ATTR_MCAST_GRP_ID] ||
		    mnl_attr_validate(tb[CTRL_ATTR_MCAST_GRP_NAME], MNL_TYPE_NUL_STRING) < 0 ||
		    mnl_attr_validate(tb[CTRL_ATTR_MCAST_GRP_ID], MNL_TYPE_U32) < 0)
			continue;
		snprintf(g->groups[g->ngroups].name,
			 sizeof(g->groups[g->ngroups].name), "%s",
			 mnl_attr_get_str(tb[CTRL_ATTR_MCAST_GRP_NAME]));
		g->groups[g->ngroups].id = mnl_attr_get_u32(tb[CTRL_ATTR_MCAST_GRP_ID]);
		g->ngroups++;
	}
}

static int resolve_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct resolve_ctx *rc = data;
	struct genl *g = rc->g;

	if (genl_parse(nlh, tb, CTRL_ATTR_MAX) < 0 || !tb[CTRL_ATTR_FAMILY_ID] ||
	    mnl_attr_validate(tb[CTRL_ATTR_FAMILY_ID], MNL_TYPE_U16) < 0)
		return -EBADMSG;
	g->family = mnl_attr_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	if (tb[CTRL_ATTR_VERSION] &&
	    mnl_attr_validate(tb[CTRL_ATTR_VERSION], MNL_TYPE_U32) == 0)
		g->version = mnl_attr_get_u32(tb[CTRL_ATTR_VERSION]);
	g->ngroups = 0;
	if (tb[CTRL_ATTR_MCAST_GROUPS] &&
	    mnl_attr_validate(tb[CTRL_ATTR_MCAST_GROUPS], MNL_TYPE_NESTED) == 0)
		parse_groups(g, tb[CTRL_ATTR_MCAST_GROUPS]);
	rc->found = true;
	return 0;
}

int genl_resolve(struct genl *g, const char *name)
{
	struct resolve_ctx rc = { g, false };
	struct nlmsghdr *nlh;
	int r;

	nlh = req_start(g, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	r = genl_talk(g, nlh, resolve_cb, &rc);
	if (r < 0)
		return r;
	return rc.found ? 0 : -ENOENT;
}

uint32_t genl_group(const struct genl *g, const char *name)
{
	unsigned int i;

	for (i = 0; i < g->ngroups; i++)
		if (strcmp(g->groups[i].name, name) == 0)
			return g->groups[i].id;
	return 0;
}

int genl_subscribe(struct genl *g, uint32_t group)
{
	if (mnl_socket_setsockopt(g->nl, NETLINK_ADD_MEMBERSHIP, &group,
				  sizeof(group)) < 0)
		return -errno;
	return 0;
}

int genl_recv(struct genl *g, genl_cb cb, void *data)
{
	const struct nlmsghdr *nlh;
	ssize_t n;
	int len, r;

	n = mnl_socket_recvfrom(g->nl, g->rbuf, g->rbuf_len);
	if (n < 0)
		return -errno;
	len = n;
	for (nlh = (const struct nlmsghdr *)g->rbuf; mnl_nlmsg_ok(nlh, len);
	     nlh = mnl_nlmsg_next(nlh, &len)) {
		if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
			continue;
		r = cb(nlh, data);
		if (r)
			return r;
	}
	return 0;
}
