/* SPDX-License-Identifier: GPL-2.0 */
/*
 * voiceqosd's logic, apart from main() so that the unit tests reach it:
 * the poll loop over the SIP socket, the kernel events socket, the control
 * socket and signals, plus what `voiceqos calls` shows.
 */
#ifndef VQ_DAEMON_H
#define VQ_DAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "admission.h"
#include "callq.h"
#include "config.h"
#include "ctl.h"
#include "dialog.h"
#include "engine.h"
#include "json.h"
#include "kflow.h"
#include "print.h"
#include "sipsrc.h"

struct vq_shaper;
struct vq_route;

/* A call whose flows changed since the last commit (daemon_adm.c). */
struct vq_adm_pending {
	uint64_t cookie;
	bool has_key;			/* else: a flow went, nothing to install */
	struct vq_flow_spec key;	/* the flow to install (its key matters) */
};

struct vq_daemon_adm_stats {
	uint64_t admitted, over_budget, released, expired, budget_changes;
	uint64_t shaper_errors, route_errors;
};

struct vq_daemon_opts {
	const char *config;	/* path; NULL = VQ_DEFAULT_CONF, absent = defaults */
	bool foreground;
	bool debug;
	bool syslog;
};

/* The latest quality of one call, per audio stream direction. */
#define VQ_DQ_STREAMS 4
struct vq_dq_stream {
	char to[VQ_EP_STRLEN];		/* the receiver, ADDR:PORT */
	struct vq_stream_quality q;	/* q.rtp is not kept (NULL) */
};

struct vq_dq_call {
	uint64_t cookie;
	struct vq_callq_state st;
	struct vq_dq_stream s[VQ_DQ_STREAMS];
	unsigned int ns;
	bool evaluated;			/* once: before that, no figures */
	bool degraded;
	bool seen;			/* in the latest evaluation */
};

struct vq_dq {
	struct vq_dq_call *v;
	size_t n, cap;
	uint64_t next_ms;		/* monotonic ms of the next evaluation */
	uint64_t evaluations, degraded_events, recovered_events;
};

struct vq_daemon {
	struct vq_daemon_opts opts;
	struct vq_config *cfg;		/* current config (heap: replaced on reload) */
	struct vq_engine *engine;
	struct vq_kflow kf;
	struct vq_sipsrc sip;
	struct vq_ctl ctl;
	int sigfd;
	uint64_t started_ns;
	uint64_t reloads, reload_errors;
	uint64_t sip_overruns, sip_reopens;
	uint64_t sip_resyncs;		/* run after SIP overruns */
	uint64_t sip_lost_closed;	/* copies lost on SIP sockets since closed */
	uint64_t sip_resync_due;	/* mono ms of the overrun owed a resync, 0 */
	uint64_t last_check_ms;
	bool detached;
	/* Shaping and admission ([link], [voice]; daemon_adm.c). */
	struct vq_adm adm;
	struct vq_shaper *shaper;
	struct vq_route *route;
	struct {
		char ifname[VQ_IFNAMSIZ];	/* our tree is there; "" none */
		unsigned int ifindex;
		uint64_t voice_bps;		/* the voice rate given last */
	} link[VQ_NDIRS];
	struct vq_adm_pending *pend;
	size_t npend, pendcap;
	struct vq_daemon_adm_stats adm_st;
	/* Live call quality ([quality]; daemon_quality.c). */
	struct vq_dq dq;
};

/* The dialog layer's flow operations in the daemon: admission, then kflow. */
extern const struct vq_flow_ops vq_daemon_flow_ops;
/*
 * Start: budgets, the trees on the [link] interfaces (after adoption, so
 * that the voice class starts at what the adopted calls reserve).
 */
void vq_daemon_adm_start(struct vq_daemon *dm);
/* Stop: the trees are removed. */
void vq_daemon_adm_stop(struct vq_daemon *dm);
/* A new config was accepted: trees and budgets follow it. */
void vq_daemon_adm_reload(struct vq_daemon *dm, const struct vq_config *old);
/*
 * After SIP input, ticks and kernel events: decide for the calls whose
 * flows changed, then install them, resizing the voice class around it.
 */
void vq_daemon_adm_commit(struct vq_daemon *dm);
/* Once a second: the time-of-day profile. */
void vq_daemon_adm_tick(struct vq_daemon *dm);
/* ctl "status": the "links" array; "status text": the human form. */
void vq_daemon_links_json(struct vq_daemon *dm, struct json *j);
void vq_daemon_links_text(struct vq_daemon *dm, FILE *out);
enum vq_adm_state vq_daemon_adm_state(const struct vq_daemon *dm, uint64_t cookie);

/*
 * Reads the config for opts: an explicit path must exist; the default
 * path may be absent (built-in defaults). 0, or -1 with err set.
 */
int vq_daemon_load_config(const char *path, bool explicit_path,
			  struct vq_config *cfg, char *err, size_t errlen);

int vq_daemon_init(struct vq_daemon *dm, const struct vq_daemon_opts *o,
		   struct vq_config *cfg);
/* Runs until SIGTERM/SIGINT; returns the exit status. */
int vq_daemon_run(struct vq_daemon *dm);
/* After the double fork: logging moves to syslog. */
void vq_daemon_detached(struct vq_daemon *dm);
void vq_daemon_fini(struct vq_daemon *dm);

/*
 * `voiceqos calls` rendering, pure: the calls and a kernel flow dump (NULL
 * if the module is absent), as JSON or as the human table.
 */
void vq_calls_render(FILE *out, bool json, const struct vq_call *const *calls,
		     size_t ncalls, const struct vq_flow *kf, size_t nkf,
		     bool kernel_up, uint64_t now_ns);
/*
 * Live quality: every [quality] interval (called once a second), the calls'
 * kernel flows are read and each audio stream direction gets an estimated
 * MOS; a call crossing mos_threshold is logged and announced
 * (call_degraded / call_recovered). Entries of ended calls are dropped.
 */
void vq_daemon_quality_tick(struct vq_daemon *dm, uint64_t now_ms);
const struct vq_dq_call *vq_daemon_quality_of(const struct vq_daemon *dm,
					      uint64_t cookie);
void vq_daemon_quality_fini(struct vq_daemon *dm);
/* daemon_adm.c's monitor events, for the quality ones. */
void vq_daemon_quality_event(struct vq_daemon *dm, const char *name,
			     const struct vq_call *c, const struct vq_dq_stream *s);
/* The same as vq_calls_render_adm with each call's quality (dq[i], or NULL). */
void vq_calls_render_full(FILE *out, bool json, const struct vq_call *const *calls,
			 size_t ncalls, const struct vq_flow *kf, size_t nkf,
			 bool kernel_up, uint64_t now_ns, const enum vq_adm_state *adm,
			 const struct vq_dq_call *const *dq);
/* The same with each call's admission state (adm[i] for calls[i]). */
void vq_calls_render_adm(FILE *out, bool json, const struct vq_call *const *calls,
			 size_t ncalls, const struct vq_flow *kf, size_t nkf,
			 bool kernel_up, uint64_t now_ns, const enum vq_adm_state *adm);

#endif
