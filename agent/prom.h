/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Prometheus text exposition format 0.0.4, as node_exporter's textfile
 * collector reads it: one HELP and TYPE line per metric family, then its
 * samples, label values escaped.
 */
#ifndef VQ_PROM_H
#define VQ_PROM_H

#include <stdint.h>
#include <stdio.h>

enum vq_prom_type { VQ_PROM_COUNTER, VQ_PROM_GAUGE };

/* Starts a family; every family must be written once, with its samples. */
void vq_prom_family(FILE *out, const char *name, enum vq_prom_type type,
		    const char *help);
/*
 * One sample of the current family. labels: NULL or "k1", "v1", "k2",
 * "v2", ..., NULL (names are ours, values are escaped).
 */
void vq_prom_sample(FILE *out, const char *name, const char *const *labels,
		    double value);
void vq_prom_sample_u64(FILE *out, const char *name,
			const char *const *labels, uint64_t value);

#endif
