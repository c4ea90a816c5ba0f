// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon's pure parts: dialog flows to kernel flow attributes and back
 * (what FLOW_NEW carries, what adoption rebuilds), and the `voiceqos calls`
 * rendering merged with a kernel dump.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "cli.h"
#include "daemon.h"
#include "test.h"

static union {
	char c[4096];
	struct nlmsghdr align;
} msg;

static void g711_flow(struct vq_flow_spec *s, uint64_t cookie, const char *dst,
		      uint16_t port, enum vq_flow_kind kind)
{
	memset(s, 0, sizeof(*s));
	s->cookie = cookie;
	s->kind = kind;
	s->media = VQ_KIND_AUDIO;
	s->family = AF_INET;
	inet_pton(AF_INET, dst, s->dst);
	s->dport = port;
	s->src_any = true;
	s->dscp = 46;
	s->priority = 0x10010;
	s->mark = 0x10;
	s->mark_mask = 0xff;
	snprintf(s->bw.codec, sizeof(s->bw.codec), "PCMU/8000");
	s->bw.clock_rate = 8000;
	s->bw.ptime_ms = 20;
	s->bw.wire_bps = kind == VQ_FLOW_RTP ? 87200 : 4360;
	s->bw.burst_bytes = 654;
}

static char *render(const struct vq_call *c, const struct vq_flow *kf, size_t nkf,
		    bool json)
{
	const struct vq_call *v[1] = { c };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	vq_calls_render(f, json, v, c ? 1 : 0, kf, nkf, true,
			c ? c->created_ns + 42000000000ULL : 0);
	fclose(f);
	return buf;
}

T_SUITE(daemon)
{
	struct vq_flow_spec s, back;
	struct vq_flow f, parsed;
	struct nlmsghdr *nlh;
	uint64_t cookie = (0x56ULL << 56) | 0x1234;

	/* Spec -> FLOW_NEW attributes -> parsed as the kernel would echo them. */
	g711_flow(&s, cookie, "10.0.2.2", 6000, VQ_FLOW_RTP);
	vq_kflow_to_kernel(&s, 120, &f);
	memset(msg.c, 0, sizeof(msg.c));
	nlh = mnl_nlmsg_put_header(msg.c);
	mnl_nlmsg_put_extra_header(nlh, 4);
	vq_flow_put(nlh, &f);
	t_check(vq_flow_parse(mnl_nlmsg_get_payload_offset(nlh, 4), &parsed) == 0 &&
		parsed.cookie == cookie && parsed.rate == 87200 && parsed.burst == 654 &&
		parsed.clock_rate == 8000 && parsed.dscp == 46 && parsed.timeout == 120 &&
		parsed.priority == 0x10010 && parsed.mark == 0x10 &&
		parsed.mark_mask == 0xff && parsed.media == VOICEQOS_MEDIA_AUDIO &&
		parsed.flags == 0 && parsed.src.any_addr && parsed.src.port == 0 &&
		!VQ_HAS(&parsed, SRC_ADDR) && parsed.dst.port == 6000,
		"kflow_flow_new_attrs", "rate %lu burst %u clock %u dscp %u timeout %u",
		(unsigned long)parsed.rate, parsed.burst, parsed.clock_rate,
		parsed.dscp, parsed.timeout);
	t_check(vq_kflow_same_key(&parsed, &s), "kflow_same_key", "round trip key differs");

	/* No timeout configured: the attribute is left out (module default). */
	vq_kflow_to_kernel(&s, 0, &f);
	t_check(!VQ_HAS(&f, TIMEOUT), "kflow_no_timeout_attr", "TIMEOUT set");

	/* RTCP: flag set, no clock (no RTP statistics for RTCP). */
	g711_flow(&s, cookie, "10.0.2.2", 6001, VQ_FLOW_RTCP);
	s.media = VQ_KIND_IMAGE;
	vq_kflow_to_kernel(&s, 0, &f);
	t_check((f.flags & VOICEQOS_FLOW_F_RTCP) && !VQ_HAS(&f, CLOCK_RATE) &&
		f.media == VOICEQOS_MEDIA_OTHER, "kflow_rtcp_attrs",
		"flags %x clock %d media %u", f.flags, VQ_HAS(&f, CLOCK_RATE), f.media);
	vq_kflow_from_kernel(&f, &back);
	t_check(back.kind == VQ_FLOW_RTCP && back.media == VQ_KIND_IMAGE &&
		back.cookie == cookie && back.dport == 6001 && back.src_any &&
		back.bw.wire_bps == 4360 && back.dscp == 46 &&
		memcmp(back.dst, s.dst, 4) == 0, "kflow_adopt_spec",
		"kind %d media %d port %u rate %lu", back.kind, back.media, back.dport,
		(unsigned long)back.bw.wire_bps);

	/* Exact source: part of the key; a different source is another flow. */
	g711_flow(&s, cookie, "2001:db8::2", 7000, VQ_FLOW_RTP);
	s.family = AF_INET6;
	inet_pton(AF_INET6, "2001:db8::2", s.dst);
	s.src_any = false;
	inet_pton(AF_INET6, "2001:db8::1", s.src);
	s.sport = 7002;
	vq_kflow_to_kernel(&s, 0, &f);
	t_check(vq_kflow_same_key(&f, &s) && !f.src.any_addr && f.src.port == 7002,
		"kflow_exact_src_key", "exact key mismatch");
	f.src.addr[15] ^= 1;
	t_check(!vq_kflow_same_key(&f, &s), "kflow_other_src_other_key",
		"different source matched");
	f.src.addr[15] ^= 1;
	f.dst.port++;
	t_check(!vq_kflow_same_key(&f, &s), "kflow_other_port_other_key",
		"different port matched");

	/* Rendering: one call, two flows, one of them in the kernel with counters. */
	struct vq_call *c = calloc(1, sizeof(*c));
	struct vq_flow kf[2];
	char *out;

	if (!c || !(c->flows = calloc(VQ_CALL_MAX_FLOWS, sizeof(*c->flows)))) {
		t_check(false, "calls_alloc", "out of memory");
		free(c);
		return;
	}

	snprintf(c->call_id, sizeof(c->call_id), "abc@host \"q\"");
	c->cookie = cookie;
	snprintf(c->from, sizeof(c->from), "sip:alice@lan");
	snprintf(c->to, sizeof(c->to), "sip:bob@wan");
	c->transport = IPPROTO_UDP;
	c->state = VQ_CALL_CONFIRMED;
	c->final_status = 200;
	c->trusted = true;
	c->created_ns = 1000000000000ULL;
	c->nflows = 2;
	g711_flow(&c->flows[0], cookie, "10.0.2.2", 6000, VQ_FLOW_RTP);
	g711_flow(&c->flows[1], cookie, "10.0.1.2", 8000, VQ_FLOW_RTP);
	vq_kflow_to_kernel(&c->flows[0], 0, &kf[0]);
	kf[0].st.present = VQ_BIT(VOICEQOS_FSTAT_A_PACKETS) |
			   VQ_BIT(VOICEQOS_FSTAT_A_LOST) |
			   VQ_BIT(VOICEQOS_FSTAT_A_JITTER_US) |
			   VQ_BIT(VOICEQOS_FSTAT_A_POLICED_PACKETS);
	kf[0].st.v[VOICEQOS_FSTAT_A_PACKETS] = 150;
	kf[0].st.v[VOICEQOS_FSTAT_A_LOST] = 2;
	kf[0].st.v[VOICEQOS_FSTAT_A_JITTER_US] = 1250;
	kf[0].st.v[VOICEQOS_FSTAT_A_POLICED_PACKETS] = 1;
	/* A foreign flow to the same destination is not this call's. */
	kf[1] = kf[0];
	kf[1].cookie = 7;
	kf[1].dst.port = 8000;

	out = render(c, kf, 2, true);
	t_check(out && strcmp(out,
		"{\"kernel\":true,\"calls\":[{\"call_id\":\"abc@host \\\"q\\\"\","
		"\"cookie\":\"0x5600000000001234\",\"from\":\"sip:alice@lan\","
		"\"to\":\"sip:bob@wan\",\"transport\":\"udp\",\"state\":\"confirmed\","
		"\"final_status\":200,\"trusted\":true,\"held\":false,\"age_s\":42,"
		"\"reserved\":[{\"to\":\"10.0.2.2\",\"bps\":87200,\"kbps\":87.2},"
		"{\"to\":\"10.0.1.2\",\"bps\":87200,\"kbps\":87.2}],"
		"\"flows\":[{\"kind\":\"rtp\",\"media\":\"audio\",\"codec\":\"PCMU/8000\","
		"\"ptime_ms\":20,\"src\":\"*\",\"dst\":\"10.0.2.2:6000\",\"bps\":87200,"
		"\"kbps\":87.2,"
		"\"burst\":654,\"dscp\":46,\"kernel\":{\"latched\":null,\"packets\":150,"
		"\"bytes\":0,\"policed\":1,\"lost\":2,\"jitter_us\":1250,\"idle_ms\":0}},"
		"{\"kind\":\"rtp\",\"media\":\"audio\",\"codec\":\"PCMU/8000\","
		"\"ptime_ms\":20,\"src\":\"*\",\"dst\":\"10.0.1.2:8000\",\"bps\":87200,"
		"\"kbps\":87.2,"
		"\"burst\":654,\"dscp\":46,\"kernel\":null}]}]}\n") == 0,
		"calls_json", "got %s", out ? out : "(null)");
	free(out);

	/* With the daemon's admission state: a key in JSON, a word in the text. */
	{
		static const enum vq_adm_state st[] = { VQ_ADM_ADMITTED, VQ_ADM_OVER,
							VQ_ADM_NONE };
		static const char *const js[] = { "\"age_s\":42,\"admission\":\"admitted\",",
						  "\"age_s\":42,\"admission\":\"over_budget\",",
						  "\"age_s\":42,\"admission\":\"none\"," };
		static const char *const tx[] = { "udp  age 42s  admitted\n",
						  "udp  age 42s  over budget\n",
						  "udp  age 42s\n" };
		const struct vq_call *v[1] = { c };

		for (size_t i = 0; i < 3; i++) {
			char *b = NULL;
			size_t bl = 0;
			FILE *f = open_memstream(&b, &bl);

			vq_calls_render_adm(f, true, v, 1, kf, 2, true,
					    c->created_ns + 42000000000ULL, &st[i]);
			vq_calls_render_adm(f, false, v, 1, kf, 2, true,
					    c->created_ns + 42000000000ULL, &st[i]);
			fclose(f);
			t_check(b && strstr(b, js[i]) && strstr(b, tx[i]), "calls_admission",
				"%s: %s", vq_adm_state_name(st[i]), b ? b : "(null)");
			free(b);
		}
	}

	out = render(c, kf, 2, false);
	t_check(out && strstr(out, "call abc@host \"q\"  confirmed 200  udp  age 42s\n") &&
		strstr(out, "  from sip:alice@lan  to sip:bob@wan\n") &&
		strstr(out, "  reserved to 10.0.2.2 87.2 kbit/s, to 10.0.1.2 87.2 kbit/s\n") &&
		strstr(out, "* -> 10.0.2.2:6000  87.2 kbit/s  dscp ef  packets 150 lost 2 "
		       "jitter 1.25 ms policed 1\n") &&
		strstr(out, "* -> 10.0.1.2:8000  87.2 kbit/s  dscp ef  (not in kernel)\n"),
		"calls_text", "got:\n%s", out ? out : "(null)");
	free(out);

	/*
	 * Text rounds to one decimal (RTCP 4.36 is 4.4, not 4.3; the
	 * direction's 91.56 is 91.6), jitter to 10 us; JSON's kbps is
	 * exact and keeps a decimal when whole (48.0).
	 */
	c->nflows = 3;
	g711_flow(&c->flows[2], cookie, "10.0.2.2", 6001, VQ_FLOW_RTCP);
	c->flows[1].bw.wire_bps = 48000;
	kf[0].st.v[VOICEQOS_FSTAT_A_JITTER_US] = 1257;
	out = render(c, kf, 2, false);
	t_check(out &&
		strstr(out, "  reserved to 10.0.2.2 91.6 kbit/s, to 10.0.1.2 48.0 kbit/s\n") &&
		strstr(out, "jitter 1.26 ms policed 1\n") &&
		strstr(out, "* -> 10.0.2.2:6001  4.4 kbit/s  dscp ef  (not in kernel)\n"),
		"calls_text_rounds", "got:\n%s", out ? out : "(null)");
	free(out);
	out = render(c, kf, 2, true);
	t_check(out && strstr(out, "\"reserved\":[{\"to\":\"10.0.2.2\",\"bps\":91560,"
				   "\"kbps\":91.56},{\"to\":\"10.0.1.2\",\"bps\":48000,"
				   "\"kbps\":48.0}]") &&
		strstr(out, "\"dst\":\"10.0.2.2:6001\",\"bps\":4360,\"kbps\":4.36,"),
		"calls_json_kbps", "got %s", out ? out : "(null)");
	free(out);
	c->flows[1].bw.wire_bps = 87200;
	kf[0].st.v[VOICEQOS_FSTAT_A_JITTER_US] = 1250;
	c->nflows = 2;

	/* Adopted calls have no SIP details: nulls, not empty strings. */
	memset(c->from, 0, sizeof(c->from));
	memset(c->to, 0, sizeof(c->to));
	c->state = VQ_CALL_ADOPTED;
	c->final_status = 0;
	c->flows[0].bw.codec[0] = '\0';
	c->flows[0].bw.ptime_ms = 0;
	c->nflows = 1;
	c->call_id[0] = '\0';
	out = render(c, kf, 1, false);
	t_check(out && strstr(out, "call cookie 0x5600000000001234  adopted  age 42s\n"),
		"calls_text_adopted", "got:\n%s", out ? out : "(null)");
	free(out);
	out = render(c, kf, 1, true);
	t_check(out && strstr(out, "\"call_id\":null") && strstr(out, "\"from\":null,\"to\":null,\"transport\":null,"
			      "\"state\":\"adopted\",\"final_status\":null") &&
		strstr(out, "\"codec\":null,\"ptime_ms\":null"), "calls_json_adopted",
		"got %s", out ? out : "(null)");
	free(out);

	out = render(NULL, NULL, 0, false);
	t_check(out && strcmp(out, "no calls\n") == 0, "calls_text_none", "got '%s'",
		out ? out : "(null)");
	free(out);
	out = render(NULL, NULL, 0, true);
	t_check(out && strcmp(out, "{\"kernel\":true,\"calls\":[]}\n") == 0,
		"calls_json_none", "got '%s'", out ? out : "(null)");
	free(out);
	free(c->flows);
	free(c);
}

/* Config at start: a missing default file means defaults, a missing -c file is an error. */
T_SUITE(daemon_config)
{
	struct vq_config c;
	char err[256] = "";
	int r;

	r = vq_daemon_load_config("/nonexistent/voiceqos.conf", false, &c, err, sizeof(err));
	t_check(r == 0 && c.path[0] == '\0' && c.sip.nports == 1 && c.sip.ports[0] == 5060,
		"daemon_config_default_absent", "r=%d path='%s' err=%s", r, c.path, err);
	r = vq_daemon_load_config("/nonexistent/voiceqos.conf", true, &c, err, sizeof(err));
	t_check(r < 0 && strstr(err, "/nonexistent/voiceqos.conf"),
		"daemon_config_explicit_absent", "r=%d err=%s", r, err);
}

/* `voiceqos calls` without a daemon, and with a bad argument. */
T_SUITE(calls_cli)
{
	char *argv[] = { "calls", NULL, NULL, NULL };
	const char *msg;
	int r;

	setenv("VOICEQOS_SOCKET", "/nonexistent/voiceqosd.sock", 1);
	t_capture_start();
	r = calls_main(1, argv);
	msg = t_capture_end();
	t_check(r == 1 && strstr(msg, "voiceqosd is not running (no control socket at "
				 "/nonexistent/voiceqosd.sock)"),
		"calls_not_running", "r=%d msg=%s", r, msg);

	/* A daemon that refuses us: its one-line JSON error becomes ours. */
	{
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		char path[] = "/tmp/vq-calls-XXXXXX";
		int lfd, status;
		pid_t pid;

		if (!mkdtemp(path)) {
			t_check(false, "calls_daemon_error", "mkdtemp failed");
			return;
		}
		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/s", path);
		lfd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
		    listen(lfd, 1) < 0) {
			t_check(false, "calls_daemon_error", "listen failed");
			return;
		}
		fflush(NULL);
		pid = fork();
		if (pid == 0) {
			static const char msg[] = "{\"error\":\"permission denied: root only\"}\n";
			int fd = accept(lfd, NULL, NULL);

			if (fd >= 0 && write(fd, msg, sizeof(msg) - 1) < 0)
				_exit(1);
			_exit(0);
		}
		argv[1] = "--socket";
		argv[2] = sa.sun_path;
		t_capture_start();
		r = calls_main(3, argv);
		msg = t_capture_end();
		waitpid(pid, &status, 0);
		close(lfd);
		unlink(sa.sun_path);
		rmdir(path);
		t_check(r == 1 && strstr(msg, "voiceqosd says: {\"error\":\"permission denied"),
			"calls_daemon_error", "r=%d msg=%s", r, msg);
	}

	argv[1] = "--bogus";
	argv[2] = NULL;
	t_capture_start();
	r = calls_main(2, argv);
	msg = t_capture_end();
	t_check(r == 2 && strstr(msg, "unexpected argument '--bogus'"), "calls_bad_argument",
		"r=%d msg=%s", r, msg);
	unsetenv("VOICEQOS_SOCKET");
}
