// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>

#include <linux/genetlink.h>
#include <linux/voiceqos.h>

#include "kflow.h"
#include "log.h"

/* Events are small and rare; a burst of expiries still fits. */
#define EV_RCVBUF (4 << 20)

static uint8_t kind_to_media(enum vq_media_kind m)
{
	switch (m) {
	case VQ_KIND_AUDIO:
		return VOICEQOS_MEDIA_AUDIO;
	case VQ_KIND_VIDEO:
		return VOICEQOS_MEDIA_VIDEO;
	default:
		return VOICEQOS_MEDIA_OTHER;
	}
}

static enum vq_media_kind media_to_kind(uint8_t m)
{
	switch (m) {
	case VOICEQOS_MEDIA_VIDEO:
		return VQ_KIND_VIDEO;
	case VOICEQOS_MEDIA_OTHER:
		/* The only non-audio, non-video media we install is T.38. */
		return VQ_KIND_IMAGE;
	default:
		return VQ_KIND_AUDIO;
	}
}

void vq_kflow_to_kernel(const struct vq_flow_spec *s, uint32_t timeout,
			struct vq_flow *f)
{
	size_t alen = vq_addr_len(s->family);

	memset(f, 0, sizeof(*f));
	f->family = s->family;
	f->dst.family = f->src.family = s->family;
	memcpy(f->dst.addr, s->dst, alen);
	f->dst.port = s->dport;
	f->src.any_addr = s->src_any;
	if (!s->src_any)
		memcpy(f->src.addr, s->src, alen);
	f->src.port = s->sport;
	f->cookie = s->cookie;
	f->media = kind_to_media(s->media);
	f->flags = s->kind == VQ_FLOW_RTCP ? VOICEQOS_FLOW_F_RTCP : 0;
	f->dscp = s->dscp;
	f->rate = s->bw.wire_bps;
	VQ_SET(f, COOKIE);
	VQ_SET(f, MEDIA);
	VQ_SET(f, FLAGS);
	VQ_SET(f, DSCP);
	VQ_SET(f, RATE);
	if (s->priority) {
		f->priority = s->priority;
		VQ_SET(f, PRIORITY);
	}
	if (s->mark || s->mark_mask) {
		f->mark = s->mark;
		f->mark_mask = s->mark_mask ? s->mark_mask : UINT32_MAX;
		VQ_SET(f, MARK);
		VQ_SET(f, MARK_MASK);
	}
	/* 0 would mean "kernel default", which is sized for a faster stream. */
	if (s->bw.burst_bytes) {
		f->burst = s->bw.burst_bytes;
		VQ_SET(f, BURST);
	}
	if (s->kind == VQ_FLOW_RTP && s->bw.clock_rate) {
		f->clock_rate = s->bw.clock_rate;
		VQ_SET(f, CLOCK_RATE);
	}
	if (timeout) {
		f->timeout = timeout;
		VQ_SET(f, TIMEOUT);
	}
}

void vq_kflow_from_kernel(const struct vq_flow *f, struct vq_flow_spec *s)
{
	size_t alen = vq_addr_len(f->family);

	memset(s, 0, sizeof(*s));
	s->cookie = f->cookie;
	s->kind = (f->flags & VOICEQOS_FLOW_F_RTCP) ? VQ_FLOW_RTCP : VQ_FLOW_RTP;
	s->media = media_to_kind(VQ_HAS(f, MEDIA) ? f->media : VOICEQOS_MEDIA_AUDIO);
	s->family = f->family;
	memcpy(s->dst, f->dst.addr, alen);
	s->dport = f->dst.port;
	s->src_any = f->src.any_addr;
	if (!s->src_any)
		memcpy(s->src, f->src.addr, alen);
	s->sport = f->src.port;
	s->dscp = f->dscp;
	s->priority = f->priority;
	s->mark = f->mark;
	s->mark_mask = f->mark_mask;
	s->bw.wire_bps = f->rate;
	s->bw.burst_bytes = f->burst;
	s->bw.clock_rate = f->clock_rate;
}

bool vq_kflow_same_key(const struct vq_flow *k, const struct vq_flow_spec *s)
{
	size_t alen = vq_addr_len(s->family);

	if (k->family != s->family || k->dst.port != s->dport ||
	    memcmp(k->dst.addr, s->dst, alen) != 0 || k->src.port != s->sport ||
	    k->src.any_addr != s->src_any)
		return false;
	return s->src_any || memcmp(k->src.addr, s->src, alen) == 0;
}

static const char *spec_str(const struct vq_flow_spec *s, char *buf, size_t len)
{
	struct vq_endpoint ep = { .family = s->family, .port = s->dport };
	char e[VQ_EP_STRLEN];

	memcpy(ep.addr, s->dst, vq_addr_len(s->family));
	snprintf(buf, len, "%s %s cookie 0x%016" PRIx64,
		 s->kind == VQ_FLOW_RTCP ? "rtcp" : "rtp",
		 vq_format_endpoint(&ep, e, sizeof(e)), s->cookie);
	return buf;
}

/* ENOENT from a request to a family id: the module went away. */
static void check_gone(struct vq_kflow *k, int r)
{
	if (r == -ENOENT && k->up && genl_resolve(&k->req, VOICEQOS_GENL_NAME) == -ENOENT)
		vq_kflow_lost(k);
}

void vq_kflow_lost(struct vq_kflow *k)
{
	if (!k->up)
		return;
	k->up = false;
	k->st.family_lost++;
	vq_warn("kernel: the voiceqos module is gone; calls are still tracked and "
		"their flows will be installed again when it is back");
}

static int kf_add(void *ctx, const struct vq_call *c, const struct vq_flow_spec *s)
{
	struct vq_kflow *k = ctx;
	struct nlmsghdr *nlh;
	struct vq_flow f;
	char buf[128];
	int r;

	if (!k->up) {
		k->st.add_errors++;
		return -ENOENT;
	}
	vq_kflow_to_kernel(s, k->cfg->kernel.flow_timeout, &f);
	if (k->adjust)
		k->adjust(k->hook_ctx, c, &f);
	nlh = genl_req(&k->req, VOICEQOS_CMD_FLOW_NEW, 0);
	vq_flow_put(nlh, &f);
	r = genl_talk(&k->req, nlh, NULL, NULL);
	if (r < 0) {
		k->st.add_errors++;
		vq_err_log("kernel: FLOW_NEW %s: %s%s%s", spec_str(s, buf, sizeof(buf)),
			   strerror(-r), k->req.extack[0] ? ": " : "", k->req.extack);
		check_gone(k, r);
		return r;
	}
	k->st.adds++;
	if (vq_log_enabled(LOG_DEBUG)) {
		struct timespec ts;
		uint64_t now;

		/* The answer's kernel timestamp to here: what the bench reports. */
		clock_gettime(CLOCK_REALTIME, &ts);
		now = (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
		vq_debug("kernel: installed %s rate %" PRIu64 " bit/s (answer +%" PRId64 " us)",
			 spec_str(s, buf, sizeof(buf)), s->bw.wire_bps,
			 c->answered_ns ? (int64_t)(now - c->answered_ns) / 1000 : -1);
	}
	return 0;
}

struct owner_ctx {
	uint16_t family;
	bool found;
	uint64_t cookie;
};

static int owner_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[VOICEQOS_A_MAX + 1];
	struct owner_ctx *oc = data;
	struct vq_flow f;

	if (nlh->nlmsg_type != oc->family || genl_parse(nlh, tb, VOICEQOS_A_MAX) < 0 ||
	    !tb[VOICEQOS_A_FLOW] || vq_flow_parse(tb[VOICEQOS_A_FLOW], &f) < 0)
		return 0;
	oc->found = true;
	oc->cookie = VQ_HAS(&f, COOKIE) ? f.cookie : 0;
	return 0;
}

static int del_key(struct vq_kflow *k, const struct vq_flow_spec *s)
{
	struct owner_ctx oc = { .family = k->req.family };
	struct nlmsghdr *nlh;
	struct vq_flow f;
	char buf[128];
	int r;

	vq_kflow_to_kernel(s, 0, &f);
	f.present = 0;	/* the key only */
	/*
	 * FLOW_DEL by key does not look at the cookie. When a new call reuses
	 * the address and port (a UA that takes the same RTP port for its next
	 * call) its FLOW_NEW replaced our flow in place: that flow is no
	 * longer ours to remove.
	 */
	nlh = genl_req(&k->req, VOICEQOS_CMD_FLOW_GET, 0);
	vq_flow_put(nlh, &f);
	r = genl_talk(&k->req, nlh, owner_cb, &oc);
	if (r == -ENOENT || (r == 0 && !oc.found))
		return 0;
	if (r == 0 && oc.cookie != s->cookie) {
		k->st.del_skipped++;
		vq_debug("kernel: %s now belongs to cookie 0x%016" PRIx64 "; left in place",
			 spec_str(s, buf, sizeof(buf)), oc.cookie);
		return 0;
	}
	nlh = genl_req(&k->req, VOICEQOS_CMD_FLOW_DEL, 0);
	vq_flow_put(nlh, &f);
	r = genl_talk(&k->req, nlh, NULL, NULL);
	/* Gone already (idle expiry, an admin's flow del): what we wanted. */
	if (r == -ENOENT)
		r = 0;
	if (r < 0) {
		k->st.del_errors++;
		vq_err_log("kernel: FLOW_DEL %s: %s%s%s", spec_str(s, buf, sizeof(buf)),
			   strerror(-r), k->req.extack[0] ? ": " : "", k->req.extack);
		return r;
	}
	k->st.dels++;
	vq_debug("kernel: removed %s", spec_str(s, buf, sizeof(buf)));
	return 0;
}

static int kf_del(void *ctx, const struct vq_call *c, const struct vq_flow_spec *s)
{
	struct vq_kflow *k = ctx;

	(void)c;
	/* Without the module there is nothing to remove. */
	if (!k->up)
		return 0;
	return del_key(k, s);
}

static int kf_del_call(void *ctx, const struct vq_call *c)
{
	struct vq_kflow *k = ctx;
	struct nlmsghdr *nlh;
	int r;

	if (!k->up)
		return 0;
	nlh = genl_req(&k->req, VOICEQOS_CMD_FLOW_DEL, 0);
	mnl_attr_put_u64(nlh, VOICEQOS_A_COOKIE, c->cookie);
	r = genl_talk(&k->req, nlh, NULL, NULL);
	if (r == -ENOENT)
		r = 0;
	if (r < 0) {
		k->st.del_call_errors++;
		vq_err_log("kernel: FLOW_DEL cookie 0x%016" PRIx64 " (call %s): %s%s%s",
			   c->cookie, c->call_id, strerror(-r),
			   k->req.extack[0] ? ": " : "", k->req.extack);
		return r;
	}
	k->st.del_calls++;
	vq_debug("kernel: removed the flows of call %s", c->call_id);
	return 0;
}

static void kf_event(void *ctx, const struct vq_call *c, const char *what)
{
	(void)ctx;
	/* Adopted calls have no Call-ID, only the cookie hashed from it. */
	if (c->call_id[0])
		vq_info("call %s: %s (%s, %u flows)", c->call_id, what,
			vq_call_state_name(c->state), c->nflows);
	else
		vq_info("call cookie 0x%016" PRIx64 ": %s (%s, %u flows)", c->cookie,
			what, vq_call_state_name(c->state), c->nflows);
}

int vq_kflow_add(struct vq_kflow *k, const struct vq_call *c,
		 const struct vq_flow_spec *s)
{
	return kf_add(k, c, s);
}

int vq_kflow_del(struct vq_kflow *k, const struct vq_call *c,
		 const struct vq_flow_spec *s)
{
	return kf_del(k, c, s);
}

int vq_kflow_del_call(struct vq_kflow *k, const struct vq_call *c)
{
	return kf_del_call(k, c);
}

void vq_kflow_call_event(struct vq_kflow *k, const struct vq_call *c, const char *what)
{
	kf_event(k, c, what);
}

const struct vq_flow_ops vq_kflow_ops = {
	.add = kf_add,
	.del = kf_del,
	.del_call = kf_del_call,
	.call_event = kf_event,
};

int vq_kflow_apply_config(struct vq_kflow *k)
{
	const struct vq_config *cfg = k->cfg;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	int r;

	if (!k->up)
		return -ENOENT;
	nlh = genl_req(&k->req, VOICEQOS_CMD_CONFIG_SET, 0);
	nest = mnl_attr_nest_start(nlh, VOICEQOS_A_CONFIG);
	if (cfg->sip.nports)
		mnl_attr_put(nlh, VOICEQOS_CFG_A_SIP_PORTS,
			     cfg->sip.nports * sizeof(uint16_t), cfg->sip.ports);
	mnl_attr_put_u32(nlh, VOICEQOS_CFG_A_BE_PRIORITY, cfg->kernel.be_priority);
	mnl_attr_put_u8(nlh, VOICEQOS_CFG_A_FALLBACK_DSCP, cfg->kernel.fallback_dscp);
	mnl_attr_put_u8(nlh, VOICEQOS_CFG_A_SIP_DSCP, cfg->sip.dscp);
	/* 0 (no [link], or it was removed by a reload) leaves SIP untouched. */
	mnl_attr_put_u32(nlh, VOICEQOS_CFG_A_SIP_PRIORITY,
			 vq_config_shaping(cfg) ? VQ_CONF_CLASS_SIGNALLING : 0);
	/* 0 would switch mirroring off, and with it the daemon's input. */
	if (cfg->sip.mirror_rate)
		mnl_attr_put_u32(nlh, VOICEQOS_CFG_A_MIRROR_RATE, cfg->sip.mirror_rate);
	mnl_attr_nest_end(nlh, nest);
	r = genl_talk(&k->req, nlh, NULL, NULL);
	if (r < 0) {
		k->st.config_errors++;
		vq_err_log("kernel: CONFIG_SET: %s%s%s", strerror(-r),
			   k->req.extack[0] ? ": " : "", k->req.extack);
		check_gone(k, r);
		return r;
	}
	k->st.config_sets++;
	return 0;
}

struct dump_ctx {
	uint16_t family;
	struct vq_flow *v;
	size_t n, cap;
};

static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[VOICEQOS_A_MAX + 1];
	struct dump_ctx *dc = data;

	if (nlh->nlmsg_type != dc->family || genl_parse(nlh, tb, VOICEQOS_A_MAX) < 0 ||
	    !tb[VOICEQOS_A_FLOW])
		return 0;
	if (dc->n == dc->cap) {
		size_t cap = dc->cap ? 2 * dc->cap : 64;
		struct vq_flow *nv = realloc(dc->v, cap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		dc->v = nv;
		dc->cap = cap;
	}
	if (vq_flow_parse(tb[VOICEQOS_A_FLOW], &dc->v[dc->n]) == 0)
		dc->n++;
	return 0;
}

int vq_kflow_dump(struct vq_kflow *k, struct vq_flow **out, size_t *n)
{
	struct dump_ctx dc = { .family = k->req.family };
	int r;

	*out = NULL;
	*n = 0;
	if (!k->up)
		return -ENOENT;
	r = genl_dump(&k->req, genl_req(&k->req, VOICEQOS_CMD_FLOW_GET, 0),
		      dump_cb, &dc);
	if (r < 0) {
		free(dc.v);
		vq_err_log("kernel: FLOW_GET dump: %s", strerror(-r));
		check_gone(k, r);
		return r;
	}
	*out = dc.v;
	*n = dc.n;
	return 0;
}

int vq_kflow_adopt(struct vq_kflow *k, uint64_t now_ns)
{
	struct vq_flow *v;
	size_t n, i, ours = 0;
	int r = vq_kflow_dump(k, &v, &n);

	if (r < 0)
		return r;
	k->st.foreign_flows = 0;
	for (i = 0; i < n; i++) {
		struct vq_flow_spec s;

		if (!VQ_HAS(&v[i], COOKIE) || !VQ_COOKIE_IS_OURS(v[i].cookie)) {
			k->st.foreign_flows++;
			continue;
		}
		vq_kflow_from_kernel(&v[i], &s);
		vq_dialogs_adopt(k->d, &s, now_ns);
		ours++;
	}
	k->st.adopted_flows += ours;
	vq_info("kernel: %zu flows installed, %zu of them ours (adopted), %" PRIu64
		" foreign (left alone)", n, ours, k->st.foreign_flows);
	free(v);
	return 0;
}

static bool call_wants(const struct vq_call *c, const struct vq_flow *kf)
{
	unsigned int i;

	if (!c || c->state == VQ_CALL_ENDED)
		return false;
	for (i = 0; i < c->nflows; i++)
		if (vq_kflow_same_key(kf, &c->flows[i]))
			return true;
	return false;
}

int vq_kflow_resync(struct vq_kflow *k, uint64_t now_ns)
{
	const struct vq_call *c;
	struct vq_flow *v;
	size_t n, i;
	uint64_t added = 0, removed = 0;
	int r = vq_kflow_dump(k, &v, &n);

	(void)now_ns;
	if (r < 0)
		return r;
	k->st.resyncs++;
	for (i = 0; i < n; i++) {
		struct vq_flow_spec s;

		if (!VQ_HAS(&v[i], COOKIE) || !VQ_COOKIE_IS_OURS(v[i].cookie))
			continue;
		if (call_wants(vq_dialogs_find(k->d, v[i].cookie), &v[i]))
			continue;
		vq_kflow_from_kernel(&v[i], &s);
		if (del_key(k, &s) == 0)
			removed++;
	}
	for (c = vq_dialogs_first(k->d); c; c = vq_dialogs_next(k->d, c)) {
		unsigned int j;

		if (c->state == VQ_CALL_ENDED)
			continue;
		for (j = 0; j < c->nflows; j++) {
			bool have = false;

			for (i = 0; i < n && !have; i++)
				have = VQ_HAS(&v[i], COOKIE) && v[i].cookie == c->cookie &&
				       vq_kflow_same_key(&v[i], &c->flows[j]);
			if (!have && kf_add(k, c, &c->flows[j]) == 0)
				added++;
		}
	}
	free(v);
	k->st.resync_added += added;
	k->st.resync_removed += removed;
	vq_info("kernel: resync: %" PRIu64 " flows installed again, %" PRIu64
		" stale ones removed", added, removed);
	return 0;
}

static int open_sock(struct genl *g, bool *open)
{
	int r = genl_open(g);

	if (r < 0)
		return r;
	*open = true;
	return 0;
}

/* Joins nlctrl's notify group: it announces families coming and going. */
static void join_ctrl(struct vq_kflow *k)
{
	struct genl tmp;

	if (genl_open(&tmp) < 0)
		return;
	if (genl_resolve(&tmp, "nlctrl") == 0)
		k->ctrl_group = genl_group(&tmp, "notify");
	genl_close(&tmp);
	if (k->ctrl_group && genl_subscribe(&k->ev, k->ctrl_group) < 0)
		k->ctrl_group = 0;
	if (!k->ctrl_group)
		vq_warn("kernel: no nlctrl notifications; module reloads are found by polling");
}

/* Resolve the family on both sockets and join "events". */
static int attach(struct vq_kflow *k)
{
	uint32_t grp;
	int r;

	r = genl_resolve(&k->req, VOICEQOS_GENL_NAME);
	if (r < 0)
		return r;
	r = genl_resolve(&k->ev, VOICEQOS_GENL_NAME);
	if (r < 0)
		return r;
	grp = genl_group(&k->ev, VOICEQOS_MCGRP_EVENTS);
	if (!grp)
		return -ENOENT;
	r = genl_subscribe(&k->ev, grp);
	if (r < 0)
		return r;
	k->family_id = k->req.family;
	k->up = true;
	return 0;
}

int vq_kflow_open(struct vq_kflow *k, const struct vq_config *cfg)
{
	int sz = EV_RCVBUF, r;

	memset(k, 0, sizeof(*k));
	k->cfg = cfg;
	r = open_sock(&k->req, &k->req_open);
	if (r == 0)
		r = open_sock(&k->ev, &k->ev_open);
	if (r < 0) {
		vq_kflow_close(k);
		return r;
	}
	if (setsockopt(genl_fd(&k->ev), SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
		setsockopt(genl_fd(&k->ev), SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	fcntl(genl_fd(&k->ev), F_SETFL, fcntl(genl_fd(&k->ev), F_GETFL) | O_NONBLOCK);
	join_ctrl(k);
	r = attach(k);
	if (r < 0 && r != -ENOENT) {
		vq_kflow_close(k);
		return r;
	}
	if (r == -ENOENT)
		vq_warn("kernel: the voiceqos module is not loaded; waiting for it");
	return 0;
}

void vq_kflow_close(struct vq_kflow *k)
{
	if (k->req_open)
		genl_close(&k->req);
	if (k->ev_open)
		genl_close(&k->ev);
	k->req_open = k->ev_open = false;
	k->up = false;
}

void vq_kflow_set_config(struct vq_kflow *k, const struct vq_config *cfg)
{
	k->cfg = cfg;
}

int vq_kflow_events_fd(const struct vq_kflow *k)
{
	return genl_fd(&k->ev);
}

/* The family is back (or was reloaded under us): configure and refill. */
static int reattach(struct vq_kflow *k, uint64_t now_ns)
{
	bool was_up = k->up;

	k->up = false;
	if (attach(k) < 0)
		return was_up ? VQ_KF_GONE : 0;
	k->st.family_back++;
	vq_info("kernel: the voiceqos module is there (family %u); configuring it and "
		"installing the live calls' flows", k->family_id);
	vq_kflow_apply_config(k);
	vq_kflow_resync(k, now_ns);
	return VQ_KF_BACK | VQ_KF_RESYNCED;
}

struct ev_ctx {
	struct vq_kflow *k;
	uint64_t now_ns;
	int what;
};

static void ctrl_event(struct ev_ctx *ec, const struct nlmsghdr *nlh, uint8_t cmd)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];

	if ((cmd != CTRL_CMD_NEWFAMILY && cmd != CTRL_CMD_DELFAMILY) ||
	    genl_parse(nlh, tb, CTRL_ATTR_MAX) < 0 || !tb[CTRL_ATTR_FAMILY_NAME] ||
	    mnl_attr_validate(tb[CTRL_ATTR_FAMILY_NAME], MNL_TYPE_NUL_STRING) < 0 ||
	    strcmp(mnl_attr_get_str(tb[CTRL_ATTR_FAMILY_NAME]), VOICEQOS_GENL_NAME) != 0)
		return;
	if (cmd == CTRL_CMD_DELFAMILY) {
		vq_kflow_lost(ec->k);
		ec->what |= VQ_KF_GONE;
	} else {
		ec->what |= reattach(ec->k, ec->now_ns);
	}
}

static int ev_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[VOICEQOS_A_MAX + 1];
	const struct genlmsghdr *gh = genl_hdr(nlh);
	struct ev_ctx *ec = data;
	struct vq_kflow *k = ec->k;
	struct vq_flow_spec s;
	struct vq_flow f;

	if (!gh)
		return 0;
	if (nlh->nlmsg_type == GENL_ID_CTRL) {
		ctrl_event(ec, nlh, gh->cmd);
		return 0;
	}
	if (!k->up || nlh->nlmsg_type != k->family_id ||
	    gh->cmd != VOICEQOS_CMD_FLOW_EXPIRED ||
	    genl_parse(nlh, tb, VOICEQOS_A_MAX) < 0 || !tb[VOICEQOS_A_FLOW] ||
	    vq_flow_parse(tb[VOICEQOS_A_FLOW], &f) < 0)
		return 0;
	if (!VQ_HAS(&f, COOKIE) || !VQ_COOKIE_IS_OURS(f.cookie))
		return 0;
	k->st.expired++;
	vq_kflow_from_kernel(&f, &s);
	vq_dialogs_flow_gone(k->d, &s, ec->now_ns);
	if (k->expired)
		k->expired(k->hook_ctx, &s);
	return 0;
}

/* After lost events: a family notice may be among them, so look again. */
static int events_resync(struct vq_kflow *k, uint64_t now_ns)
{
	k->ev_resync_due = false;
	if (genl_resolve(&k->req, VOICEQOS_GENL_NAME) < 0 ||
	    k->req.family != k->family_id || !k->up) {
		vq_kflow_lost(k);
		return reattach(k, now_ns);
	}
	return vq_kflow_resync(k, now_ns) == 0 ? VQ_KF_RESYNCED : 0;
}

int vq_kflow_events(struct vq_kflow *k, uint64_t now_ns)
{
	struct ev_ctx ec = { k, now_ns, 0 };
	int r, n;

	/* Bounded, so that a flood of events cannot starve SIP input. */
	for (n = 0; n < 64; n++) {
		r = genl_recv(&k->ev, ev_cb, &ec);
		if (r == -EAGAIN || r == -EWOULDBLOCK) {
			/*
			 * The kernel reports the loss before the events still
			 * queued, which came before it: resync once they are
			 * read, against dialogs that have seen them.
			 */
			if (k->ev_resync_due)
				ec.what |= events_resync(k, now_ns);
			break;
		}
		if (r == -ENOBUFS) {
			k->st.overruns++;
			vq_warn("kernel: events socket overrun (%" PRIu64 " so far); resyncing "
				"once the queue is read", k->st.overruns);
			k->ev_resync_due = true;
			continue;
		}
		if (r < 0 && r != -EINTR) {
			vq_err_log("kernel: events socket: %s", strerror(-r));
			return r;
		}
	}
	return ec.what;
}

int vq_kflow_check(struct vq_kflow *k, uint64_t now_ns)
{
	int r;

	/* A flood of events that never drained still gets its resync. */
	if (k->ev_resync_due)
		return events_resync(k, now_ns);
	if (k->up) {
		/*
		 * Without nlctrl notifications a reload shows only as a new
		 * family id (or ENOENT); with them this is a cheap safety net.
		 */
		r = genl_resolve(&k->req, VOICEQOS_GENL_NAME);
		if (r == 0 && k->req.family == k->family_id)
			return 0;
		if (r < 0 && r != -ENOENT)
			return 0;
		vq_kflow_lost(k);
		if (r == -ENOENT)
			return VQ_KF_GONE;
	}
	return reattach(k, now_ns);
}
