// SPDX-License-Identifier: GPL-2.0
/*
 * The CLI's parsing, everything of it that does not need the kernel:
 *
 *  - each input line split into words as `voiceqos batch` does
 *    (vq_split_line), then, by the first word: "flow SUB ARGS" through
 *    flow_parse (endpoints, dscp, priority, rate, burst, mark, media,
 *    timeout...), "config set ARGS" through the config subcommand's own
 *    parser; every word also through each value parser of addr.h, and a
 *    value that parses must format to text that parses back to the same
 *    value;
 *  - a flow that parsed is encoded as the FLOW_NEW attributes the CLI
 *    would send (vq_flow_put) and decoded again (vq_flow_parse, what
 *    reads the kernel's dumps): the same flow must come back;
 *  - the whole input as a VOICEQOS_A_FLOW and a SIP-copy nest from the
 *    kernel (vq_flow_parse, vq_sip_nl_parse; printed as text and JSON);
 *  - the JSON string writer (json_escape) on the raw bytes: the output
 *    must be one valid JSON string that decodes to the input, and the C
 *    escaping of payloads must leave no control byte;
 *  - a control-socket request line (vq_ctl_parse, the daemon's side of
 *    `voiceqos calls`).
 *
 * The CLI parses no JSON itself: `voiceqos calls` copies the daemon's
 * reply through (Documentation/fuzzing.md). The subcommands' main()s are
 * not called: they talk to the kernel, the layer beneath is fuzzed.
 * config_cmd.c is included for its parser, which is static.
 */
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "cli.h"
#include "common.h"
#include "ctl.h"
#include "fuzz.h"
#include "json.h"
#include "print.h"

#include "config_cmd.c"

static FILE *null_out;

/* ---- value parsers: parse, format, parse again ---- */

static void values(const char *w)
{
	char buf[128];
	struct vq_endpoint ep, ep2;
	uint64_t v, v2;
	uint32_t h, h2, mark, mask;
	uint16_t ports[16];
	size_t nports;
	uint8_t d, d2;
	bool has_mask;

	for (int kind = VQ_EP_DST; kind <= VQ_EP_SRC; kind++) {
		if (vq_parse_endpoint(w, kind, &ep))
			continue;
		vq_format_endpoint(&ep, buf, sizeof(buf));
		if (!memchr(buf, '\0', sizeof(buf)))
			vq_fuzz_fail("endpoint text not terminated");
		if (vq_parse_endpoint(buf, kind, &ep2))
			vq_fuzz_fail("endpoint '%s' formats as '%s', which is refused", w, buf);
		if (ep.family != ep2.family || ep.port != ep2.port ||
		    ep.any_addr != ep2.any_addr ||
		    (!ep.any_addr && memcmp(ep.addr, ep2.addr, vq_addr_len(ep.family))))
			vq_fuzz_fail("endpoint '%s' -> '%s' reads back different", w, buf);
		vq_format_addr(&ep, buf, sizeof(buf));
	}
	if (!vq_parse_dscp(w, &d)) {
		if (d > 63)
			vq_fuzz_fail("dscp '%s' parsed as %u", w, d);
		vq_format_dscp(d, buf, sizeof(buf));
		if (vq_parse_dscp(buf, &d2) || d2 != d)
			vq_fuzz_fail("dscp '%s' -> '%s' reads back different", w, buf);
	}
	if (!vq_parse_handle(w, &h)) {
		vq_format_handle(h, buf, sizeof(buf));
		if (vq_parse_handle(buf, &h2) || h2 != h)
			vq_fuzz_fail("handle '%s' -> '%s' reads back different", w, buf);
	}
	if (!vq_parse_rate(w, &v)) {
		if (v > VQ_MAX_RATE)
			vq_fuzz_fail("rate '%s' parsed above the maximum", w);
		vq_format_rate(v, buf, sizeof(buf));
		if (vq_parse_rate(buf, &v2) || v2 != v)
			vq_fuzz_fail("rate '%s' -> '%s' reads back different", w, buf);
	}
	if (!vq_parse_mark(w, &mark, &mask, &has_mask) &&
	    (has_mask ? (mark & ~mask) != 0 : mask != UINT32_MAX))
		vq_fuzz_fail("mark '%s': %x/%x", w, mark, mask);
	if (!vq_parse_ports(w, ports, 16, &nports) && nports > 16)
		vq_fuzz_fail("%zu ports parsed into 16", nports);
	if (!vq_parse_media(w, &d))
		vq_media_name(d);
	if (!vq_parse_seconds(w, 86400000, &v) && v > 86400000)
		vq_fuzz_fail("seconds '%s' parsed above the bound", w);
	vq_parse_num(w, UINT32_MAX, &v);
}

/* ---- flows: arguments -> attributes -> flow ---- */

static void flow_round_trip(const struct flow_args *a)
{
	static char buf[16384];
	const struct vq_flow *f = &a->f;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	struct vq_flow g;
	size_t alen = vq_addr_len(f->family);

	if (!a->have_dst || !alen)
		return;
	memset(buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	vq_flow_put(nlh, f);
	nest = mnl_nlmsg_get_payload(nlh);
	if (vq_flow_parse(nest, &g))
		vq_fuzz_fail("a flow the CLI builds does not parse back");
	if (g.family != f->family || g.dst.port != f->dst.port ||
	    memcmp(g.dst.addr, f->dst.addr, alen) || g.src.port != f->src.port ||
	    g.src.any_addr != f->src.any_addr ||
	    (!f->src.any_addr && memcmp(g.src.addr, f->src.addr, alen)))
		vq_fuzz_fail("the flow's key reads back different");
#define SAME(attr, field) do {						\
	if (VQ_HAS(f, attr) && (!VQ_HAS(&g, attr) || g.field != f->field))	\
		vq_fuzz_fail("flow " #field " reads back different");		\
} while (0)
	SAME(COOKIE, cookie);
	SAME(MEDIA, media);
	SAME(FLAGS, flags);
	SAME(DSCP, dscp);
	SAME(PRIORITY, priority);
	SAME(MARK, mark);
	SAME(MARK_MASK, mark_mask);
	SAME(RATE, rate);
	SAME(BURST, burst);
	SAME(CLOCK_RATE, clock_rate);
	SAME(TIMEOUT, timeout);
#undef SAME
	vq_flow_print(null_out, &g);
}

static void words(int ac, char **av)
{
	struct flow_args fa;
	struct cfg c;

	for (int i = 0; i < ac; i++)
		values(av[i]);
	if (ac >= 1 && !strcmp(av[0], "flow") && !flow_parse(ac - 1, av + 1, &fa))
		flow_round_trip(&fa);
	if (ac >= 2 && !strcmp(av[0], "config") && !strcmp(av[1], "set") &&
	    !parse_set(ac - 2, av + 2, &c)) {
		if (c.nports > VOICEQOS_MAX_SIP_PORTS)
			vq_fuzz_fail("config set: %zu SIP ports", c.nports);
	}
}

/* ---- kernel attributes ---- */

static void nests(const uint8_t *data, size_t size)
{
	struct nlattr *nest;
	struct vq_flow f;
	struct vq_sip s;
	struct json j;

	if (size > 0xffff - MNL_ATTR_HDRLEN)
		return;
	/* Exactly the bytes given: a read past them is ASan's to see. */
	nest = malloc(MNL_ATTR_HDRLEN + size);
	if (!nest)
		return;
	nest->nla_len = (uint16_t)(MNL_ATTR_HDRLEN + size);
	nest->nla_type = NLA_F_NESTED | VOICEQOS_A_FLOW;
	memcpy((char *)nest + MNL_ATTR_HDRLEN, data, size);
	if (!vq_flow_parse(nest, &f)) {
		vq_flow_print(null_out, &f);
		json_init(&j, null_out);
		vq_flow_json(&j, &f);
	}
	if (!vq_sip_nl_parse(nest, &s)) {
		vq_sip_print(null_out, &s);
		json_init(&j, null_out);
		vq_sip_json(&j, &s);
	}
	free(nest);
}

/* ---- output escaping ---- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Valid UTF-8 (RFC 3629) of length l at s, or 0. */
static size_t utf8_ok(const unsigned char *s, size_t n)
{
	size_t l = s[0] >= 0xf0 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc0 ? 2 : 0;
	uint32_t cp;

	if (!l || l > n || s[0] > 0xf4)
		return 0;
	cp = s[0] & (0x7f >> l);
	for (size_t i = 1; i < l; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((l == 2 && cp < 0x80) || (l == 3 && cp < 0x800) || (l == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return l;
}

/* The JSON string in out (len bytes) must decode to exactly in. */
static void check_json_string(const unsigned char *out, size_t len,
			      const unsigned char *in, size_t n)
{
	size_t i = 1, k = 0;

	if (len < 2 || out[0] != '"' || out[len - 1] != '"')
		vq_fuzz_fail("json_escape: not one quoted string");
	while (i < len - 1) {
		unsigned char c = out[i];
		int b = -1;

		if (c == '"' || c < 0x20)
			vq_fuzz_fail("json_escape: raw 0x%02x at %zu", c, i);
		if (c == '\\') {
			if (i + 1 >= len - 1)
				vq_fuzz_fail("json_escape: lone backslash");
			switch (out[i + 1]) {
			case '"':
			case '\\':
			case '/':
				b = out[i + 1];
				break;
			case 'b':
				b = '\b';
				break;
			case 'f':
				b = '\f';
				break;
			case 'n':
				b = '\n';
				break;
			case 'r':
				b = '\r';
				break;
			case 't':
				b = '\t';
				break;
			case 'u':
				if (i + 6 > len - 1 || hexval(out[i + 2]) || hexval(out[i + 3]) ||
				    hexval(out[i + 4]) < 0 || hexval(out[i + 5]) < 0)
					vq_fuzz_fail("json_escape: bad \\u escape at %zu", i);
				/* Only \u00XX: one input byte (its Latin-1 reading). */
				b = hexval(out[i + 4]) << 4 | hexval(out[i + 5]);
				i += 4;
				break;
			default:
				vq_fuzz_fail("json_escape: bad escape at %zu", i);
			}
			if (k >= n || in[k] != b)
				vq_fuzz_fail("json_escape: byte %zu decodes different", k);
			k++;
			i += 2;
			continue;
		}
		if (c >= 0x80) {
			size_t l = utf8_ok(out + i, len - 1 - i);

			if (!l)
				vq_fuzz_fail("json_escape: invalid UTF-8 at %zu", i);
			if (k + l > n || memcmp(in + k, out + i, l))
				vq_fuzz_fail("json_escape: UTF-8 at %zu decodes different", i);
			i += l;
			k += l;
			continue;
		}
		if (k >= n || in[k] != c)
			vq_fuzz_fail("json_escape: byte %zu decodes different", k);
		i++;
		k++;
	}
	if (k != n)
		vq_fuzz_fail("json_escape: %zu of %zu bytes come back", k, n);
}

static void escaping(const uint8_t *data, size_t size)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);

	if (!m)
		vq_fuzz_fail("open_memstream failed");
	json_escape(m, (const char *)data, size);
	fclose(m);
	check_json_string((const unsigned char *)text, len, data, size);
	free(text);

	m = open_memstream(&text, &len);
	if (!m)
		vq_fuzz_fail("open_memstream failed");
	vq_escape_c(m, (const char *)data, size);
	fclose(m);
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)text[i] < 0x20 || (unsigned char)text[i] >= 0x7f)
			vq_fuzz_fail("vq_escape_c left byte 0x%02x", (unsigned char)text[i]);
	free(text);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	null_out = fopen("/dev/null", "w");
	if (!null_out)
		vq_fuzz_fail("cannot open /dev/null");
	vq_errf = null_out;
	vq_fuzz_quiet_log();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 1), *line, *next;
	bool complete;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	escaping(data, size);
	nests(data, size);
	vq_ctl_parse((const char *)data, size, &complete);
	/* Lines as batch reads them (a NUL ends what the splitter sees). */
	for (line = copy; line && line < copy + size; line = next) {
		const char *why;
		char **av;
		int ac;

		next = memchr(line, '\n', copy + size - line);
		if (next)
			*next++ = '\0';
		ac = vq_split_line(line, &av, &why);
		if (ac < 0)
			continue;
		words(ac, av);
		free(av);
	}
	free(copy);
	vq_json = false;
	return 0;
}
