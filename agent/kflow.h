/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The daemon's side of the kernel: the dialog layer's flow operations as
 * generic netlink requests, the module configuration from the config file,
 * adoption of our flows after a restart, expiry events, and keeping the
 * kernel's flow table equal to what the live calls want when messages were
 * lost (ENOBUFS) or the module was unloaded and loaded again.
 *
 * Two sockets: requests (acknowledged, synchronous) and events (the
 * module's "events" group plus nlctrl's "notify" group, which says when
 * the voiceqos family goes away and comes back).
 */
#ifndef VQ_KFLOW_H
#define VQ_KFLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "genl.h"
#include "dialog.h"
#include "print.h"

struct vq_kflow_stats {
	uint64_t adds, add_errors;
	uint64_t dels, del_errors;	/* by key; ENOENT is not an error */
	uint64_t del_skipped;		/* key taken over by another call's flow */
	uint64_t del_calls, del_call_errors;
	uint64_t adopted_flows;		/* ours, found at start */
	uint64_t foreign_flows;		/* not ours, left alone (last dump) */
	uint64_t expired;		/* FLOW_EXPIRED events for our flows */
	uint64_t overruns;		/* ENOBUFS on the events socket */
	uint64_t resyncs;		/* reconciliations run */
	uint64_t resync_added, resync_removed;
	uint64_t family_lost, family_back;	/* module unloaded / loaded */
	uint64_t config_sets, config_errors;
};

struct vq_kflow {
	struct genl req;
	struct genl ev;
	bool req_open, ev_open;
	bool up;			/* the voiceqos family is there */
	uint16_t family_id;
	uint32_t ctrl_group;		/* nlctrl "notify", 0 if unknown */
	bool ev_resync_due;		/* events were lost; resync when drained */
	const struct vq_config *cfg;
	struct vq_dialogs *d;		/* set once the engine exists */
	struct vq_kflow_stats st;
	/*
	 * Optional, set by the daemon: adjust() may change a flow just before
	 * FLOW_NEW (an over-budget call's flows go best effort), expired()
	 * hears of each of our flows the kernel expired, after the dialogs.
	 */
	void (*adjust)(void *ctx, const struct vq_call *c, struct vq_flow *f);
	void (*expired)(void *ctx, const struct vq_flow_spec *s);
	void *hook_ctx;
};

extern const struct vq_flow_ops vq_kflow_ops;

/* Pure conversions between the dialog layer's flows and the kernel's. */
void vq_kflow_to_kernel(const struct vq_flow_spec *s, uint32_t timeout,
			struct vq_flow *f);
void vq_kflow_from_kernel(const struct vq_flow *f, struct vq_flow_spec *s);
/* Same kernel key (family, dst, dst port, source or its wildcard)? */
bool vq_kflow_same_key(const struct vq_flow *k, const struct vq_flow_spec *s);

/*
 * Opens both sockets. The module may be absent: that is not an error
 * (k->up stays false, vq_kflow_check retries); only a failure to create
 * sockets is.
 */
int vq_kflow_open(struct vq_kflow *k, const struct vq_config *cfg);
void vq_kflow_close(struct vq_kflow *k);
void vq_kflow_set_config(struct vq_kflow *k, const struct vq_config *cfg);

/* vq_kflow_ops' operations, for a host that wraps them (the daemon). */
int vq_kflow_add(struct vq_kflow *k, const struct vq_call *c,
		 const struct vq_flow_spec *s);
int vq_kflow_del(struct vq_kflow *k, const struct vq_call *c,
		 const struct vq_flow_spec *s);
int vq_kflow_del_call(struct vq_kflow *k, const struct vq_call *c);
void vq_kflow_call_event(struct vq_kflow *k, const struct vq_call *c, const char *what);

/*
 * CONFIG_SET from k->cfg: SIP ports, be_priority, fallback DSCP, the SIP
 * packets' DSCP and, with [link], their priority (the signalling class),
 * mirror rate.
 */
int vq_kflow_apply_config(struct vq_kflow *k);
/* Start: dump the table, adopt our flows (vq_dialogs_adopt), leave others. */
int vq_kflow_adopt(struct vq_kflow *k, uint64_t now_ns);
/*
 * Reconcile: remove our kernel flows that no live call wants, install the
 * live calls' flows the kernel lacks.
 */
int vq_kflow_resync(struct vq_kflow *k, uint64_t now_ns);
/* Every flow in the kernel (ours and foreign); free(*out). */
int vq_kflow_dump(struct vq_kflow *k, struct vq_flow **out, size_t *n);

/* What vq_kflow_events and vq_kflow_check found, for the daemon to act on. */
#define VQ_KF_GONE 0x1		/* the family disappeared */
#define VQ_KF_BACK 0x2		/* it is back: reopen the SIP socket */
#define VQ_KF_RESYNCED 0x4

int vq_kflow_events_fd(const struct vq_kflow *k);
/* Reads pending events; returns VQ_KF_* bits, or -errno. */
int vq_kflow_events(struct vq_kflow *k, uint64_t now_ns);
/*
 * Periodic: while the family is absent, look for it; once it is there
 * again, reattach (config, resync). Returns VQ_KF_* bits.
 */
int vq_kflow_check(struct vq_kflow *k, uint64_t now_ns);
/* Mark the family gone after a request failed with ENOENT. */
void vq_kflow_lost(struct vq_kflow *k);

#endif
