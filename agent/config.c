// SPDX-License-Identifier: GPL-2.0
/*
 * voiceqos.conf through inih. inih's handler gets no line number unless
 * the library was built with INI_HANDLER_LINENO (Debian's is not), and its
 * comment, continuation and line-length rules are build options that
 * differ between distributions (OpenWrt builds its own). So the lines
 * reach inih through our reader, which counts them and hands over only
 * normalised lines ("[section]", "key = value" without comments, or
 * empty): the syntax is the same whatever inih build the agent links,
 * and every error has its line. inih still does the splitting and calls
 * the handler, which checks each value.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "addr.h"
#include "config.h"
#include "log.h"

#define LINE_MAX_RAW 1024	/* longer lines are refused */

enum ktype {
	K_TARGET,	/* stderr | syslog */
	K_LEVEL,	/* log level name */
	K_SOCKET,	/* absolute path that fits sun_path */
	K_PORTS,	/* list of ports */
	K_PREFIXES,	/* list of prefixes */
	K_DSCP,		/* uint8_t, name or 0-63 */
	K_U32,		/* uint32_t in [min, max] */
	K_LINK,		/* media.bw.l2_overhead */
	K_HANDLE,	/* uint32_t tc handle */
	K_MARK,		/* kernel.mark + kernel.mark_mask */
	K_BYTES,	/* uint32_t in [min, max] bytes, K or M suffix */
	K_IFNAME,	/* interface name, empty = none */
	K_RATE,		/* uint64_t bit/s (vq_parse_rate), 0 or [min, max] */
	K_BUDGET,	/* struct vq_budget */
	K_PROFILE,	/* repeatable: one struct vq_profile each */
	K_MOS,		/* 1.0-4.5, two decimals at most: uint32_t x 100 */
};

struct key {
	const char *section;
	const char *name;
	enum ktype type;
	size_t off;		/* of the field in struct vq_config */
	uint32_t min, max;
	const char *unit;	/* K_U32: said in messages */
};

#define OFF(f) offsetof(struct vq_config, f)

static const struct key keys[] = {
	{ "daemon", "log", K_TARGET, OFF(daemon.log), 0, 0, NULL },
	{ "daemon", "log_level", K_LEVEL, OFF(daemon.log_level), 0, 0, NULL },
	{ "daemon", "socket", K_SOCKET, OFF(daemon.socket), 0, 0, NULL },
	/*
	 * Below 4 KiB the kernel rounds up anyway; above 512 MiB the kernel's
	 * INT_MAX / 2 cap is near and no router has the memory to spare.
	 */
	{ "daemon", "sip_rcvbuf", K_BYTES, OFF(daemon.sip_rcvbuf), 4096, 512u << 20,
	  "bytes" },
	{ "sip", "ports", K_PORTS, OFF(sip.ports), 0, 0, NULL },
	{ "sip", "trusted", K_PREFIXES, OFF(sip.trusted), 0, 0, NULL },
	{ "sip", "dscp", K_DSCP, OFF(sip.dscp), 0, 0, NULL },
	{ "sip", "mirror_rate", K_U32, OFF(sip.mirror_rate), 1, 1000000,
	  "copies/s" },
	{ "media", "voice_dscp", K_DSCP, OFF(media.voice_dscp), 0, 0, NULL },
	{ "media", "video_dscp", K_DSCP, OFF(media.video_dscp), 0, 0, NULL },
	{ "media", "image_dscp", K_DSCP, OFF(media.image_dscp), 0, 0, NULL },
	{ "media", "link", K_LINK, OFF(media.bw.l2_overhead), 0, 0, NULL },
	{ "media", "unknown_audio_kbps", K_U32, OFF(media.bw.unknown_audio_kbps),
	  1, 100000, "kbit/s" },
	{ "media", "video_kbps", K_U32, OFF(media.bw.video_kbps), 1, 100000,
	  "kbit/s" },
	{ "media", "image_kbps", K_U32, OFF(media.bw.image_kbps), 1, 100000,
	  "kbit/s" },
	{ "media", "opus_kbps", K_U32, OFF(media.bw.opus_kbps), 6, 510, "kbit/s" },
	{ "media", "rtcp_percent", K_U32, OFF(media.bw.rtcp_percent), 1, 100, "%" },
	{ "kernel", "voice_priority", K_HANDLE, OFF(kernel.voice_priority), 0, 0,
	  NULL },
	{ "kernel", "video_priority", K_HANDLE, OFF(kernel.video_priority), 0, 0,
	  NULL },
	{ "kernel", "be_priority", K_HANDLE, OFF(kernel.be_priority), 0, 0, NULL },
	{ "kernel", "fallback_dscp", K_DSCP, OFF(kernel.fallback_dscp), 0, 0, NULL },
	{ "kernel", "mark", K_MARK, OFF(kernel.mark), 0, 0, NULL },
	{ "kernel", "flow_timeout", K_U32, OFF(kernel.flow_timeout), 0, 86400,
	  "s" },
	{ "link", "uplink", K_IFNAME, OFF(link.uplink), 0, 0, NULL },
	/* max: what HTB's 32-bit byte rates hold (shaper.h) */
	{ "link", "uplink_rate", K_RATE, OFF(link.uplink_rate), 24000, 4294967295u,
	  "0" },
	{ "link", "downlink", K_IFNAME, OFF(link.downlink), 0, 0, NULL },
	{ "link", "downlink_rate", K_RATE, OFF(link.downlink_rate), 24000,
	  4294967295u, "0" },
	{ "link", "overhead", K_U32, OFF(link.overhead), 0, 256, "bytes" },
	{ "link", "signalling_rate", K_RATE, OFF(link.signalling_rate), 8000,
	  4294967295u, NULL },
	{ "voice", "budget", K_BUDGET, OFF(voice.budget), 0, 0, NULL },
	{ "voice", "profile", K_PROFILE, OFF(voice.profiles), 0, 0, NULL },
	{ "quality", "mos_threshold", K_MOS, OFF(quality.mos_threshold), 100, 450,
	  NULL },
	{ "quality", "link_delay", K_U32, OFF(quality.link_delay), 0, 10000, "ms" },
	{ "quality", "interval", K_U32, OFF(quality.interval), 1, 60, "s" },
	{ "dialog", "max_dialogs", K_U32, OFF(dialog.max_dialogs), 1, 1000000,
	  NULL },
	{ "dialog", "early_timeout", K_U32, OFF(dialog.early_timeout), 1, 86400,
	  "s" },
	{ "dialog", "idle_timeout", K_U32, OFF(dialog.idle_timeout), 1, 604800,
	  "s" },
};

#define N_KEYS (sizeof(keys) / sizeof(keys[0]))

static const char *const sections[] = { "daemon", "sip", "media", "kernel",
					 "link", "voice", "quality", "dialog" };

#define N_SECTIONS (sizeof(sections) / sizeof(sections[0]))

void vq_config_defaults(struct vq_config *c)
{
	memset(c, 0, sizeof(*c));
	c->daemon.log = VQ_LOG_STDERR;
	c->daemon.log_level = LOG_INFO;
	snprintf(c->daemon.socket, sizeof(c->daemon.socket), "%s",
		 VQ_DEFAULT_SOCKET);
	c->daemon.sip_rcvbuf = VQ_CONF_DEF_SIP_RCVBUF;
	c->sip.ports[0] = 5060;
	c->sip.nports = 1;
	c->sip.dscp = 24;			/* CS3 */
	c->sip.mirror_rate = VQ_CONF_DEF_MIRROR_RATE;
	c->media.voice_dscp = 46;		/* EF */
	c->media.video_dscp = 34;		/* AF41 */
	c->media.image_dscp = 46;		/* EF */
	vq_bw_cfg_default(&c->media.bw);
	c->link.signalling_rate = VQ_CONF_DEF_SIGNALLING_RATE;
	c->voice.budget.pct = VQ_CONF_DEF_BUDGET_PCT;
	c->quality.mos_threshold = VQ_CONF_DEF_MOS_THRESHOLD;
	c->quality.link_delay = VQ_CONF_DEF_LINK_DELAY;
	c->quality.interval = VQ_CONF_DEF_QUALITY_INTERVAL;
	c->dialog.max_dialogs = VQ_CONF_DEF_MAX_DIALOGS;
	c->dialog.early_timeout = VQ_CONF_DEF_EARLY_TIMEOUT;
	c->dialog.idle_timeout = VQ_CONF_DEF_IDLE_TIMEOUT;
}

const char *vq_config_key(unsigned int i, const char **section)
{
	if (i >= N_KEYS)
		return NULL;
	if (section)
		*section = keys[i].section;
	return keys[i].name;
}

struct parse {
	const char *path;
	FILE *f;
	struct vq_config *c;
	char *err;
	size_t errlen;
	unsigned int line;	/* of the line inih works on */
	bool failed;
	int read_errno;
	char section[16];	/* the current one, "" before the first */
	unsigned int seen[N_KEYS];	/* line each key was first set on */
	unsigned int profile_line[VQ_MAX_PROFILES];
};

/* The message, with what came from the file made printable. */
__attribute__((format(printf, 2, 3)))
static void fail(struct parse *p, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	size_t i;

	if (p->failed)
		return;
	p->failed = true;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	for (i = 0; msg[i]; i++)
		if ((unsigned char)msg[i] < 0x20 || msg[i] == 0x7f)
			msg[i] = '?';
	snprintf(p->err, p->errlen, "%s:%u: %s", p->path, p->line, msg);
}

/* fail() for a line other than the current one (checks across keys). */
__attribute__((format(printf, 3, 4)))
static void fail_at(struct parse *p, unsigned int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p->line = line;
	fail(p, "%s", msg);
}

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

/*
 * One raw line into buf (without the newline). Returns its length, -1 at
 * the end of the file, -2 for a line that is too long or holds a NUL.
 */
static int read_raw(struct parse *p, char *buf, size_t len, const char **why)
{
	size_t n = 0;
	bool any = false;
	int ch;

	while ((ch = getc(p->f)) != EOF) {
		any = true;
		if (ch == '\n')
			break;
		if (ch == '\0') {
			*why = "NUL byte in the line";
			return -2;
		}
		if (n + 1 >= len) {
			*why = "line too long";
			return -2;
		}
		buf[n++] = ch;
	}
	if (ch == EOF && ferror(p->f)) {
		p->read_errno = errno ? errno : EIO;
		return -1;
	}
	if (!any)
		return -1;
	if (n && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	return n;
}

static const struct key *find_key(const char *section, const char *name)
{
	size_t i;

	for (i = 0; i < N_KEYS; i++)
		if (!strcmp(keys[i].section, section) && !strcmp(keys[i].name, name))
			return &keys[i];
	return NULL;
}

static bool known_section(const char *s)
{
	size_t i;

	for (i = 0; i < N_SECTIONS; i++)
		if (!strcmp(sections[i], s))
			return true;
	return false;
}

/*
 * Turns a raw line into what inih gets, or fails. Comments: a line whose
 * first non-blank is ; or #, and anything from a ; or # that follows a
 * blank. Leading blanks are refused on a key line: inih would read it as
 * a continuation of the previous value, or not, depending on its build.
 */
static bool normalise(struct parse *p, char *s, char *out, size_t outlen,
		      char *section, size_t seclen)
{
	char *e, *eq;
	size_t i, n;

	/* A UTF-8 byte order mark before the first line (editors add it). */
	if (p->line == 1 && !strncmp(s, "\xef\xbb\xbf", 3))
		s += 3;
	for (i = 0; s[i]; i++) {
		if ((s[i] == ';' || s[i] == '#') && (i == 0 || is_blank(s[i - 1]))) {
			s[i] = '\0';
			break;
		}
	}
	n = strlen(s);
	while (n && is_blank(s[n - 1]))
		s[--n] = '\0';
	if (!n) {
		out[0] = '\0';
		return true;
	}
	if (is_blank(s[0])) {
		fail(p, "indented line (continuation lines are not supported: "
		     "repeat a list key to add to it)");
		return false;
	}
	if (s[0] == '[') {
		e = strchr(s, ']');
		if (!e || e[1]) {
			fail(p, "expected [section] alone on its line");
			return false;
		}
		*e = '\0';
		s++;
		if (!known_section(s)) {
			fail(p, "unknown section [%s] (known: daemon, sip, media, "
			     "kernel, link, voice, quality, dialog)", s);
			return false;
		}
		snprintf(section, seclen, "%s", s);
		snprintf(out, outlen, "[%s]\n", s);
		return true;
	}
	eq = strchr(s, '=');
	if (!eq || eq == s || memchr(s, ':', eq - s)) {
		fail(p, "expected 'key = value', '[section]' or a comment");
		return false;
	}
	for (e = eq; e > s && is_blank(e[-1]); e--)
		;
	if (!section[0]) {
		fail(p, "'%.*s' before any [section]", (int)(e - s), s);
		return false;
	}
	/* +2: the newline and the NUL in inih's buffer */
	if (n + 2 > outlen) {
		fail(p, "line too long (at most %zu characters without comments)",
		     outlen - 2);
		return false;
	}
	snprintf(out, outlen, "%s\n", s);
	return true;
}

static char *reader(char *str, int num, void *stream)
{
	struct parse *p = stream;
	char raw[LINE_MAX_RAW + 2];
	const char *why = NULL;
	int n;

	if (p->failed || num < 4)
		return NULL;
	n = read_raw(p, raw, sizeof(raw), &why);
	if (n == -1)
		return NULL;
	p->line++;
	if (n == -2) {
		fail(p, "%s", why);
		return NULL;
	}
	if (!normalise(p, raw, str, num, p->section, sizeof(p->section)))
		return NULL;
	return str;
}

/* "x" of a list: the next token separated by commas and/or blanks. */
static const char *next_token(const char *s, char *tok, size_t len, bool *toolong)
{
	size_t n = 0;

	*toolong = false;
	while (*s == ',' || is_blank(*s))
		s++;
	if (!*s)
		return NULL;
	while (*s && *s != ',' && !is_blank(*s)) {
		if (n + 1 < len)
			tok[n++] = *s;
		else
			*toolong = true;
		s++;
	}
	tok[n] = '\0';
	return s;
}

static bool bad(struct parse *p, const struct key *k, const char *val,
		const char *why)
{
	fail(p, "[%s] %s: bad value '%s' (%s)", k->section, k->name, val, why);
	return false;
}

static bool parse_port_list(struct parse *p, const struct key *k,
			    const char *val, bool first)
{
	struct vq_config *c = p->c;
	char tok[32];
	bool toolong;
	const char *s = val;
	unsigned int i;
	uint64_t v;

	if (first)
		c->sip.nports = 0;
	while ((s = next_token(s, tok, sizeof(tok), &toolong))) {
		if (toolong || !vq_parse_num(tok, 65535, &v) || v == 0)
			return bad(p, k, tok, "a port is 1-65535");
		for (i = 0; i < c->sip.nports; i++)
			if (c->sip.ports[i] == v)
				return bad(p, k, tok, "listed twice");
		if (c->sip.nports == VQ_MAX_PORTS) {
			fail(p, "[%s] %s: more than %d ports (the module's limit)",
			     k->section, k->name, VQ_MAX_PORTS);
			return false;
		}
		c->sip.ports[c->sip.nports++] = v;
	}
	if (!c->sip.nports) {
		fail(p, "[%s] %s: no port given", k->section, k->name);
		return false;
	}
	return true;
}

static const char *parse_prefix(const char *s, struct vq_prefix *out,
				char *hint, size_t hintlen)
{
	char addr[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	unsigned int maxlen, i;
	uint64_t len;

	memset(out, 0, sizeof(*out));
	if (n == 0 || n >= sizeof(addr))
		return "not an IPv4 or IPv6 address";
	memcpy(addr, s, n);
	addr[n] = '\0';
	if (inet_pton(AF_INET, addr, out->addr) == 1)
		out->family = AF_INET;
	else if (inet_pton(AF_INET6, addr, out->addr) == 1)
		out->family = AF_INET6;
	else
		return "not an IPv4 or IPv6 address";
	maxlen = out->family == AF_INET ? 32 : 128;
	len = maxlen;
	/* decimal only: a "/0x18" prefix length would only confuse */
	if (slash && (!slash[1] || strspn(slash + 1, "0123456789") != strlen(slash + 1) ||
		      !vq_parse_num(slash + 1, maxlen, &len)))
		return out->family == AF_INET ? "prefix length must be 0-32"
					      : "prefix length must be 0-128";
	out->len = len;
	for (i = len; i < maxlen; i++) {
		if (out->addr[i / 8] & (0x80 >> (i % 8))) {
			uint8_t net[16];
			char a[INET6_ADDRSTRLEN];
			unsigned int j;

			memcpy(net, out->addr, sizeof(net));
			for (j = len; j < maxlen; j++)
				net[j / 8] &= ~(0x80 >> (j % 8));
			inet_ntop(out->family, net, a, sizeof(a));
			snprintf(hint, hintlen, "host bits set: the prefix is %s/%u",
				 a, (unsigned int)len);
			return hint;
		}
	}
	return NULL;
}

static bool same_prefix(const struct vq_prefix *a, const struct vq_prefix *b)
{
	return a->family == b->family && a->len == b->len &&
	       !memcmp(a->addr, b->addr, sizeof(a->addr));
}

static bool parse_prefix_list(struct parse *p, const struct key *k,
			      const char *val, bool first)
{
	struct vq_config *c = p->c;
	char tok[80], hint[96];
	const char *s = val, *why;
	struct vq_prefix px;
	unsigned int i;
	bool toolong;

	if (first)
		c->sip.ntrusted = 0;
	/* An empty value is allowed: "trusted =" says trust everyone. */
	while ((s = next_token(s, tok, sizeof(tok), &toolong))) {
		why = toolong ? "not an IPv4 or IPv6 address" :
		      parse_prefix(tok, &px, hint, sizeof(hint));
		if (why)
			return bad(p, k, tok, why);
		for (i = 0; i < c->sip.ntrusted; i++)
			if (same_prefix(&c->sip.trusted[i], &px))
				return bad(p, k, tok, "listed twice");
		if (c->sip.ntrusted == VQ_MAX_TRUSTED) {
			fail(p, "[%s] %s: more than %d prefixes", k->section,
			     k->name, VQ_MAX_TRUSTED);
			return false;
		}
		c->sip.trusted[c->sip.ntrusted++] = px;
	}
	return true;
}

static const char *parse_dscp(const char *s, uint8_t *out)
{
	/* addr.c's names plus the usual spellings of the default class */
	if (!strcasecmp(s, "be") || !strcasecmp(s, "default")) {
		*out = 0;
		return NULL;
	}
	if (vq_parse_dscp(s, out))
		return "0-63 or a name: ef, af41, cs3, be...";
	return NULL;
}

/* "65536", "64K", "16M": binary multiples, as sysctl and ip(8) read them. */
/* "3.6", "4", "3.55": hundredths, by hand (no locale, no float rounding). */
static bool parse_mos(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	uint32_t v = 0, frac = 0;
	int digits = 0;

	if (*s < '0' || *s > '9')
		return false;
	while (*s >= '0' && *s <= '9' && v < 10)
		v = v * 10 + (uint32_t)(*s++ - '0');
	if (*s == '.') {
		s++;
		while (*s >= '0' && *s <= '9' && digits < 2) {
			frac = frac * 10 + (uint32_t)(*s++ - '0');
			digits++;
		}
		if (!digits)
			return false;
		if (digits == 1)
			frac *= 10;
	}
	if (*s)
		return false;
	v = v * 100 + frac;
	if (v < min || v > max)
		return false;
	*out = v;
	return true;
}

static bool parse_bytes(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	char num[32];
	size_t n = strlen(s);
	uint64_t v, mult = 1;

	if (!n || n >= sizeof(num))
		return false;
	memcpy(num, s, n + 1);
	if (num[n - 1] == 'k' || num[n - 1] == 'K')
		mult = 1024;
	else if (num[n - 1] == 'm' || num[n - 1] == 'M')
		mult = 1024 * 1024;
	if (mult > 1)
		num[--n] = '\0';
	if (!n || !vq_parse_num(num, max, &v) || v * mult < min || v * mult > max)
		return false;
	*out = v * mult;
	return true;
}

/* What the kernel accepts as an interface name (dev_valid_name). */
static const char *parse_ifname(const char *s, char *out)
{
	size_t i, n = strlen(s);

	if (n >= VQ_IFNAMSIZ)
		return "an interface name has at most 15 characters";
	if (!strcmp(s, ".") || !strcmp(s, ".."))
		return "not an interface name";
	for (i = 0; i < n; i++)
		if (s[i] == '/' || s[i] == ':' || is_blank(s[i]))
			return "an interface name has no '/', ':' or blanks";
	snprintf(out, VQ_IFNAMSIZ, "%s", s);
	return NULL;
}

/* "50%" (1-100) or a rate of at least 8 kbit/s. */
static const char *parse_budget(const char *s, struct vq_budget *b)
{
	static const char *why = "a share of the link 1%-100% or a rate such as 2M, "
				 "900k (at least 8k)";
	size_t n = strlen(s);
	uint64_t v;

	memset(b, 0, sizeof(*b));
	if (n > 1 && s[n - 1] == '%') {
		char num[8];

		if (n - 1 >= sizeof(num))
			return why;
		memcpy(num, s, n - 1);
		num[n - 1] = '\0';
		if (strspn(num, "0123456789") != n - 1 || !vq_parse_num(num, 100, &v) ||
		    !v)
			return why;
		b->pct = v;
		return NULL;
	}
	if (vq_parse_rate(s, &v) || v < VQ_CONF_MIN_CLASS_BPS)
		return why;
	b->bps = v;
	return NULL;
}

static const char *const day_names[7] = { "sun", "mon", "tue", "wed", "thu",
					  "fri", "sat" };

static int day_index(const char *s, size_t n)
{
	int i;

	for (i = 0; i < 7; i++)
		if (n == 3 && !strncasecmp(s, day_names[i], 3))
			return i;
	return -1;
}

/* "all", or a comma list of days and ranges: mon-fri, sat,sun, fri-mon. */
static const char *parse_days(const char *s, uint8_t *days)
{
	static const char *why = "days: all, or mon..sun and ranges like mon-fri, "
				 "separated by commas";

	*days = 0;
	if (!strcasecmp(s, "all")) {
		*days = 0x7f;
		return NULL;
	}
	while (*s) {
		size_t n = strcspn(s, ",");
		const char *dash = memchr(s, '-', n);
		int a, b;

		if (dash) {
			a = day_index(s, dash - s);
			b = day_index(dash + 1, n - (dash - s) - 1);
		} else {
			a = b = day_index(s, n);
		}
		if (a < 0 || b < 0)
			return why;
		/* a range wraps over the week's end: fri-mon is fri,sat,sun,mon */
		for (;; a = (a + 1) % 7) {
			*days |= 1u << a;
			if (a == b)
				break;
		}
		s += n;
		if (*s == ',') {
			s++;
			if (!*s)
				return why;
		}
	}
	return *days ? NULL : why;
}

static bool parse_hhmm(const char *s, size_t n, unsigned int *min)
{
	unsigned int h, m;

	if (n != 5 || s[2] != ':' || strspn(s, "0123456789") != 2 ||
	    strspn(s + 3, "0123456789") < 2)
		return false;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	if (m > 59 || h > 24 || (h == 24 && m))
		return false;
	*min = h * 60 + m;
	return true;
}

static const char *parse_hours(const char *s, uint16_t *start, uint16_t *end)
{
	static const char *why = "hours: HH:MM-HH:MM, 00:00-24:00";
	const char *dash = strchr(s, '-');
	unsigned int a, b;

	if (!dash || !parse_hhmm(s, dash - s, &a) ||
	    !parse_hhmm(dash + 1, strlen(dash + 1), &b))
		return why;
	if (a == 1440)
		return "hours: a range starts at 23:59 at the latest";
	if (b == 0)
		b = 1440;	/* 22:00-00:00 ends at midnight */
	if (a == b)
		return "hours: an empty range (the whole day is 00:00-24:00)";
	*start = a;
	*end = b;
	return NULL;
}

/* DAYS HH:MM-HH:MM BUDGET, blank separated. */
static const char *parse_profile(const char *s, struct vq_profile *pr)
{
	char tok[3][64];
	const char *why;
	unsigned int n = 0;

	memset(pr, 0, sizeof(*pr));
	while (*s) {
		size_t len;

		while (is_blank(*s))
			s++;
		if (!*s)
			break;
		len = strcspn(s, " \t");
		if (n == 3)
			return "expected DAYS HH:MM-HH:MM BUDGET, e.g. mon-fri 08:00-18:00 80%";
		if (len >= sizeof(tok[0]))
			return "a part longer than 63 characters";
		memcpy(tok[n], s, len);
		tok[n++][len] = '\0';
		s += len;
	}
	if (n != 3)
		return "expected DAYS HH:MM-HH:MM BUDGET, e.g. mon-fri 08:00-18:00 80%";
	why = parse_days(tok[0], &pr->days);
	if (!why)
		why = parse_hours(tok[1], &pr->start, &pr->end);
	if (!why)
		why = parse_budget(tok[2], &pr->budget);
	return why;
}

static int handler(void *user, const char *section, const char *name,
		   const char *value)
{
	struct parse *p = user;
	struct vq_config *c = p->c;
	const struct key *k;
	void *field;
	const char *why;
	unsigned int idx;
	uint64_t v;

	if (p->failed)
		return 0;
	/*
	 * Builds with INI_CALL_HANDLER_ON_NEW_SECTION call with name NULL
	 * for each [section] (already checked by the reader); value NULL
	 * (INI_ALLOW_NO_VALUE) cannot reach here, the reader refuses such
	 * lines, but must not crash either.
	 */
	if (!name)
		return 1;
	if (!value)
		value = "";
	k = find_key(section, name);
	if (!k) {
		char known[256] = "";
		size_t i;

		for (i = 0; i < N_KEYS; i++) {
			if (strcmp(keys[i].section, section))
				continue;
			if (known[0])
				strncat(known, ", ", sizeof(known) - strlen(known) - 1);
			strncat(known, keys[i].name, sizeof(known) - strlen(known) - 1);
		}
		fail(p, "[%s] %s: unknown key (known: %s)", section, name, known);
		return 0;
	}
	idx = k - keys;
	field = (char *)c + k->off;
	if (k->type == K_PROFILE) {
		struct vq_profile pr;

		if (!p->seen[idx])
			p->seen[idx] = p->line;
		/* "profile =" alone adds none (the example file has it) */
		if (!value[0])
			return 1;
		why = parse_profile(value, &pr);
		if (why)
			return bad(p, k, value, why);
		if (c->voice.nprofiles == VQ_MAX_PROFILES) {
			fail(p, "[%s] %s: more than %d profiles", k->section, k->name,
			     VQ_MAX_PROFILES);
			return 0;
		}
		p->profile_line[c->voice.nprofiles] = p->line;
		c->voice.profiles[c->voice.nprofiles++] = pr;
		return 1;
	}
	if (k->type == K_PORTS || k->type == K_PREFIXES) {
		bool first = !p->seen[idx];

		if (first)
			p->seen[idx] = p->line;
		if (k->type == K_PORTS)
			return parse_port_list(p, k, value, first);
		return parse_prefix_list(p, k, value, first);
	}
	if (p->seen[idx]) {
		fail(p, "[%s] %s: set twice (first at line %u)", section, name,
		     p->seen[idx]);
		return 0;
	}
	p->seen[idx] = p->line;
	if (k->type == K_IFNAME && !value[0]) {
		memset(field, 0, VQ_IFNAMSIZ);
		return 1;
	}
	if (!value[0]) {
		fail(p, "[%s] %s: empty value", section, name);
		return 0;
	}

	switch (k->type) {
	case K_TARGET:
		if (!strcmp(value, "stderr"))
			c->daemon.log = VQ_LOG_STDERR;
		else if (!strcmp(value, "syslog"))
			c->daemon.log = VQ_LOG_SYSLOG;
		else
			return bad(p, k, value, "stderr or syslog");
		return 1;
	case K_LEVEL: {
		int l = vq_log_level_parse(value);

		if (l < 0)
			return bad(p, k, value, "error, warning, notice, info or debug");
		c->daemon.log_level = l;
		return 1;
	}
	case K_SOCKET:
		if (value[0] != '/')
			return bad(p, k, value, "an absolute path");
		if (strlen(value) >= sizeof(c->daemon.socket))
			return bad(p, k, value,
				   "longer than 107 bytes, a unix socket path's limit");
		snprintf(c->daemon.socket, sizeof(c->daemon.socket), "%s", value);
		return 1;
	case K_DSCP:
		why = parse_dscp(value, field);
		return why ? bad(p, k, value, why) : 1;
	case K_U32:
		if (!vq_parse_num(value, k->max, &v) || v < k->min) {
			char why2[80];

			snprintf(why2, sizeof(why2), "a whole number %u-%u%s%s",
				 k->min, k->max, k->unit ? " " : "",
				 k->unit ? k->unit : "");
			return bad(p, k, value, why2);
		}
		*(uint32_t *)field = v;
		return 1;
	case K_MOS:
		if (!parse_mos(value, k->min, k->max, field))
			return bad(p, k, value, "a MOS from 1.0 to 4.5, e.g. 3.6");
		return 1;
	case K_BYTES:
		if (!parse_bytes(value, k->min, k->max, field)) {
			char why2[80];

			snprintf(why2, sizeof(why2), "%u-%u %s, or a number with K or M",
				 k->min, k->max, k->unit);
			return bad(p, k, value, why2);
		}
		return 1;
	case K_IFNAME:
		why = parse_ifname(value, field);
		return why ? bad(p, k, value, why) : 1;
	case K_RATE:
		/* 0: not set (a link rate without its interface is refused later) */
		if (!vq_parse_rate(value, &v) && ((v == 0 && k->unit) ||
						  (v >= k->min && v <= k->max))) {
			*(uint64_t *)field = v;
			return 1;
		}
		{
			char why2[96], lo[32], hi[32];

			snprintf(why2, sizeof(why2), "bit/s with k/M/G suffix, %s%s-%s",
				 k->unit ? "0 or " : "",
				 vq_format_rate(k->min, lo, sizeof(lo)),
				 vq_format_rate(k->max, hi, sizeof(hi)));
			return bad(p, k, value, why2);
		}
	case K_BUDGET:
		why = parse_budget(value, field);
		return why ? bad(p, k, value, why) : 1;
	case K_LINK:
		why = vq_bw_parse_link(value, field);
		return why ? bad(p, k, value, why) : 1;
	case K_HANDLE:
		why = vq_parse_handle(value, field);
		return why ? bad(p, k, value, why) : 1;
	case K_MARK: {
		uint32_t mark, mask;
		bool has_mask;

		if (!strcmp(value, "none") || !strcmp(value, "0")) {
			c->kernel.mark = c->kernel.mark_mask = 0;
			return 1;
		}
		why = vq_parse_mark(value, &mark, &mask, &has_mask);
		if (why)
			return bad(p, k, value, why);
		if (!mask)
			return bad(p, k, value, "a mask of 0 changes no bit; use none");
		c->kernel.mark = mark;
		c->kernel.mark_mask = mask;
		return 1;
	}
	default:	/* lists: above */
		return 0;
	}
}

static unsigned int key_line(const struct parse *p, const char *section,
			     const char *name)
{
	return p->seen[find_key(section, name) - keys];
}

/* The link a budget applies to, for the checks across keys. */
struct link_view {
	const char *dir, *ifkey, *ratekey;
	const char *ifname;
	uint64_t rate;
};

static bool budget_fits(struct parse *p, const struct vq_budget *b,
			const struct link_view *l, unsigned int nl,
			unsigned int line, const char *key)
{
	const struct vq_config *c = p->c;
	unsigned int i;

	if (b->pct)
		return true;
	for (i = 0; i < nl; i++) {
		uint64_t room = l[i].rate - c->link.signalling_rate - VQ_CONF_MIN_CLASS_BPS;
		char a[32], r[32];

		if (b->bps <= room)
			continue;
		fail_at(p, line, "[voice] %s: %s is more than the %s link %s leaves "
			"voice (%s: its rate less signalling_rate and 8k for best "
			"effort)", key, vq_format_rate(b->bps, a, sizeof(a)), l[i].dir,
			l[i].ifname, vq_format_rate(room, r, sizeof(r)));
		return false;
	}
	return true;
}

/* What single keys cannot say: a link needs its rate, rates fit, ... */
static bool check_across(struct parse *p)
{
	struct vq_config *c = p->c;
	struct link_view l[2] = {
		{ "up", "uplink", "uplink_rate", c->link.uplink, c->link.uplink_rate },
		{ "down", "downlink", "downlink_rate", c->link.downlink,
		  c->link.downlink_rate },
	};
	struct link_view on[2];
	unsigned int i, n = 0;
	char a[32], b[32];

	for (i = 0; i < 2; i++) {
		unsigned int lif = key_line(p, "link", l[i].ifkey);
		unsigned int lrate = key_line(p, "link", l[i].ratekey);

		if (l[i].ifname[0] && !l[i].rate) {
			fail_at(p, lif, "[link] %s = %s needs %s", l[i].ifkey, l[i].ifname,
				l[i].ratekey);
			return false;
		}
		if (!l[i].ifname[0] && l[i].rate) {
			fail_at(p, lrate, "[link] %s without %s", l[i].ratekey, l[i].ifkey);
			return false;
		}
		if (!l[i].ifname[0])
			continue;
		if (l[i].rate < c->link.signalling_rate + 2 * VQ_CONF_MIN_CLASS_BPS) {
			fail_at(p, lrate, "[link] %s: %s leaves less than 16k beside "
				"signalling_rate %s for voice and best effort", l[i].ratekey,
				vq_format_rate(l[i].rate, a, sizeof(a)),
				vq_format_rate(c->link.signalling_rate, b, sizeof(b)));
			return false;
		}
		on[n++] = l[i];
	}
	if (c->link.uplink[0] && !strcmp(c->link.uplink, c->link.downlink)) {
		fail_at(p, key_line(p, "link", "downlink"), "[link] downlink: %s is "
			"the uplink too (one tree per interface)", c->link.downlink);
		return false;
	}
	if (!budget_fits(p, &c->voice.budget, on, n, key_line(p, "voice", "budget"),
			 "budget"))
		return false;
	for (i = 0; i < c->voice.nprofiles; i++)
		if (!budget_fits(p, &c->voice.profiles[i].budget, on, n,
				 p->profile_line[i], "profile"))
			return false;
	if (!n)
		return true;
	/*
	 * The tree's classids. A priority the admin set to something else
	 * would steer voice past the tree: refused rather than guessed.
	 */
	{
		static const struct {
			const char *key;
			size_t off;
			uint32_t want;
		} pr[] = {
			{ "voice_priority", OFF(kernel.voice_priority), VQ_CONF_CLASS_VOICE },
			{ "video_priority", OFF(kernel.video_priority), VQ_CONF_CLASS_VOICE },
			{ "be_priority", OFF(kernel.be_priority), VQ_CONF_CLASS_BEST_EFFORT },
		};

		for (i = 0; i < sizeof(pr) / sizeof(pr[0]); i++) {
			uint32_t *v = (uint32_t *)((char *)c + pr[i].off);

			if (!*v) {
				*v = pr[i].want;
			} else if (*v != pr[i].want) {
				vq_format_handle(*v, a, sizeof(a));
				vq_format_handle(pr[i].want, b, sizeof(b));
				fail_at(p, key_line(p, "kernel", pr[i].key), "[kernel] %s: "
					"%s is not the [link] tree's class %s (leave it none)",
					pr[i].key, a, b);
				return false;
			}
		}
	}
	return true;
}

int vq_config_load(const char *path, struct vq_config *c, char *err,
		   size_t errlen)
{
	struct vq_config tmp;
	struct parse p;
	int rc;

	if (strlen(path) >= sizeof(tmp.path)) {
		snprintf(err, errlen, "%s: path longer than %zu bytes", path,
			 sizeof(tmp.path) - 1);
		return -1;
	}
	memset(&p, 0, sizeof(p));
	vq_config_defaults(&tmp);
	snprintf(tmp.path, sizeof(tmp.path), "%s", path);
	p.path = path;
	p.c = &tmp;
	p.err = err;
	p.errlen = errlen;
	p.f = fopen(path, "r");
	if (!p.f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	rc = ini_parse_stream(reader, &p, handler, &p);
	fclose(p.f);
	if (p.failed)
		return -1;
	if (p.read_errno) {
		snprintf(err, errlen, "%s: %s", path, strerror(p.read_errno));
		return -1;
	}
	if (rc == -2) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	if (rc) {
		/* Not expected with normalised lines; still never accepted. */
		snprintf(err, errlen, "%s:%d: syntax error", path, rc);
		return -1;
	}
	if (!check_across(&p))
		return -1;
	memcpy(c, &tmp, sizeof(*c));
	return 0;
}

bool vq_config_trusted(const struct vq_config *c, uint16_t family,
		       const uint8_t *addr)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	unsigned int i;

	if (!c->sip.ntrusted)
		return true;
	/* An IPv4-mapped IPv6 address is the IPv4 address it carries. */
	if (family == AF_INET6 && !memcmp(addr, mapped, sizeof(mapped))) {
		family = AF_INET;
		addr += 12;
	}
	for (i = 0; i < c->sip.ntrusted; i++) {
		const struct vq_prefix *px = &c->sip.trusted[i];
		unsigned int whole = px->len / 8, rest = px->len % 8;

		if (px->family != family)
			continue;
		if (memcmp(px->addr, addr, whole))
			continue;
		if (rest && ((px->addr[whole] ^ addr[whole]) & (0xff00 >> rest)))
			continue;
		return true;
	}
	return false;
}

static void put_dscp(FILE *f, const char *key, uint8_t v)
{
	char buf[16];

	fprintf(f, "%s = %s\n", key, v ? vq_format_dscp(v, buf, sizeof(buf)) : "be");
}

static void put_handle(FILE *f, const char *key, uint32_t v)
{
	char buf[16];

	fprintf(f, "%s = %s\n", key, v ? vq_format_handle(v, buf, sizeof(buf)) : "none");
}

bool vq_config_shaping(const struct vq_config *c)
{
	return c->link.uplink[0] || c->link.downlink[0];
}

uint64_t vq_budget_bps(const struct vq_budget *b, uint64_t rate,
		       uint64_t signalling)
{
	uint64_t v = b->pct ? rate / 100 * b->pct + rate % 100 * b->pct / 100 : b->bps;
	uint64_t room = rate > signalling + VQ_CONF_MIN_CLASS_BPS ?
			rate - signalling - VQ_CONF_MIN_CLASS_BPS : 0;

	return v < room ? v : room;
}

char *vq_budget_str(const struct vq_budget *b, char *buf, size_t len)
{
	if (b->pct)
		snprintf(buf, len, "%u%%", b->pct);
	else
		vq_format_rate(b->bps, buf, len);
	return buf;
}

/* Days as text parse_days reads back: all, mon-fri, sat,sun (weeks from monday). */
static void days_str(uint8_t days, char *buf, size_t len)
{
	static const int order[7] = { 1, 2, 3, 4, 5, 6, 0 };
	size_t o = 0;
	int i = 0;

	if (days == 0x7f) {
		snprintf(buf, len, "all");
		return;
	}
	buf[0] = '\0';
	while (i < 7) {
		int j = i;

		if (!(days & (1u << order[i]))) {
			i++;
			continue;
		}
		while (j + 1 < 7 && (days & (1u << order[j + 1])))
			j++;
		o += snprintf(buf + o, o < len ? len - o : 0, "%s%s", o ? "," : "",
			      day_names[order[i]]);
		if (j > i)
			o += snprintf(buf + o, o < len ? len - o : 0, "%s%s",
				      j == i + 1 ? "," : "-", day_names[order[j]]);
		i = j + 1;
	}
}

char *vq_profile_str(const struct vq_profile *p, char *buf, size_t len)
{
	char d[40];

	days_str(p->days, d, sizeof(d));
	snprintf(buf, len, "%s %02u:%02u-%02u:%02u", d, p->start / 60, p->start % 60,
		 p->end / 60, p->end % 60);
	return buf;
}

int vq_profile_match(const struct vq_config *c, const struct tm *tm)
{
	unsigned int i, m = tm->tm_hour * 60 + tm->tm_min;
	unsigned int wd = ((tm->tm_wday % 7) + 7) % 7, prev = (wd + 6) % 7;

	for (i = 0; i < c->voice.nprofiles; i++) {
		const struct vq_profile *p = &c->voice.profiles[i];

		if (p->start < p->end) {
			if ((p->days & (1u << wd)) && m >= p->start && m < p->end)
				return i;
			continue;
		}
		/* Spans midnight: the evening of a listed day, the morning after it. */
		if ((p->days & (1u << wd)) && m >= p->start)
			return i;
		if ((p->days & (1u << prev)) && m < p->end)
			return i;
	}
	return -1;
}

static void put_rate(FILE *f, const char *key, uint64_t v)
{
	char buf[32];

	fprintf(f, "%s = %s\n", key, vq_format_rate(v, buf, sizeof(buf)));
}

void vq_config_write(const struct vq_config *c, FILE *f)
{
	const struct vq_bw_cfg *bw = &c->media.bw;
	char a[INET6_ADDRSTRLEN];
	unsigned int i;

	fprintf(f, "[daemon]\nlog = %s\nlog_level = %s\nsocket = %s\n",
		c->daemon.log == VQ_LOG_SYSLOG ? "syslog" : "stderr",
		vq_log_level_name(c->daemon.log_level), c->daemon.socket);
	if (!(c->daemon.sip_rcvbuf % (1u << 20)))
		fprintf(f, "sip_rcvbuf = %uM\n", c->daemon.sip_rcvbuf >> 20);
	else if (!(c->daemon.sip_rcvbuf % 1024))
		fprintf(f, "sip_rcvbuf = %uK\n", c->daemon.sip_rcvbuf >> 10);
	else
		fprintf(f, "sip_rcvbuf = %u\n", c->daemon.sip_rcvbuf);
	fprintf(f, "\n[sip]\nports =");
	for (i = 0; i < c->sip.nports; i++)
		fprintf(f, " %u", c->sip.ports[i]);
	fprintf(f, "\ntrusted =");
	for (i = 0; i < c->sip.ntrusted; i++) {
		const struct vq_prefix *px = &c->sip.trusted[i];

		inet_ntop(px->family, px->addr, a, sizeof(a));
		fprintf(f, "%s %s/%u", i ? "," : "", a, px->len);
	}
	fputc('\n', f);
	put_dscp(f, "dscp", c->sip.dscp);
	fprintf(f, "mirror_rate = %u\n", c->sip.mirror_rate);
	fprintf(f, "\n[media]\n");
	put_dscp(f, "voice_dscp", c->media.voice_dscp);
	put_dscp(f, "video_dscp", c->media.video_dscp);
	put_dscp(f, "image_dscp", c->media.image_dscp);
	if (bw->l2_overhead == VQ_L2_ETHERNET)
		fprintf(f, "link = ethernet\n");
	else if (bw->l2_overhead == VQ_L2_VLAN)
		fprintf(f, "link = vlan\n");
	else if (bw->l2_overhead == VQ_L2_PPPOE)
		fprintf(f, "link = pppoe\n");
	else if (!bw->l2_overhead)
		fprintf(f, "link = none\n");
	else
		fprintf(f, "link = %u\n", bw->l2_overhead);
	fprintf(f, "unknown_audio_kbps = %u\nvideo_kbps = %u\nimage_kbps = %u\n"
		"opus_kbps = %u\nrtcp_percent = %u\n", bw->unknown_audio_kbps,
		bw->video_kbps, bw->image_kbps, bw->opus_kbps, bw->rtcp_percent);
	fprintf(f, "\n[kernel]\n");
	put_handle(f, "voice_priority", c->kernel.voice_priority);
	put_handle(f, "video_priority", c->kernel.video_priority);
	put_handle(f, "be_priority", c->kernel.be_priority);
	put_dscp(f, "fallback_dscp", c->kernel.fallback_dscp);
	if (c->kernel.mark_mask)
		fprintf(f, "mark = 0x%x/0x%x\n", c->kernel.mark, c->kernel.mark_mask);
	else
		fprintf(f, "mark = none\n");
	fprintf(f, "flow_timeout = %u\n", c->kernel.flow_timeout);
	fprintf(f, "\n[link]\nuplink = %s\n", c->link.uplink);
	put_rate(f, "uplink_rate", c->link.uplink_rate);
	fprintf(f, "downlink = %s\n", c->link.downlink);
	put_rate(f, "downlink_rate", c->link.downlink_rate);
	fprintf(f, "overhead = %u\n", c->link.overhead);
	put_rate(f, "signalling_rate", c->link.signalling_rate);
	fprintf(f, "\n[voice]\nbudget = %s\n",
		vq_budget_str(&c->voice.budget, a, sizeof(a)));
	if (!c->voice.nprofiles)
		fprintf(f, "profile =\n");
	for (i = 0; i < c->voice.nprofiles; i++) {
		char pb[64];

		fprintf(f, "profile = %s %s\n",
			vq_profile_str(&c->voice.profiles[i], pb, sizeof(pb)),
			vq_budget_str(&c->voice.profiles[i].budget, a, sizeof(a)));
	}
	fprintf(f, "\n[quality]\nmos_threshold = %u.%02u\nlink_delay = %u\ninterval = %u\n",
		c->quality.mos_threshold / 100, c->quality.mos_threshold % 100,
		c->quality.link_delay, c->quality.interval);
	fprintf(f, "\n[dialog]\nmax_dialogs = %u\nearly_timeout = %u\n"
		"idle_timeout = %u\n", c->dialog.max_dialogs,
		c->dialog.early_timeout, c->dialog.idle_timeout);
}
