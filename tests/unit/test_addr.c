// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "addr.h"
#include "test.h"

static void endpoints(void)
{
	static const struct {
		const char *in;
		int kind;
		const char *out;	/* formatted back; NULL: must fail */
		int family;
		const char *why;	/* substring of the reason on failure */
	} cases[] = {
		{ "1.2.3.4:5000", VQ_EP_DST, "1.2.3.4:5000", AF_INET, NULL },
		{ "[2001:db8::1]:5004", VQ_EP_DST, "[2001:db8::1]:5004", AF_INET6, NULL },
		{ "[::ffff:1.2.3.4]:1", VQ_EP_DST, "[::ffff:1.2.3.4]:1", AF_INET6, NULL },
		{ "10.0.0.1:65535", VQ_EP_DST, "10.0.0.1:65535", AF_INET, NULL },
		{ "1.2.3.4:0x10", VQ_EP_DST, "1.2.3.4:16", AF_INET, NULL },
		{ "1.2.3.4", VQ_EP_DST, NULL, 0, "expected ADDR:PORT" },
		{ "1.2.3.4:0", VQ_EP_DST, NULL, 0, "1-65535" },
		{ "1.2.3.4:65536", VQ_EP_DST, NULL, 0, "1-65535" },
		{ "1.2.3.4:-1", VQ_EP_DST, NULL, 0, "1-65535" },
		{ "1.2.3.4:", VQ_EP_DST, NULL, 0, "1-65535" },
		{ "1.2.3.4:5x", VQ_EP_DST, NULL, 0, "1-65535" },
		{ "1.2.3.4:*", VQ_EP_DST, NULL, 0, "1-65535" },
		{ "2001:db8::1:5000", VQ_EP_DST, NULL, 0, "[IPV6]:PORT" },
		{ "[::1]:*", VQ_EP_DST, NULL, 0, "1-65535" },
		{ "*:5000", VQ_EP_DST, NULL, 0, "bad address" },
		{ "any", VQ_EP_DST, NULL, 0, "bad address" },
		{ "[::1", VQ_EP_DST, NULL, 0, "missing ']'" },
		{ "[::1]x", VQ_EP_DST, NULL, 0, "':' after ']'" },
		{ "[1.2.3.4]:5", VQ_EP_DST, NULL, 0, "bad IPv6" },
		{ "host:5000", VQ_EP_DST, NULL, 0, "bad address" },
		{ "1.2.3:5", VQ_EP_DST, NULL, 0, "bad address" },
		{ "256.1.1.1:5", VQ_EP_DST, NULL, 0, "bad address" },
		{ " 1.2.3.4:5", VQ_EP_DST, NULL, 0, "bad address" },
		{ "", VQ_EP_DST, NULL, 0, "empty" },
		{ "fe80::1%eth0", VQ_EP_SRC, NULL, 0, "brackets" },
		{ "any", VQ_EP_SRC, "*:*", AF_UNSPEC, NULL },
		{ "*", VQ_EP_SRC, "*:*", AF_UNSPEC, NULL },
		{ "*:*", VQ_EP_SRC, "*:*", AF_UNSPEC, NULL },
		{ "*:4000", VQ_EP_SRC, "*:4000", AF_UNSPEC, NULL },
		{ "[*]:4000", VQ_EP_SRC, "*:4000", AF_INET6, NULL },
		{ "1.2.3.4", VQ_EP_SRC, "1.2.3.4:*", AF_INET, NULL },
		{ "1.2.3.4:*", VQ_EP_SRC, "1.2.3.4:*", AF_INET, NULL },
		{ "1.2.3.4:4000", VQ_EP_SRC, "1.2.3.4:4000", AF_INET, NULL },
		{ "::1", VQ_EP_SRC, "[::1]:*", AF_INET6, NULL },
		{ "[::1]", VQ_EP_SRC, "[::1]:*", AF_INET6, NULL },
		{ "[::1]:7", VQ_EP_SRC, "[::1]:7", AF_INET6, NULL },
		{ "*:0", VQ_EP_SRC, NULL, 0, "1-65535 or *" },
		{ "[::1]:", VQ_EP_SRC, NULL, 0, "1-65535 or *" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vq_endpoint ep;
		char name[128], buf[VQ_EP_STRLEN];
		const char *why;

		snprintf(name, sizeof(name), "endpoint %s '%s'",
			 cases[i].kind == VQ_EP_DST ? "dst" : "src", cases[i].in);
		why = vq_parse_endpoint(cases[i].in, cases[i].kind, &ep);
		if (!cases[i].out) {
			t_check(why && strstr(why, cases[i].why), name,
				"expected failure containing '%s', got '%s'",
				cases[i].why, why ? why : "(success)");
			continue;
		}
		if (!t_check(!why, name, "unexpected failure '%s'", why))
			continue;
		vq_format_endpoint(&ep, buf, sizeof(buf));
		t_check(strcmp(buf, cases[i].out) == 0 && ep.family == cases[i].family,
			name, "formatted '%s' family %d, want '%s' family %d", buf,
			ep.family, cases[i].out, cases[i].family);
	}

	/* Longer than any address: must fail cleanly, not overflow. */
	{
		char big[600];
		struct vq_endpoint ep;

		memset(big, '1', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		big[300] = ':';
		t_check(vq_parse_endpoint(big, VQ_EP_DST, &ep) != NULL,
			"endpoint overlong input", "accepted");
		big[0] = '[';
		t_check(vq_parse_endpoint(big, VQ_EP_SRC, &ep) != NULL,
			"endpoint overlong bracketed input", "accepted");
	}
}

static void numbers(void)
{
	static const struct {
		const char *in;
		uint64_t max;
		bool ok;
		uint64_t val;
	} cases[] = {
		{ "0", 10, true, 0 },
		{ "010", 100, true, 10 },
		{ "0x1F", 100, true, 31 },
		{ "18446744073709551615", UINT64_MAX, true, UINT64_MAX },
		{ "18446744073709551616", UINT64_MAX, false, 0 },
		{ "0x10000000000000000", UINT64_MAX, false, 0 },
		{ "11", 10, false, 0 },
		{ "0x", 10, false, 0 },
		{ "", 10, false, 0 },
		{ "+1", 10, false, 0 },
		{ "-1", 10, false, 0 },
		{ " 1", 10, false, 0 },
		{ "1 ", 10, false, 0 },
		{ "1e3", 10000, false, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char name[96];
		uint64_t v = 12345;
		bool ok = vq_parse_num(cases[i].in, cases[i].max, &v);

		snprintf(name, sizeof(name), "number '%s' max %" PRIu64,
			 cases[i].in, cases[i].max);
		t_check(ok == cases[i].ok && (!ok || v == cases[i].val), name,
			"got ok=%d v=%" PRIu64, ok, v);
	}
}

static void dscp(void)
{
	static const struct {
		const char *in;
		int val;	/* -1: must fail */
	} cases[] = {
		{ "ef", 46 }, { "EF", 46 }, { "va", 44 }, { "le", 1 },
		{ "cs0", 0 }, { "cs1", 8 }, { "cs3", 24 }, { "cs7", 56 },
		{ "af11", 10 }, { "af12", 12 }, { "af13", 14 }, { "af21", 18 },
		{ "af31", 26 }, { "af41", 34 }, { "af42", 36 }, { "AF43", 38 },
		{ "0", 0 }, { "63", 63 }, { "0x2e", 46 },
		{ "64", -1 }, { "-1", -1 }, { "x", -1 }, { "", -1 }, { "af44", -1 },
		{ "af51", -1 }, { "cs8", -1 }, { "46 ", -1 }, { "ef1", -1 },
	};
	static const struct {
		unsigned int val;
		const char *out;
	} fmt[] = {
		{ 46, "ef" }, { 34, "af41" }, { 0, "cs0" }, { 1, "le" }, { 44, "va" },
		{ 56, "cs7" }, { 5, "5" }, { 63, "63" },
	};
	char name[64], buf[16];
	unsigned int n;
	size_t i;
	bool all = true;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t v = 99;
		const char *why = vq_parse_dscp(cases[i].in, &v);

		snprintf(name, sizeof(name), "dscp '%s'", cases[i].in);
		if (cases[i].val < 0)
			t_check(why && strcmp(why, "0-63 or a name like ef") == 0, name,
				"accepted as %u", v);
		else
			t_check(!why && v == cases[i].val, name, "got %s %u",
				why ? why : "", v);
	}
	for (i = 0; i < sizeof(fmt) / sizeof(fmt[0]); i++) {
		snprintf(name, sizeof(name), "dscp format %u", fmt[i].val);
		vq_format_dscp(fmt[i].val, buf, sizeof(buf));
		t_check(strcmp(buf, fmt[i].out) == 0, name, "got '%s'", buf);
	}
	for (n = 0; n <= 63; n++) {
		uint8_t v;

		vq_format_dscp(n, buf, sizeof(buf));
		if (vq_parse_dscp(buf, &v) || v != n)
			all = false;
	}
	t_check(all, "dscp format/parse round trip 0-63", "mismatch");
}

static void handles(void)
{
	static const struct {
		const char *in;
		bool ok;
		uint32_t val;
		const char *out;
	} cases[] = {
		{ "1:10", true, 0x10010, "1:10" },
		{ "ffff:ffff", true, 0xffffffff, "ffff:ffff" },
		{ "FFFF:1", true, 0xffff0001, "ffff:1" },
		{ "1:", true, 0x10000, "1:0" },
		{ ":10", true, 0x10, "0:10" },
		{ "0x10010", true, 0x10010, "1:10" },
		{ "none", true, 0, "0:0" },
		{ "0", true, 0, "0:0" },
		{ "10", false, 0, NULL },
		{ "1:2:3", false, 0, NULL },
		{ "10000:1", false, 0, NULL },
		{ "1:10000", false, 0, NULL },
		{ "g:1", false, 0, NULL },
		{ ":", false, 0, NULL },
		{ "", false, 0, NULL },
		{ "1:-1", false, 0, NULL },
		{ "0x100000000", false, 0, NULL },
		{ "0x", false, 0, NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char name[64], buf[16] = "";
		uint32_t v = 7;
		const char *why = vq_parse_handle(cases[i].in, &v);

		snprintf(name, sizeof(name), "handle '%s'", cases[i].in);
		if (!cases[i].ok) {
			t_check(why != NULL, name, "accepted as 0x%x", v);
			continue;
		}
		vq_format_handle(v, buf, sizeof(buf));
		t_check(!why && v == cases[i].val && strcmp(buf, cases[i].out) == 0,
			name, "got %s 0x%x '%s'", why ? why : "", v, buf);
	}
}

static void rates(void)
{
	static const struct {
		const char *in;
		bool ok;
		uint64_t val;
	} cases[] = {
		{ "0", true, 0 },
		{ "64k", true, 64000 },
		{ "64K", true, 64000 },
		{ "64kbit", true, 64000 },
		{ "1000bit", true, 1000 },
		{ "1m", true, 1000000 },
		{ "1.5m", true, 1500000 },
		{ ".5k", true, 500 },
		{ "2g", true, 2000000000ULL },
		{ "100g", true, 100000000000ULL },
		{ "100000000000", true, 100000000000ULL },
		{ "99.999999999g", true, 99999999999ULL },
		{ "100.000000001g", false, 0 },
		{ "101g", false, 0 },
		{ "100000000001", false, 0 },
		{ "18446744073709551616", false, 0 },
		{ "99999999999999999999999g", false, 0 },
		{ "1.5", false, 0 },
		{ "1.0000000001k", false, 0 },
		{ "k", false, 0 },
		{ "", false, 0 },
		{ "-1", false, 0 },
		{ "1x", false, 0 },
		{ "1.k", false, 0 },
		{ "1e6", false, 0 },
		{ " 1", false, 0 },
		{ "1kbps", false, 0 },
	};
	static const struct {
		uint64_t val;
		const char *out;
	} fmt[] = {
		{ 0, "0" }, { 64000, "64k" }, { 1500000, "1500k" },
		{ 1000000000ULL, "1g" }, { 1234, "1234" }, { 2000000, "2m" },
		{ 100000000000ULL, "100g" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char name[64];
		uint64_t v = 7;
		const char *why = vq_parse_rate(cases[i].in, &v);

		snprintf(name, sizeof(name), "rate '%s'", cases[i].in);
		if (cases[i].ok)
			t_check(!why && v == cases[i].val, name, "got %s %" PRIu64,
				why ? why : "", v);
		else
			t_check(why != NULL, name, "accepted as %" PRIu64, v);
	}
	for (i = 0; i < sizeof(fmt) / sizeof(fmt[0]); i++) {
		char name[64], buf[32];
		uint64_t back;

		snprintf(name, sizeof(name), "rate format %" PRIu64, fmt[i].val);
		vq_format_rate(fmt[i].val, buf, sizeof(buf));
		t_check(strcmp(buf, fmt[i].out) == 0 && !vq_parse_rate(buf, &back) &&
			back == fmt[i].val, name, "got '%s'", buf);
	}
}

static void marks_ports_misc(void)
{
	static const struct {
		const char *in;
		bool ok;
		uint32_t mark, mask;
		bool has_mask;
	} marks[] = {
		{ "0x10", true, 0x10, 0xffffffff, false },
		{ "16/0xff", true, 16, 0xff, true },
		{ "0/0", true, 0, 0, true },
		{ "1/0", false, 0, 0, false },
		{ "x", false, 0, 0, false },
		{ "1/", false, 0, 0, false },
		{ "/1", false, 0, 0, false },
		{ "4294967296", false, 0, 0, false },
		{ "123456789012345678901234567890", false, 0, 0, false },
	};
	static const struct {
		const char *in;
		size_t n;	/* 0: must fail */
		uint16_t first, last;
	} ports[] = {
		{ "5060", 1, 5060, 5060 },
		{ "5060,5061", 2, 5060, 5061 },
		{ "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16", 16, 1, 16 },
		{ "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17", 0, 0, 0 },
		{ "", 0, 0, 0 },
		{ "0", 0, 0, 0 },
		{ "5060,", 0, 0, 0 },
		{ ",5060", 0, 0, 0 },
		{ "65536", 0, 0, 0 },
		{ "5060;5061", 0, 0, 0 },
	};
	static const struct {
		const char *in;
		bool ok;
		uint64_t ms;
	} secs[] = {
		{ "1", true, 1000 }, { "0.5", true, 500 }, { "1.25", true, 1250 },
		{ "0.001", true, 1 }, { "0", true, 0 }, { "1.2345", false, 0 },
		{ ".", false, 0 }, { "1.", false, 0 }, { ".5", false, 0 },
		{ "-1", false, 0 }, { "abc", false, 0 }, { "1s", false, 0 },
		{ "99999999999999999999", false, 0 },
	};
	char name[96];
	size_t i;

	for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
		uint32_t m = 0, k = 0;
		bool hm = false;
		const char *why = vq_parse_mark(marks[i].in, &m, &k, &hm);

		snprintf(name, sizeof(name), "mark '%s'", marks[i].in);
		if (marks[i].ok)
			t_check(!why && m == marks[i].mark && k == marks[i].mask &&
				hm == marks[i].has_mask, name, "got %s %x/%x %d",
				why ? why : "", m, k, hm);
		else
			t_check(why != NULL, name, "accepted");
	}
	for (i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
		uint16_t p[16];
		size_t n = 0;
		const char *why = vq_parse_ports(ports[i].in, p, 16, &n);

		snprintf(name, sizeof(name), "sip ports '%.60s'", ports[i].in);
		if (ports[i].n)
			t_check(!why && n == ports[i].n && p[0] == ports[i].first &&
				p[n - 1] == ports[i].last, name, "got %s n=%zu",
				why ? why : "", n);
		else
			t_check(why != NULL, name, "accepted");
	}
	for (i = 0; i < sizeof(secs) / sizeof(secs[0]); i++) {
		uint64_t ms = 7;
		const char *why = vq_parse_seconds(secs[i].in, UINT64_MAX, &ms);

		snprintf(name, sizeof(name), "seconds '%s'", secs[i].in);
		if (secs[i].ok)
			t_check(!why && ms == secs[i].ms, name, "got %s %" PRIu64,
				why ? why : "", ms);
		else
			t_check(why != NULL, name, "accepted as %" PRIu64, ms);
	}
	{
		uint8_t m = 0;

		t_check(!vq_parse_media("audio", &m) && m == 1 &&
			!vq_parse_media("video", &m) && m == 2 &&
			!vq_parse_media("other", &m) && m == 3 &&
			vq_parse_media("AUDIO", &m) && vq_parse_media("", &m) &&
			strcmp(vq_media_name(2), "video") == 0 && !vq_media_name(0) &&
			!vq_media_name(4), "media names", "mismatch");
	}
}

T_SUITE(addr)
{
	endpoints();
	numbers();
	dscp();
	handles();
	rates();
	marks_ports_misc();
}
