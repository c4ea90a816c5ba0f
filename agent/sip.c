// SPDX-License-Identifier: GPL-2.0
/*
 * SIP messages through libosip2's parser. libosip2 does the grammar
 * (compact header names, folding, multipart bodies); this file only checks
 * what the dialog layer cannot do without, copies it out and frees the
 * osip_message_t at once, so that no libosip2 type escapes.
 *
 * libosip2 copies the buffer itself (osip_message_parse takes buf and
 * length and NUL-terminates its own copy), so no copy is made here. It
 * does treat that copy as a C string while parsing the header, which is
 * why NUL bytes there are refused before it sees them: with a NUL, the
 * header it parses would not be the header the endpoints see.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <osipparser2/osip_parser.h>

#include "sip.h"
#include "sip_frame.h"

static const char *const method_names[] = {
	[VQ_SIP_OTHER] = "OTHER",
	[VQ_SIP_INVITE] = "INVITE",
	[VQ_SIP_ACK] = "ACK",
	[VQ_SIP_BYE] = "BYE",
	[VQ_SIP_CANCEL] = "CANCEL",
	[VQ_SIP_PRACK] = "PRACK",
	[VQ_SIP_UPDATE] = "UPDATE",
	[VQ_SIP_OPTIONS] = "OPTIONS",
	[VQ_SIP_REGISTER] = "REGISTER",
	[VQ_SIP_INFO] = "INFO",
	[VQ_SIP_NOTIFY] = "NOTIFY",
	[VQ_SIP_SUBSCRIBE] = "SUBSCRIBE",
	[VQ_SIP_REFER] = "REFER",
	[VQ_SIP_MESSAGE] = "MESSAGE",
};

const char *vq_sip_method_name(enum vq_sip_method m)
{
	if ((unsigned int)m >= sizeof(method_names) / sizeof(method_names[0]))
		return "OTHER";
	return method_names[m];
}

/* Method names are case-sensitive (RFC 3261 7.1). */
static enum vq_sip_method method_of(const char *s)
{
	unsigned int i;

	for (i = 1; i < sizeof(method_names) / sizeof(method_names[0]); i++)
		if (!strcmp(s, method_names[i]))
			return i;
	return VQ_SIP_OTHER;
}

static bool parser_ready;

static void silent_trace(const char *file, int line, osip_trace_level_t level,
			 const char *fmt, va_list ap)
{
	(void)file;
	(void)line;
	(void)level;
	(void)fmt;
	(void)ap;
}

void vq_sip_init(void)
{
	int level;

	if (parser_ready)
		return;
	parser_init();
	/*
	 * Debian's libosip2 is built with traces on and, with no trace
	 * function set, prints every parse error whatever the level table
	 * says: one line per bad packet, unsolicited. A silent function and
	 * all levels off stop that; the caller logs the reason returned.
	 */
	osip_trace_initialize_func(TRACE_LEVEL0, silent_trace);
	for (level = TRACE_LEVEL0; level < END_TRACE_LEVEL; level++)
		osip_trace_disable_level((osip_trace_level_t)level);
	parser_ready = true;
}

/* A 32-bit decimal number at the start of s (after blanks); *end after it. */
static bool parse_u32(const char *s, uint32_t *v, const char **end)
{
	uint64_t n = 0;
	const char *p = s;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9') {
		n = n * 10 + (uint64_t)(*p - '0');
		if (n > UINT32_MAX)
			return false;
		p++;
	}
	*v = (uint32_t)n;
	if (end)
		*end = p;
	return true;
}

static bool only_blanks(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return !*p;
}

/* Copies an identifier; false if it does not fit (VQ_SIP_ID_MAX). */
static bool copy_id(char dst[VQ_SIP_ID_MAX], const char *a, const char *b)
{
	size_t la = a ? strlen(a) : 0, lb = b ? strlen(b) : 0;

	if (la + (b ? 1 + lb : 0) >= VQ_SIP_ID_MAX)
		return false;
	memcpy(dst, a ? a : "", la);
	if (b) {
		dst[la] = '@';
		memcpy(dst + la + 1, b, lb);
		la += 1 + lb;
	}
	dst[la] = '\0';
	return true;
}

/* The URI of a From/To, for display: cut, never an error. */
static void copy_uri(char dst[VQ_SIP_URI_MAX], osip_uri_t *url)
{
	char *s = NULL;

	dst[0] = '\0';
	if (url && osip_uri_to_str(url, &s) == 0 && s) {
		size_t n = strlen(s);

		if (n >= VQ_SIP_URI_MAX)
			n = VQ_SIP_URI_MAX - 1;
		memcpy(dst, s, n);
		dst[n] = '\0';
		osip_free(s);
	}
}

static const char *gen_param(osip_list_t *params, const char *name)
{
	osip_generic_param_t *p = NULL;

	if (osip_generic_param_get_byname(params, (char *)name, &p) != 0 || !p)
		return NULL;
	return p->gvalue ? p->gvalue : "";
}

static bool is_type(const osip_content_type_t *ct, const char *type, const char *sub)
{
	return ct && ct->type && !strcasecmp(ct->type, type) &&
	       (!sub || (ct->subtype && !strcasecmp(ct->subtype, sub)));
}

/* The option tag "100rel" in a Require value (comma lists too). */
static bool lists_100rel(const char *p)
{
	while (p && *p) {
		size_t n;

		p += strspn(p, " \t,");
		n = strcspn(p, " \t,");
		if (n == 6 && !strncasecmp(p, "100rel", 6))
			return true;
		p += n;
	}
	return false;
}

static int fail(char *err, size_t errlen, const char *why)
{
	snprintf(err, errlen, "%s", why);
	return -1;
}

/* The session description: the body, or the first application/sdp part. */
static int find_sdp(osip_message_t *sip, struct vq_sip_msg *m, char *err, size_t errlen)
{
	osip_body_t *b = NULL;
	int i;

	if (is_type(sip->content_type, "application", "sdp")) {
		b = osip_list_get(&sip->bodies, 0);
	} else if (is_type(sip->content_type, "multipart", NULL)) {
		for (i = 0; (b = osip_list_get(&sip->bodies, i)); i++)
			if (is_type(b->content_type, "application", "sdp"))
				break;
	}
	if (!b || !b->body || !b->length)
		return 0;
	if (memchr(b->body, '\0', b->length))
		return fail(err, errlen, "NUL byte in the SDP body");
	m->sdp = malloc(b->length + 1);
	if (!m->sdp)
		return fail(err, errlen, "out of memory for the SDP body");
	memcpy(m->sdp, b->body, b->length);
	m->sdp[b->length] = '\0';
	m->sdp_len = b->length;
	return 0;
}

/* Everything the dialog layer needs, or the first reason it cannot have it. */
static int extract(osip_message_t *sip, struct vq_sip_msg *m, char *err, size_t errlen)
{
	osip_via_t *via = NULL;
	osip_header_t *h = NULL;
	osip_list_iterator_t it;
	bool seen_rseq = false, seen_rack = false;
	const char *s;

	if (!sip->call_id || !sip->call_id->number || !*sip->call_id->number)
		return fail(err, errlen, "missing Call-ID");
	if (!sip->cseq || !sip->cseq->number || !sip->cseq->method)
		return fail(err, errlen, "missing CSeq");
	if (!sip->from)
		return fail(err, errlen, "missing From");
	if (!sip->to)
		return fail(err, errlen, "missing To");
	if (!copy_id(m->call_id, sip->call_id->number, sip->call_id->host))
		return fail(err, errlen, "Call-ID longer than 255 bytes");
	{
		const char *end;

		if (!parse_u32(sip->cseq->number, &m->cseq, &end) || !only_blanks(end))
			return fail(err, errlen, "CSeq number is not a 32-bit number");
	}

	m->request = MSG_IS_REQUEST(sip);
	if (m->request) {
		m->method = method_of(sip->sip_method);
		if (strcmp(sip->sip_method, sip->cseq->method))
			return fail(err, errlen, "CSeq method differs from the request method");
	} else {
		m->status = sip->status_code;
		if (m->status < 100 || m->status > 699)
			return fail(err, errlen, "status code out of range");
		m->method = method_of(sip->cseq->method);
	}

	s = gen_param(&sip->from->gen_params, "tag");
	if (s && !copy_id(m->from_tag, s, NULL))
		return fail(err, errlen, "From tag longer than 255 bytes");
	s = gen_param(&sip->to->gen_params, "tag");
	if (s && !copy_id(m->to_tag, s, NULL))
		return fail(err, errlen, "To tag longer than 255 bytes");
	/*
	 * osip_uri_to_str allocates and is the dearest step here; the dialog
	 * layer reads the URIs only from an INVITE (a call starts, or is
	 * rebuilt from a re-INVITE), so other messages go without them.
	 */
	if (m->request && m->method == VQ_SIP_INVITE) {
		copy_uri(m->from, sip->from->url);
		copy_uri(m->to, sip->to->url);
	}

	if (osip_message_get_via(sip, 0, &via) >= 0 && via) {
		s = gen_param(&via->via_params, "branch");
		if (s && !copy_id(m->branch, s, NULL))
			return fail(err, errlen, "Via branch longer than 255 bytes");
	}

	/*
	 * RSeq, RAck and Require are "other" headers for libosip2: one walk
	 * over them instead of a name lookup (a walk each) per header.
	 */
	for (h = osip_list_get_first(&sip->headers, &it); h; h = osip_list_get_next(&it)) {
		const char *p;

		if (!h->hname || (h->hname[0] | 0x20) != 'r' || !h->hvalue)
			continue;
		if (!strcasecmp(h->hname, "require")) {
			m->require_100rel |= lists_100rel(h->hvalue);
		} else if (!strcasecmp(h->hname, "rseq") && !seen_rseq) {
			seen_rseq = true;
			if (!parse_u32(h->hvalue, &m->rseq, &p) || !only_blanks(p))
				return fail(err, errlen, "RSeq is not a 32-bit number");
		} else if (!strcasecmp(h->hname, "rack") && !seen_rack) {
			seen_rack = true;
			/* RAck: response-num CSeq-num Method (RFC 3262 7.2) */
			if (!parse_u32(h->hvalue, &m->rack_rseq, &p) ||
			    (*p != ' ' && *p != '\t') ||
			    !parse_u32(p, &m->rack_cseq, &p) || (*p != ' ' && *p != '\t') ||
			    only_blanks(p))
				return fail(err, errlen, "RAck is not 'RSeq CSeq method'");
		}
	}
	return find_sdp(sip, m, err, errlen);
}

/*
 * Length of the header part up to the empty line (leading keep-alive CRLFs
 * included, as libosip2 skips them too), or len if there is none.
 */
static size_t header_len(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;

	while (p < end && (*p == '\r' || *p == '\n'))
		p++;

	while ((p = memchr(p, '\n', end - p))) {
		p++;
		if (p < end && *p == '\n')
			return p - buf;
		if (p + 1 < end && p[0] == '\r' && p[1] == '\n')
			return p - buf;
	}
	return len;
}

/*
 * libosip2 (5.3) leaks the first Content-Type of a MIME part that has two
 * (osip_body_set_contenttype overwrites its pointer), so a peer could grow
 * the daemon by a few dozen bytes per message for ever. Such a message is
 * invalid anyway (Content-Type is single-valued, RFC 2045 and RFC 3261
 * 20.15), so it is refused before libosip2 sees it.
 *
 * Where libosip2 reads header blocks: the message's own, and each part's,
 * which starts on the boundary line ("--BOUNDARY" and the first header may
 * share it) and ends at the first empty line (LF LF, CR CR or LF CR: CR,
 * LF and CRLF all end a line). Counted here without knowing the boundary:
 * per block, the lines that begin with "Content-Type" (after blanks, as it
 * trims them) and the lines that begin with "--" and hold it anywhere. A
 * folded line counts as a line of its own: that only counts more.
 */
static bool ctype_at(const char *p, const char *end)
{
	return end - p >= 12 && !strncasecmp(p, "content-type", 12);
}

static bool two_content_types(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len, *eol, *q;
	unsigned int n = 0;

	while (p < end) {
		for (eol = p; eol < end && *eol != '\r' && *eol != '\n'; eol++)
			;
		q = p;
		while (q < eol && (*q == ' ' || *q == '\t'))
			q++;
		if (ctype_at(q, eol)) {
			n++;
		} else if (eol - p >= 2 && p[0] == '-' && p[1] == '-') {
			for (q = p + 2; q < eol; q++)
				if (ctype_at(q, eol)) {
					n++;
					break;
				}
		}
		if (n >= 2)
			return true;
		if (eol == end)
			break;
		/* The line's end: CRLF, CR or LF; another one next is an empty line. */
		p = eol + (eol + 1 < end && eol[0] == '\r' && eol[1] == '\n' ? 2 : 1);
		if (p < end && (*p == '\r' || *p == '\n'))
			n = 0;
	}
	return false;
}

/*
 * What libosip2 lets through but must not reach the dialog layer: another
 * protocol version (RFC 4475 3.3.12), a Content-Length that is not a plain
 * number (it reads "-999" or "4x" with atoi) or that points past the end
 * of the datagram (a truncated message; RFC 3261 18.3 wants it dropped).
 * Bytes after the body are allowed and ignored (RFC 4475 3.1.1.8).
 */
static int check_framing(osip_message_t *sip, const char *buf, size_t len,
			 size_t hl, char *err, size_t errlen)
{
	uint32_t clen;
	const char *end;

	if (!sip->sip_version || strcasecmp(sip->sip_version, "SIP/2.0"))
		return fail(err, errlen, "not SIP/2.0");
	if (!sip->content_length || !sip->content_length->value)
		return 0;
	if (!parse_u32(sip->content_length->value, &clen, &end) || !only_blanks(end))
		return fail(err, errlen, "bad Content-Length");
	/* header_len stops before the empty line; skip it */
	if (hl < len && buf[hl] == '\r')
		hl++;
	if (hl < len && buf[hl] == '\n')
		hl++;
	if (clen > len - hl)
		return fail(err, errlen, "Content-Length beyond the end of the message");
	return 0;
}

int vq_sip_parse(const char *buf, size_t len, struct vq_sip_msg *m,
		 char *err, size_t errlen)
{
	osip_message_t *sip = NULL;
	size_t hl;
	int rc;

	memset(m, 0, sizeof(*m));
	if (errlen)
		err[0] = '\0';
	if (!len)
		return fail(err, errlen, "empty message");
	if (len > VQ_SIP_MAX_MSG)
		return fail(err, errlen, "message longer than 65535 bytes");
	hl = header_len(buf, len);	/* once: the framing check needs it too */
	if (memchr(buf, '\0', hl))
		return fail(err, errlen, "NUL byte in the header");
	if (two_content_types(buf, len))
		return fail(err, errlen, "two Content-Type headers in one header block");
	vq_sip_init();
	if (osip_message_init(&sip) != 0)
		return fail(err, errlen, "out of memory for libosip2");
	if (osip_message_parse(sip, buf, len) != 0) {
		/*
		 * The header parsed before the body failed: tell a multipart
		 * body libosip2 could not split from any other failure.
		 */
		if (is_type(sip->content_type, "multipart", NULL))
			rc = fail(err, errlen, "libosip2 could not split the multipart body");
		else
			rc = fail(err, errlen, "libosip2 could not parse the message");
		osip_message_free(sip);
		return rc;
	}
	rc = check_framing(sip, buf, len, hl, err, errlen);
	if (!rc)
		rc = extract(sip, m, err, errlen);
	osip_message_free(sip);
	if (rc)
		vq_sip_msg_free(m);
	return rc;
}

void vq_sip_msg_free(struct vq_sip_msg *m)
{
	free(m->sdp);
	m->sdp = NULL;
	m->sdp_len = 0;
}
