// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/signalfd.h>

#include "daemon.h"
#include "log.h"

/* How often the module's presence is checked: often while it is missing. */
#define CHECK_UP_MS 10000
#define CHECK_DOWN_MS 1000
/* recv()s per poll round on the SIP socket before other fds get a turn. */
#define SIP_BATCH 256
/* A resync owed to an overrun waits for the queue to drain, at most this. */
#define RESYNC_WAIT_MS 1000

static uint64_t now_real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static uint64_t now_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int vq_daemon_load_config(const char *path, bool explicit_path,
			  struct vq_config *cfg, char *err, size_t errlen)
{
	/* Running with no config file at all is fine: the defaults are sane. */
	if (!explicit_path && access(path, F_OK) < 0 && errno == ENOENT) {
		vq_config_defaults(cfg);
		return 0;
	}
	return vq_config_load(path, cfg, err, errlen);
}

static void count_calls(struct vq_daemon *dm, size_t *n, size_t *flows)
{
	struct vq_dialogs *d = vq_engine_dialogs(dm->engine);
	const struct vq_call *c;

	*n = *flows = 0;
	for (c = vq_dialogs_first(d); c; c = vq_dialogs_next(d, c)) {
		(*n)++;
		*flows += c->nflows;
	}
}

static uint64_t count_degraded(const struct vq_daemon *dm)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < dm->dq.n; i++)
		n += dm->dq.v[i].degraded;
	return n;
}

static int reply_calls(struct vq_daemon *dm, bool json, FILE *out)
{
	struct vq_dialogs *d = vq_engine_dialogs(dm->engine);
	const struct vq_call **v = NULL;
	const struct vq_call *c;
	struct vq_flow *kf = NULL;
	enum vq_adm_state *adm = NULL;
	const struct vq_dq_call **dq = NULL;
	size_t n = 0, nflows, nkf = 0;
	bool up = dm->kf.up;

	count_calls(dm, &n, &nflows);
	if (n) {
		v = calloc(n, sizeof(*v));
		if (!v)
			return -ENOMEM;
	}
	n = 0;
	for (c = vq_dialogs_first(d); c; c = vq_dialogs_next(d, c))
		v[n++] = c;
	/* Live counters: one dump per request, merged by cookie and key. */
	if (up && vq_kflow_dump(&dm->kf, &kf, &nkf) < 0)
		up = dm->kf.up;
	if (n) {
		adm = calloc(n, sizeof(*adm));
		if (!adm) {
			free(kf);
			free(v);
			return -ENOMEM;
		}
	}
	if (n) {
		dq = calloc(n, sizeof(*dq));
		if (!dq) {
			free(adm);
			free(kf);
			free(v);
			return -ENOMEM;
		}
	}
	for (size_t i = 0; i < n; i++) {
		adm[i] = vq_daemon_adm_state(dm, v[i]->cookie);
		dq[i] = vq_daemon_quality_of(dm, v[i]->cookie);
	}
	vq_calls_render_full(out, json, v, n, kf, nkf, up, now_real_ns(), adm, dq);
	free(dq);
	free(adm);
	free(kf);
	free(v);
	return 0;
}

static void kv(struct json *j, const char *k, uint64_t v)
{
	json_kv_u64(j, k, v);
}

/* What the loaded module says of itself (MODULE_VERSION), or NULL. */
static const char *module_version(char *buf, size_t len)
{
	FILE *f = fopen("/sys/module/voiceqos/version", "re");
	bool ok;

	if (!f)
		return NULL;
	ok = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	if (!ok)
		return NULL;
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

static int reply_status(struct vq_daemon *dm, FILE *out)
{
	char mver[64];
	const struct vq_kflow_stats *ks = &dm->kf.st;
	struct vq_engine_stats es;
	size_t ncalls, nflows;
	struct json j;

	vq_engine_get_stats(dm->engine, &es);
	count_calls(dm, &ncalls, &nflows);
	json_init(&j, out);
	json_obj_begin(&j);
	json_key(&j, "daemon");
	json_obj_begin(&j);
	kv(&j, "pid", getpid());
	json_kv_str(&j, "version", VQOS_VERSION);
	json_kv_str(&j, "module_version", module_version(mver, sizeof(mver)));
	kv(&j, "uptime_s", (now_real_ns() - dm->started_ns) / 1000000000);
	json_kv_str(&j, "config", dm->cfg->path[0] ? dm->cfg->path : NULL);
	kv(&j, "reloads", dm->reloads);
	kv(&j, "reload_errors", dm->reload_errors);
	kv(&j, "calls", ncalls);
	kv(&j, "flows", nflows);
	kv(&j, "control_served", dm->ctl.served);
	kv(&j, "control_refused", dm->ctl.refused);
	json_obj_end(&j);
	json_key(&j, "sip");
	json_obj_begin(&j);
	kv(&j, "copies", dm->sip.st.copies);
	kv(&j, "bad", dm->sip.st.bad);
	kv(&j, "overruns", dm->sip_overruns);
	kv(&j, "lost", dm->sip_lost_closed + vq_sipsrc_lost(&dm->sip));
	kv(&j, "resyncs", dm->sip_resyncs);
	kv(&j, "rcvbuf", dm->sip.open ? dm->sip.rcvbuf : 0);
	kv(&j, "reopens", dm->sip_reopens);
	json_obj_end(&j);
	json_key(&j, "engine");
	json_obj_begin(&j);
	kv(&j, "packets", es.packets);
	kv(&j, "messages", es.messages);
	kv(&j, "parse_errors", es.parse_errors);
	kv(&j, "truncated", es.truncated);
	kv(&j, "tls", es.tls);
	kv(&j, "keepalives", es.keepalives);
	kv(&j, "retransmissions", es.dialogs.retransmissions);
	kv(&j, "calls_total", es.dialogs.calls_total);
	kv(&j, "calls_active", es.dialogs.calls_active);
	kv(&j, "untrusted", es.dialogs.untrusted);
	kv(&j, "dropped_max", es.dialogs.dropped_max);
	kv(&j, "timeouts", es.dialogs.timeouts);
	kv(&j, "orphans", es.dialogs.orphans);
	kv(&j, "sdp_errors", es.dialogs.sdp_errors);
	kv(&j, "flow_errors", es.dialogs.flow_errors);
	kv(&j, "adopted", es.dialogs.adopted);
	json_obj_end(&j);
	json_key(&j, "kernel");
	json_obj_begin(&j);
	json_key(&j, "up");
	json_bool(&j, dm->kf.up);
	kv(&j, "adds", ks->adds);
	kv(&j, "add_errors", ks->add_errors);
	kv(&j, "dels", ks->dels);
	kv(&j, "del_errors", ks->del_errors);
	kv(&j, "del_skipped", ks->del_skipped);
	kv(&j, "del_calls", ks->del_calls);
	kv(&j, "del_call_errors", ks->del_call_errors);
	kv(&j, "adopted_flows", ks->adopted_flows);
	kv(&j, "foreign_flows", ks->foreign_flows);
	kv(&j, "expired", ks->expired);
	kv(&j, "overruns", ks->overruns);
	kv(&j, "resyncs", ks->resyncs);
	kv(&j, "resync_added", ks->resync_added);
	kv(&j, "resync_removed", ks->resync_removed);
	kv(&j, "family_lost", ks->family_lost);
	kv(&j, "family_back", ks->family_back);
	kv(&j, "config_sets", ks->config_sets);
	kv(&j, "config_errors", ks->config_errors);
	json_obj_end(&j);
	json_key(&j, "admission");
	json_obj_begin(&j);
	kv(&j, "admitted", dm->adm_st.admitted);
	kv(&j, "over_budget", dm->adm_st.over_budget);
	kv(&j, "released", dm->adm_st.released);
	kv(&j, "flows_expired", dm->adm_st.expired);
	kv(&j, "budget_changes", dm->adm_st.budget_changes);
	kv(&j, "shaper_errors", dm->adm_st.shaper_errors);
	kv(&j, "route_errors", dm->adm_st.route_errors);
	kv(&j, "monitors", vq_ctl_monitors(&dm->ctl));
	kv(&j, "monitors_dropped", dm->ctl.monitor_dropped);
	json_obj_end(&j);
	json_key(&j, "quality");
	json_obj_begin(&j);
	kv(&j, "evaluations", dm->dq.evaluations);
	kv(&j, "calls_degraded", count_degraded(dm));
	kv(&j, "degraded_events", dm->dq.degraded_events);
	kv(&j, "recovered_events", dm->dq.recovered_events);
	json_key(&j, "mos_threshold");
	json_fixed(&j, dm->cfg->quality.mos_threshold / 100.0, 2);
	json_obj_end(&j);
	json_key(&j, "links");
	vq_daemon_links_json(dm, &j);
	json_obj_end(&j);
	fputc('\n', out);
	return 0;
}

/* `voiceqos status`: the links as `tc -s class` would, then the daemon. */
static int reply_status_text(struct vq_daemon *dm, FILE *out)
{
	size_t ncalls, nflows;
	char mver[64];

	count_calls(dm, &ncalls, &nflows);
	vq_daemon_links_text(dm, out);
	fprintf(out, "daemon %s pid %d uptime %" PRIu64 "s calls %zu flows %zu kernel %s "
		"(module %s) config %s\n", VQOS_VERSION, (int)getpid(),
		(now_real_ns() - dm->started_ns) / 1000000000,
		ncalls, nflows, dm->kf.up ? "up" : "down",
		module_version(mver, sizeof(mver)) ? mver : "-",
		dm->cfg->path[0] ? dm->cfg->path : "built-in defaults");
	fprintf(out, "admission admitted %" PRIu64 " over_budget %" PRIu64 " released %"
		PRIu64 " budget_changes %" PRIu64 " shaper_errors %" PRIu64 "\n",
		dm->adm_st.admitted, dm->adm_st.over_budget, dm->adm_st.released,
		dm->adm_st.budget_changes, dm->adm_st.shaper_errors);
	fprintf(out, "quality degraded %" PRIu64 " threshold MOS %u.%02u events %" PRIu64
		" degraded %" PRIu64 " recovered\n", count_degraded(dm),
		dm->cfg->quality.mos_threshold / 100, dm->cfg->quality.mos_threshold % 100,
		dm->dq.degraded_events, dm->dq.recovered_events);
	return 0;
}

static int ctl_handler(void *ctx, enum vq_ctl_req req, FILE *out)
{
	struct vq_daemon *dm = ctx;

	switch (req) {
	case VQ_CTL_CALLS:
		return reply_calls(dm, true, out);
	case VQ_CTL_CALLS_TEXT:
		return reply_calls(dm, false, out);
	case VQ_CTL_STATUS:
		return reply_status(dm, out);
	case VQ_CTL_STATUS_TEXT:
		return reply_status_text(dm, out);
	default:
		return -EINVAL;
	}
}

static void open_sip(struct vq_daemon *dm)
{
	int r;

	if (dm->sip.open || !dm->kf.up)
		return;
	r = vq_sipsrc_open(&dm->sip, dm->cfg->daemon.sip_rcvbuf);
	if (r < 0) {
		vq_err_log("sip: cannot join the module's sip group: %s", strerror(-r));
		return;
	}
	dm->sip_reopens++;
	vq_info("sip: joined the module's sip group (receive buffer %d bytes)",
		dm->sip.rcvbuf);
}

/* The socket's drop count dies with it: keep it for `status`. */
static void close_sip(struct vq_daemon *dm)
{
	dm->sip_lost_closed += vq_sipsrc_lost(&dm->sip);
	vq_sipsrc_close(&dm->sip);
}

static void apply_log(const struct vq_daemon *dm, const struct vq_config *cfg)
{
	int target = dm->opts.syslog ? VQ_LOG_SYSLOG : cfg->daemon.log;

	/* Detached, stderr is /dev/null: syslog is the only place left. */
	if (dm->detached)
		target = VQ_LOG_SYSLOG;
	vq_log_open("voiceqosd", target, dm->opts.debug ? LOG_DEBUG : cfg->daemon.log_level);
}

int vq_daemon_init(struct vq_daemon *dm, const struct vq_daemon_opts *o,
		   struct vq_config *cfg)
{
	uint64_t now = now_real_ns();
	char err[256];
	sigset_t set;
	int r;

	memset(dm, 0, sizeof(*dm));
	dm->opts = *o;
	dm->cfg = cfg;
	dm->sigfd = -1;
	dm->started_ns = now;
	apply_log(dm, cfg);

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	dm->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (dm->sigfd < 0) {
		vq_err_log("signalfd: %s", strerror(errno));
		return -1;
	}
	r = vq_ctl_open(&dm->ctl, cfg->daemon.socket[0] ? cfg->daemon.socket :
			VQ_DEFAULT_SOCKET, ctl_handler, dm, err, sizeof(err));
	if (r < 0) {
		vq_err_log("%s", err);
		return -1;
	}
	r = vq_kflow_open(&dm->kf, cfg);
	if (r < 0) {
		vq_err_log("kernel: generic netlink sockets: %s", strerror(-r));
		return -1;
	}
	vq_adm_init(&dm->adm);
	dm->engine = vq_engine_new(cfg, &vq_daemon_flow_ops, dm);
	if (!dm->engine) {
		vq_err_log("out of memory");
		return -1;
	}
	dm->kf.d = vq_engine_dialogs(dm->engine);
	if (dm->kf.up) {
		vq_kflow_apply_config(&dm->kf);
		/* Join before the dump: a BYE arriving meanwhile is not lost. */
		open_sip(dm);
		vq_kflow_adopt(&dm->kf, now);
	}
	/* After adoption: the voice class starts at what adopted calls hold. */
	vq_daemon_adm_start(dm);
	dm->last_check_ms = now_mono_ms();
	vq_info("started (config %s, control socket %s, module %s)",
		cfg->path[0] ? cfg->path : "built-in defaults", dm->ctl.path,
		dm->kf.up ? "loaded" : "not loaded");
	return 0;
}

void vq_daemon_detached(struct vq_daemon *dm)
{
	dm->detached = true;
	apply_log(dm, dm->cfg);
}

static void reload(struct vq_daemon *dm)
{
	const char *path = dm->opts.config ? dm->opts.config : VQ_DEFAULT_CONF;
	struct vq_config *n = malloc(sizeof(*n)), *old;
	char err[512];

	if (!n) {
		dm->reload_errors++;
		vq_err_log("reload: out of memory; keeping the current configuration");
		return;
	}
	if (vq_daemon_load_config(path, dm->opts.config != NULL, n, err, sizeof(err)) < 0) {
		dm->reload_errors++;
		vq_err_log("reload failed, keeping the current configuration: %s", err);
		free(n);
		return;
	}
	if (strcmp(n->daemon.socket, dm->cfg->daemon.socket) != 0)
		vq_warn("reload: the control socket stays %s until a restart", dm->ctl.path);
	if (dm->sip.open && n->daemon.sip_rcvbuf != dm->cfg->daemon.sip_rcvbuf &&
	    vq_sipsrc_set_rcvbuf(&dm->sip, n->daemon.sip_rcvbuf) >= 0)
		vq_info("sip: receive buffer now %d bytes", dm->sip.rcvbuf);
	vq_engine_set_config(dm->engine, n);
	vq_kflow_set_config(&dm->kf, n);
	old = dm->cfg;
	dm->cfg = n;
	apply_log(dm, n);
	if (dm->kf.up)
		vq_kflow_apply_config(&dm->kf);
	vq_daemon_adm_reload(dm, old);
	free(old);
	dm->reloads++;
	vq_info("reloaded %s (applies to flows installed from now on)",
		n->path[0] ? n->path : "built-in defaults");
}

static void on_sip_pkt(void *ctx, const struct vq_sip_pkt *pkt)
{
	struct vq_daemon *dm = ctx;

	vq_engine_input(dm->engine, pkt);
	/* Each message decided and installed before the next is read. */
	vq_daemon_adm_commit(dm);
}

/*
 * The resync an overrun asked for. It waits for the queue to drain: the
 * kernel reports ENOBUFS before the copies still queued (which came before
 * the loss), and while they are queued the socket stays congested, so
 * every new copy is dropped. Dumping the flow table first would only make
 * that blackout longer, and reconcile against dialogs that are about to
 * change.
 */
static void sip_resync(struct vq_daemon *dm)
{
	if (!dm->sip_resync_due)
		return;
	dm->sip_resync_due = 0;
	/* Without the module, its return resyncs everything anyway. */
	if (!dm->kf.up)
		return;
	dm->sip_resyncs++;
	vq_info("sip: resyncing flows after the overrun (%" PRIu64 " copies lost so far)",
		dm->sip_lost_closed + vq_sipsrc_lost(&dm->sip));
	vq_kflow_resync(&dm->kf, now_real_ns());
}

static void read_sip(struct vq_daemon *dm)
{
	int i, r;

	for (i = 0; i < SIP_BATCH; i++) {
		r = vq_sipsrc_read(&dm->sip, on_sip_pkt, dm);
		if (r == -EAGAIN) {
			sip_resync(dm);
			return;
		}
		if (r == -EINTR)
			return;
		if (r == -ENOBUFS) {
			/*
			 * Copies were lost: dialogs may have missed an answer
			 * or a BYE. Make the kernel match what we know, once
			 * what is still queued has been read.
			 */
			dm->sip_overruns++;
			vq_warn("sip: socket overrun, SIP copies lost (%" PRIu64
				" overruns so far); resyncing flows once the queue is read",
				dm->sip_overruns);
			if (!dm->sip_resync_due)
				dm->sip_resync_due = now_mono_ms();
			continue;
		}
		if (r < 0) {
			vq_err_log("sip: receive: %s; reopening", strerror(-r));
			close_sip(dm);
			return;
		}
	}
}

static void kernel_news(struct vq_daemon *dm, int what)
{
	if (what <= 0)
		return;
	if (what & VQ_KF_GONE)
		close_sip(dm);
	if (what & VQ_KF_BACK) {
		/* The old group membership died with the old family. */
		close_sip(dm);
		open_sip(dm);
	}
}

static bool handle_signals(struct vq_daemon *dm)
{
	struct signalfd_siginfo si;
	bool stop = false;

	while (read(dm->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			vq_info("SIGHUP: reloading configuration");
			reload(dm);
		} else {
			vq_info("%s: exiting; installed flows stay in the kernel and are "
				"adopted by the next start", strsignal(si.ssi_signo));
			stop = true;
		}
	}
	return stop;
}

int vq_daemon_run(struct vq_daemon *dm)
{
	struct pollfd p[3 + 1 + VQ_CTL_MAX_CLIENTS];
	uint64_t next_tick = now_mono_ms() + 1000;

	for (;;) {
		int n = 0, sip_i = -1, ev_i, nctl, r;
		uint64_t now_ms = now_mono_ms();
		int timeout = next_tick > now_ms ? (int)(next_tick - now_ms) : 0;

		p[n++] = (struct pollfd){ .fd = dm->sigfd, .events = POLLIN };
		ev_i = n;
		p[n++] = (struct pollfd){ .fd = vq_kflow_events_fd(&dm->kf), .events = POLLIN };
		if (dm->sip.open) {
			sip_i = n;
			p[n++] = (struct pollfd){ .fd = genl_fd(&dm->sip.g), .events = POLLIN };
		}
		nctl = vq_ctl_pollfds(&dm->ctl, p + n);
		r = poll(p, n + nctl, timeout);
		if (r < 0 && errno != EINTR) {
			vq_err_log("poll: %s", strerror(errno));
			return 1;
		}
		if (r > 0) {
			if (p[0].revents && handle_signals(dm))
				return 0;
			if (sip_i >= 0 && p[sip_i].revents)
				read_sip(dm);
			if (p[ev_i].revents) {
				kernel_news(dm, vq_kflow_events(&dm->kf, now_real_ns()));
				vq_daemon_adm_commit(dm);
			}
		}
		now_ms = now_mono_ms();
		/* A flood that never lets the queue drain still gets its resync. */
		if (dm->sip_resync_due && now_ms - dm->sip_resync_due >= RESYNC_WAIT_MS)
			sip_resync(dm);
		vq_ctl_service(&dm->ctl, p + n, r > 0 ? nctl : 0, now_ms);
		if (now_ms >= next_tick) {
			next_tick = now_ms + 1000;
			vq_engine_tick(dm->engine, now_real_ns());
			vq_daemon_adm_commit(dm);
			vq_daemon_adm_tick(dm);
			vq_daemon_quality_tick(dm, now_ms);
		}
		if (now_ms - dm->last_check_ms >=
		    (uint64_t)(dm->kf.up ? CHECK_UP_MS : CHECK_DOWN_MS)) {
			dm->last_check_ms = now_ms;
			kernel_news(dm, vq_kflow_check(&dm->kf, now_real_ns()));
		}
		if (dm->kf.up && !dm->sip.open)
			open_sip(dm);
	}
}

void vq_daemon_fini(struct vq_daemon *dm)
{
	vq_daemon_adm_stop(dm);
	vq_daemon_quality_fini(dm);
	vq_ctl_close(&dm->ctl);
	vq_sipsrc_close(&dm->sip);
	if (dm->engine)
		vq_engine_free(dm->engine);
	dm->engine = NULL;
	vq_kflow_close(&dm->kf);
	if (dm->sigfd >= 0)
		close(dm->sigfd);
	dm->sigfd = -1;
}
