// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "json.h"

void json_init(struct json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->after_key = false;
	j->need_comma[0] = false;
}

/*
 * Length of the well-formed UTF-8 sequence at s (RFC 3629: no overlongs,
 * no surrogates, nothing above U+10FFFF), 0 if there is none.
 */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len, i;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/*
 * SIP payloads are "text" but arrive as raw bytes from the wire, and JSON
 * must be valid UTF-8. Well-formed UTF-8 passes through; any other byte is
 * written as \u00XX (its Latin-1 reading), so the output always parses and
 * no byte is silently dropped.
 */
void json_escape(FILE *f, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, run = 0;

	fputc('"', f);
	while (i < n) {
		unsigned char c = s[i];
		size_t l;

		/*
		 * Bytes that stand for themselves are written as one run:
		 * an fwrite per character was most of the JSON output's cost.
		 */
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			i++;
			continue;
		}
		if (c >= 0x80) {
			l = utf8_len(s + i, n - i);
			if (l) {
				i += l;
				continue;
			}
		}
		if (i > run)
			fwrite(s + run, 1, i - run, f);
		switch (c) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		case '\b':
			fputs("\\b", f);
			break;
		case '\f':
			fputs("\\f", f);
			break;
		default:
			/* Other controls, DEL, and bytes that are not UTF-8. */
			fprintf(f, "\\u%04x", c);
			break;
		}
		run = ++i;
	}
	if (i > run)
		fwrite(s + run, 1, i - run, f);
	fputc('"', f);
}

/* Separator before a value or a key at the current level. */
static void sep(struct json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->need_comma[j->depth])
		fputc(',', j->f);
	j->need_comma[j->depth] = true;
}

static void begin(struct json *j, char c)
{
	sep(j);
	fputc(c, j->f);
	/* Deeper than we ever nest: keep writing, just stop tracking commas. */
	if (j->depth < JSON_MAX_DEPTH - 1)
		j->depth++;
	j->need_comma[j->depth] = false;
}

static void end(struct json *j, char c)
{
	fputc(c, j->f);
	if (j->depth > 0)
		j->depth--;
}

void json_obj_begin(struct json *j)
{
	begin(j, '{');
}

void json_obj_end(struct json *j)
{
	end(j, '}');
}

void json_arr_begin(struct json *j)
{
	begin(j, '[');
}

void json_arr_end(struct json *j)
{
	end(j, ']');
}

void json_key(struct json *j, const char *key)
{
	sep(j);
	json_escape(j->f, key, strlen(key));
	fputc(':', j->f);
	j->after_key = true;
}

void json_strn(struct json *j, const char *s, size_t n)
{
	sep(j);
	json_escape(j->f, s, n);
}

void json_str(struct json *j, const char *s)
{
	json_strn(j, s, strlen(s));
}

void json_fixed(struct json *j, double v, int decimals)
{
	sep(j);
	if (isfinite(v))
		fprintf(j->f, "%.*f", decimals, v);
	else
		fputs("null", j->f);
}

void json_i64(struct json *j, int64_t v)
{
	sep(j);
	fprintf(j->f, "%" PRId64, v);
}

void json_u64(struct json *j, uint64_t v)
{
	char buf[20], *p = buf + sizeof(buf);

	sep(j);
	/* By hand: fprintf's format parsing cost more than the digits. */
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	fwrite(p, 1, (size_t)(buf + sizeof(buf) - p), j->f);
}

void json_bool(struct json *j, bool v)
{
	sep(j);
	fputs(v ? "true" : "false", j->f);
}

void json_null(struct json *j)
{
	sep(j);
	fputs("null", j->f);
}
