// SPDX-License-Identifier: GPL-2.0
/*
 * admission.c: budgets from [link]/[voice] and the profile at a fixed local
 * time, admit/over budget (all or nothing), resize, hold, release, adoption
 * and the budget change at a profile boundary.
 */
#include <string.h>

#include "test.h"
#include "../../agent/admission.h"

static struct tm at(int wday, int hour, int min)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_wday = wday;
	tm.tm_hour = hour;
	tm.tm_min = min;
	return tm;
}

/* up 1M, down 2M, signalling 64k, budget 200k, weekdays 09-17 50% */
static void config(struct vq_config *c)
{
	vq_config_defaults(c);
	snprintf(c->link.uplink, sizeof(c->link.uplink), "wan0");
	c->link.uplink_rate = 1000000;
	snprintf(c->link.downlink, sizeof(c->link.downlink), "lan0");
	c->link.downlink_rate = 2000000;
	c->voice.budget = (struct vq_budget){ .bps = 200000 };
	c->voice.profiles[0] = (struct vq_profile){ .days = 0x3e, .start = 540,
						    .end = 1020, .budget.pct = 50 };
	c->voice.profiles[1] = (struct vq_profile){ .days = 0x41, .start = 1320,
						    .end = 120, .budget.pct = 10 };
	c->voice.nprofiles = 2;
}

static enum vq_adm_state update(struct vq_adm *a, uint64_t cookie, uint64_t up,
				uint64_t down, struct vq_adm_change *ch)
{
	uint64_t need[VQ_NDIRS] = { up, down };

	vq_adm_update(a, cookie, need, true, ch);
	return ch->after;
}

static void budgets(void)
{
	static const struct {
		int wday, hour, min;
		int profile;
		uint64_t up, down;
	} cases[] = {
		{ 3, 3, 0, -1, 200000, 200000 },	/* wednesday night: budget */
		{ 1, 9, 0, 0, 500000, 1000000 },	/* monday 09:00: 50% */
		{ 5, 16, 59, 0, 500000, 1000000 },
		{ 5, 17, 0, -1, 200000, 200000 },	/* the end is excluded */
		{ 6, 9, 0, -1, 200000, 200000 },	/* saturday: not mon-fri */
		{ 6, 22, 0, 1, 100000, 200000 },	/* saturday 22:00: 10% */
		{ 0, 1, 59, 1, 100000, 200000 },	/* sunday 01:59: saturday's night */
		{ 0, 23, 0, 1, 100000, 200000 },	/* sunday 23:00: its own night */
		{ 1, 1, 0, 1, 100000, 200000 },	/* monday 01:00: over the week's end */
		{ 1, 2, 0, -1, 200000, 200000 },
		{ 2, 1, 0, -1, 200000, 200000 },	/* tuesday 01:00: monday not listed */
	};
	struct vq_config c;
	struct vq_adm a;
	size_t i;

	config(&c);
	vq_adm_init(&a);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tm tm = at(cases[i].wday, cases[i].hour, cases[i].min);
		char name[96];

		vq_adm_configure(&a, &c, &tm);
		snprintf(name, sizeof(name), "admission budget wday %d %02d:%02d",
			 cases[i].wday, cases[i].hour, cases[i].min);
		t_check(a.profile == cases[i].profile &&
			a.link[VQ_DIR_UP].budget == cases[i].up &&
			a.link[VQ_DIR_DOWN].budget == cases[i].down, name,
			"profile %d up %llu down %llu", a.profile,
			(unsigned long long)a.link[VQ_DIR_UP].budget,
			(unsigned long long)a.link[VQ_DIR_DOWN].budget);
	}
	/* unchanged time, unchanged config: nothing to announce */
	{
		struct tm tm = at(2, 1, 0);

		t_check(!vq_adm_configure(&a, &c, &tm), "admission configure: no change",
			"reported a change");
		tm = at(2, 10, 0);
		t_check(vq_adm_configure(&a, &c, &tm), "admission configure: profile change",
			"not reported");
	}
	/* without [link] nothing is budgeted */
	vq_config_defaults(&c);
	{
		struct tm tm = at(2, 10, 0);
		struct vq_adm_change ch;

		vq_adm_configure(&a, &c, &tm);
		t_check(!a.link[0].on && !a.link[1].on && a.link[0].budget == 0,
			"admission without [link]: no links", "on %d %d", a.link[0].on,
			a.link[1].on);
		t_check(update(&a, 1, 1000000, 1000000, &ch) == VQ_ADM_ADMITTED &&
			a.link[0].reserved == 0 && ch.delta[0] == 0,
			"admission without [link]: admitted, nothing reserved",
			"%s reserved %llu", vq_adm_state_name(ch.after),
			(unsigned long long)a.link[0].reserved);
	}
	vq_adm_free(&a);
}

static void decisions(void)
{
	struct vq_config c;
	struct vq_adm a;
	struct vq_adm_change ch;
	struct tm night = at(3, 3, 0), day = at(3, 10, 0);
	unsigned int na, no;

	config(&c);
	vq_adm_init(&a);
	vq_adm_configure(&a, &c, &night);	/* 200k each way */

	/* no flows yet: none, nothing held */
	{
		uint64_t need[VQ_NDIRS] = { 0, 0 };

		vq_adm_update(&a, 1, need, false, &ch);
		t_check(ch.after == VQ_ADM_NONE && vq_adm_find(&a, 1)->state == VQ_ADM_NONE,
			"admission: a call without flows is none", "%s",
			vq_adm_state_name(ch.after));
	}
	t_check(update(&a, 1, 95000, 95000, &ch) == VQ_ADM_ADMITTED &&
		ch.before == VQ_ADM_NONE && ch.delta[0] == 95000 && ch.delta[1] == 95000 &&
		a.link[0].reserved == 95000, "admission: first call admitted",
		"%s delta %lld", vq_adm_state_name(ch.after), (long long)ch.delta[0]);
	t_check(update(&a, 2, 95000, 95000, &ch) == VQ_ADM_ADMITTED &&
		a.link[0].reserved == 190000 && vq_adm_free_bps(&a, VQ_DIR_UP) == 10000,
		"admission: second call admitted, 10k free", "%s free %llu",
		vq_adm_state_name(ch.after),
		(unsigned long long)vq_adm_free_bps(&a, VQ_DIR_UP));
	/* all or nothing: up would fit (no need), down does not */
	t_check(update(&a, 3, 0, 95000, &ch) == VQ_ADM_OVER && ch.log_over &&
		ch.delta[0] == 0 && ch.delta[1] == 0 && a.link[1].reserved == 190000,
		"admission: a call that does not fit is over budget", "%s log %d",
		vq_adm_state_name(ch.after), ch.log_over);
	t_check(update(&a, 4, 10000, 95000, &ch) == VQ_ADM_OVER &&
		a.link[0].reserved == 190000, "admission: all or nothing",
		"%s up reserved %llu", vq_adm_state_name(ch.after),
		(unsigned long long)a.link[0].reserved);
	/* exactly the budget fits */
	t_check(update(&a, 5, 10000, 10000, &ch) == VQ_ADM_ADMITTED &&
		vq_adm_free_bps(&a, VQ_DIR_UP) == 0, "admission: up to the budget exactly",
		"%s", vq_adm_state_name(ch.after));
	vq_adm_counts(&a, VQ_DIR_DOWN, &na, &no);
	t_check(na == 3 && no == 2, "admission counts down", "%u admitted %u over", na, no);
	vq_adm_counts(&a, VQ_DIR_UP, &na, &no);
	t_check(na == 3 && no == 1, "admission counts up (a call without up need "
		"is not counted)", "%u admitted %u over", na, no);

	/* an over-budget call's change again: still over, logged only once */
	t_check(update(&a, 3, 0, 96000, &ch) == VQ_ADM_OVER && !ch.log_over,
		"admission: over budget logged once", "log %d", ch.log_over);

	/* release frees at once and lets the next call in */
	t_check(vq_adm_release(&a, 1, &ch) && ch.delta[0] == -95000 &&
		ch.delta[1] == -95000 && a.link[1].reserved == 105000,
		"admission: release frees", "delta %lld reserved %llu",
		(long long)ch.delta[1], (unsigned long long)a.link[1].reserved);
	t_check(!vq_adm_release(&a, 1, &ch), "admission: release twice", "true");
	t_check(update(&a, 6, 95000, 95000, &ch) == VQ_ADM_ADMITTED,
		"admission: the next call gets the freed budget", "%s",
		vq_adm_state_name(ch.after));
	/* over call 3 tries again at its next change: now 0 free down */
	t_check(update(&a, 3, 0, 95000, &ch) == VQ_ADM_OVER,
		"admission: over call retried at its change, still no room", "%s",
		vq_adm_state_name(ch.after));

	/* hold: shrink frees the difference at once */
	t_check(update(&a, 2, 0, 95000, &ch) == VQ_ADM_ADMITTED && ch.delta[0] == -95000 &&
		ch.delta[1] == 0 && a.link[0].reserved == 105000,
		"admission: hold frees one direction", "delta %lld reserved %llu",
		(long long)ch.delta[0], (unsigned long long)a.link[0].reserved);
	/* unhold: grows back within the budget */
	t_check(update(&a, 2, 95000, 95000, &ch) == VQ_ADM_ADMITTED &&
		a.link[0].reserved == 200000, "admission: resume within budget", "%s %llu",
		vq_adm_state_name(ch.after), (unsigned long long)a.link[0].reserved);
	/* re-INVITE to a wider codec that does not fit: over, all freed */
	t_check(update(&a, 2, 150000, 150000, &ch) == VQ_ADM_OVER &&
		ch.before == VQ_ADM_ADMITTED && ch.delta[0] == -95000 &&
		ch.delta[1] == -95000 && ch.log_over && a.link[0].reserved == 105000,
		"admission: growth beyond the budget is over budget", "%s delta %lld",
		vq_adm_state_name(ch.after), (long long)ch.delta[0]);
	/* shrink of call 6 within its holding */
	t_check(update(&a, 6, 40000, 40000, &ch) == VQ_ADM_ADMITTED && ch.delta[0] == -55000,
		"admission: codec change to smaller", "delta %lld", (long long)ch.delta[0]);
	/* and the over call that now fits is admitted at its change */
	t_check(update(&a, 3, 0, 95000, &ch) == VQ_ADM_ADMITTED &&
		ch.before == VQ_ADM_OVER && a.link[1].reserved == 145000,
		"admission: over call admitted at a change that fits", "%s %llu",
		vq_adm_state_name(ch.after), (unsigned long long)a.link[1].reserved);

	/* every flow expired: nothing held, the state stays */
	{
		uint64_t none[VQ_NDIRS] = { 0, 0 };

		vq_adm_update(&a, 6, none, false, &ch);
		t_check(ch.after == VQ_ADM_ADMITTED && ch.delta[0] == -40000 &&
			a.link[0].reserved == 10000, "admission: no flows left, admitted, "
			"nothing held", "%s delta %lld", vq_adm_state_name(ch.after),
			(long long)ch.delta[0]);
		vq_adm_update(&a, 2, none, false, &ch);
		t_check(ch.after == VQ_ADM_OVER && ch.delta[0] == 0,
			"admission: no flows left, over budget stays over", "%s",
			vq_adm_state_name(ch.after));
		t_check(update(&a, 6, 40000, 40000, &ch) == VQ_ADM_ADMITTED &&
			a.link[0].reserved == 50000, "admission: flows back, held again",
			"%s %llu", vq_adm_state_name(ch.after),
			(unsigned long long)a.link[0].reserved);
	}

	/* profile boundary: 50% daytime, then night again below what is held */
	vq_adm_configure(&a, &c, &day);
	t_check(a.link[0].budget == 500000 && a.link[0].reserved == 50000,
		"admission: budget grows at the boundary, holdings kept", "%llu %llu",
		(unsigned long long)a.link[0].budget, (unsigned long long)a.link[0].reserved);
	t_check(update(&a, 7, 400000, 0, &ch) == VQ_ADM_ADMITTED,
		"admission: daytime budget admits more", "%s", vq_adm_state_name(ch.after));
	t_check(vq_adm_configure(&a, &c, &night) && a.link[0].budget == 200000 &&
		a.link[0].reserved == 450000 && vq_adm_free_bps(&a, VQ_DIR_UP) == 0 &&
		vq_adm_find(&a, 7)->state == VQ_ADM_ADMITTED,
		"admission: smaller budget keeps admitted calls, free 0", "%llu %llu",
		(unsigned long long)a.link[0].budget, (unsigned long long)a.link[0].reserved);
	t_check(update(&a, 8, 1000, 0, &ch) == VQ_ADM_OVER,
		"admission: new calls see the smaller budget", "%s",
		vq_adm_state_name(ch.after));
	t_check(update(&a, 7, 300000, 0, &ch) == VQ_ADM_ADMITTED && ch.delta[0] == -100000,
		"admission: shrinking above a cut budget stays admitted", "%s",
		vq_adm_state_name(ch.after));
	t_check(update(&a, 7, 300001, 0, &ch) == VQ_ADM_OVER,
		"admission: growing above a cut budget is over", "%s",
		vq_adm_state_name(ch.after));

	/* adoption after a restart: held whatever the budget */
	{
		uint64_t need[VQ_NDIRS] = { 300000, 300000 };

		vq_adm_adopt(&a, 9, need, false);
		t_check(vq_adm_find(&a, 9)->state == VQ_ADM_ADMITTED &&
			a.link[1].reserved == 445000, "admission: adopted call held",
			"reserved %llu", (unsigned long long)a.link[1].reserved);
		vq_adm_adopt(&a, 10, need, true);
		t_check(vq_adm_find(&a, 10)->state == VQ_ADM_OVER &&
			a.link[1].reserved == 445000, "admission: adopted over-budget call",
			"reserved %llu", (unsigned long long)a.link[1].reserved);
		t_check(update(&a, 10, 1000, 1000, &ch) == VQ_ADM_OVER && !ch.log_over,
			"admission: adopted over-budget call not logged again", "log %d",
			ch.log_over);
	}
	vq_adm_free(&a);
	t_check(a.ncalls == 0 && !vq_adm_find(&a, 9), "admission: freed", "%zu", a.ncalls);
}

/* Many calls in and out: the sum stays equal to what the calls hold. */
static void churn(void)
{
	struct vq_config c;
	struct vq_adm a;
	struct vq_adm_change ch;
	struct tm night = at(3, 3, 0);
	uint64_t sum[VQ_NDIRS], i;
	unsigned int seed = 1;
	bool ok = true;

	config(&c);
	c.voice.budget = (struct vq_budget){ .pct = 90 };
	vq_adm_init(&a);
	vq_adm_configure(&a, &c, &night);
	for (i = 0; i < 20000 && ok; i++) {
		uint64_t cookie = (seed = seed * 1103515245 + 12345) % 300;
		uint64_t up = (seed >> 8) % 100000, down = (seed >> 16) % 100000;

		if ((seed >> 4) % 4 == 0)
			vq_adm_release(&a, cookie, &ch);
		else
			update(&a, cookie, up, down, &ch);
		sum[0] = sum[1] = 0;
		for (size_t b = 0; b < VQ_ADM_BUCKETS; b++)
			for (const struct vq_adm_call *k = a.bucket[b]; k; k = k->next) {
				sum[0] += k->res[0];
				sum[1] += k->res[1];
			}
		ok = sum[0] == a.link[0].reserved && sum[1] == a.link[1].reserved &&
		     a.link[0].reserved <= a.link[0].budget &&
		     a.link[1].reserved <= a.link[1].budget;
	}
	t_check(ok, "admission churn: sums equal the holdings, within budget",
		"step %llu: %llu/%llu %llu/%llu", (unsigned long long)i,
		(unsigned long long)a.link[0].reserved, (unsigned long long)sum[0],
		(unsigned long long)a.link[1].reserved, (unsigned long long)sum[1]);
	vq_adm_free(&a);
}

T_SUITE(admission)
{
	budgets();
	decisions();
	churn();
}
