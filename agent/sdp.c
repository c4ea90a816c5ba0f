// SPDX-License-Identifier: GPL-2.0
/*
 * Session descriptions through libosip2's SDP parser (sdp_message_parse),
 * reduced to the facts a reservation needs (sdp.h).
 *
 * libosip2 wants a NUL-terminated string, so the body is copied once; the
 * copy is also where three deviations from RFC 4566 that libosip2 refuses
 * but real endpoints send are repaired, and nothing else:
 *  - a last line without CRLF (libosip2 fails on it; multipart parts lose
 *    their final CRLF before the boundary, so it is common);
 *  - a missing or empty s= line (RFC 8866 5.3 wants "s=-"; some stacks
 *    send "s=" or nothing): "s=-" is put in;
 *  - a missing t= line (some gateways omit it): "t=0 0" is put in.
 * Everything else libosip2 refuses stays refused: lines out of RFC 4566
 * order, unknown type letters (RFC 4566 5 says to ignore such a
 * description), a missing v= or o=.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <osipparser2/osip_parser.h>
#include <osipparser2/sdp_message.h>

#include "sdp.h"
#include "sip.h"

/* RFC 3551 tables 4 and 5: the static payload types 0..34. */
static const struct {
	const char *name;
	uint32_t clock;
	uint8_t channels;
} static_pt[35] = {
	[0] = { "PCMU", 8000, 1 },	[3] = { "GSM", 8000, 1 },
	[4] = { "G723", 8000, 1 },	[5] = { "DVI4", 8000, 1 },
	[6] = { "DVI4", 16000, 1 },	[7] = { "LPC", 8000, 1 },
	[8] = { "PCMA", 8000, 1 },
	/* 8000 although G.722 samples at 16 kHz: RFC 3551 4.5.2 */
	[9] = { "G722", 8000, 1 },
	[10] = { "L16", 44100, 2 },	[11] = { "L16", 44100, 1 },
	[12] = { "QCELP", 8000, 1 },	[13] = { "CN", 8000, 1 },
	[14] = { "MPA", 90000, 1 },	[15] = { "G728", 8000, 1 },
	[16] = { "DVI4", 11025, 1 },	[17] = { "DVI4", 22050, 1 },
	[18] = { "G729", 8000, 1 },	[25] = { "CelB", 90000, 1 },
	[26] = { "JPEG", 90000, 1 },	[28] = { "nv", 90000, 1 },
	[31] = { "H261", 90000, 1 },	[32] = { "MPV", 90000, 1 },
	[33] = { "MP2T", 90000, 1 },	[34] = { "H263", 90000, 1 },
};

const char *vq_media_kind_name(enum vq_media_kind k)
{
	switch (k) {
	case VQ_KIND_AUDIO:
		return "audio";
	case VQ_KIND_VIDEO:
		return "video";
	case VQ_KIND_IMAGE:
		return "image";
	default:
		return "other";
	}
}

const char *vq_sdp_fmt_str(const struct vq_sdp_fmt *f, char *buf, size_t len)
{
	if (!f->name[0])
		snprintf(buf, len, "%s", f->id);
	else if (!f->clock)
		snprintf(buf, len, "%s", f->name);
	else if (f->channels > 1)
		snprintf(buf, len, "%s/%u/%u", f->name, f->clock, f->channels);
	else
		snprintf(buf, len, "%s/%u", f->name, f->clock);
	return buf;
}

/* Bounded copy, always terminated (snprintf "%s" costs more per packet). */
static void copy_str(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

__attribute__((format(printf, 3, 4)))
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* A decimal number of at most max, the whole of s (blanks around allowed). */
static bool parse_num(const char *s, uint64_t max, uint64_t *v)
{
	uint64_t n = 0;

	if (!s)
		return false;
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s < '0' || *s > '9')
		return false;
	while (*s >= '0' && *s <= '9') {
		n = n * 10 + (uint64_t)(*s - '0');
		if (n > max)
			return false;
		s++;
	}
	while (*s == ' ' || *s == '\t')
		s++;
	*v = n;
	return !*s;
}

/* The leading decimal number of s, ignoring what follows ("20.0", "30 "). */
static uint32_t lead_num(const char *s)
{
	uint64_t n = 0;

	if (!s)
		return 0;
	while (*s == ' ')
		s++;
	while (*s >= '0' && *s <= '9' && n <= UINT32_MAX) {
		n = n * 10 + (uint64_t)(*s - '0');
		s++;
	}
	return n > UINT32_MAX ? 0 : (uint32_t)n;
}

/*
 * The copy handed to libosip2: NUL-terminated, repaired as said at the top,
 * and cut before the (VQ_SDP_MAX_MEDIA + 1)th m= line: the media sections
 * after it are skipped (*skipped counts them) before libosip2 builds a list
 * of them, so that 1000 m= lines cost one scan. Offer/answer pairs m= lines
 * by index, so both sides keep the same first ones. Returns NULL with err
 * set.
 */
static char *sdp_copy(const char *buf, size_t len, char *stack, size_t stack_len,
		      unsigned int *skipped, char *err, size_t errlen)
{
	bool has_s = false, has_t = false, in_session = true;
	size_t pos = 0, o_end = 0, t_at = (size_t)-1, w = 0, nm = 0, cut = len;
	const char *s_line = NULL;
	char *out;

	/* First pass: where things are. */
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) + 1 : len;
		char type = buf[pos];

		if (end - pos >= 2 && buf[pos + 1] == '=') {
			if (type == 'm') {
				if (++nm == VQ_SDP_MAX_MEDIA + 1)
					cut = pos;
				if (in_session && t_at == (size_t)-1)
					t_at = pos;
				in_session = false;
			} else if (in_session) {
				if (type == 'o' || (type == 'v' && !o_end))
					o_end = end;
				else if (type == 's' && !has_s) {
					has_s = true;
					s_line = buf + pos;
				} else if (type == 't')
					has_t = true;
				else if ((type == 'z' || type == 'k' || type == 'a') &&
					 t_at == (size_t)-1)
					t_at = pos;
			}
		}
		pos = end;
	}
	*skipped = nm > VQ_SDP_MAX_MEDIA ? (unsigned int)(nm - VQ_SDP_MAX_MEDIA) : 0;
	len = cut;		/* a line start: buf[len - 1] is its '\n' */
	if (t_at == (size_t)-1)
		t_at = len;
	/* "s=" followed only by the line end */
	if (s_line && (s_line + 2 == buf + len || s_line[2] == '\r' ||
		       s_line[2] == '\n'))
		has_s = false;
	else
		s_line = NULL;

	/* Typical SDPs fit the caller's stack buffer: no allocation then. */
	out = len + 16 <= stack_len ? stack : malloc(len + 16);
	if (!out) {
		fail(err, errlen, "out of memory for the SDP");
		return NULL;
	}
	/* Nothing to repair (the usual case): one copy, not one per line. */
	if (has_s && has_t && buf[len - 1] == '\n') {
		memcpy(out, buf, len);
		out[len] = '\0';
		return out;
	}
	/* Second pass: copy, with the repairs. */
	pos = 0;
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) + 1 : len;

		if (!has_t && pos == t_at) {
			memcpy(out + w, "t=0 0\r\n", 7);
			w += 7;
		}
		if (buf + pos != s_line) {
			memcpy(out + w, buf + pos, end - pos);
			w += end - pos;
			if (!nl) {
				memcpy(out + w, "\r\n", 2);
				w += 2;
			}
		}
		if (!has_s && end == o_end) {
			memcpy(out + w, "s=-\r\n", 5);
			w += 5;
		}
		pos = end;
	}
	if (!has_t && t_at == len) {
		memcpy(out + w, "t=0 0\r\n", 7);
		w += 7;
	}
	out[w] = '\0';
	return out;
}

/*
 * osip_list_get(list, i) walks from the head each time: a loop over it is
 * quadratic in the list length. The iterator is not.
 */
#define each(item, list, it) \
	(item) = osip_list_get_first((list), &(it)); (item); (item) = osip_list_get_next(&(it))

/* The attributes that matter here; anything else is ATT_OTHER. */
enum att {
	ATT_OTHER, ATT_SENDRECV, ATT_SENDONLY, ATT_RECVONLY, ATT_INACTIVE,
	ATT_RTCP, ATT_RTCP_MUX, ATT_PTIME, ATT_MAXPTIME, ATT_RTPMAP, ATT_FMTP,
};

/*
 * One classification per attribute, dispatched on the first letter: a
 * chain of strcasecmp against every name was a tenth of the parse.
 */
static enum att att_of(const sdp_attribute_t *a)
{
	static const struct {
		const char *name;
		enum att att;
	} names[] = {
		{ "sendrecv", ATT_SENDRECV }, { "sendonly", ATT_SENDONLY },
		{ "recvonly", ATT_RECVONLY }, { "inactive", ATT_INACTIVE },
		{ "rtcp", ATT_RTCP }, { "rtcp-mux", ATT_RTCP_MUX },
		{ "ptime", ATT_PTIME }, { "maxptime", ATT_MAXPTIME },
		{ "rtpmap", ATT_RTPMAP }, { "fmtp", ATT_FMTP },
	};
	const char *f = a ? a->a_att_field : NULL;
	unsigned int i;
	int c;

	if (!f || !*f)
		return ATT_OTHER;
	c = *f | 0x20;		/* ASCII lower case */
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].name[0] == c && !strcasecmp(f, names[i].name))
			return names[i].att;
	return ATT_OTHER;
}

static bool parse_addr(const char *type, const char *addr, uint16_t *family,
		       uint8_t out[16])
{
	if (!type || !addr)
		return false;
	memset(out, 0, 16);
	if (!strcasecmp(type, "IP4") && inet_pton(AF_INET, addr, out) == 1) {
		*family = AF_INET;
		return true;
	}
	if (!strcasecmp(type, "IP6") && inet_pton(AF_INET6, addr, out) == 1) {
		static const uint8_t v4mapped[12] = { [10] = 0xff, [11] = 0xff };

		/*
		 * ::ffff:a.b.c.d is an IPv4 endpoint written as IPv6: its
		 * packets are IPv4 (a flow keyed AF_INET6 never matches them)
		 * and carry 20 bytes of IP header, not 40.
		 */
		if (!memcmp(out, v4mapped, sizeof(v4mapped))) {
			memmove(out, out + 12, 4);
			memset(out + 4, 0, 12);
			*family = AF_INET;
		} else {
			*family = AF_INET6;
		}
		return true;
	}
	return false;
}

static bool addr_unspecified(uint16_t family, const uint8_t a[16])
{
	static const uint8_t zero[16];

	return !memcmp(a, zero, family == AF_INET6 ? 16 : 4);
}

/* The first problem of a description, for the log; later ones are counted only. */
__attribute__((format(printf, 2, 3)))
static void note(struct vq_sdp *s, const char *fmt, ...)
{
	va_list ap;

	if (s->note[0])
		return;
	va_start(ap, fmt);
	vsnprintf(s->note, sizeof(s->note), fmt, ap);
	va_end(ap);
}

/*
 * a=ptime / a=maxptime: milliseconds, a decimal number ("20", "20.0") of
 * 1..65535. false for anything else: the attribute is then ignored (the
 * session-level value or the codec default applies).
 */
static bool parse_ms(const char *v, uint32_t *ms)
{
	uint32_t n;

	if (!v)
		return false;
	while (*v == ' ' || *v == '\t')
		v++;
	if (*v < '0' || *v > '9' || strspn(v, "0123456789") > 5)
		return false;
	n = lead_num(v);
	v += strspn(v, "0123456789");
	if (*v == '.')
		v += 1 + strspn(v + 1, "0123456789");
	v += strspn(v, " \t");
	if (*v || n < 1 || n > 65535)
		return false;
	*ms = n;
	return true;
}

static int dir_of(enum att att)
{
	switch (att) {
	case ATT_SENDRECV:
		return VQ_DIR_SENDRECV;
	case ATT_SENDONLY:
		return VQ_DIR_SENDONLY;
	case ATT_RECVONLY:
		return VQ_DIR_RECVONLY;
	case ATT_INACTIVE:
		return VQ_DIR_INACTIVE;
	default:
		return -1;
	}
}

/* Session-level values a media section falls back to. */
struct session {
	int dir;
	uint32_t ptime, maxptime, bw_as, bw_tias;
};

static void bandwidths(osip_list_t *l, uint32_t *as, uint32_t *tias)
{
	sdp_bandwidth_t *b;
	osip_list_iterator_t it;

	for (each(b, l, it)) {
		if (!b->b_bwtype || !b->b_bandwidth)
			continue;
		if (!strcasecmp(b->b_bwtype, "AS"))
			*as = lead_num(b->b_bandwidth);
		else if (!strcasecmp(b->b_bwtype, "TIAS"))
			*tias = lead_num(b->b_bandwidth);
	}
}

static struct vq_sdp_fmt *fmt_by_pt(struct vq_sdp_media *m, const char *val,
				    const char **rest)
{
	uint64_t pt = 0;
	size_t n = strcspn(val, " \t");
	unsigned int i;
	char tok[8];

	if (!n || n >= sizeof(tok))
		return NULL;
	memcpy(tok, val, n);
	tok[n] = '\0';
	*rest = val + n + strspn(val + n, " \t");
	if (!parse_num(tok, 127, &pt))
		return NULL;
	for (i = 0; i < m->nfmt; i++)
		if (m->fmt[i].pt == (int)pt)
			return &m->fmt[i];
	return NULL;
}

/* a=rtpmap:PT name/clock[/channels] */
static void rtpmap(struct vq_sdp_media *m, const char *val)
{
	const char *p;
	struct vq_sdp_fmt *f = fmt_by_pt(m, val, &p);
	size_t n;

	if (!f)
		return;
	n = strcspn(p, "/ \t");
	if (!n || n >= sizeof(f->name))
		return;
	memcpy(f->name, p, n);
	f->name[n] = '\0';
	p += n;
	f->clock = 0;
	f->channels = 1;
	if (*p == '/') {
		f->clock = lead_num(p + 1);
		p = strchr(p + 1, '/');
		if (p) {
			uint32_t ch = lead_num(p + 1);

			f->channels = ch >= 1 && ch <= 255 ? (uint8_t)ch : 1;
		}
	}
}

/* a=fmtp:PT k=v;k=v: the parameters that change a bit rate. */
static void fmtp(struct vq_sdp_media *m, const char *val)
{
	const char *p;
	struct vq_sdp_fmt *f = fmt_by_pt(m, val, &p);
	bool amr, ilbc;

	if (!f)
		return;
	amr = !strcasecmp(f->name, "AMR") || !strcasecmp(f->name, "AMR-WB");
	ilbc = !strcasecmp(f->name, "iLBC");
	while (*p) {
		size_t n, kl;
		const char *eq, *v;

		p += strspn(p, " \t;");
		n = strcspn(p, ";");
		eq = memchr(p, '=', n);
		if (eq) {
			kl = eq - p;
			while (kl && (p[kl - 1] == ' ' || p[kl - 1] == '\t'))
				kl--;
			v = eq + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			if (kl == 17 && !strncasecmp(p, "maxaveragebitrate", kl)) {
				f->maxaveragebitrate = lead_num(v);
			} else if (ilbc && kl == 4 && !strncasecmp(p, "mode", kl)) {
				uint32_t mode = lead_num(v);

				f->ilbc_mode = mode == 20 || mode == 30 ? mode : 0;
			} else if (amr && kl == 11 && !strncasecmp(p, "octet-align", kl)) {
				f->octet_align = lead_num(v) == 1;
			} else if (amr && kl == 8 && !strncasecmp(p, "mode-set", kl)) {
				/* "0,2,5,7": the highest mode bounds the rate */
				const char *q = v, *end = p + n;
				uint32_t hi = 0;
				bool any = false;

				while (q < end && *q >= '0' && *q <= '9') {
					uint32_t mode = lead_num(q);

					if (mode > 8)
						break;
					any = true;
					if (mode + 1 > hi)
						hi = mode + 1;
					q += strspn(q, "0123456789");
					q += strspn(q, " \t,");
				}
				f->mode_set_max = any ? (uint8_t)hi : 0;
			}
		}
		p += n;
	}
}

static void fill_fmt(struct vq_sdp_fmt *f, const char *tok)
{
	uint64_t pt;

	memset(f, 0, sizeof(*f));
	copy_str(f->id, sizeof(f->id), tok);
	f->channels = 1;
	f->pt = -1;
	if (parse_num(tok, 127, &pt)) {
		f->pt = (int)pt;
		if (pt < 35 && static_pt[pt].name) {
			copy_str(f->name, sizeof(f->name), static_pt[pt].name);
			f->clock = static_pt[pt].clock;
			f->channels = static_pt[pt].channels;
		}
	}
}

/*
 * One m= section. -1 with err set when the line cannot be used at all (bad
 * port, an address that is not one where one is needed): the caller
 * disables it. Attribute problems only cost the attribute (counted in s).
 */
static int fill_media(sdp_message_t *sdp, const struct session *ss, int idx,
		      sdp_media_t *md, struct vq_sdp *s, struct vq_sdp_media *m,
		      char *err, size_t errlen)
{
	sdp_connection_t *c = osip_list_get(&md->c_connections, 0);
	sdp_attribute_t *a;
	uint64_t port;
	const char *tok;
	const char *fmtps[VQ_SDP_MAX_FMT];
	osip_list_iterator_t it;
	int i, d, dir = -1, nfmtp = 0;
	bool rtp;

	memset(m, 0, sizeof(*m));
	if (!md->m_media || !md->m_port || !md->m_proto)
		return fail(err, errlen, "m= line %d: incomplete", idx + 1);
	copy_str(m->kind_name, sizeof(m->kind_name), md->m_media);
	copy_str(m->proto, sizeof(m->proto), md->m_proto);
	if (!strcasecmp(md->m_media, "audio"))
		m->kind = VQ_KIND_AUDIO;
	else if (!strcasecmp(md->m_media, "video"))
		m->kind = VQ_KIND_VIDEO;
	else if (!strcasecmp(md->m_media, "image"))
		m->kind = VQ_KIND_IMAGE;
	else
		m->kind = VQ_KIND_OTHER;
	if (!parse_num(md->m_port, UINT64_MAX / 16, &port))
		return fail(err, errlen, "m= line %d: bad port '%.16s'", idx + 1, md->m_port);
	if (port > 65535)
		return fail(err, errlen, "m= line %d: port %llu out of range", idx + 1,
			    (unsigned long long)port);
	m->port = (uint16_t)port;

	if (!c)
		c = sdp->c_connection;
	if (c) {
		/* A disabled line needs no address (RFC 3264 8.2 lets it be anything). */
		if (!parse_addr(c->c_addrtype, c->c_addr, &m->family, m->addr) && m->port)
			return fail(err, errlen, "m= line %d: bad address '%.64s %.64s'",
				    idx + 1, c->c_addrtype ? c->c_addrtype : "",
				    c->c_addr ? c->c_addr : "");
		m->hold_addr = m->family == AF_INET && !memcmp(m->addr, "\0\0\0\0", 4);
	}
	m->rtcp_port = m->port && m->port < 65535 ? m->port + 1 : 0;
	m->rtcp_family = m->family;
	memcpy(m->rtcp_addr, m->addr, 16);
	m->ptime_ms = ss->ptime;
	m->maxptime_ms = ss->maxptime;
	m->bw_as_kbps = ss->bw_as;
	m->bw_tias_bps = ss->bw_tias;
	bandwidths(&md->b_bandwidths, &m->bw_as_kbps, &m->bw_tias_bps);

	/*
	 * In an RTP line every format is a payload type 0..127 (RFC 3551 3):
	 * "999" is not one, and taken as the codec it would size the stream
	 * as an unknown one. Such formats are dropped: the next one is used.
	 */
	rtp = strstr(m->proto, "RTP") != NULL;
	for (each(tok, &md->m_payloads, it)) {
		uint64_t pt;

		if (rtp && !parse_num(tok, 127, &pt)) {
			s->bad_fmts++;
			note(s, "m= line %d: format '%.8s' is not a payload type", idx + 1, tok);
			continue;
		}
		if (m->nfmt < VQ_SDP_MAX_FMT)
			fill_fmt(&m->fmt[m->nfmt++], tok);
	}

	for (each(a, &md->a_attributes, it)) {
		const char *v = a->a_att_value ? a->a_att_value : "";
		enum att att = att_of(a);

		d = dir_of(att);
		if (d >= 0) {
			dir = d;
		} else if (att == ATT_RTCP) {
			/*
			 * RFC 3605: a=rtcp:PORT [nettype addrtype addr]. A bad
			 * one is ignored (RTCP stays at port + 1 of c=): the
			 * RTP streams are still worth their reservation.
			 */
			char num[12], nt[8], at[8], addr[64];
			int k = sscanf(v, "%11s %7s %7s %63s", num, nt, at, addr);
			uint16_t fam = 0;
			uint8_t ra[16];

			if (k < 1 || !parse_num(num, 65535, &port) || port == 0) {
				s->bad_attrs++;
				note(s, "m= line %d: a=rtcp:%.16s ignored", idx + 1, v);
			} else if (k == 4 && !parse_addr(at, addr, &fam, ra)) {
				s->bad_attrs++;
				note(s, "m= line %d: a=rtcp address '%.32s' ignored", idx + 1,
				     addr);
			} else {
				m->rtcp_port = (uint16_t)port;
				/* 0.0.0.0 or :: says nothing about where: c= applies */
				if (k == 4 && !addr_unspecified(fam, ra)) {
					m->rtcp_family = fam;
					memcpy(m->rtcp_addr, ra, 16);
				}
			}
		} else if (att == ATT_RTCP_MUX) {
			m->rtcp_mux = true;
		} else if ((att == ATT_PTIME && !parse_ms(v, &m->ptime_ms)) ||
			   (att == ATT_MAXPTIME && !parse_ms(v, &m->maxptime_ms))) {
			s->bad_attrs++;
			note(s, "m= line %d: a=%s:%.16s ignored", idx + 1, a->a_att_field, v);
		} else if (att == ATT_RTPMAP) {
			rtpmap(m, v);
		} else if (att == ATT_FMTP && nfmtp < VQ_SDP_MAX_FMT) {
			fmtps[nfmtp++] = v;
		}
	}
	/* After every rtpmap: fmtp parameters depend on the codec name. */
	for (i = 0; i < nfmtp; i++)
		fmtp(m, fmtps[i]);
	m->dir = dir >= 0 ? dir : ss->dir >= 0 ? ss->dir : VQ_DIR_SENDRECV;
	return 0;
}

int vq_sdp_parse(const char *buf, size_t len, struct vq_sdp *s,
		 char *err, size_t errlen)
{
	struct session ss = { .dir = -1 };
	sdp_message_t *sdp = NULL;
	sdp_attribute_t *a;
	sdp_media_t *md;
	char *copy;
	osip_list_iterator_t it;
	char stack[2048], lerr[128], first_err[128];
	int rc = 0, n;
	uint64_t ver;

	/*
	 * Not a memset of the whole struct: it is 30 KB, most of it the
	 * unused media slots, and clearing it cost more than the rest of
	 * the work. Only the first nmedia entries are meaningful, and each
	 * is cleared when it is filled.
	 */
	s->origin_version = 0;
	s->nmedia = 0;
	s->skipped_media = s->bad_media = s->bad_attrs = s->bad_fmts = 0;
	s->note[0] = '\0';
	if (errlen)
		err[0] = '\0';
	vq_sip_init();		/* libosip2's traces off */
	if (!len)
		return fail(err, errlen, "empty SDP");
	if (memchr(buf, '\0', len))
		return fail(err, errlen, "NUL byte in the SDP");
	copy = sdp_copy(buf, len, stack, sizeof(stack), &s->skipped_media, err, errlen);
	if (!copy)
		return -1;
	if (sdp_message_init(&sdp) != 0) {
		if (copy != stack)
			free(copy);
		return fail(err, errlen, "out of memory for libosip2");
	}
	if (sdp_message_parse(sdp, copy) != 0) {
		rc = fail(err, errlen, "libosip2 could not parse the SDP");
		goto out;
	}
	if (parse_num(sdp->o_sess_version, UINT64_MAX / 16, &ver))
		s->origin_version = ver;

	for (each(a, &sdp->a_attributes, it)) {
		enum att att = att_of(a);
		int d = dir_of(att);

		if (d >= 0)
			ss.dir = d;
		else if ((att == ATT_PTIME && !parse_ms(a->a_att_value, &ss.ptime)) ||
			 (att == ATT_MAXPTIME && !parse_ms(a->a_att_value, &ss.maxptime))) {
			s->bad_attrs++;
			note(s, "session: a=%s:%.16s ignored", a->a_att_field,
			     a->a_att_value ? a->a_att_value : "");
		}
	}
	bandwidths(&sdp->b_bandwidths, &ss.bw_as, &ss.bw_tias);

	if (s->skipped_media)
		note(s, "%u m= lines after the first %d skipped", s->skipped_media,
		     VQ_SDP_MAX_MEDIA);
	/* sdp_copy cut the text after VQ_SDP_MAX_MEDIA m= lines: this is a bound. */
	n = 0;
	for (each(md, &sdp->m_medias, it)) {
		struct vq_sdp_media *m = &s->media[n];

		if (n == VQ_SDP_MAX_MEDIA)
			break;
		/*
		 * A line without a usable port or address is disabled, not
		 * the description: the other lines keep their flows, and
		 * offer/answer still pairs lines by index.
		 */
		if (fill_media(sdp, &ss, n, md, s, m, lerr, sizeof(lerr))) {
			if (!s->bad_media++)
				copy_str(first_err, sizeof(first_err), lerr);
			note(s, "%s: line disabled", lerr);
			m->port = m->rtcp_port = 0;
			m->family = m->rtcp_family = 0;
			m->nfmt = 0;
		}
		n++;
	}
	s->nmedia = (unsigned int)n;
	/* Nothing usable left: as if there were no description at all. */
	if (n && s->bad_media == (unsigned int)n)
		rc = fail(err, errlen, "%s", first_err);
out:
	if (rc) {
		s->origin_version = 0;
		s->nmedia = 0;
	}
	sdp_message_free(sdp);
	if (copy != stack)
		free(copy);
	return rc;
}
