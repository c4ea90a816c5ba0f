// SPDX-License-Identifier: GPL-2.0
/* Budgets and admission decisions; admission.h has the rules. */
#include <stdlib.h>
#include <string.h>

#include "admission.h"
#include "log.h"

void vq_adm_init(struct vq_adm *a)
{
	memset(a, 0, sizeof(*a));
	a->profile = -1;
}

void vq_adm_free(struct vq_adm *a)
{
	size_t i;

	for (i = 0; i < VQ_ADM_BUCKETS; i++) {
		struct vq_adm_call *c = a->bucket[i], *n;

		for (; c; c = n) {
			n = c->next;
			free(c);
		}
		a->bucket[i] = NULL;
	}
	a->ncalls = 0;
}

const char *vq_dir_name(enum vq_dir d)
{
	return d == VQ_DIR_UP ? "up" : "down";
}

const char *vq_adm_state_name(enum vq_adm_state s)
{
	switch (s) {
	case VQ_ADM_ADMITTED:
		return "admitted";
	case VQ_ADM_OVER:
		return "over_budget";
	default:
		return "none";
	}
}

bool vq_adm_configure(struct vq_adm *a, const struct vq_config *cfg,
		      const struct tm *tm)
{
	const char *ifn[VQ_NDIRS] = { cfg->link.uplink, cfg->link.downlink };
	uint64_t rate[VQ_NDIRS] = { cfg->link.uplink_rate, cfg->link.downlink_rate };
	int profile = vq_profile_match(cfg, tm);
	const struct vq_budget *b = profile >= 0 ? &cfg->voice.profiles[profile].budget :
				    &cfg->voice.budget;
	bool changed = profile != a->profile;
	int d;

	a->profile = profile;
	for (d = 0; d < VQ_NDIRS; d++) {
		struct vq_adm_link *l = &a->link[d];
		bool on = ifn[d][0] != '\0';
		uint64_t budget = on ? vq_budget_bps(b, rate[d], cfg->link.signalling_rate) : 0;

		if (l->on != on || l->rate != (on ? rate[d] : 0) || l->budget != budget)
			changed = true;
		l->on = on;
		l->rate = on ? rate[d] : 0;
		l->budget = budget;
	}
	return changed;
}

static size_t slot(uint64_t cookie)
{
	/* Cookies are hashes of Call-IDs already: their low bits spread. */
	return (cookie ^ (cookie >> 29)) % VQ_ADM_BUCKETS;
}

static struct vq_adm_call *find(const struct vq_adm *a, uint64_t cookie)
{
	struct vq_adm_call *c;

	for (c = a->bucket[slot(cookie)]; c; c = c->next)
		if (c->cookie == cookie)
			return c;
	return NULL;
}

const struct vq_adm_call *vq_adm_find(const struct vq_adm *a, uint64_t cookie)
{
	return find(a, cookie);
}

static struct vq_adm_call *get(struct vq_adm *a, uint64_t cookie)
{
	struct vq_adm_call *c = find(a, cookie);
	size_t s;

	if (c)
		return c;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->cookie = cookie;
	s = slot(cookie);
	c->next = a->bucket[s];
	a->bucket[s] = c;
	a->ncalls++;
	return c;
}

/* Moves the call's holding to res[], keeping the links' sums. */
static void hold(struct vq_adm *a, struct vq_adm_call *c, const uint64_t res[VQ_NDIRS],
		 struct vq_adm_change *out)
{
	int d;

	for (d = 0; d < VQ_NDIRS; d++) {
		out->delta[d] += (int64_t)res[d] - (int64_t)c->res[d];
		a->link[d].reserved = a->link[d].reserved - c->res[d] + res[d];
		c->res[d] = res[d];
	}
}

/* Would holding need[] instead of what c holds fit every link? */
static bool fits(const struct vq_adm *a, const struct vq_adm_call *c,
		 const uint64_t need[VQ_NDIRS])
{
	int d;

	for (d = 0; d < VQ_NDIRS; d++) {
		const struct vq_adm_link *l = &a->link[d];

		/* Shrinking always fits, even below a budget that was cut. */
		if (!l->on || need[d] <= c->res[d])
			continue;
		if (l->reserved - c->res[d] + need[d] > l->budget)
			return false;
	}
	return true;
}

void vq_adm_update(struct vq_adm *a, uint64_t cookie, const uint64_t need[VQ_NDIRS],
		   bool has_flows, struct vq_adm_change *out)
{
	static const uint64_t zero[VQ_NDIRS];
	struct vq_adm_call *c = get(a, cookie);
	uint64_t want[VQ_NDIRS];
	int d;

	memset(out, 0, sizeof(*out));
	if (!c) {
		vq_err_log("admission: out of memory");
		out->before = out->after = VQ_ADM_NONE;
		return;
	}
	out->before = c->state;
	/* An unshaped direction has no budget to hold. */
	for (d = 0; d < VQ_NDIRS; d++)
		want[d] = a->link[d].on ? need[d] : 0;
	memcpy(c->need, want, sizeof(c->need));
	/*
	 * No flows left (all expired, or deleted by a change): nothing to
	 * hold, but the call keeps its state; its next flows are decided as
	 * growth (admitted) or again (over budget).
	 */
	if (!has_flows) {
		if (c->state == VQ_ADM_ADMITTED)
			hold(a, c, zero, out);
		out->after = c->state;
		return;
	}
	if (fits(a, c, want)) {
		hold(a, c, want, out);
		c->state = VQ_ADM_ADMITTED;
	} else {
		hold(a, c, zero, out);
		c->state = VQ_ADM_OVER;
		if (!c->over_logged)
			out->log_over = c->over_logged = true;
	}
	out->after = c->state;
}

void vq_adm_adopt(struct vq_adm *a, uint64_t cookie, const uint64_t need[VQ_NDIRS],
		  bool over)
{
	static const uint64_t zero[VQ_NDIRS];
	struct vq_adm_change ch = { 0 };
	struct vq_adm_call *c = get(a, cookie);
	int d;

	if (!c) {
		vq_err_log("admission: out of memory");
		return;
	}
	for (d = 0; d < VQ_NDIRS; d++)
		c->need[d] = a->link[d].on ? need[d] : 0;
	hold(a, c, over ? zero : c->need, &ch);
	c->state = over ? VQ_ADM_OVER : VQ_ADM_ADMITTED;
	/* The daemon before the restart logged it already. */
	c->over_logged = over;
}

bool vq_adm_release(struct vq_adm *a, uint64_t cookie, struct vq_adm_change *out)
{
	static const uint64_t zero[VQ_NDIRS];
	struct vq_adm_call **pp = &a->bucket[slot(cookie)], *c;

	memset(out, 0, sizeof(*out));
	for (; (c = *pp); pp = &c->next)
		if (c->cookie == cookie)
			break;
	if (!c)
		return false;
	out->before = c->state;
	out->after = VQ_ADM_NONE;
	hold(a, c, zero, out);
	*pp = c->next;
	free(c);
	a->ncalls--;
	return true;
}

uint64_t vq_adm_free_bps(const struct vq_adm *a, enum vq_dir d)
{
	const struct vq_adm_link *l = &a->link[d];

	return l->reserved < l->budget ? l->budget - l->reserved : 0;
}

void vq_adm_counts(const struct vq_adm *a, enum vq_dir d, unsigned int *admitted,
		   unsigned int *over)
{
	size_t i;

	*admitted = *over = 0;
	for (i = 0; i < VQ_ADM_BUCKETS; i++) {
		const struct vq_adm_call *c;

		for (c = a->bucket[i]; c; c = c->next) {
			if (!c->need[d])
				continue;
			if (c->state == VQ_ADM_ADMITTED)
				(*admitted)++;
			else if (c->state == VQ_ADM_OVER)
				(*over)++;
		}
	}
}
