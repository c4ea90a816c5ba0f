/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Admission control, pure (no netlink, no clock): each shaped link's voice
 * budget from [voice] and the time-of-day profile in force, the sum of the
 * reservations of admitted calls per link, and the decision for each call.
 *
 * A call is admitted only if every direction it needs fits (all or
 * nothing); one that does not is "over budget": it reserves nothing and
 * its flows are carried best effort. A change of an admitted call (re-INVITE,
 * hold, codec change) that grows it beyond what fits makes it over budget;
 * one that shrinks frees the difference at once; release frees it all. An
 * over-budget call is tried again at its own next change, not when budget
 * frees (that would move a running call between classes unasked).
 *
 * A budget change (profile boundary, reload) keeps the calls admitted
 * before, even beyond the new budget (free is then 0); new calls and growth
 * are measured against the new budget.
 */
#ifndef VQ_ADMISSION_H
#define VQ_ADMISSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "config.h"

enum vq_dir { VQ_DIR_UP, VQ_DIR_DOWN, VQ_NDIRS };

enum vq_adm_state {
	VQ_ADM_NONE,		/* no flows yet */
	VQ_ADM_ADMITTED,
	VQ_ADM_OVER,		/* over budget: tracked, best effort */
};

struct vq_adm_link {
	bool on;		/* an interface is configured for it */
	uint64_t rate;		/* the link's rate, bit/s */
	uint64_t budget;	/* what admitted calls may reserve together */
	uint64_t reserved;	/* what they reserve now */
};

struct vq_adm_call {
	uint64_t cookie;
	enum vq_adm_state state;
	uint64_t need[VQ_NDIRS];	/* asked at its last change */
	uint64_t res[VQ_NDIRS];		/* held now (admitted calls only) */
	bool over_logged;		/* over budget was logged for it once */
	struct vq_adm_call *next;
};

#define VQ_ADM_BUCKETS 1024

struct vq_adm {
	struct vq_adm_link link[VQ_NDIRS];
	int profile;			/* index in cfg->voice.profiles, -1 */
	struct vq_adm_call *bucket[VQ_ADM_BUCKETS];
	size_t ncalls;
};

/* What vq_adm_update did to one call. */
struct vq_adm_change {
	enum vq_adm_state before, after;
	int64_t delta[VQ_NDIRS];	/* change of the link's reserved sum */
	bool log_over;			/* first time over budget: log it */
};

void vq_adm_init(struct vq_adm *a);
void vq_adm_free(struct vq_adm *a);
const char *vq_dir_name(enum vq_dir d);	/* "up", "down" */
const char *vq_adm_state_name(enum vq_adm_state s);	/* "none", "admitted", "over_budget" */

/*
 * Links and budgets from cfg at local time tm (profile selection). Calls
 * are kept. Returns true if a budget or the profile changed.
 */
bool vq_adm_configure(struct vq_adm *a, const struct vq_config *cfg,
		      const struct tm *tm);

/*
 * The call's needs changed: need[d] bit/s on link d (0 where it needs
 * nothing or the link is not shaped); has_flows false while it has none.
 * Creates the call on first use. A call left without flows keeps its
 * state and holds nothing.
 */
void vq_adm_update(struct vq_adm *a, uint64_t cookie, const uint64_t need[VQ_NDIRS],
		   bool has_flows, struct vq_adm_change *out);
/*
 * A call found in the kernel after a restart: admitted (its flows carry
 * the voice class) with what its flows reserve, whatever the budget says
 * (like calls kept across a budget change), or over budget.
 */
void vq_adm_adopt(struct vq_adm *a, uint64_t cookie, const uint64_t need[VQ_NDIRS],
		  bool over);
/* The call ended: its reservation is freed (delta[] says how much). False if unknown. */
bool vq_adm_release(struct vq_adm *a, uint64_t cookie, struct vq_adm_change *out);
const struct vq_adm_call *vq_adm_find(const struct vq_adm *a, uint64_t cookie);

/* budget - reserved, 0 when a budget change left more reserved than budget. */
uint64_t vq_adm_free_bps(const struct vq_adm *a, enum vq_dir d);
/* Calls that need link d: admitted, over budget. */
void vq_adm_counts(const struct vq_adm *a, enum vq_dir d, unsigned int *admitted,
		   unsigned int *over);

#endif
