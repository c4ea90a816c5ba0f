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

#include "config.h"
#include "ctl.h"
#include "dialog.h"
#include "engine.h"
#include "kflow.h"
#include "print.h"
#include "sipsrc.h"

struct vq_daemon_opts {
	const char *config;	/* path; NULL = VQ_DEFAULT_CONF, absent = defaults */
	bool foreground;
	bool debug;
	bool syslog;
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
};

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

#endif
