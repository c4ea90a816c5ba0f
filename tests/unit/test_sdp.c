// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "sdp.h"
#include "test.h"

#define HEAD "v=0\r\no=alice 2890844526 2890844527 IN IP4 192.0.2.10\r\ns=-\r\n"

static int parse(const char *text, struct vq_sdp *s, char *err)
{
	size_t len = strlen(text);
	char *b = malloc(len ? len : 1);	/* no NUL after it: ASan checks */
	int rc;

	memcpy(b, text, len);
	rc = vq_sdp_parse(b, len, s, err, 128);
	free(b);
	return rc;
}

static bool addr_is(uint16_t family, const uint8_t *addr, int want_family, const char *want)
{
	uint8_t a[16] = { 0 };

	return family == want_family && inet_pton(want_family, want, a) == 1 &&
	       !memcmp(addr, a, want_family == AF_INET ? 4 : 16);
}

static void reject(const char *name, const char *text, const char *why)
{
	struct vq_sdp s;
	char err[128];
	int rc = parse(text, &s, err);

	t_check(rc == -1 && !strcmp(err, why) && s.nmedia == 0, name,
		"rc %d err '%s', want '%s'", rc, err, why);
}

static struct vq_sdp s;	/* large: not on the stack */

static void test_basic(void)
{
	static const char sdp[] = HEAD "c=IN IP4 192.0.2.10\r\nt=0 0\r\n"
		"m=audio 49170 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\n"
		"a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=ptime:20\r\n";
	const struct vq_sdp_media *m = &s.media[0];
	char err[128], b[64];
	int rc = parse(sdp, &s, err);

	t_check(rc == 0 && s.nmedia == 1, "sdp: basic audio offer", "rc %d '%s' n %u", rc,
		err, s.nmedia);
	t_check(s.origin_version == 2890844527ull, "sdp: o= session version",
		"%llu", (unsigned long long)s.origin_version);
	t_check(m->kind == VQ_KIND_AUDIO && !strcmp(m->kind_name, "audio") &&
		!strcmp(m->proto, "RTP/AVP") && m->port == 49170, "sdp: m= kind, proto, port",
		"kind %d '%s' '%s' %u", m->kind, m->kind_name, m->proto, m->port);
	t_check(addr_is(m->family, m->addr, AF_INET, "192.0.2.10") && !m->hold_addr,
		"sdp: session-level c= applies to the media", "family %u", m->family);
	t_check(m->dir == VQ_DIR_SENDRECV, "sdp: direction defaults to sendrecv", "%d", m->dir);
	t_check(m->rtcp_port == 49171 && !m->rtcp_mux &&
		addr_is(m->rtcp_family, m->rtcp_addr, AF_INET, "192.0.2.10"),
		"sdp: RTCP defaults to port + 1 at the same address", "%u", m->rtcp_port);
	t_check(m->ptime_ms == 20 && m->maxptime_ms == 0, "sdp: a=ptime", "%u %u",
		m->ptime_ms, m->maxptime_ms);
	t_check(m->nfmt == 3 && !strcmp(vq_sdp_fmt_str(&m->fmt[0], b, sizeof(b)), "PCMU/8000") &&
		m->fmt[1].pt == 8 && !strcmp(m->fmt[1].name, "PCMA") && m->fmt[1].clock == 8000 &&
		m->fmt[2].pt == 101 && !strcmp(m->fmt[2].name, "telephone-event") &&
		m->fmt[2].clock == 8000 && !strcmp(m->fmt[2].id, "101"),
		"sdp: formats in m= order with rtpmap and static names", "n %u", m->nfmt);
	t_check(!strcmp(vq_media_kind_name(VQ_KIND_AUDIO), "audio") &&
		!strcmp(vq_media_kind_name(VQ_KIND_VIDEO), "video") &&
		!strcmp(vq_media_kind_name(VQ_KIND_IMAGE), "image") &&
		!strcmp(vq_media_kind_name(VQ_KIND_OTHER), "other"), "sdp: media kind names", "x");
}

static void test_levels(void)
{
	static const char sdp[] = HEAD "c=IN IP4 192.0.2.10\r\nb=AS:256\r\nt=0 0\r\n"
		"a=sendonly\r\na=ptime:30\r\na=maxptime:60\r\n"
		"m=audio 4000 RTP/AVP 0\r\n"
		"m=audio 4002 RTP/AVP 8\r\nc=IN IP4 198.51.100.7\r\nb=AS:80\r\nb=TIAS:64000\r\n"
		"a=recvonly\r\na=ptime:10\r\na=maxptime:40\r\n"
		"m=video 0 RTP/AVP 31\r\n"
		"m=image 6000 udptl t38\r\nc=IN IP6 2001:db8::7\r\na=inactive\r\n"
		"m=application 7000 TCP/MSRP *\r\n";
	char err[128];
	int rc = parse(sdp, &s, err);
	const struct vq_sdp_media *m = s.media;

	t_check(rc == 0 && s.nmedia == 5, "sdp: five m= lines", "rc %d '%s' n %u", rc, err,
		s.nmedia);
	t_check(m[0].dir == VQ_DIR_SENDONLY && m[0].ptime_ms == 30 && m[0].maxptime_ms == 60 &&
		m[0].bw_as_kbps == 256 && m[0].bw_tias_bps == 0,
		"sdp: session-level direction, ptime, maxptime, b=AS inherited",
		"dir %d ptime %u maxptime %u as %u", m[0].dir, m[0].ptime_ms, m[0].maxptime_ms,
		m[0].bw_as_kbps);
	t_check(m[1].dir == VQ_DIR_RECVONLY && m[1].ptime_ms == 10 && m[1].maxptime_ms == 40 &&
		m[1].bw_as_kbps == 80 && m[1].bw_tias_bps == 64000 &&
		addr_is(m[1].family, m[1].addr, AF_INET, "198.51.100.7") &&
		addr_is(m[1].rtcp_family, m[1].rtcp_addr, AF_INET, "198.51.100.7"),
		"sdp: media level overrides c=, direction, ptime, b=AS, b=TIAS",
		"dir %d ptime %u as %u tias %u", m[1].dir, m[1].ptime_ms, m[1].bw_as_kbps,
		m[1].bw_tias_bps);
	t_check(m[2].kind == VQ_KIND_VIDEO && m[2].port == 0 && m[2].rtcp_port == 0 &&
		!strcmp(m[2].fmt[0].name, "H261") && m[2].fmt[0].clock == 90000,
		"sdp: disabled video stream (port 0)", "port %u rtcp %u", m[2].port,
		m[2].rtcp_port);
	t_check(m[3].kind == VQ_KIND_IMAGE && !strcmp(m[3].proto, "udptl") &&
		m[3].dir == VQ_DIR_INACTIVE && m[3].nfmt == 1 && m[3].fmt[0].pt == -1 &&
		!strcmp(m[3].fmt[0].id, "t38") &&
		addr_is(m[3].family, m[3].addr, AF_INET6, "2001:db8::7"),
		"sdp: T.38 image m= line, IPv6 media c=, format not a number",
		"kind %d proto '%s' dir %d pt %d", m[3].kind, m[3].proto, m[3].dir,
		m[3].fmt[0].pt);
	t_check(m[4].kind == VQ_KIND_OTHER && !strcmp(m[4].kind_name, "application") &&
		!strcmp(m[4].fmt[0].id, "*"), "sdp: application m= line is OTHER",
		"kind %d '%s'", m[4].kind, m[4].kind_name);
}

static void test_rtcp_hold_v6(void)
{
	static const char v6[] = "v=0\r\no=- 1 1 IN IP6 2001:db8::1\r\ns=-\r\n"
		"c=IN IP6 2001:db8::1\r\nt=0 0\r\n"
		"m=audio 5000 RTP/AVP 0\r\na=rtcp:5005\r\n"
		"m=audio 5010 RTP/AVP 0\r\na=rtcp:6000 IN IP4 203.0.113.5\r\n"
		"m=audio 5020 RTP/SAVPF 0\r\na=rtcp-mux\r\na=rtcp:5020\r\n"
		"m=audio 65535 RTP/AVP 0\r\n";
	static const char hold[] = HEAD "c=IN IP4 0.0.0.0\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
	char err[128];
	const struct vq_sdp_media *m = s.media;
	int rc = parse(v6, &s, err);

	t_check(rc == 0 && s.nmedia == 4 && addr_is(m[0].family, m[0].addr, AF_INET6,
						   "2001:db8::1"),
		"sdp: IPv6 session c=", "rc %d '%s'", rc, err);
	t_check(m[0].rtcp_port == 5005 &&
		addr_is(m[0].rtcp_family, m[0].rtcp_addr, AF_INET6, "2001:db8::1"),
		"sdp: a=rtcp:PORT keeps the media address", "%u", m[0].rtcp_port);
	t_check(m[1].rtcp_port == 6000 &&
		addr_is(m[1].rtcp_family, m[1].rtcp_addr, AF_INET, "203.0.113.5"),
		"sdp: a=rtcp:PORT IN IP4 addr (RFC 3605)", "%u family %u", m[1].rtcp_port,
		m[1].rtcp_family);
	t_check(m[2].rtcp_mux && m[2].rtcp_port == 5020 && !strcmp(m[2].proto, "RTP/SAVPF"),
		"sdp: a=rtcp-mux", "mux %d port %u", m[2].rtcp_mux, m[2].rtcp_port);
	t_check(m[3].port == 65535 && m[3].rtcp_port == 0,
		"sdp: port 65535 has no port + 1 for RTCP", "%u", m[3].rtcp_port);

	rc = parse(hold, &s, err);
	t_check(rc == 0 && s.media[0].hold_addr && s.media[0].family == AF_INET,
		"sdp: c=0.0.0.0 is hold", "rc %d '%s' hold %d", rc, err, s.media[0].hold_addr);
}

static void test_static_pts(void)
{
	static const struct {
		int pt;
		const char *str;
	} want[] = {
		{ 0, "PCMU/8000" }, { 3, "GSM/8000" }, { 4, "G723/8000" }, { 5, "DVI4/8000" },
		{ 6, "DVI4/16000" }, { 7, "LPC/8000" }, { 8, "PCMA/8000" }, { 9, "G722/8000" },
		{ 10, "L16/44100/2" }, { 11, "L16/44100" }, { 12, "QCELP/8000" },
		{ 13, "CN/8000" }, { 14, "MPA/90000" }, { 15, "G728/8000" },
		{ 16, "DVI4/11025" }, { 17, "DVI4/22050" }, { 18, "G729/8000" },
		{ 2, "2" }, { 19, "19" }, { 96, "96" },
		{ 25, "CelB/90000" }, { 26, "JPEG/90000" }, { 28, "nv/90000" },
		{ 31, "H261/90000" }, { 32, "MPV/90000" }, { 33, "MP2T/90000" },
		{ 34, "H263/90000" },
	};
	char sdp[1024], err[128], b[64];
	size_t i, n, bad = 0;
	int rc;

	n = snprintf(sdp, sizeof(sdp), HEAD "c=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP");
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		n += snprintf(sdp + n, sizeof(sdp) - n, " %d", want[i].pt);
	snprintf(sdp + n, sizeof(sdp) - n, "\r\n");
	rc = parse(sdp, &s, err);
	t_check(rc == 0 && s.media[0].nfmt == sizeof(want) / sizeof(want[0]),
		"sdp: static payload types parse", "rc %d '%s'", rc, err);
	for (i = 0; i < s.media[0].nfmt; i++) {
		const struct vq_sdp_fmt *f = &s.media[0].fmt[i];

		if (f->pt != want[i].pt || strcmp(vq_sdp_fmt_str(f, b, sizeof(b)), want[i].str)) {
			bad++;
			t_check(false, "sdp: static payload type", "pt %d is '%s', want '%s'",
				want[i].pt, b, want[i].str);
		}
	}
	t_check(!bad, "sdp: RFC 3551 static payload types 0..34 (G722 clock 8000)",
		"%zu wrong", bad);
}

static void test_fmtp(void)
{
	static const char sdp[] = HEAD "c=IN IP4 192.0.2.1\r\nt=0 0\r\n"
		"m=audio 4000 RTP/AVP 111 97 98 99 18 100\r\n"
		"a=fmtp:111 minptime=10; useinbandfec=1; maxaveragebitrate=20000\r\n"
		"a=rtpmap:111 opus/48000/2\r\n"
		"a=rtpmap:97 iLBC/8000\r\na=fmtp:97 mode=30\r\n"
		"a=rtpmap:98 AMR/8000\r\na=fmtp:98 octet-align=1; mode-set=0,2,5,7\r\n"
		"a=rtpmap:99 AMR-WB/16000/1\r\na=fmtp:99 mode-set=0,1,2;octet-align=0\r\n"
		"a=rtpmap:18 G729/8000\r\na=fmtp:18 annexb=no\r\n"
		"a=rtpmap:100 iLBC/8000\r\na=fmtp:100 mode=25\r\n";
	const struct vq_sdp_fmt *f = s.media[0].fmt;
	char err[128], b[64];
	int rc = parse(sdp, &s, err);

	t_check(rc == 0 && s.media[0].nfmt == 6, "sdp: fmtp offer parses", "rc %d '%s'", rc, err);
	t_check(!strcmp(vq_sdp_fmt_str(&f[0], b, sizeof(b)), "opus/48000/2") &&
		f[0].channels == 2 && f[0].maxaveragebitrate == 20000,
		"sdp: Opus rtpmap with channels, maxaveragebitrate (fmtp before rtpmap)",
		"'%s' ch %u rate %u", b, f[0].channels, f[0].maxaveragebitrate);
	t_check(!strcmp(f[1].name, "iLBC") && f[1].ilbc_mode == 30, "sdp: iLBC mode=30",
		"'%s' mode %u", f[1].name, f[1].ilbc_mode);
	t_check(f[2].octet_align && f[2].mode_set_max == 8, "sdp: AMR octet-align, mode-set",
		"oa %d max %u", f[2].octet_align, f[2].mode_set_max);
	t_check(!f[3].octet_align && f[3].mode_set_max == 3 && f[3].clock == 16000 &&
		f[3].channels == 1, "sdp: AMR-WB mode-set, octet-align=0",
		"oa %d max %u clock %u", f[3].octet_align, f[3].mode_set_max, f[3].clock);
	t_check(!strcmp(f[4].name, "G729") && !f[4].ilbc_mode && !f[4].mode_set_max,
		"sdp: other fmtp parameters ignored", "'%s'", f[4].name);
	t_check(f[5].ilbc_mode == 0, "sdp: iLBC mode other than 20/30 ignored", "%u",
		f[5].ilbc_mode);
}

static void test_repairs(void)
{
	static const char no_st[] = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\nc=IN IP4 192.0.2.1\r\n"
		"m=audio 4000 RTP/AVP 0\r\n";
	static const char empty_s[] = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=\r\n"
		"c=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
	static const char no_t_attr[] = HEAD "c=IN IP4 192.0.2.1\r\na=sendonly\r\n"
		"m=audio 4000 RTP/AVP 0\r\n";
	static const char no_media_no_t[] = HEAD "c=IN IP4 192.0.2.1";
	static const char no_crlf[] = HEAD "c=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0";
	static const char lf[] = "v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\n"
		"t=0 0\nm=audio 4000 RTP/AVP 8\n";
	char err[128];
	int rc;

	rc = parse(no_st, &s, err);
	t_check(rc == 0 && s.nmedia == 1 && s.media[0].port == 4000,
		"sdp: missing s= and t= tolerated", "rc %d '%s'", rc, err);
	rc = parse(empty_s, &s, err);
	t_check(rc == 0 && s.nmedia == 1, "sdp: empty s= tolerated", "rc %d '%s'", rc, err);
	rc = parse(no_t_attr, &s, err);
	t_check(rc == 0 && s.nmedia == 1 && s.media[0].dir == VQ_DIR_SENDONLY,
		"sdp: missing t= before session attributes", "rc %d '%s'", rc, err);
	rc = parse(no_media_no_t, &s, err);
	t_check(rc == 0 && s.nmedia == 0, "sdp: no m= line, no t=, no final CRLF",
		"rc %d '%s'", rc, err);
	rc = parse(no_crlf, &s, err);
	t_check(rc == 0 && s.nmedia == 1 && s.media[0].fmt[0].pt == 0,
		"sdp: last line without CRLF", "rc %d '%s'", rc, err);
	rc = parse(lf, &s, err);
	t_check(rc == 0 && s.nmedia == 1 && s.media[0].fmt[0].pt == 8, "sdp: bare LF lines",
		"rc %d '%s'", rc, err);
}

static void test_rejects(void)
{
	char *big, err[128];
	size_t n = 0, i;
	struct timespec t0, t1;
	double ms;
	int rc;

	reject("sdp: port 70000", HEAD "c=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 70000 RTP/AVP 0\r\n",
	       "m= line 1: port 70000 out of range");
	reject("sdp: port 99999 on every m= line", HEAD "c=IN IP4 192.0.2.1\r\nt=0 0\r\n"
	       "m=audio 99998 RTP/AVP 0\r\nm=audio 99999 RTP/AVP 0\r\n",
	       "m= line 1: port 99998 out of range");
	reject("sdp: port not a number", HEAD "c=IN IP4 192.0.2.1\r\nt=0 0\r\n"
	       "m=audio -1 RTP/AVP 0\r\n", "m= line 1: bad port '-1'");
	reject("sdp: port of 30 digits", HEAD "c=IN IP4 192.0.2.1\r\nt=0 0\r\n"
	       "m=audio 999999999999999999999999999999 RTP/AVP 0\r\n",
	       "m= line 1: bad port '9999999999999999'");
	reject("sdp: address 999.1.1.1", HEAD "c=IN IP4 999.1.1.1\r\nt=0 0\r\n"
	       "m=audio 4000 RTP/AVP 0\r\n", "m= line 1: bad address 'IP4 999.1.1.1'");
	reject("sdp: IPv6 address as IP4", HEAD "c=IN IP4 2001:db8::1\r\nt=0 0\r\n"
	       "m=audio 4000 RTP/AVP 0\r\n", "m= line 1: bad address 'IP4 2001:db8::1'");
	reject("sdp: bad IPv6 address", HEAD "t=0 0\r\nm=audio 4000 RTP/AVP 0\r\n"
	       "c=IN IP6 2001:db8:::1:2:3:4:5:6:7\r\n",
	       "m= line 1: bad address 'IP6 2001:db8:::1:2:3:4:5:6:7'");
	reject("sdp: host name in c= (cannot be reserved)", HEAD "c=IN IP4 pbx.example.com\r\n"
	       "t=0 0\r\nm=audio 4000 RTP/AVP 0\r\n", "m= line 1: bad address 'IP4 pbx.example.com'");
	reject("sdp: unknown type letter (RFC 4566 5)", HEAD "c=IN IP4 192.0.2.1\r\nt=0 0\r\n"
	       "x=what\r\nm=audio 4000 RTP/AVP 0\r\n", "libosip2 could not parse the SDP");
	reject("sdp: garbage", "hello world\r\n", "libosip2 could not parse the SDP");
	reject("sdp: empty", "", "empty SDP");
	{
		static const char nul[] = HEAD "t=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
		char *b = malloc(sizeof(nul));
		struct vq_sdp *p = &s;

		memcpy(b, nul, sizeof(nul));
		b[10] = '\0';
		rc = vq_sdp_parse(b, sizeof(nul) - 1, p, err, sizeof(err));
		t_check(rc == -1 && !strcmp(err, "NUL byte in the SDP"), "sdp: NUL byte",
			"rc %d '%s'", rc, err);
		free(b);
	}

	/* 16 m= lines are kept, the 17th and later skipped with a note. */
	big = malloc(64 * 1024);
	n = snprintf(big, 64 * 1024, HEAD "c=IN IP4 192.0.2.1\r\nt=0 0\r\n");
	for (i = 0; i < 16; i++)
		n += snprintf(big + n, 64 * 1024 - n, "m=audio %zu RTP/AVP 0\r\n", 4000 + 2 * i);
	rc = parse(big, &s, err);
	t_check(rc == 0 && s.nmedia == 16 && s.media[15].port == 4030,
		"sdp: 16 m= lines accepted", "rc %d '%s'", rc, err);
	t_check(s.skipped_media == 0 && !s.note[0], "sdp: 16 m= lines, nothing skipped",
		"skipped %u note '%s'", s.skipped_media, s.note);
	n += snprintf(big + n, 64 * 1024 - n, "m=audio 5000 RTP/AVP 0\r\na=rtcp:9\r\n");
	rc = parse(big, &s, err);
	t_check(rc == 0 && s.nmedia == 16 && s.skipped_media == 1 && s.bad_attrs == 0 &&
		s.media[0].port == 4000 && s.media[15].port == 4030 &&
		!strcmp(s.note, "1 m= lines after the first 16 skipped"),
		"sdp: 17 m= lines: the first 16 kept, the 17th skipped (its attributes too)",
		"rc %d '%s' n %u skipped %u bad %u note '%s'", rc, err, s.nmedia,
		s.skipped_media, s.bad_attrs, s.note);

	/* 1000 m= lines: the extra ones cut before libosip2 builds them, quickly. */
	for (i++; i < 1000; i++)
		n += snprintf(big + n, 64 * 1024 - n, "m=audio %zu RTP/AVP 0\r\n", 4000 + 2 * i);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = parse(big, &s, err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
	t_check(rc == 0 && s.nmedia == 16 && s.skipped_media == 984 &&
		s.media[0].port == 4000 && s.media[0].fmt[0].pt == 0,
		"sdp: 1000 m= lines: the first 16 kept, 984 skipped",
		"rc %d '%s' n %u skipped %u", rc, err, s.nmedia, s.skipped_media);
	t_check(ms < 50, "sdp: 1000 m= lines handled in under 50 ms", "%.1f ms", ms);

	/* More formats than kept: the first 32, in order. */
	n = snprintf(big, 64 * 1024, HEAD "c=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP");
	for (i = 0; i < 100; i++)
		n += snprintf(big + n, 64 * 1024 - n, " %zu", i);
	snprintf(big + n, 64 * 1024 - n, "\r\n");
	rc = parse(big, &s, err);
	t_check(rc == 0 && s.media[0].nfmt == VQ_SDP_MAX_FMT && s.media[0].fmt[31].pt == 31,
		"sdp: 100 formats, first 32 kept", "rc %d '%s' n %u", rc, err, s.media[0].nfmt);
	free(big);
}

/* Problems that cost one attribute or one line, not the description. */
static void test_local_errors(void)
{
	static const char bad_attrs[] = HEAD "c=IN IP4 192.0.2.1\r\nt=0 0\r\na=ptime:30\r\n"
		"m=audio 4000 RTP/AVP 0\r\na=rtcp:65536\r\na=ptime:abc\r\n"
		"m=audio 4010 RTP/AVP 0\r\na=rtcp:4021 IN IP4 1.2.3\r\na=maxptime:0\r\n"
		"m=audio 4020 RTP/AVP 0\r\na=rtcp:0\r\na=ptime:99999999\r\n"
		"m=audio 4030 RTP/AVP 0\r\na=ptime:20.0\r\n";
	static const char bad_line[] = HEAD "c=IN IP4 192.0.2.1\r\nt=0 0\r\n"
		"m=audio 4000 RTP/AVP 0\r\nm=video 70000 RTP/AVP 31\r\n"
		"m=video 5000 RTP/AVP 31\r\nc=IN IP4 pbx.example.com\r\n"
		"m=video 0 RTP/AVP 31\r\nc=IN IP4 pbx.example.com\r\n"
		"m=audio 6000 RTP/AVP 8\r\n";
	static const char bad_pt[] = HEAD "c=IN IP4 192.0.2.1\r\nt=0 0\r\n"
		"m=audio 4000 RTP/AVP 999 abc 18 0\r\nm=image 6000 udptl t38\r\n";
	const struct vq_sdp_media *m = s.media;
	char err[128];
	int rc;

	rc = parse(bad_attrs, &s, err);
	t_check(rc == 0 && s.nmedia == 4 && s.bad_attrs == 6 && s.bad_media == 0,
		"sdp: bad a=rtcp/a=ptime/a=maxptime: counted, the SDP kept",
		"rc %d '%s' n %u bad_attrs %u", rc, err, s.nmedia, s.bad_attrs);
	t_check(m[0].rtcp_port == 4001 && m[1].rtcp_port == 4011 &&
		addr_is(m[1].rtcp_family, m[1].rtcp_addr, AF_INET, "192.0.2.1") &&
		m[2].rtcp_port == 4021, "sdp: a bad a=rtcp is ignored: port + 1 at c=",
		"%u %u %u", m[0].rtcp_port, m[1].rtcp_port, m[2].rtcp_port);
	t_check(m[0].ptime_ms == 30 && m[1].maxptime_ms == 0 && m[2].ptime_ms == 30 &&
		m[3].ptime_ms == 20, "sdp: a bad a=ptime is ignored: the session's applies",
		"%u %u %u %u", m[0].ptime_ms, m[1].maxptime_ms, m[2].ptime_ms, m[3].ptime_ms);
	t_check(!strcmp(s.note, "m= line 1: a=rtcp:65536 ignored"),
		"sdp: the first problem is the note", "'%s'", s.note);

	rc = parse(bad_line, &s, err);
	t_check(rc == 0 && s.nmedia == 5 && s.bad_media == 2 &&
		m[0].port == 4000 && m[1].port == 0 && m[1].rtcp_port == 0 &&
		m[1].kind == VQ_KIND_VIDEO && m[2].port == 0 && m[2].family == 0 &&
		m[3].port == 0 && m[4].port == 6000 && m[4].fmt[0].pt == 8,
		"sdp: a bad m= port or c= address disables that line only",
		"rc %d '%s' n %u bad %u ports %u %u %u %u", rc, err, s.nmedia, s.bad_media,
		m[0].port, m[1].port, m[2].port, m[4].port);
	t_check(!strcmp(s.note, "m= line 2: port 70000 out of range: line disabled"),
		"sdp: a disabled line is the note", "'%s'", s.note);

	rc = parse(bad_pt, &s, err);
	t_check(rc == 0 && m[0].nfmt == 2 && m[0].fmt[0].pt == 18 && m[0].fmt[1].pt == 0 &&
		s.bad_fmts == 2 && m[1].nfmt == 1 && !strcmp(m[1].fmt[0].id, "t38"),
		"sdp: RTP formats that are not a payload type are dropped (udptl's kept)",
		"rc %d n %u first %d bad %u", rc, m[0].nfmt, m[0].fmt[0].pt, s.bad_fmts);
}

/* RFC 4291 2.5.5.2 addresses are IPv4 endpoints; 0.0.0.0/:: in a=rtcp is no address. */
static void test_v4mapped_unspecified(void)
{
	static const char sdp[] = HEAD "c=IN IP6 ::ffff:192.0.2.10\r\nt=0 0\r\n"
		"m=audio 4000 RTP/AVP 0\r\na=rtcp:4001 IN IP6 ::ffff:192.0.2.11\r\n"
		"m=audio 4010 RTP/AVP 0\r\nc=IN IP4 192.0.2.20\r\n"
		"a=rtcp:5001 IN IP4 0.0.0.0\r\n"
		"m=audio 4020 RTP/AVP 0\r\nc=IN IP6 2001:db8::5\r\na=rtcp:5003 IN IP6 ::\r\n"
		"m=audio 4030 RTP/AVP 0\r\nc=IN IP6 ::ffff:0.0.0.0\r\n";
	const struct vq_sdp_media *m = s.media;
	char err[128];
	int rc = parse(sdp, &s, err);

	t_check(rc == 0 && s.nmedia == 4, "sdp: v4-mapped and unspecified addresses parse",
		"rc %d '%s'", rc, err);
	t_check(addr_is(m[0].family, m[0].addr, AF_INET, "192.0.2.10") &&
		addr_is(m[0].rtcp_family, m[0].rtcp_addr, AF_INET, "192.0.2.11"),
		"sdp: c= and a=rtcp ::ffff:a.b.c.d become IPv4", "family %u rtcp %u",
		m[0].family, m[0].rtcp_family);
	t_check(m[1].rtcp_port == 5001 &&
		addr_is(m[1].rtcp_family, m[1].rtcp_addr, AF_INET, "192.0.2.20"),
		"sdp: a=rtcp 0.0.0.0: its port at the c= address", "port %u family %u",
		m[1].rtcp_port, m[1].rtcp_family);
	t_check(m[2].rtcp_port == 5003 &&
		addr_is(m[2].rtcp_family, m[2].rtcp_addr, AF_INET6, "2001:db8::5"),
		"sdp: a=rtcp ::: its port at the c= address", "port %u family %u",
		m[2].rtcp_port, m[2].rtcp_family);
	t_check(m[3].family == AF_INET && m[3].hold_addr,
		"sdp: c=IN IP6 ::ffff:0.0.0.0 is the IPv4 hold address", "family %u hold %d",
		m[3].family, m[3].hold_addr);
}

T_SUITE(sdp)
{
	test_basic();
	test_levels();
	test_rtcp_hold_v6();
	test_static_pts();
	test_fmtp();
	test_repairs();
	test_rejects();
	test_local_errors();
	test_v4mapped_unspecified();
}
