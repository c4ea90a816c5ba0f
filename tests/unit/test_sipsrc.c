// SPDX-License-Identifier: GPL-2.0
/*
 * SIP copy decoding: hand-built VOICEQOS_CMD_SIP_COPY messages, as the
 * module sends them, into struct vq_sip_pkt; broken ones are refused.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/genetlink.h>
#include <linux/voiceqos.h>

#include "sipsrc.h"
#include "test.h"

#define FAM 0x1234

static union {
	char c[4096];
	struct nlmsghdr align;
} msg;

enum {
	NO_FAMILY = 1 << 0,
	NO_SRC = 1 << 1,
	SHORT_ADDR = 1 << 2,
	SCTP = 1 << 3,
	LONG_COPY = 1 << 4,
	NO_SEQ = 1 << 5,
	BAD_U16 = 1 << 6,
};

static struct nlmsghdr *build(uint8_t cmd, uint16_t family, uint8_t proto,
			      const char *payload, uint32_t full_len, int broken)
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *gh;
	struct nlattr *nest;
	uint8_t a4[4] = { 192, 0, 2, 1 }, b4[4] = { 198, 51, 100, 7 };
	uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	uint8_t b6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
	size_t alen = family == AF_INET ? 4 : 16;

	memset(msg.c, 0, sizeof(msg.c));
	nlh = mnl_nlmsg_put_header(msg.c);
	nlh->nlmsg_type = FAM;
	gh = mnl_nlmsg_put_extra_header(nlh, sizeof(*gh));
	gh->cmd = cmd;
	gh->version = VOICEQOS_GENL_VERSION;
	nest = mnl_attr_nest_start(nlh, VOICEQOS_A_SIP);
	mnl_attr_put_u8(nlh, VOICEQOS_SIP_A_HOOK, 2);
	mnl_attr_put_u32(nlh, VOICEQOS_SIP_A_IIF, 3);
	mnl_attr_put_u32(nlh, VOICEQOS_SIP_A_OIF, 4);
	mnl_attr_put_u64(nlh, VOICEQOS_SIP_A_TSTAMP, 1700000000123456789ULL);
	if (!(broken & NO_FAMILY))
		mnl_attr_put_u16(nlh, VOICEQOS_SIP_A_FAMILY, family);
	if (!(broken & NO_SRC))
		mnl_attr_put(nlh, VOICEQOS_SIP_A_SRC_ADDR,
			     (broken & SHORT_ADDR) ? 3 : alen,
			     family == AF_INET ? a4 : a6);
	mnl_attr_put(nlh, VOICEQOS_SIP_A_DST_ADDR, alen, family == AF_INET ? b4 : b6);
	if (broken & BAD_U16)
		mnl_attr_put_u8(nlh, VOICEQOS_SIP_A_SRC_PORT, 1);
	else
		mnl_attr_put_u16(nlh, VOICEQOS_SIP_A_SRC_PORT, 5062);
	mnl_attr_put_u16(nlh, VOICEQOS_SIP_A_DST_PORT, 5060);
	mnl_attr_put_u8(nlh, VOICEQOS_SIP_A_L4PROTO, (broken & SCTP) ? 132 : proto);
	if (proto == IPPROTO_TCP && !(broken & NO_SEQ)) {
		mnl_attr_put_u32(nlh, VOICEQOS_SIP_A_TCP_SEQ, 0xfffffff0);
		mnl_attr_put_u8(nlh, VOICEQOS_SIP_A_TCP_FLAGS, 0x18);
	}
	if (payload)
		mnl_attr_put(nlh, VOICEQOS_SIP_A_PAYLOAD, strlen(payload), payload);
	mnl_attr_put_u32(nlh, VOICEQOS_SIP_A_PAYLOAD_LEN,
			 (broken & LONG_COPY) ? 1 : full_len);
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

T_SUITE(sipsrc)
{
	static const char inv[] = "INVITE sip:b@example.com SIP/2.0\r\n";
	uint8_t a4[4] = { 192, 0, 2, 1 }, b4[4] = { 198, 51, 100, 7 };
	uint8_t b6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
	struct vq_sip_pkt p;
	int r;

	r = vq_sipsrc_decode(build(VOICEQOS_CMD_SIP_COPY, AF_INET, IPPROTO_UDP,
				   inv, sizeof(inv) - 1, 0), FAM, &p);
	t_check(r == 0 && p.family == AF_INET && p.l4proto == IPPROTO_UDP &&
		memcmp(p.saddr, a4, 4) == 0 && memcmp(p.daddr, b4, 4) == 0 &&
		p.sport == 5062 && p.dport == 5060 && p.hook == 2 && p.iif == 3 &&
		p.oif == 4 && p.tstamp_ns == 1700000000123456789ULL &&
		p.len == sizeof(inv) - 1 && p.full_len == p.len &&
		memcmp(p.payload, inv, p.len) == 0,
		"sipsrc_udp4", "r=%d family=%u sport=%u len=%zu full=%zu", r,
		p.family, p.sport, p.len, p.full_len);

	r = vq_sipsrc_decode(build(VOICEQOS_CMD_SIP_COPY, AF_INET6, IPPROTO_TCP,
				   inv, 70000, 0), FAM, &p);
	t_check(r == 0 && p.family == AF_INET6 && p.l4proto == IPPROTO_TCP &&
		memcmp(p.daddr, b6, 16) == 0 && p.tcp_seq == 0xfffffff0 &&
		p.tcp_flags == 0x18 && p.len == sizeof(inv) - 1 && p.full_len == 70000,
		"sipsrc_tcp6_truncated", "r=%d seq=%x flags=%x len=%zu full=%zu", r,
		p.tcp_seq, p.tcp_flags, p.len, p.full_len);

	r = vq_sipsrc_decode(build(VOICEQOS_CMD_SIP_COPY, AF_INET, IPPROTO_UDP,
				   NULL, 0, 0), FAM, &p);
	t_check(r == 0 && p.len == 0 && p.full_len == 0, "sipsrc_empty_payload",
		"r=%d len=%zu", r, p.len);

	r = vq_sipsrc_decode(build(VOICEQOS_CMD_FLOW_EXPIRED, AF_INET, IPPROTO_UDP,
				   inv, 10, 0), FAM, &p);
	t_check(r == 1, "sipsrc_other_cmd_ignored", "r=%d", r);
	r = vq_sipsrc_decode(build(VOICEQOS_CMD_SIP_COPY, AF_INET, IPPROTO_UDP,
				   inv, sizeof(inv) - 1, 0), FAM + 1, &p);
	t_check(r == 1, "sipsrc_other_family_ignored", "r=%d", r);

	static const struct {
		const char *name;
		uint16_t family;
		uint8_t proto;
		int broken;
	} bad[] = {
		{ "sipsrc_no_family", AF_INET, IPPROTO_UDP, NO_FAMILY },
		{ "sipsrc_no_src", AF_INET, IPPROTO_UDP, NO_SRC },
		{ "sipsrc_short_addr", AF_INET6, IPPROTO_UDP, SHORT_ADDR },
		{ "sipsrc_sctp", AF_INET, IPPROTO_UDP, SCTP },
		{ "sipsrc_copy_longer_than_packet", AF_INET, IPPROTO_UDP, LONG_COPY },
		{ "sipsrc_tcp_without_seq", AF_INET, IPPROTO_TCP, NO_SEQ },
		{ "sipsrc_bad_attr_size", AF_INET, IPPROTO_UDP, BAD_U16 },
		{ "sipsrc_bad_family", 99, IPPROTO_UDP, 0 },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = vq_sipsrc_decode(build(VOICEQOS_CMD_SIP_COPY, bad[i].family,
					   bad[i].proto, inv, sizeof(inv) - 1,
					   bad[i].broken), FAM, &p);
		t_check(r == -EBADMSG, bad[i].name, "r=%d, expected -EBADMSG", r);
	}

	/* A message cut inside the nest: the attribute walk must stop, not read on. */
	{
		struct nlmsghdr *nlh = build(VOICEQOS_CMD_SIP_COPY, AF_INET,
					     IPPROTO_UDP, inv, sizeof(inv) - 1, 0);
		struct nlattr *nest = (struct nlattr *)((char *)nlh + NLMSG_HDRLEN +
							 GENL_HDRLEN);

		nest->nla_len += 64;
		r = vq_sipsrc_decode(nlh, FAM, &p);
		t_check(r == -EBADMSG, "sipsrc_nest_overflows_message", "r=%d", r);
	}
}
