/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Streaming JSON writer: the caller emits keys and values in order and the
 * writer places commas and colons. Output is compact (one object per line
 * is what "listen --json" consumers expect).
 */
#ifndef VQ_JSON_H
#define VQ_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json {
	FILE *f;
	int depth;
	bool after_key;
	bool need_comma[JSON_MAX_DEPTH];
};

void json_init(struct json *j, FILE *f);
/* A quoted JSON string of n arbitrary bytes; see json.c for non-UTF-8. */
void json_escape(FILE *f, const char *s, size_t n);

void json_obj_begin(struct json *j);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j);
void json_arr_end(struct json *j);
void json_key(struct json *j, const char *key);
void json_str(struct json *j, const char *s);
void json_strn(struct json *j, const char *s, size_t n);
void json_u64(struct json *j, uint64_t v);
void json_i64(struct json *j, int64_t v);
/* A fixed-point decimal; null if not finite. */
void json_fixed(struct json *j, double v, int decimals);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);

static inline void json_kv_str(struct json *j, const char *k, const char *v)
{
	json_key(j, k);
	if (v)
		json_str(j, v);
	else
		json_null(j);
}

static inline void json_kv_u64(struct json *j, const char *k, uint64_t v)
{
	json_key(j, k);
	json_u64(j, v);
}

/* A number if present, null if not: keeps the key set stable. */
static inline void json_kv_opt(struct json *j, const char *k, bool have,
			       uint64_t v)
{
	json_key(j, k);
	if (have)
		json_u64(j, v);
	else
		json_null(j);
}

#endif
