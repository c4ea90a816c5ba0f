// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon's shaping and admission: the dialog layer's flow operations
 * pass through here. With [link], a call's flow additions are held until
 * the message that caused them has been handled (vq_daemon_adm_commit), so
 * that the call is decided on all it needs at once (all or nothing); then:
 *
 *   1. the voice class of each link grows to the new sum of reservations,
 *   2. the flows are installed (admitted: voice classid, DSCP, policed at
 *      their reservation; over budget: best-effort classid, DSCP untouched,
 *      not policed),
 *   3. the voice class shrinks to the new sum.
 *
 * so that a class is never smaller than what marks into it. Removals go to
 * the kernel at once, and the class shrinks after them. Without [link]
 * everything goes to kflow at once, as before.
 */
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>

#include <linux/voiceqos.h>

#include "daemon.h"
#include "log.h"
#include "route.h"
#include "shaper.h"

_Static_assert(VQ_CONF_CLASS_VOICE == VQ_CLASS_VOICE, "config and shaper classids");
_Static_assert(VQ_CONF_CLASS_SIGNALLING == VQ_CLASS_SIGNALLING, "config and shaper classids");
_Static_assert(VQ_CONF_CLASS_BEST_EFFORT == VQ_CLASS_BEST_EFFORT, "config and shaper classids");

static bool shaping(const struct vq_daemon *dm)
{
	return vq_config_shaping(dm->cfg);
}

static void local_now(struct tm *tm)
{
	time_t t = time(NULL);

	localtime_r(&t, tm);
}

static const char *call_name(const struct vq_call *c, char *buf, size_t len)
{
	if (c && c->call_id[0])
		return c->call_id;
	snprintf(buf, len, "cookie 0x%016" PRIx64, c ? c->cookie : 0);
	return buf;
}

/* ---- events ---- */

struct event {
	const char *name;
	const struct vq_call *call;	/* NULL: not about a call */
	uint64_t cookie;
	const char *admission;		/* the call's state now */
	const char *was;		/* call_released: the state it had */
	bool has_bps;
	uint64_t bps[VQ_NDIRS];		/* needs / freed per direction */
	const char *dst;		/* flow_expired */
	bool budget;			/* budget_changed */
	const struct vq_dq_stream *qs;	/* call_degraded / call_recovered */
};

/* kbit/s with one decimal, for the human line. */
static void kb(FILE *f, uint64_t bps)
{
	uint64_t t = (bps + 50) / 100;

	fprintf(f, "%" PRIu64 ".%" PRIu64 "k", t / 10, t % 10);
}

static void emit(struct vq_daemon *dm, const struct event *e)
{
	char *js = NULL, *tx = NULL, cookie[24], name[40];
	size_t jl = 0, tl = 0;
	FILE *jf, *tf;
	struct json j;
	struct timespec ts;
	struct tm tm;
	time_t sec;
	int d;

	if (!vq_ctl_monitors(&dm->ctl))
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	sec = ts.tv_sec;
	localtime_r(&sec, &tm);
	jf = open_memstream(&js, &jl);
	tf = open_memstream(&tx, &tl);
	if (!jf || !tf) {
		if (jf)
			fclose(jf);
		if (tf)
			fclose(tf);
		free(js);
		free(tx);
		return;
	}
	snprintf(cookie, sizeof(cookie), "0x%016" PRIx64, e->cookie);
	json_init(&j, jf);
	json_obj_begin(&j);
	/* json.h writes no floats: the epoch with microseconds by hand. */
	json_key(&j, "time");
	j.after_key = false;
	fprintf(jf, "%lld.%06ld", (long long)ts.tv_sec, ts.tv_nsec / 1000);
	json_kv_str(&j, "event", e->name);
	fprintf(tf, "%02d:%02d:%02d.%03ld  %-17s", tm.tm_hour, tm.tm_min, tm.tm_sec,
		ts.tv_nsec / 1000000, e->name);
	if (e->call || e->cookie) {
		json_kv_str(&j, "call_id", e->call && e->call->call_id[0] ?
			    e->call->call_id : NULL);
		json_kv_str(&j, "cookie", cookie);
		fprintf(tf, " %-30s", e->call ? call_name(e->call, name, sizeof(name)) :
			cookie);
	}
	if (e->admission) {
		json_kv_str(&j, "admission", e->admission);
		fprintf(tf, " %-11s", e->admission);
	}
	if (e->was) {
		json_kv_str(&j, "was", e->was);
		fprintf(tf, " was %-11s", e->was);
	}
	if (e->has_bps) {
		for (d = 0; d < VQ_NDIRS; d++) {
			char k[16];

			snprintf(k, sizeof(k), "%s_bps", vq_dir_name(d));
			json_kv_u64(&j, k, e->bps[d]);
			fprintf(tf, " %s ", vq_dir_name(d));
			kb(tf, e->bps[d]);
		}
	}
	if (e->dst) {
		json_kv_str(&j, "dst", e->dst);
		fprintf(tf, " %s", e->dst);
	}
	if (e->qs) {
		const struct vq_stream_quality *q = &e->qs->q;

		json_kv_str(&j, "to", e->qs->to);
		json_key(&j, "mos");
		json_fixed(&j, q->mos, 2);
		json_key(&j, "loss_pct");
		json_fixed(&j, q->loss_pct, 2);
		json_key(&j, "jitter_ms");
		json_fixed(&j, q->jitter_ms, 1);
		json_key(&j, "delay_ms");
		json_fixed(&j, q->delay_ms, 1);
		fprintf(tf, " to %s MOS %.2f loss %.1f%% jitter %.1fms delay %.0fms",
			e->qs->to, q->mos, q->loss_pct, q->jitter_ms, q->delay_ms);
	}
	if (e->budget) {
		const struct vq_profile *p = dm->adm.profile >= 0 ?
			&dm->cfg->voice.profiles[dm->adm.profile] : NULL;
		char pn[64];

		json_kv_str(&j, "profile", p ? vq_profile_str(p, pn, sizeof(pn)) : NULL);
		fprintf(tf, " profile %s", p ? vq_profile_str(p, pn, sizeof(pn)) : "-");
		for (d = 0; d < VQ_NDIRS; d++) {
			char k[24];

			if (!dm->adm.link[d].on)
				continue;
			snprintf(k, sizeof(k), "%s_budget_bps", vq_dir_name(d));
			json_kv_u64(&j, k, dm->adm.link[d].budget);
			fprintf(tf, " %s budget ", vq_dir_name(d));
			kb(tf, dm->adm.link[d].budget);
		}
	}
	json_obj_end(&j);
	fputc('\n', jf);
	fputc('\n', tf);
	if (fclose(jf) == 0 && fclose(tf) == 0)
		vq_ctl_broadcast(&dm->ctl, js, jl, tx, tl);
	else
		vq_err_log("monitor: out of memory");
	free(js);
	free(tx);
}

void vq_daemon_quality_event(struct vq_daemon *dm, const char *name,
			     const struct vq_call *c, const struct vq_dq_stream *s)
{
	struct event e = { .name = name, .call = c, .cookie = c->cookie, .qs = s };

	emit(dm, &e);
}

static void call_event(struct vq_daemon *dm, const char *name, const struct vq_call *c,
		       const struct vq_adm_call *a)
{
	struct event e = { .name = name, .call = c, .cookie = c->cookie, .has_bps = true };

	e.admission = vq_adm_state_name(a->state);
	memcpy(e.bps, a->need, sizeof(e.bps));
	emit(dm, &e);
}

/* ---- the shaper ---- */

static void set_voice(struct vq_daemon *dm, int d, uint64_t bps)
{
	char err[256];
	int r;

	if (!dm->shaper || !dm->link[d].ifname[0] || dm->link[d].voice_bps == bps)
		return;
	r = vq_shaper_set_voice(dm->shaper, dm->link[d].ifname, bps, err, sizeof(err));
	if (r < 0) {
		dm->adm_st.shaper_errors++;
		vq_err_log("shaper: %s", err);
		return;
	}
	vq_debug("shaper: %s voice class %" PRIu64 " bit/s", dm->link[d].ifname, bps);
	dm->link[d].voice_bps = bps;
}

static void grow(struct vq_daemon *dm)
{
	for (int d = 0; d < VQ_NDIRS; d++)
		if (dm->adm.link[d].reserved > dm->link[d].voice_bps)
			set_voice(dm, d, dm->adm.link[d].reserved);
}

static void shrink(struct vq_daemon *dm)
{
	for (int d = 0; d < VQ_NDIRS; d++)
		if (dm->adm.link[d].reserved < dm->link[d].voice_bps)
			set_voice(dm, d, dm->adm.link[d].reserved);
}

static void link_of(const struct vq_config *cfg, int d, struct vq_shaper_link *l)
{
	memset(l, 0, sizeof(*l));
	snprintf(l->ifname, sizeof(l->ifname), "%s",
		 d == VQ_DIR_UP ? cfg->link.uplink : cfg->link.downlink);
	l->rate_bps = d == VQ_DIR_UP ? cfg->link.uplink_rate : cfg->link.downlink_rate;
	l->overhead = cfg->link.overhead;
	l->signalling_bps = cfg->link.signalling_rate;
}

static void remove_tree(struct vq_daemon *dm, int d)
{
	char err[256];

	if (!dm->link[d].ifname[0])
		return;
	if (dm->shaper && vq_shaper_remove(dm->shaper, dm->link[d].ifname, err,
					   sizeof(err)) < 0) {
		dm->adm_st.shaper_errors++;
		vq_err_log("shaper: %s", err);
	} else {
		vq_info("shaper: removed the tree on %s", dm->link[d].ifname);
	}
	memset(&dm->link[d], 0, sizeof(dm->link[d]));
}

/*
 * The voice class is sized to the reservations, which count IP + [media] link
 * bytes per packet; HTB charges IP + the header it sees + [link] overhead. If
 * HTB charges more, the class is short of what the admitted calls send and
 * the excess borrows, behind best effort: said once per setup, because the
 * usual cause is cake's habit of "overhead 18" on Ethernet, where HTB
 * already counts the 14-byte header.
 */
static void warn_overhead(struct vq_daemon *dm, const struct vq_shaper_link *l)
{
	unsigned int reserved = dm->cfg->media.bw.l2_overhead;
	char err[256];
	int hh = vq_shaper_header_len(dm->shaper, l->ifname, err, sizeof(err));

	if (hh < 0) {
		vq_err_log("shaper: %s", err);
		return;
	}
	if ((unsigned int)hh + l->overhead <= reserved)
		return;
	vq_warn("shaper: %s: HTB charges each packet %u bytes beyond IP (header %d +"
		" [link] overhead %u) but the calls reserve %u ([media] link): the voice"
		" class is short of what they send; [link] overhead should be at most %u",
		l->ifname, hh + l->overhead, hh, l->overhead, reserved,
		reserved > (unsigned int)hh ? reserved - hh : 0);
}

/* The tree on link d as cfg says, its voice class at what is reserved now. */
static void setup_tree(struct vq_daemon *dm, int d)
{
	struct vq_shaper_link l;
	char err[256];

	link_of(dm->cfg, d, &l);
	if (!l.ifname[0])
		return;
	l.voice_bps = dm->adm.link[d].reserved;
	if (!dm->shaper) {
		dm->shaper = vq_shaper_open(err, sizeof(err));
		if (!dm->shaper) {
			dm->adm_st.shaper_errors++;
			vq_err_log("shaper: %s", err);
			return;
		}
	}
	if (vq_shaper_setup(dm->shaper, &l, err, sizeof(err)) < 0) {
		dm->adm_st.shaper_errors++;
		vq_err_log("shaper: %s; %s is not shaped", err, l.ifname);
		return;
	}
	snprintf(dm->link[d].ifname, sizeof(dm->link[d].ifname), "%s", l.ifname);
	dm->link[d].ifindex = if_nametoindex(l.ifname);
	dm->link[d].voice_bps = l.voice_bps;
	vq_info("shaper: %s (%s) shaped at %" PRIu64 " bit/s, voice %" PRIu64
		" bit/s, signalling %" PRIu64 " bit/s", l.ifname,
		d == VQ_DIR_UP ? "uplink" : "downlink", l.rate_bps, l.voice_bps,
		l.signalling_bps);
	warn_overhead(dm, &l);
}

/* ---- directions and needs ---- */

/* The link a flow's packets leave by, or -1 (no budget applies). */
static int flow_dir(struct vq_daemon *dm, const struct vq_flow_spec *s)
{
	int oif, d;

	if (!dm->route) {
		dm->route = vq_route_open();
		if (!dm->route) {
			dm->adm_st.route_errors++;
			vq_err_log("route: netlink socket: %s", strerror(errno));
			return -1;
		}
	}
	oif = vq_route_oif(dm->route, s->family, s->dst);
	if (oif < 0) {
		dm->adm_st.route_errors++;
		return -1;
	}
	for (d = 0; d < VQ_NDIRS; d++) {
		const char *ifn = d == VQ_DIR_UP ? dm->cfg->link.uplink : dm->cfg->link.downlink;

		if (!ifn[0])
			continue;
		/* An interface created after the start has an index only now. */
		if (!dm->link[d].ifindex)
			dm->link[d].ifindex = if_nametoindex(ifn);
		if ((unsigned int)oif == dm->link[d].ifindex)
			return d;
	}
	return -1;
}

static void needs(struct vq_daemon *dm, const struct vq_call *c, uint64_t need[VQ_NDIRS])
{
	need[0] = need[1] = 0;
	for (unsigned int i = 0; i < c->nflows; i++) {
		int d = flow_dir(dm, &c->flows[i]);

		if (d >= 0)
			need[d] += c->flows[i].bw.wire_bps;
	}
}

/* ---- flow operations ---- */

static bool same_key(const struct vq_flow_spec *a, const struct vq_flow_spec *b)
{
	size_t alen = vq_addr_len(a->family);

	return a->family == b->family && a->dport == b->dport &&
	       !memcmp(a->dst, b->dst, alen) && a->sport == b->sport &&
	       a->src_any == b->src_any && (a->src_any || !memcmp(a->src, b->src, alen));
}

static void pend(struct vq_daemon *dm, uint64_t cookie, const struct vq_flow_spec *f)
{
	if (dm->npend == dm->pendcap) {
		size_t cap = dm->pendcap ? dm->pendcap * 2 : 16;
		struct vq_adm_pending *n = realloc(dm->pend, cap * sizeof(*n));

		if (!n) {
			vq_err_log("admission: out of memory; a flow change waits for the "
				   "next resync");
			return;
		}
		dm->pend = n;
		dm->pendcap = cap;
	}
	dm->pend[dm->npend].cookie = cookie;
	dm->pend[dm->npend].has_key = f != NULL;
	if (f)
		dm->pend[dm->npend].key = *f;
	dm->npend++;
}

static int op_add(void *ctx, const struct vq_call *c, const struct vq_flow_spec *f)
{
	struct vq_daemon *dm = ctx;

	if (!shaping(dm))
		return vq_kflow_add(&dm->kf, c, f);
	pend(dm, c->cookie, f);
	return 0;
}

static int op_del(void *ctx, const struct vq_call *c, const struct vq_flow_spec *f)
{
	struct vq_daemon *dm = ctx;
	int r = vq_kflow_del(&dm->kf, c, f);

	if (shaping(dm))
		pend(dm, c->cookie, NULL);
	return r;
}

static int op_del_call(void *ctx, const struct vq_call *c)
{
	struct vq_daemon *dm = ctx;

	return vq_kflow_del_call(&dm->kf, c);
}

/* The call is gone (its flows were removed first): its budget is free. */
static void release(struct vq_daemon *dm, const struct vq_call *c)
{
	struct vq_adm_change ch;
	const struct vq_adm_call *a = vq_adm_find(&dm->adm, c->cookie);
	struct event e = { .name = "call_released", .call = c, .cookie = c->cookie,
			   .has_bps = true };

	if (!a)
		return;
	memcpy(e.bps, a->res, sizeof(e.bps));
	vq_adm_release(&dm->adm, c->cookie, &ch);
	shrink(dm);
	if (ch.before == VQ_ADM_NONE)
		return;
	dm->adm_st.released++;
	e.was = vq_adm_state_name(ch.before);
	emit(dm, &e);
}

static void op_event(void *ctx, const struct vq_call *c, const char *what)
{
	struct vq_daemon *dm = ctx;

	vq_kflow_call_event(&dm->kf, c, what);
	if (c->state == VQ_CALL_ENDED)
		release(dm, c);
}

const struct vq_flow_ops vq_daemon_flow_ops = {
	.add = op_add,
	.del = op_del,
	.del_call = op_del_call,
	.call_event = op_event,
};

/* kflow's hook before every FLOW_NEW: over-budget calls go best effort. */
static void adjust(void *ctx, const struct vq_call *c, struct vq_flow *f)
{
	struct vq_daemon *dm = ctx;
	const struct vq_adm_call *a;

	if (!shaping(dm))
		return;
	a = vq_adm_find(&dm->adm, c->cookie);
	if (!a || a->state != VQ_ADM_OVER)
		return;
	f->priority = VQ_CLASS_BEST_EFFORT;
	f->present |= VQ_BIT(VOICEQOS_FLOW_A_PRIORITY);
	/* Absent DSCP: the packets keep theirs (no EF for what is not reserved). */
	f->present &= ~VQ_BIT(VOICEQOS_FLOW_A_DSCP);
	f->rate = 0;
	f->present &= ~VQ_BIT(VOICEQOS_FLOW_A_BURST);
}

static void expired(void *ctx, const struct vq_flow_spec *s)
{
	struct vq_daemon *dm = ctx;
	const struct vq_call *c = vq_dialogs_find(dm->kf.d, s->cookie);
	struct vq_endpoint ep = { .family = s->family, .port = s->dport };
	char dst[VQ_EP_STRLEN];
	struct event e = { .name = "flow_expired", .call = c, .cookie = s->cookie };

	dm->adm_st.expired++;
	memcpy(ep.addr, s->dst, vq_addr_len(s->family));
	e.dst = vq_format_endpoint(&ep, dst, sizeof(dst));
	emit(dm, &e);
	/* What the call still has may need less: recount it. */
	if (c && c->state != VQ_CALL_ENDED && shaping(dm))
		pend(dm, s->cookie, NULL);
}

/* ---- commit ---- */

static void install(struct vq_daemon *dm, const struct vq_call *c, size_t from, bool all)
{
	unsigned int i;
	size_t k;

	for (i = 0; i < c->nflows; i++) {
		bool want = all;

		for (k = from; !want && k < dm->npend && dm->pend[k].cookie == c->cookie; k++)
			want = dm->pend[k].has_key && same_key(&dm->pend[k].key, &c->flows[i]);
		if (want)
			vq_kflow_add(&dm->kf, c, &c->flows[i]);
	}
}

static void decide(struct vq_daemon *dm, const struct vq_call *c, size_t from)
{
	struct vq_adm_change ch;
	const struct vq_adm_call *a;
	uint64_t need[VQ_NDIRS];
	char name[40];

	needs(dm, c, need);
	vq_adm_update(&dm->adm, c->cookie, need, c->nflows > 0, &ch);
	a = vq_adm_find(&dm->adm, c->cookie);
	grow(dm);
	install(dm, c, from, ch.before != ch.after);
	shrink(dm);
	if (!a || ch.before == ch.after)
		return;
	if (ch.after == VQ_ADM_ADMITTED) {
		dm->adm_st.admitted++;
		vq_info("call %s: admitted (up %" PRIu64 " bit/s, down %" PRIu64
			" bit/s; reserved now up %" PRIu64 ", down %" PRIu64 ")",
			call_name(c, name, sizeof(name)), a->need[0], a->need[1],
			dm->adm.link[0].reserved, dm->adm.link[1].reserved);
		call_event(dm, "call_admitted", c, a);
	} else if (ch.after == VQ_ADM_OVER) {
		dm->adm_st.over_budget++;
		if (ch.log_over)
			vq_warn("call %s: over budget (needs up %" PRIu64 " bit/s, down %"
				PRIu64 " bit/s; free up %" PRIu64 ", down %" PRIu64
				"): carried best effort", call_name(c, name, sizeof(name)),
				a->need[0], a->need[1], vq_adm_free_bps(&dm->adm, VQ_DIR_UP),
				vq_adm_free_bps(&dm->adm, VQ_DIR_DOWN));
		call_event(dm, "call_over_budget", c, a);
	}
}

void vq_daemon_adm_commit(struct vq_daemon *dm)
{
	size_t i = 0, j, k;

	while (i < dm->npend) {
		uint64_t cookie = dm->pend[i].cookie;
		const struct vq_call *c;

		/* Gather the call's entries after i (a message touches one call). */
		for (j = i + 1, k = i + 1; j < dm->npend; j++) {
			if (dm->pend[j].cookie != cookie)
				continue;
			if (j != k) {
				struct vq_adm_pending t = dm->pend[k];

				dm->pend[k] = dm->pend[j];
				dm->pend[j] = t;
			}
			k++;
		}
		c = vq_dialogs_find(dm->kf.d, cookie);
		if (c && c->state != VQ_CALL_ENDED)
			decide(dm, c, i);
		i = k;
	}
	dm->npend = 0;
}

/* ---- start, reload, stop, tick ---- */

/*
 * Every live call counted again from its installed flows: at start (the
 * adopted calls), and after a reload that moved the links. Kept as they
 * are: an over-budget call by its best-effort classid, the rest admitted.
 */
static void recount(struct vq_daemon *dm)
{
	const struct vq_call *c;

	vq_adm_free(&dm->adm);
	dm->adm.link[0].reserved = dm->adm.link[1].reserved = 0;
	for (c = vq_dialogs_first(dm->kf.d); c; c = vq_dialogs_next(dm->kf.d, c)) {
		uint64_t need[VQ_NDIRS];
		bool over = c->nflows && dm->cfg->kernel.be_priority &&
			    c->flows[0].priority == dm->cfg->kernel.be_priority &&
			    dm->cfg->kernel.be_priority != dm->cfg->kernel.voice_priority;

		if (!c->nflows)
			continue;
		needs(dm, c, need);
		vq_adm_adopt(&dm->adm, c->cookie, need, over);
	}
}

void vq_daemon_adm_start(struct vq_daemon *dm)
{
	struct tm tm;
	int d;

	dm->kf.adjust = adjust;
	dm->kf.expired = expired;
	dm->kf.hook_ctx = dm;
	local_now(&tm);
	vq_adm_configure(&dm->adm, dm->cfg, &tm);
	if (!shaping(dm))
		return;
	recount(dm);
	for (d = 0; d < VQ_NDIRS; d++)
		setup_tree(dm, d);
	if (dm->adm.ncalls)
		vq_info("admission: %zu calls found in the kernel counted back: reserved "
			"up %" PRIu64 " bit/s, down %" PRIu64 " bit/s", dm->adm.ncalls,
			dm->adm.link[0].reserved, dm->adm.link[1].reserved);
}

void vq_daemon_adm_stop(struct vq_daemon *dm)
{
	int d;

	for (d = 0; d < VQ_NDIRS; d++)
		remove_tree(dm, d);
	if (dm->shaper)
		vq_shaper_close(dm->shaper);
	dm->shaper = NULL;
	vq_route_close(dm->route);
	dm->route = NULL;
	vq_adm_free(&dm->adm);
	free(dm->pend);
	dm->pend = NULL;
	dm->npend = dm->pendcap = 0;
}

static bool same_link(const struct vq_config *a, const struct vq_config *b, int d)
{
	struct vq_shaper_link x, y;

	link_of(a, d, &x);
	link_of(b, d, &y);
	return !strcmp(x.ifname, y.ifname) && x.rate_bps == y.rate_bps &&
	       x.overhead == y.overhead && x.signalling_bps == y.signalling_bps;
}

void vq_daemon_adm_reload(struct vq_daemon *dm, const struct vq_config *old)
{
	struct tm tm;
	bool moved = false;
	int d;

	/* Flows held for a commit belong to the old config: install them first. */
	vq_daemon_adm_commit(dm);
	for (d = 0; d < VQ_NDIRS; d++) {
		if (same_link(old, dm->cfg, d))
			continue;
		moved = true;
		remove_tree(dm, d);
	}
	local_now(&tm);
	if (vq_adm_configure(&dm->adm, dm->cfg, &tm) || moved) {
		recount(dm);
		for (d = 0; d < VQ_NDIRS; d++) {
			if (!dm->link[d].ifname[0])
				setup_tree(dm, d);
			else
				set_voice(dm, d, dm->adm.link[d].reserved);
		}
		dm->adm_st.budget_changes++;
		vq_info("admission: reload: budget up %" PRIu64 " bit/s, down %" PRIu64
			" bit/s, reserved up %" PRIu64 ", down %" PRIu64 " (calls kept)",
			dm->adm.link[0].budget, dm->adm.link[1].budget,
			dm->adm.link[0].reserved, dm->adm.link[1].reserved);
		emit(dm, &(struct event){ .name = "budget_changed", .budget = true });
	}
}

void vq_daemon_adm_tick(struct vq_daemon *dm)
{
	struct tm tm;
	char pn[64];

	if (!shaping(dm))
		return;
	local_now(&tm);
	if (!vq_adm_configure(&dm->adm, dm->cfg, &tm))
		return;
	dm->adm_st.budget_changes++;
	vq_info("admission: profile %s, budget up %" PRIu64 " bit/s, down %" PRIu64
		" bit/s (admitted calls are kept)", dm->adm.profile >= 0 ?
		vq_profile_str(&dm->cfg->voice.profiles[dm->adm.profile], pn, sizeof(pn)) :
		"none", dm->adm.link[0].budget, dm->adm.link[1].budget);
	emit(dm, &(struct event){ .name = "budget_changed", .budget = true });
}

enum vq_adm_state vq_daemon_adm_state(const struct vq_daemon *dm, uint64_t cookie)
{
	const struct vq_adm_call *a = vq_adm_find(&dm->adm, cookie);

	/* Without [link] every call with flows is admitted (no budget). */
	if (!vq_config_shaping(dm->cfg)) {
		const struct vq_call *c = vq_dialogs_find(dm->kf.d, cookie);

		return c && c->nflows ? VQ_ADM_ADMITTED : VQ_ADM_NONE;
	}
	return a ? a->state : VQ_ADM_NONE;
}

/* ---- status ---- */

struct link_status {
	const char *ifname;
	unsigned int admitted, over;
	int nclasses;			/* -1: the tree could not be read */
	struct vq_shaper_class_stats cls[VQ_SHAPER_NCLASSES];
	char err[256];
};

static void link_status(struct vq_daemon *dm, int d, struct link_status *s)
{
	memset(s, 0, sizeof(*s));
	s->ifname = d == VQ_DIR_UP ? dm->cfg->link.uplink : dm->cfg->link.downlink;
	vq_adm_counts(&dm->adm, d, &s->admitted, &s->over);
	s->nclasses = -1;
	if (!dm->shaper || !dm->link[d].ifname[0])
		snprintf(s->err, sizeof(s->err), "%s: no tree (see the log)", s->ifname);
	else if (vq_shaper_read(dm->shaper, s->ifname, s->cls, s->err, sizeof(s->err)) == 0)
		s->nclasses = VQ_SHAPER_NCLASSES;
}

void vq_daemon_links_json(struct vq_daemon *dm, struct json *j)
{
	char pn[64], cid[VQ_CLASSID_STRLEN];
	int d, i;

	json_arr_begin(j);
	for (d = 0; d < VQ_NDIRS; d++) {
		const struct vq_adm_link *l = &dm->adm.link[d];
		struct link_status s;

		if (!l->on)
			continue;
		link_status(dm, d, &s);
		json_obj_begin(j);
		json_kv_str(j, "dir", vq_dir_name(d));
		json_kv_str(j, "ifname", s.ifname);
		json_kv_u64(j, "rate_bps", l->rate);
		json_kv_u64(j, "budget_bps", l->budget);
		json_kv_u64(j, "reserved_bps", l->reserved);
		json_kv_u64(j, "free_bps", vq_adm_free_bps(&dm->adm, d));
		json_kv_u64(j, "calls_admitted", s.admitted);
		json_kv_u64(j, "calls_over_budget", s.over);
		json_kv_str(j, "profile", dm->adm.profile >= 0 ?
			    vq_profile_str(&dm->cfg->voice.profiles[dm->adm.profile], pn,
					   sizeof(pn)) : NULL);
		json_kv_u64(j, "voice_bps", dm->link[d].voice_bps);
		json_key(j, "classes");
		json_arr_begin(j);
		for (i = 0; i < s.nclasses; i++) {
			const struct vq_shaper_class_stats *c = &s.cls[i];

			json_obj_begin(j);
			json_kv_str(j, "name", c->name);
			json_kv_str(j, "classid", vq_shaper_classid_str(c->classid, cid));
			json_kv_u64(j, "rate_bps", c->rate_bps);
			json_kv_u64(j, "ceil_bps", c->ceil_bps);
			json_kv_u64(j, "bytes", c->bytes);
			json_kv_u64(j, "packets", c->packets);
			json_kv_u64(j, "drops", c->drops);
			json_kv_u64(j, "overlimits", c->overlimits);
			json_kv_u64(j, "backlog_bytes", c->backlog_bytes);
			json_kv_u64(j, "qlen", c->qlen);
			json_obj_end(j);
		}
		json_arr_end(j);
		json_kv_str(j, "error", s.nclasses < 0 ? s.err : NULL);
		json_obj_end(j);
	}
	json_arr_end(j);
}

/* tc's way: 5Mbit, 190800bit. */
static void tc_rate(FILE *f, uint64_t bps)
{
	if (bps && bps % 1000000 == 0)
		fprintf(f, "%" PRIu64 "Mbit", bps / 1000000);
	else if (bps && bps % 1000 == 0)
		fprintf(f, "%" PRIu64 "Kbit", bps / 1000);
	else
		fprintf(f, "%" PRIu64 "bit", bps);
}

void vq_daemon_links_text(struct vq_daemon *dm, FILE *out)
{
	char pn[64], cid[VQ_CLASSID_STRLEN];
	int d, i, n = 0;

	for (d = 0; d < VQ_NDIRS; d++) {
		const struct vq_adm_link *l = &dm->adm.link[d];
		struct link_status s;

		if (!l->on)
			continue;
		n++;
		link_status(dm, d, &s);
		fprintf(out, "link %s dev %s rate ", vq_dir_name(d), s.ifname);
		tc_rate(out, l->rate);
		fputs(" budget ", out);
		tc_rate(out, l->budget);
		fputs(" reserved ", out);
		tc_rate(out, l->reserved);
		fputs(" free ", out);
		tc_rate(out, vq_adm_free_bps(&dm->adm, d));
		fprintf(out, " profile %s\n", dm->adm.profile >= 0 ?
			vq_profile_str(&dm->cfg->voice.profiles[dm->adm.profile], pn,
				       sizeof(pn)) : "none");
		fprintf(out, "    calls admitted %u over_budget %u\n", s.admitted, s.over);
		if (s.nclasses < 0)
			fprintf(out, "    classes unavailable: %s\n", s.err);
		for (i = 0; i < s.nclasses; i++) {
			const struct vq_shaper_class_stats *c = &s.cls[i];

			fprintf(out, "    class %-11s %-8s rate ", c->name,
				vq_shaper_classid_str(c->classid, cid));
			tc_rate(out, c->rate_bps);
			fputs(" ceil ", out);
			tc_rate(out, c->ceil_bps);
			fprintf(out, "\n     Sent %" PRIu64 " bytes %" PRIu64 " pkt (dropped %"
				PRIu64 ", overlimits %" PRIu64 ")\n     backlog %" PRIu64
				"b %" PRIu64 "p\n", c->bytes, c->packets, c->drops,
				c->overlimits, c->backlog_bytes, c->qlen);
		}
	}
	if (!n)
		fputs("no [link] configured: no shaping, no voice budget\n", out);
}
