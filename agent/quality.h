/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Call quality estimate: the simplified ITU-T G.107 E-model that VoIP
 * monitors use when all they have is delay, jitter and loss.
 */
#ifndef VQ_QUALITY_H
#define VQ_QUALITY_H

/*
 * R-factor for a one-way delay and RFC 3550 jitter (ms) and a loss
 * percentage (0..100). Effective latency = delay + 2 x jitter + 10 ms (the
 * jitter buffer and codec), R = 93.2 - EL/40 below 160 ms, else
 * 93.2 - (EL - 120)/10, minus 2.5 per percent lost; clamped to 0..100.
 * Negative or non-finite inputs count as 0.
 */
double vq_r_factor(double delay_ms, double jitter_ms, double loss_pct);

/* MOS from R: 1 + 0.035 R + 7e-6 R (R - 60)(100 - R), 1.0 .. 4.5. */
double vq_mos_from_r(double r);

/* vq_mos_from_r(vq_r_factor(...)). */
double vq_mos(double delay_ms, double jitter_ms, double loss_pct);

#endif
