// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "print.h"
#include "test.h"

static union {
	char c[8192];
	struct nlmsghdr align;
} msg;

static struct nlmsghdr *fresh(void)
{
	memset(msg.c, 0, sizeof(msg.c));
	return mnl_nlmsg_put_header(msg.c);
}

static const struct nlattr *first_attr(struct nlmsghdr *nlh)
{
	return mnl_nlmsg_get_payload(nlh);
}

static char *render(void (*fn)(FILE *, const void *), const void *obj)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fn(f, obj);
	fclose(f);
	return buf;
}

static void flow_human(FILE *f, const void *o)
{
	vq_flow_print(f, o);
}

static void flow_json(FILE *f, const void *o)
{
	struct json j;

	json_init(&j, f);
	vq_flow_json(&j, o);
}

static void sip_human(FILE *f, const void *o)
{
	vq_sip_print(f, o);
}

static void sip_json(FILE *f, const void *o)
{
	struct json j;

	json_init(&j, f);
	vq_sip_json(&j, o);
}

static void expect(const char *name, char *got, const char *want)
{
	t_check(strcmp(got, want) == 0, name, "\n  got  %s\n  want %s", got, want);
	free(got);
}

static void put_addr4(struct nlmsghdr *nlh, int type, const char *a)
{
	struct in_addr in;

	inet_pton(AF_INET, a, &in);
	mnl_attr_put(nlh, type, 4, &in);
}

static void put_addr6(struct nlmsghdr *nlh, int type, const char *a)
{
	struct in6_addr in;

	inet_pton(AF_INET6, a, &in);
	mnl_attr_put(nlh, type, 16, &in);
}

static void round_trip(void)
{
	struct nlmsghdr *nlh = fresh();
	struct vq_flow in = { 0 }, out;
	int r;

	in.family = AF_INET6;
	vq_parse_endpoint("[2001:db8::1]:5004", VQ_EP_DST, &in.dst);
	vq_parse_endpoint("[2001:db8::2]:7000", VQ_EP_SRC, &in.src);
	in.cookie = 0x1122334455667788ULL;
	in.media = VOICEQOS_MEDIA_VIDEO;
	in.flags = VOICEQOS_FLOW_F_RTCP;
	in.dscp = 34;
	in.priority = 0x10010;
	in.mark = 0x10;
	in.mark_mask = 0xff;
	in.rate = 1500000;
	in.burst = 3000;
	in.clock_rate = 90000;
	in.timeout = 30;
	in.present = VQ_BIT(VOICEQOS_FLOW_A_COOKIE) | VQ_BIT(VOICEQOS_FLOW_A_MEDIA) |
		     VQ_BIT(VOICEQOS_FLOW_A_FLAGS) | VQ_BIT(VOICEQOS_FLOW_A_DSCP) |
		     VQ_BIT(VOICEQOS_FLOW_A_PRIORITY) | VQ_BIT(VOICEQOS_FLOW_A_MARK) |
		     VQ_BIT(VOICEQOS_FLOW_A_MARK_MASK) | VQ_BIT(VOICEQOS_FLOW_A_RATE) |
		     VQ_BIT(VOICEQOS_FLOW_A_BURST) | VQ_BIT(VOICEQOS_FLOW_A_CLOCK_RATE) |
		     VQ_BIT(VOICEQOS_FLOW_A_TIMEOUT);
	vq_flow_put(nlh, &in);
	r = vq_flow_parse(first_attr(nlh), &out);
	t_check(r == 0 && out.family == AF_INET6 && out.dst.port == 5004 &&
		memcmp(out.dst.addr, in.dst.addr, 16) == 0 && !out.src.any_addr &&
		memcmp(out.src.addr, in.src.addr, 16) == 0 && out.src.port == 7000 &&
		out.cookie == in.cookie && out.media == in.media &&
		out.flags == in.flags && out.dscp == 34 && out.priority == in.priority &&
		out.mark == 0x10 && out.mark_mask == 0xff && out.rate == in.rate &&
		out.burst == 3000 && out.clock_rate == 90000 && out.timeout == 30 &&
		(out.present & in.present) == in.present,
		"flow nest put/parse round trip", "r=%d mismatch", r);
	expect("flow human format of a fresh flow", render(flow_human, &out),
	       "[2001:db8::1]:5004 <- [2001:db8::2]:7000 cookie 1234605616436508552"
	       " media video rtcp dscp af41 prio 1:10 rate 1500k pkts 0 bytes 0"
	       " lost 0 jitter 0us policed 0/0 idle 0s\n");

	/* Wildcard parts must be left out of the key, not sent as zeros. */
	nlh = fresh();
	memset(&in, 0, sizeof(in));
	in.family = AF_INET;
	vq_parse_endpoint("10.0.0.1:4000", VQ_EP_DST, &in.dst);
	vq_parse_endpoint("*:5000", VQ_EP_SRC, &in.src);
	vq_flow_put(nlh, &in);
	{
		const struct nlattr *a;
		bool src_addr = false, src_port = false, extra = false;

		mnl_attr_for_each_nested(a, first_attr(nlh)) {
			int t = mnl_attr_get_type(a);

			if (t == VOICEQOS_FLOW_A_SRC_ADDR)
				src_addr = true;
			else if (t == VOICEQOS_FLOW_A_SRC_PORT)
				src_port = mnl_attr_get_u16(a) == 5000;
			else if (t != VOICEQOS_FLOW_A_FAMILY &&
				 t != VOICEQOS_FLOW_A_DST_ADDR &&
				 t != VOICEQOS_FLOW_A_DST_PORT)
				extra = true;
		}
		t_check(!src_addr && src_port && !extra,
			"flow key with *:PORT source omits SRC_ADDR",
			"src_addr=%d src_port=%d extra=%d", src_addr, src_port, extra);
	}
}

static void kernel_reply(void)
{
	struct nlmsghdr *nlh = fresh();
	struct nlattr *nest, *st, *rtcp;
	char *js;
	struct vq_flow f;

	nest = mnl_attr_nest_start(nlh, VOICEQOS_A_FLOW);
	mnl_attr_put_u16(nlh, VOICEQOS_FLOW_A_FAMILY, AF_INET);
	put_addr4(nlh, VOICEQOS_FLOW_A_DST_ADDR, "10.0.0.2");
	mnl_attr_put_u16(nlh, VOICEQOS_FLOW_A_DST_PORT, 4000);
	mnl_attr_put_u64(nlh, VOICEQOS_FLOW_A_COOKIE, 42);
	mnl_attr_put_u8(nlh, VOICEQOS_FLOW_A_MEDIA, VOICEQOS_MEDIA_AUDIO);
	mnl_attr_put_u32(nlh, VOICEQOS_FLOW_A_FLAGS, 0);
	mnl_attr_put_u8(nlh, VOICEQOS_FLOW_A_DSCP, 46);
	mnl_attr_put_u32(nlh, VOICEQOS_FLOW_A_PRIORITY, 0x10010);
	mnl_attr_put_u64(nlh, VOICEQOS_FLOW_A_RATE, 64000);
	mnl_attr_put_u32(nlh, VOICEQOS_FLOW_A_BURST, 1500);
	mnl_attr_put_u32(nlh, VOICEQOS_FLOW_A_CLOCK_RATE, 8000);
	mnl_attr_put_u32(nlh, VOICEQOS_FLOW_A_TIMEOUT, 60);
	put_addr4(nlh, VOICEQOS_FLOW_A_LATCHED_ADDR, "10.0.0.9");
	mnl_attr_put_u16(nlh, VOICEQOS_FLOW_A_LATCHED_PORT, 5006);
	mnl_attr_put_u32(nlh, 200, 1);	/* from a newer kernel: ignored */
	st = mnl_attr_nest_start(nlh, VOICEQOS_FLOW_A_STATS);
	mnl_attr_put_u64(nlh, VOICEQOS_FSTAT_A_PACKETS, 100);
	mnl_attr_put_u64(nlh, VOICEQOS_FSTAT_A_BYTES, 17200);
	mnl_attr_put_u64(nlh, VOICEQOS_FSTAT_A_POLICED_PACKETS, 3);
	mnl_attr_put_u64(nlh, VOICEQOS_FSTAT_A_POLICED_BYTES, 516);
	mnl_attr_put_u32(nlh, VOICEQOS_FSTAT_A_IDLE_MS, 2500);
	mnl_attr_put_u32(nlh, VOICEQOS_FSTAT_A_AGE_MS, 10000);
	mnl_attr_put_u32(nlh, VOICEQOS_FSTAT_A_SSRC, 0xdeadbeef);
	mnl_attr_put_u32(nlh, VOICEQOS_FSTAT_A_EXT_MAX_SEQ, 65600);
	mnl_attr_put_u64(nlh, VOICEQOS_FSTAT_A_RECEIVED, 98);
	mnl_attr_put_u64(nlh, VOICEQOS_FSTAT_A_EXPECTED, 100);
	mnl_attr_put_u64(nlh, VOICEQOS_FSTAT_A_LOST, 2);
	mnl_attr_put_u64(nlh, VOICEQOS_FSTAT_A_DUPLICATES, 0);
	mnl_attr_put_u64(nlh, VOICEQOS_FSTAT_A_REORDERED, 1);
	mnl_attr_put_u32(nlh, VOICEQOS_FSTAT_A_JITTER, 10);
	mnl_attr_put_u32(nlh, VOICEQOS_FSTAT_A_JITTER_US, 1250);
	mnl_attr_put_u32(nlh, VOICEQOS_FSTAT_A_SSRC_CHANGES, 0);
	mnl_attr_nest_end(nlh, st);
	mnl_attr_nest_end(nlh, nest);

	t_check(vq_flow_parse(nest, &f) == 0, "flow parse kernel-style reply", "failed");
	expect("flow human format with latch and RTP stats", render(flow_human, &f),
	       "10.0.0.2:4000 <- *:* cookie 42 media audio dscp ef prio 1:10 rate 64k"
	       " pkts 100 bytes 17200 lost 2 jitter 1250us policed 3/516 idle 2s"
	       " latched 10.0.0.9:5006 ssrc 0xdeadbeef seq 65600\n");
	expect("flow json format", render(flow_json, &f),
	       "{\"family\":\"inet\",\"src\":null,\"src_port\":null,\"dst\":\"10.0.0.2\","
	       "\"dst_port\":4000,\"cookie\":42,\"media\":\"audio\",\"rtcp\":false,"
	       "\"dscp\":46,\"priority\":\"1:10\",\"mark\":null,\"mark_mask\":null,"
	       "\"rate\":64000,\"burst\":1500,\"clock_rate\":8000,\"timeout\":60,"
	       "\"latched_src\":\"10.0.0.9\",\"latched_port\":5006,\"stats\":{"
	       "\"packets\":100,\"bytes\":17200,\"policed_packets\":3,"
	       "\"policed_bytes\":516,\"idle_ms\":2500,\"age_ms\":10000,"
	       "\"ssrc\":3735928559,\"ext_max_seq\":65600,\"received\":98,"
	       "\"expected\":100,\"lost\":2,\"duplicates\":0,\"reordered\":1,"
	       "\"jitter\":10,\"jitter_us\":1250,\"ssrc_changes\":0},\"rtcp_report\":null}");

	/* Minimal IPv6 wildcard flow with mark but no mask, no RTP yet. */
	nlh = fresh();
	nest = mnl_attr_nest_start(nlh, VOICEQOS_A_FLOW);
	mnl_attr_put_u16(nlh, VOICEQOS_FLOW_A_FAMILY, AF_INET6);
	put_addr6(nlh, VOICEQOS_FLOW_A_DST_ADDR, "2001:db8::1");
	mnl_attr_put_u16(nlh, VOICEQOS_FLOW_A_DST_PORT, 5004);
	mnl_attr_put_u16(nlh, VOICEQOS_FLOW_A_SRC_PORT, 6000);
	mnl_attr_put_u32(nlh, VOICEQOS_FLOW_A_MARK, 7);
	mnl_attr_put_u32(nlh, VOICEQOS_FLOW_A_FLAGS, VOICEQOS_FLOW_F_RTCP);
	mnl_attr_nest_end(nlh, nest);
	t_check(vq_flow_parse(nest, &f) == 0, "flow parse minimal v6 reply", "failed");
	expect("flow human v6 wildcard", render(flow_human, &f),
	       "[2001:db8::1]:5004 <- *:6000 cookie 0 media 0 rtcp dscp - prio 0:0"
	       " rate 0 pkts 0 bytes 0 lost 0 jitter 0us policed 0/0 idle 0s\n");
	expect("flow json v6 wildcard", render(flow_json, &f),
	       "{\"family\":\"inet6\",\"src\":null,\"src_port\":6000,"
	       "\"dst\":\"2001:db8::1\",\"dst_port\":5004,\"cookie\":null,"
	       "\"media\":null,\"rtcp\":true,\"dscp\":null,\"priority\":\"0:0\","
	       "\"mark\":7,\"mark_mask\":4294967295,\"rate\":null,\"burst\":null,"
	       "\"clock_rate\":null,\"timeout\":null,\"latched_src\":null,"
	       "\"latched_port\":null,\"stats\":{\"packets\":null,\"bytes\":null,"
	       "\"policed_packets\":null,\"policed_bytes\":null,\"idle_ms\":null,"
	       "\"age_ms\":null,\"ssrc\":null,\"ext_max_seq\":null,\"received\":null,"
	       "\"expected\":null,\"lost\":null,\"duplicates\":null,"
	       "\"reordered\":null,\"jitter\":null,\"jitter_us\":null,"
	       "\"ssrc_changes\":null},\"rtcp_report\":null}");

	/* An RTCP flow with a receiver report: negative cumulative loss kept. */
	nlh = fresh();
	nest = mnl_attr_nest_start(nlh, VOICEQOS_A_FLOW);
	mnl_attr_put_u16(nlh, VOICEQOS_FLOW_A_FAMILY, AF_INET);
	put_addr4(nlh, VOICEQOS_FLOW_A_DST_ADDR, "10.0.0.2");
	mnl_attr_put_u16(nlh, VOICEQOS_FLOW_A_DST_PORT, 4001);
	mnl_attr_put_u32(nlh, VOICEQOS_FLOW_A_FLAGS, VOICEQOS_FLOW_F_RTCP);
	st = mnl_attr_nest_start(nlh, VOICEQOS_FLOW_A_STATS);
	mnl_attr_put_u64(nlh, VOICEQOS_FSTAT_A_PACKETS, 3);
	rtcp = mnl_attr_nest_start(nlh, VOICEQOS_FSTAT_A_RTCP);
	mnl_attr_put_u32(nlh, VOICEQOS_RTCP_A_PACKETS, 3);
	mnl_attr_put_u32(nlh, VOICEQOS_RTCP_A_SSRC, 0x11223344);
	mnl_attr_put_u32(nlh, VOICEQOS_RTCP_A_BLOCK_SSRC, 0x55667788);
	mnl_attr_put_u8(nlh, VOICEQOS_RTCP_A_FRACTION_LOST, 64);
	mnl_attr_put_u32(nlh, VOICEQOS_RTCP_A_CUM_LOST, (uint32_t)-2);
	mnl_attr_put_u32(nlh, VOICEQOS_RTCP_A_JITTER, 80);
	mnl_attr_put_u16(nlh, VOICEQOS_RTCP_A_LSR, 1);	/* wrong size: dropped */
	mnl_attr_nest_end(nlh, rtcp);
	mnl_attr_nest_end(nlh, st);
	mnl_attr_nest_end(nlh, nest);
	t_check(vq_flow_parse(nest, &f) == 0, "flow parse rtcp report", "failed");
	expect("flow human rtcp report", render(flow_human, &f),
	       "10.0.0.2:4001 <- *:* cookie 0 media 0 rtcp dscp - prio 0:0 rate 0"
	       " pkts 3 bytes 0 lost 0 jitter 0us policed 0/0 idle 0s"
	       " report lost -2 frac 64/256 jitter 80\n");
	js = render(flow_json, &f);
	t_check(strstr(js,
			"\"rtcp_report\":{\"packets\":3,\"ssrc\":287454020,"
			"\"sr_ntp\":null,\"sr_age_ms\":null,\"block_ssrc\":1432778632,"
			"\"fraction_lost\":64,\"cum_lost\":-2,\"ext_max_seq\":null,"
			"\"jitter\":80,\"lsr\":null,\"dlsr\":null,\"rr_age_ms\":null}}") != NULL,
		"flow json rtcp report", "%s", js);
	free(js);
}

static void malformed(void)
{
	static const struct {
		const char *name;
		int case_id;
	} cases[] = {
		{ "flow parse rejects missing family", 0 },
		{ "flow parse rejects unknown family", 1 },
		{ "flow parse rejects 5-byte address", 2 },
		{ "flow parse rejects 1-byte family", 3 },
		{ "flow parse rejects missing dst port", 4 },
		{ "flow parse rejects v4 address in v6 flow", 5 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct nlmsghdr *nlh = fresh();
		struct nlattr *nest = mnl_attr_nest_start(nlh, VOICEQOS_A_FLOW);
		static const uint8_t five[5] = { 1, 2, 3, 4, 5 };
		struct vq_flow f;
		int id = cases[i].case_id;

		if (id == 1)
			mnl_attr_put_u16(nlh, VOICEQOS_FLOW_A_FAMILY, 99);
		else if (id == 3)
			mnl_attr_put_u8(nlh, VOICEQOS_FLOW_A_FAMILY, AF_INET);
		else if (id == 5)
			mnl_attr_put_u16(nlh, VOICEQOS_FLOW_A_FAMILY, AF_INET6);
		else if (id != 0)
			mnl_attr_put_u16(nlh, VOICEQOS_FLOW_A_FAMILY, AF_INET);
		if (id == 2)
			mnl_attr_put(nlh, VOICEQOS_FLOW_A_DST_ADDR, 5, five);
		else
			put_addr4(nlh, VOICEQOS_FLOW_A_DST_ADDR, "1.2.3.4");
		if (id != 4)
			mnl_attr_put_u16(nlh, VOICEQOS_FLOW_A_DST_PORT, 1);
		mnl_attr_nest_end(nlh, nest);
		t_check(vq_flow_parse(nest, &f) == -EBADMSG, cases[i].name, "accepted");
	}

	/* Short u64 and a lying nest length must not be read past. */
	{
		struct nlmsghdr *nlh = fresh();
		struct nlattr *nest = mnl_attr_nest_start(nlh, VOICEQOS_A_FLOW);
		struct vq_flow f;

		mnl_attr_put_u16(nlh, VOICEQOS_FLOW_A_FAMILY, AF_INET);
		put_addr4(nlh, VOICEQOS_FLOW_A_DST_ADDR, "1.2.3.4");
		mnl_attr_put_u16(nlh, VOICEQOS_FLOW_A_DST_PORT, 1);
		mnl_attr_put_u32(nlh, VOICEQOS_FLOW_A_COOKIE, 5);
		mnl_attr_nest_end(nlh, nest);
		t_check(vq_flow_parse(nest, &f) == 0 && !VQ_HAS(&f, COOKIE),
			"flow parse drops a 4-byte u64 attribute", "kept it");
		nest->nla_len = 2;
		t_check(vq_flow_parse(nest, &f) == -EBADMSG,
			"flow parse rejects a nest shorter than its header", "accepted");
	}
}

static void sip(void)
{
	static const char payload[] = "INVITE x\r\n\xff";
	struct nlmsghdr *nlh = fresh();
	struct nlattr *nest;
	struct vq_sip s;

	nest = mnl_attr_nest_start(nlh, VOICEQOS_A_SIP);
	mnl_attr_put_u8(nlh, VOICEQOS_SIP_A_HOOK, 2);
	mnl_attr_put_u32(nlh, VOICEQOS_SIP_A_IIF, 2);
	mnl_attr_put_u32(nlh, VOICEQOS_SIP_A_OIF, 3);
	mnl_attr_put_u64(nlh, VOICEQOS_SIP_A_TSTAMP, 1700000000123456789ULL);
	mnl_attr_put_u16(nlh, VOICEQOS_SIP_A_FAMILY, AF_INET);
	put_addr4(nlh, VOICEQOS_SIP_A_SRC_ADDR, "192.0.2.1");
	put_addr4(nlh, VOICEQOS_SIP_A_DST_ADDR, "192.0.2.2");
	mnl_attr_put_u16(nlh, VOICEQOS_SIP_A_SRC_PORT, 5060);
	mnl_attr_put_u16(nlh, VOICEQOS_SIP_A_DST_PORT, 5060);
	mnl_attr_put_u8(nlh, VOICEQOS_SIP_A_L4PROTO, IPPROTO_UDP);
	mnl_attr_put(nlh, VOICEQOS_SIP_A_PAYLOAD, sizeof(payload) - 1, payload);
	mnl_attr_put_u32(nlh, VOICEQOS_SIP_A_PAYLOAD_LEN, 20);
	mnl_attr_nest_end(nlh, nest);
	t_check(vq_sip_nl_parse(nest, &s) == 0, "sip parse udp copy", "failed");
	expect("sip human format", render(sip_human, &s),
	       "sip forward ts 1700000000.123456789 iif 2 oif 3 udp 192.0.2.1:5060"
	       " -> 192.0.2.2:5060 len 20 truncated \"INVITE x\\r\\n\\xff\"\n");
	expect("sip json format", render(sip_json, &s),
	       "{\"event\":\"sip\",\"hook\":\"forward\",\"iif\":2,\"oif\":3,"
	       "\"tstamp_ns\":1700000000123456789,\"family\":\"inet\","
	       "\"src\":\"192.0.2.1\",\"src_port\":5060,\"dst\":\"192.0.2.2\","
	       "\"dst_port\":5060,\"proto\":\"udp\",\"tcp_seq\":null,"
	       "\"tcp_flags\":null,\"len\":20,\"truncated\":true,"
	       "\"payload\":\"INVITE x\\r\\n\\u00ff\"}");

	nlh = fresh();
	nest = mnl_attr_nest_start(nlh, VOICEQOS_A_SIP);
	mnl_attr_put_u8(nlh, VOICEQOS_SIP_A_HOOK, 3);
	mnl_attr_put_u16(nlh, VOICEQOS_SIP_A_FAMILY, AF_INET6);
	put_addr6(nlh, VOICEQOS_SIP_A_SRC_ADDR, "2001:db8::1");
	put_addr6(nlh, VOICEQOS_SIP_A_DST_ADDR, "2001:db8::2");
	mnl_attr_put_u16(nlh, VOICEQOS_SIP_A_SRC_PORT, 40000);
	mnl_attr_put_u16(nlh, VOICEQOS_SIP_A_DST_PORT, 5060);
	mnl_attr_put_u8(nlh, VOICEQOS_SIP_A_L4PROTO, IPPROTO_TCP);
	mnl_attr_put_u32(nlh, VOICEQOS_SIP_A_TCP_SEQ, 1000);
	mnl_attr_put_u8(nlh, VOICEQOS_SIP_A_TCP_FLAGS, 0x18);
	mnl_attr_put(nlh, VOICEQOS_SIP_A_PAYLOAD, 5, "hello");
	mnl_attr_nest_end(nlh, nest);
	t_check(vq_sip_nl_parse(nest, &s) == 0, "sip parse tcp copy", "failed");
	expect("sip human tcp v6", render(sip_human, &s),
	       "sip output ts 0.000000000 iif 0 oif 0 tcp [2001:db8::1]:40000 ->"
	       " [2001:db8::2]:5060 seq 1000 flags 0x18 len 5 \"hello\"\n");
	expect("sip json tcp v6", render(sip_json, &s),
	       "{\"event\":\"sip\",\"hook\":\"output\",\"iif\":0,\"oif\":0,"
	       "\"tstamp_ns\":0,\"family\":\"inet6\",\"src\":\"2001:db8::1\","
	       "\"src_port\":40000,\"dst\":\"2001:db8::2\",\"dst_port\":5060,"
	       "\"proto\":\"tcp\",\"tcp_seq\":1000,\"tcp_flags\":24,\"len\":5,"
	       "\"truncated\":false,\"payload\":\"hello\"}");

	nlh = fresh();
	nest = mnl_attr_nest_start(nlh, VOICEQOS_A_SIP);
	mnl_attr_put_u8(nlh, VOICEQOS_SIP_A_HOOK, 1);
	mnl_attr_nest_end(nlh, nest);
	t_check(vq_sip_nl_parse(nest, &s) == -EBADMSG, "sip parse rejects missing family",
		"accepted");
}

T_SUITE(print)
{
	round_trip();
	kernel_reply();
	malformed();
	sip();
}
