// SPDX-License-Identifier: GPL-2.0
#include <math.h>

#include "test.h"
#include "../../agent/quality.h"

struct mos_vector {
	double delay, jitter, loss;
	double mos, tolerance;
};

/* The issue's vectors (two decimals), then the knee at 160 ms and the clamps. */
static const struct mos_vector vectors[] = {
	{ 0, 0, 0, 4.40, 0.005 },
	{ 0, 0, 1, 4.35, 0.005 },
	{ 0, 0, 10, 3.50, 0.005 },
	{ 150, 0, 0, 4.3189, 0.0001 },	/* EL 160: second branch, R 89.2 */
	{ 149.9, 0, 0, 4.3190, 0.0001 },	/* EL just under: first branch */
	{ 100, 20, 0, 4.3253, 0.0001 },
	{ 400, 0, 0, 3.3146, 0.0001 },	/* EL 410: R 64.2 */
	{ 0, 0, 40, 1.0, 0 },		/* R below 0 */
	{ 0, 0, 100, 1.0, 0 },
	{ -5, -1, -3, 4.4044, 0.0001 },	/* negative inputs count as 0 */
	{ NAN, INFINITY, NAN, 4.4044, 0.0001 },
};

T_SUITE(quality)
{
	for (unsigned int i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		const struct mos_vector *v = &vectors[i];
		double got = vq_mos(v->delay, v->jitter, v->loss);

		t_check(fabs(got - v->mos) <= v->tolerance, "quality: mos vector",
			"delay %g jitter %g loss %g: MOS %.4f, want %.4f",
			v->delay, v->jitter, v->loss, got, v->mos);
	}
	t_check(fabs(vq_r_factor(0, 0, 0) - 92.95) < 1e-9, "quality: R without impairment",
		"R %.4f", vq_r_factor(0, 0, 0));
	t_check(vq_mos_from_r(100) == 4.5 && vq_mos_from_r(150) == 4.5 &&
		vq_mos_from_r(-3) == 1.0, "quality: MOS clamps", "%g %g %g",
		vq_mos_from_r(100), vq_mos_from_r(150), vq_mos_from_r(-3));
	for (double r = 1; r < 100; r += 0.5) {
		if (vq_mos_from_r(r) + 1e-12 < vq_mos_from_r(r - 0.5)) {
			t_check(false, "quality: MOS monotonic in R", "dips at R %.1f", r);
			return;
		}
	}
	t_check(true, "quality: MOS monotonic in R", " ");
}
