// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cli.h"
#include "common.h"
#include "test.h"

/*
 * Argument errors, checked through the exact message a user sees (the
 * prefix is the default "voiceqos: ").
 */
static void errors(void)
{
	static const struct {
		const char *line;
		const char *msg;	/* NULL: must succeed */
	} cases[] = {
		{ "add dst 1.2.3.4:5000", NULL },
		{ "add dst [::1]:5000 src ::2", NULL },
		{ "add dst [::1]:5000 src *:9", NULL },
		{ "add dst 1.2.3.4:5000 src any cookie 18446744073709551615", NULL },
		{ "del cookie 5", NULL },
		{ "del dst 1.2.3.4:5 src 1.1.1.1:*", NULL },
		{ "get dst 1.2.3.4:5", NULL },
		{ "list", NULL },
		{ "list cookie 0x7", NULL },
		{ "show", NULL },
		{ "flush", NULL },
		{ "add dst 1.2.3.4:5000 dscp x",
		  "voiceqos: flow add: bad dscp 'x' (0-63 or a name like ef)" },
		{ "add", "voiceqos: flow add: dst ADDR:PORT is required" },
		{ "add dst", "voiceqos: flow add: 'dst' needs a value" },
		{ "add dst 1.2.3.4:5 dst 1.2.3.4:6", "voiceqos: flow add: 'dst' given twice" },
		{ "add dst 1.2.3.4:5 prio 1:1 priority 1:2",
		  "voiceqos: flow add: 'priority' given twice" },
		{ "add dst 1.2.3.4:5 foo", "voiceqos: flow add: unknown argument 'foo'" },
		{ "add dst 1.2.3.4 ", "voiceqos: flow add: bad dst '1.2.3.4' (expected ADDR:PORT)" },
		{ "add dst [::1]:5 src 1.2.3.4",
		  "voiceqos: flow add: src and dst are of different address families" },
		{ "add dst 1.2.3.4:5 src [*]:7",
		  "voiceqos: flow add: src and dst are of different address families" },
		{ "add dst 1.2.3.4:5 timeout 0",
		  "voiceqos: flow add: bad timeout '0' (1-86400 seconds)" },
		{ "add dst 1.2.3.4:5 timeout 86401",
		  "voiceqos: flow add: bad timeout '86401' (1-86400 seconds)" },
		{ "add dst 1.2.3.4:5 burst 16777217",
		  "voiceqos: flow add: bad burst '16777217' (0-16777216 bytes)" },
		{ "add dst 1.2.3.4:5 clock 1000001",
		  "voiceqos: flow add: bad clock '1000001' (0-1000000 Hz)" },
		{ "add dst 1.2.3.4:5 cookie -1",
		  "voiceqos: flow add: bad cookie '-1' (0-18446744073709551615)" },
		{ "add dst 1.2.3.4:5 media voice",
		  "voiceqos: flow add: bad media 'voice' (audio, video or other)" },
		{ "add dst 1.2.3.4:5 rate 1.5",
		  "voiceqos: flow add: bad rate '1.5' (not a whole number of bit/s)" },
		{ "add dst 1.2.3.4:5 rate 200g",
		  "voiceqos: flow add: bad rate '200g' (bit/s with optional k, m or g suffix, at most 100g)" },
		{ "add dst 1.2.3.4:5 mark 3/1",
		  "voiceqos: flow add: bad mark '3/1' (mark has bits outside the mask)" },
		{ "add dst 1.2.3.4:5 priority 10",
		  "voiceqos: flow add: bad priority '10' (MAJ:MIN in hex like 1:10, 0xHEX or none)" },
		{ "del", "voiceqos: flow del: dst ADDR:PORT or cookie N is required" },
		{ "del dst 1.2.3.4:5 cookie 1",
		  "voiceqos: flow del: give dst [src] or cookie, not both" },
		{ "del cookie 1 src 1.1.1.1", "voiceqos: flow del: src needs dst" },
		{ "del dst 1.2.3.4:5 rate 1", "voiceqos: flow del: unknown argument 'rate'" },
		{ "get", "voiceqos: flow get: dst ADDR:PORT is required" },
		{ "get dst 1.2.3.4:5 cookie 1", "voiceqos: flow get: unknown argument 'cookie'" },
		{ "list dst 1.2.3.4:5", "voiceqos: flow list: unknown argument 'dst'" },
		{ "flush now", "voiceqos: flow flush: unknown argument 'now'" },
		{ "frob", "voiceqos: flow: unknown subcommand 'frob' (add, del, get, list, flush)" },
		{ "", "voiceqos: flow: missing subcommand (add, del, get, list, flush)" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct flow_args a;
		char name[160], **argv, *buf;
		const char *got;
		int argc = t_argv(cases[i].line, &argv, &buf), r;

		snprintf(name, sizeof(name), "flow args '%s'", cases[i].line);
		t_capture_start();
		r = flow_parse(argc, argv, &a);
		got = t_capture_end();
		if (cases[i].msg)
			t_check(r == EXIT_USAGE && strcmp(got, cases[i].msg) == 0, name,
				"rc %d, message '%s'", r, got);
		else
			t_check(r == 0 && !*got, name, "rc %d, message '%s'", r, got);
		free(argv);
		free(buf);
	}
}

static void full_add(void)
{
	const char *line = "add dst 10.0.0.1:4000 src *:5000 cookie 0x10 media video"
			   " rtcp dscp af41 priority 1:10 mark 0x1/0xff rate 1.5m"
			   " burst 3000 clock 90000 timeout 30 excl";
	struct flow_args a;
	char **argv, *buf;
	int argc = t_argv(line, &argv, &buf);
	int r = flow_parse(argc, argv, &a);
	const struct vq_flow *f = &a.f;

	t_check(r == 0 && a.have_dst && a.excl && f->family == AF_INET &&
		f->dst.port == 4000 && f->src.any_addr && f->src.port == 5000 &&
		f->cookie == 16 && f->media == VOICEQOS_MEDIA_VIDEO &&
		f->flags == VOICEQOS_FLOW_F_RTCP && f->dscp == 34 &&
		f->priority == 0x10010 && f->mark == 1 && f->mark_mask == 0xff &&
		VQ_HAS(f, MARK_MASK) && f->rate == 1500000 && f->burst == 3000 &&
		f->clock_rate == 90000 && f->timeout == 30 && !VQ_HAS(f, SRC_ADDR),
		"flow args every add option", "rc %d or a field differs", r);
	free(argv);
	free(buf);

	argc = t_argv("add dst 10.0.0.1:4000", &argv, &buf);
	r = flow_parse(argc, argv, &a);
	t_check(r == 0 && a.f.present == VQ_BIT(VOICEQOS_FLOW_A_FAMILY),
		"flow args defaults send nothing optional", "present 0x%llx",
		(unsigned long long)a.f.present);
	free(argv);
	free(buf);
}

T_SUITE(flow_args)
{
	errors();
	full_add();
}
