/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon's control socket: a unix stream socket, root only (directory
 * 0750, socket 0600, and the peer's SO_PEERCRED uid must be 0). A client
 * sends one request line and gets one document back, then the daemon
 * closes the connection:
 *
 *   "calls"       -> JSON {"calls":[...],...}
 *   "calls text"  -> the human table `voiceqos calls` prints
 *   "status"      -> JSON: daemon, engine and kernel counters, links
 *   "status text" -> the human form `voiceqos status` prints
 *   "monitor"     -> kept open: one JSON line per event (vq_ctl_broadcast)
 *   "monitor text" -> the same events as aligned human lines
 *
 * An unknown request gets {"error":"..."}. The server is non-blocking and
 * lives in the daemon's poll loop: a bounded number of clients, each with
 * a deadline, so a stuck client cannot hold the daemon.
 */
#ifndef VQ_CTL_H
#define VQ_CTL_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define VQ_CTL_MAX_CLIENTS 8
#define VQ_CTL_LINE_MAX 128
#define VQ_CTL_TIMEOUT_MS 5000

enum vq_ctl_req {
	VQ_CTL_BAD,
	VQ_CTL_CALLS,
	VQ_CTL_CALLS_TEXT,
	VQ_CTL_STATUS,
	VQ_CTL_MONITOR,
	VQ_CTL_STATUS_TEXT,
	VQ_CTL_MONITOR_TEXT,
};

/*
 * Events a monitor client has not read yet, at most: a client that falls
 * this far behind is dropped (and logged) rather than let the daemon's
 * memory grow or the daemon wait for it.
 */
#define VQ_CTL_MONITOR_BUF (64 * 1024)

/*
 * Parses a request of n bytes (newline optional, CR tolerated). Returns
 * the request or VQ_CTL_BAD; *complete is false while no newline was
 * seen yet (the bytes could still become a request).
 */
enum vq_ctl_req vq_ctl_parse(const char *buf, size_t n, bool *complete);

/* Writes the reply to req into out; returns 0 or -errno. */
typedef int (*vq_ctl_fn)(void *ctx, enum vq_ctl_req req, FILE *out);

struct vq_ctl_client {
	int fd;
	uint64_t deadline_ms;
	char in[VQ_CTL_LINE_MAX];
	size_t inlen;
	char *out;		/* reply, once built */
	size_t outlen, outoff;
	bool monitor;		/* streaming events; out is a growing queue */
	bool text;		/* monitor: the human lines */
	size_t outcap;
};

struct vq_ctl {
	int fd;
	char path[108];
	struct vq_ctl_client cl[VQ_CTL_MAX_CLIENTS];
	vq_ctl_fn fn;
	void *ctx;
	uint64_t served, refused;
	uint64_t monitor_dropped;	/* slow monitor clients dropped */
};

/*
 * Creates the socket's directory (0750) if missing, refuses when another
 * daemon answers on path (-EADDRINUSE), removes a stale socket, binds and
 * listens. err gets a sentence on failure.
 */
int vq_ctl_open(struct vq_ctl *c, const char *path, vq_ctl_fn fn, void *ctx,
		char *err, size_t errlen);
void vq_ctl_close(struct vq_ctl *c);
/* Fills pollfds (at most 1 + VQ_CTL_MAX_CLIENTS); returns how many. */
int vq_ctl_pollfds(const struct vq_ctl *c, struct pollfd *p);
/* Handles what poll reported for those entries, and client deadlines. */
void vq_ctl_service(struct vq_ctl *c, const struct pollfd *p, int n,
		    uint64_t now_ms);

/*
 * One event, as a JSON line and as a human line (each with its newline),
 * queued to every monitor client in its form and sent as far as the
 * socket takes it now; never blocks.
 */
void vq_ctl_broadcast(struct vq_ctl *c, const char *json, size_t jlen,
		      const char *text, size_t tlen);
/* Monitor clients connected now. */
unsigned int vq_ctl_monitors(const struct vq_ctl *c);

#endif
