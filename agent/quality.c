// SPDX-License-Identifier: GPL-2.0
#include <math.h>

#include "quality.h"

static double clean(double v)
{
	return isfinite(v) && v > 0 ? v : 0;
}

double vq_r_factor(double delay_ms, double jitter_ms, double loss_pct)
{
	double el = clean(delay_ms) + 2 * clean(jitter_ms) + 10;
	double loss = clean(loss_pct);
	double r;

	if (loss > 100)
		loss = 100;
	r = el < 160 ? 93.2 - el / 40 : 93.2 - (el - 120) / 10;
	r -= 2.5 * loss;
	if (r < 0)
		return 0;
	return r > 100 ? 100 : r;
}

double vq_mos_from_r(double r)
{
	double mos;

	/* The cubic dips below 1 for R under ~6.5 and is not defined past 100. */
	if (!(r > 0))
		return 1.0;
	if (r >= 100)
		return 4.5;
	mos = 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r);
	return mos < 1.0 ? 1.0 : mos;
}

double vq_mos(double delay_ms, double jitter_ms, double loss_pct)
{
	return vq_mos_from_r(vq_r_factor(delay_ms, jitter_ms, loss_pct));
}
