// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <linux/voiceqos.h>

#include "addr.h"

size_t vq_addr_len(uint16_t family)
{
	return family == AF_INET6 ? 16 : family == AF_INET ? 4 : 0;
}

/*
 * Decimal, or hex with 0x. Not strtoull(base 0): that would read "010" as
 * octal and accept signs and leading blanks, all surprising on a CLI.
 */
bool vq_parse_num(const char *s, uint64_t max, uint64_t *out)
{
	unsigned int base = 10;
	uint64_t v = 0;

	if (!s || !*s)
		return false;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		if (!*s)
			return false;
	}
	for (; *s; s++) {
		unsigned int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && isxdigit((unsigned char)*s))
			d = (tolower((unsigned char)*s) - 'a') + 10;
		else
			return false;
		if (v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

static const char *parse_port(const char *s, bool wild_ok, uint16_t *port)
{
	uint64_t v;

	if (wild_ok && strcmp(s, "*") == 0) {
		*port = 0;
		return NULL;
	}
	if (!vq_parse_num(s, 65535, &v) || v == 0)
		return wild_ok ? "port must be 1-65535 or *" : "port must be 1-65535";
	*port = v;
	return NULL;
}

const char *vq_parse_endpoint(const char *s, int kind, struct vq_endpoint *ep)
{
	bool src = kind == VQ_EP_SRC;
	char host[INET6_ADDRSTRLEN + 2];
	const char *port = NULL;
	size_t hlen;

	memset(ep, 0, sizeof(*ep));
	if (!s || !*s)
		return "empty";
	if (src && (strcmp(s, "any") == 0 || strcmp(s, "*") == 0)) {
		ep->any_addr = true;
		return NULL;
	}

	if (s[0] == '[') {
		const char *end = strchr(s, ']');

		if (!end)
			return "missing ']'";
		hlen = end - s - 1;
		if (hlen >= sizeof(host))
			return "bad IPv6 address";
		memcpy(host, s + 1, hlen);
		host[hlen] = '\0';
		if (end[1] == ':')
			port = end + 2;
		else if (end[1])
			return "expected ':' after ']'";
		if (src && strcmp(host, "*") == 0) {
			ep->family = AF_INET6;
			ep->any_addr = true;
		} else if (inet_pton(AF_INET6, host, ep->addr) == 1) {
			ep->family = AF_INET6;
		} else {
			return "bad IPv6 address";
		}
	} else if (inet_pton(AF_INET6, s, ep->addr) == 1) {
		/* Bare IPv6: every colon belongs to the address, so no port. */
		ep->family = AF_INET6;
	} else {
		const char *colon = strrchr(s, ':');

		hlen = colon ? (size_t)(colon - s) : strlen(s);
		if (hlen >= sizeof(host))
			return "bad address";
		memcpy(host, s, hlen);
		host[hlen] = '\0';
		if (colon)
			port = colon + 1;
		if (src && strcmp(host, "*") == 0) {
			ep->any_addr = true;
		} else if (strchr(host, ':')) {
			return "IPv6 with a port needs brackets: [ADDR]:PORT";
		} else if (inet_pton(AF_INET, host, ep->addr) == 1) {
			ep->family = AF_INET;
		} else {
			return "bad address (numeric IPv4 or IPv6 only)";
		}
	}

	if (port) {
		const char *err = parse_port(port, src, &ep->port);

		if (err)
			return err;
	} else if (!src) {
		return ep->family == AF_INET6 ? "expected [IPV6]:PORT"
					      : "expected ADDR:PORT";
	}
	return NULL;
}

char *vq_format_addr(const struct vq_endpoint *ep, char *buf, size_t len)
{
	if (ep->any_addr || !inet_ntop(ep->family, ep->addr, buf, len))
		snprintf(buf, len, "*");
	return buf;
}

char *vq_format_endpoint(const struct vq_endpoint *ep, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN], p[8];

	vq_format_addr(ep, a, sizeof(a));
	if (ep->port)
		snprintf(p, sizeof(p), "%u", ep->port);
	else
		snprintf(p, sizeof(p), "*");
	if (ep->family == AF_INET6 && !ep->any_addr)
		snprintf(buf, len, "[%s]:%s", a, p);
	else
		snprintf(buf, len, "%s:%s", a, p);
	return buf;
}

/*
 * The first name listed for a value is the one printed. cs0 before anything
 * else for 0, and the RFC 5865 / RFC 8622 names for voice-admit and lower
 * effort.
 */
static const struct {
	const char *name;
	uint8_t val;
} dscp_names[] = {
	{ "cs0", 0 }, { "cs1", 8 }, { "cs2", 16 }, { "cs3", 24 },
	{ "cs4", 32 }, { "cs5", 40 }, { "cs6", 48 }, { "cs7", 56 },
	{ "af11", 10 }, { "af12", 12 }, { "af13", 14 },
	{ "af21", 18 }, { "af22", 20 }, { "af23", 22 },
	{ "af31", 26 }, { "af32", 28 }, { "af33", 30 },
	{ "af41", 34 }, { "af42", 36 }, { "af43", 38 },
	{ "ef", 46 }, { "va", 44 }, { "le", 1 },
};

const char *vq_parse_dscp(const char *s, uint8_t *out)
{
	uint64_t v;
	size_t i;

	for (i = 0; i < sizeof(dscp_names) / sizeof(dscp_names[0]); i++) {
		if (s && strcasecmp(s, dscp_names[i].name) == 0) {
			*out = dscp_names[i].val;
			return NULL;
		}
	}
	if (!vq_parse_num(s, VOICEQOS_MAX_DSCP, &v))
		return "0-63 or a name like ef";
	*out = v;
	return NULL;
}

const char *vq_dscp_name(unsigned int dscp)
{
	size_t i;

	for (i = 0; i < sizeof(dscp_names) / sizeof(dscp_names[0]); i++)
		if (dscp_names[i].val == dscp)
			return dscp_names[i].name;
	return NULL;
}

char *vq_format_dscp(unsigned int dscp, char *buf, size_t len)
{
	const char *n = vq_dscp_name(dscp);

	if (n)
		snprintf(buf, len, "%s", n);
	else
		snprintf(buf, len, "%u", dscp);
	return buf;
}

static bool parse_hex16(const char *s, size_t n, uint32_t *out)
{
	uint32_t v = 0;
	size_t i;

	if (n == 0 || n > 4)
		return false;
	for (i = 0; i < n; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return false;
		v = v * 16 + (isdigit((unsigned char)s[i]) ? s[i] - '0'
				: tolower((unsigned char)s[i]) - 'a' + 10);
	}
	*out = v;
	return true;
}

/*
 * tc syntax: both halves hex, either may be empty ("1:" is 1:0). A lone
 * decimal would be ambiguous with tc's hex, so only "0" and "none" are
 * accepted without a colon, plus an explicit 0x value.
 */
const char *vq_parse_handle(const char *s, uint32_t *out)
{
	static const char *why = "MAJ:MIN in hex like 1:10, 0xHEX or none";
	const char *colon;
	uint32_t maj = 0, min = 0;
	uint64_t v;

	if (!s)
		return why;
	if (strcmp(s, "none") == 0 || strcmp(s, "0") == 0) {
		*out = 0;
		return NULL;
	}
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		if (!vq_parse_num(s, UINT32_MAX, &v))
			return why;
		*out = v;
		return NULL;
	}
	colon = strchr(s, ':');
	if (!colon || (colon == s && !colon[1]))
		return why;
	if (colon != s && !parse_hex16(s, colon - s, &maj))
		return why;
	if (colon[1] && !parse_hex16(colon + 1, strlen(colon + 1), &min))
		return why;
	*out = maj << 16 | min;
	return NULL;
}

char *vq_format_handle(uint32_t h, char *buf, size_t len)
{
	snprintf(buf, len, "%x:%x", h >> 16, h & 0xffff);
	return buf;
}

/*
 * Decimal SI multipliers (networking rates, not memory sizes), optional
 * fraction so that "1.5m" works, and an optional "bit" so that tc-style
 * "64kbit" does too. Results that are not whole bit/s are refused rather
 * than silently rounded.
 */
const char *vq_parse_rate(const char *s, uint64_t *out)
{
	static const char *why = "bit/s with optional k, m or g suffix, at most 100g";
	uint64_t ip = 0, fp = 0, fdiv = 1, mult = 1, v;
	int idig = 0, fdig = 0;
	const char *p = s;

	if (!s)
		return why;
	for (; *p >= '0' && *p <= '9'; p++, idig++) {
		if (ip > VQ_MAX_RATE)
			return why;
		ip = ip * 10 + (*p - '0');
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, fdig++) {
			if (fdig >= 9)
				return why;
			fp = fp * 10 + (*p - '0');
			fdiv *= 10;
		}
		if (!fdig)
			return why;
	}
	if (!idig && !fdig)
		return why;
	switch (tolower((unsigned char)*p)) {
	case 'k':
		mult = 1000ULL;
		p++;
		break;
	case 'm':
		mult = 1000000ULL;
		p++;
		break;
	case 'g':
		mult = 1000000000ULL;
		p++;
		break;
	}
	if (*p && strcasecmp(p, "bit") != 0)
		return why;
	if (__builtin_mul_overflow(ip, mult, &v) || v > VQ_MAX_RATE)
		return why;
	if ((fp * mult) % fdiv)
		return "not a whole number of bit/s";
	v += fp * mult / fdiv;
	if (v > VQ_MAX_RATE)
		return why;
	*out = v;
	return NULL;
}

char *vq_format_rate(uint64_t rate, char *buf, size_t len)
{
	if (rate && rate % 1000000000ULL == 0)
		snprintf(buf, len, "%" PRIu64 "g", (uint64_t)(rate / 1000000000U));
	else if (rate && rate % 1000000ULL == 0)
		snprintf(buf, len, "%" PRIu64 "m", (uint64_t)(rate / 1000000U));
	else if (rate && rate % 1000ULL == 0)
		snprintf(buf, len, "%" PRIu64 "k", (uint64_t)(rate / 1000U));
	else
		snprintf(buf, len, "%" PRIu64, rate);
	return buf;
}

const char *vq_parse_mark(const char *s, uint32_t *mark, uint32_t *mask,
			  bool *has_mask)
{
	static const char *why = "V or V/MASK, each a 32-bit number";
	char v[24];
	const char *slash;
	uint64_t a, b;
	size_t n;

	if (!s)
		return why;
	slash = strchr(s, '/');
	n = slash ? (size_t)(slash - s) : strlen(s);
	if (n >= sizeof(v))
		return why;
	memcpy(v, s, n);
	v[n] = '\0';
	if (!vq_parse_num(v, UINT32_MAX, &a))
		return why;
	if (slash && !vq_parse_num(slash + 1, UINT32_MAX, &b))
		return why;
	*mark = a;
	*has_mask = slash != NULL;
	*mask = slash ? b : UINT32_MAX;
	if (*has_mask && (*mark & ~*mask))
		return "mark has bits outside the mask";
	return NULL;
}

const char *vq_parse_ports(const char *s, uint16_t *ports, size_t max, size_t *n)
{
	static const char *why = "comma-separated ports 1-65535, at most 16";
	const char *p = s;

	*n = 0;
	if (!s || !*s)
		return why;
	for (;;) {
		char tok[8];
		const char *comma = strchr(p, ',');
		size_t l = comma ? (size_t)(comma - p) : strlen(p);
		uint64_t v;

		if (l == 0 || l >= sizeof(tok) || *n >= max)
			return why;
		memcpy(tok, p, l);
		tok[l] = '\0';
		if (!vq_parse_num(tok, 65535, &v) || v == 0)
			return why;
		ports[(*n)++] = v;
		if (!comma)
			return NULL;
		p = comma + 1;
	}
}

static const char *const media_names[] = {
	[VOICEQOS_MEDIA_AUDIO] = "audio",
	[VOICEQOS_MEDIA_VIDEO] = "video",
	[VOICEQOS_MEDIA_OTHER] = "other",
};

const char *vq_parse_media(const char *s, uint8_t *out)
{
	unsigned int i;

	for (i = 1; i <= VOICEQOS_MEDIA_MAX; i++) {
		if (s && strcmp(s, media_names[i]) == 0) {
			*out = i;
			return NULL;
		}
	}
	return "audio, video or other";
}

const char *vq_media_name(unsigned int media)
{
	if (media >= 1 && media <= VOICEQOS_MEDIA_MAX)
		return media_names[media];
	return NULL;
}

const char *vq_parse_seconds(const char *s, uint64_t max_ms, uint64_t *ms)
{
	static const char *why = "seconds, up to 3 decimals";
	const char *dot;
	char ip[24];
	uint64_t sec, frac = 0, v;
	size_t n, i;

	if (!s)
		return why;
	dot = strchr(s, '.');
	n = dot ? (size_t)(dot - s) : strlen(s);
	if (n == 0 || n >= sizeof(ip))
		return why;
	memcpy(ip, s, n);
	ip[n] = '\0';
	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)ip[i]))
			return why;
	if (!vq_parse_num(ip, UINT64_MAX / 1000, &sec))
		return "too large";
	if (dot) {
		const char *f = dot + 1;
		size_t fl = strlen(f);

		if (fl == 0 || fl > 3)
			return why;
		for (i = 0; i < 3; i++) {
			if (i < fl && !isdigit((unsigned char)f[i]))
				return why;
			frac = frac * 10 + (i < fl ? f[i] - '0' : 0);
		}
	}
	v = sec * 1000 + frac;
	if (v > max_ms)
		return "too large";
	*ms = v;
	return NULL;
}
