// SPDX-License-Identifier: GPL-2.0
/*
 * SIP stream framing (RFC 3261 18.3). Only what is needed to find where a
 * message ends: the empty line closing the header and the Content-Length
 * (or compact "l") value. Everything else is libosip2's job once the frame
 * is cut. Plain byte loops, no library calls beyond <string.h>, so that it
 * behaves the same with musl and on big-endian targets.
 */
#include <string.h>

#include "sip_frame.h"

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* Case-insensitive compare of a header name of n bytes with lc (lowercase). */
static int name_is(const char *p, size_t n, const char *lc)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!lc[i] || lower((unsigned char)p[i]) != lc[i])
			return 0;
	return lc[n] == '\0';
}

static int is_ws(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * Offset just past the empty line that ends the header starting at buf, or
 * 0 if there is none in the first len bytes. A bare LF is accepted as a
 * line end as well (RFC 3261 7.5 asks implementations to be tolerant).
 */
static size_t header_end(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);

		if (!nl)
			return 0;
		p = nl + 1;
		if (p < end && *p == '\n')
			return p + 1 - buf;
		if (p + 1 < end && p[0] == '\r' && p[1] == '\n')
			return p + 2 - buf;
	}
	return 0;
}

/*
 * Parses the Content-Length value in v[0..n) (which may include folded
 * line breaks). Returns the value or -1 if it is not one decimal number
 * within VQ_SIP_MAX_MSG.
 */
static long parse_length(const char *v, size_t n)
{
	long val = -1;
	size_t i = 0;

	while (i < n && (is_ws(v[i]) || v[i] == '\r' || v[i] == '\n'))
		i++;
	while (i < n && v[i] >= '0' && v[i] <= '9') {
		val = (val < 0 ? 0 : val * 10) + (v[i] - '0');
		if (val > VQ_SIP_MAX_MSG)
			return -1;
		i++;
	}
	while (i < n && (is_ws(v[i]) || v[i] == '\r' || v[i] == '\n'))
		i++;
	return i == n ? val : -1;
}

long vq_sip_frame(const char *buf, size_t len, size_t *skip)
{
	size_t s = 0, hlen, lim, pos;
	long clen = -1;

	/* Keep-alive pings (CRLFCRLF) and pongs (CRLF) between messages. */
	while (s < len && (buf[s] == '\r' || buf[s] == '\n'))
		s++;
	*skip = s;
	buf += s;
	len -= s;
	if (!len)
		return VQ_FRAME_MORE;

	lim = len < VQ_SIP_MAX_MSG ? len : VQ_SIP_MAX_MSG;
	hlen = header_end(buf, lim);
	if (!hlen)
		return len >= VQ_SIP_MAX_MSG ? VQ_FRAME_ERROR : VQ_FRAME_MORE;

	/* Walk the header fields after the start line; pos is a line start. */
	pos = (const char *)memchr(buf, '\n', hlen) - buf + 1;
	while (pos < hlen) {
		size_t line = pos, colon, name_end, fend;

		/* The field runs until a line that does not start with SP/HT. */
		fend = pos;
		for (;;) {
			const char *nl = memchr(buf + fend, '\n', hlen - fend);

			fend = nl - buf + 1;
			if (fend >= hlen || !is_ws(buf[fend]))
				break;
		}
		pos = fend;
		for (colon = line; colon < fend && buf[colon] != ':'; colon++)
			;
		if (colon == fend)
			continue;	/* the empty line, or not a field */
		name_end = colon;
		while (name_end > line && is_ws(buf[name_end - 1]))
			name_end--;
		if (!name_is(buf + line, name_end - line, "content-length") &&
		    !name_is(buf + line, name_end - line, "l"))
			continue;
		if (clen >= 0)
			return VQ_FRAME_ERROR;	/* which one would be right? */
		clen = parse_length(buf + colon + 1, fend - colon - 1);
		if (clen < 0)
			return VQ_FRAME_ERROR;
	}
	/* Mandatory on a stream (RFC 3261 20.14): without it no end is known. */
	if (clen < 0 || hlen + (size_t)clen > VQ_SIP_MAX_MSG)
		return VQ_FRAME_ERROR;
	if (len < hlen + (size_t)clen)
		return VQ_FRAME_MORE;
	return (long)(hlen + clen);
}
