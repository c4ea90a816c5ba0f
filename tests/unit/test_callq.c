// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <math.h>
#include <string.h>

#include <linux/voiceqos.h>

#include "test.h"
#include "../../agent/callq.h"
#include "../../agent/quality.h"

#define COOKIE 0x5600000000000042ULL

/* Party X at 10.0.0.1:4000 (RTCP 4001), Y at 192.0.2.7:6000 (RTCP 6001). */
static struct vq_flow_spec flows[5];
static struct vq_flow kf[4];
static struct vq_call call;

static void spec(struct vq_flow_spec *s, enum vq_flow_kind kind, const char *dst,
		 uint16_t port, enum vq_media_kind media)
{
	memset(s, 0, sizeof(*s));
	s->cookie = COOKIE;
	s->kind = kind;
	s->media = media;
	s->family = AF_INET;
	inet_pton(AF_INET, dst, s->dst);
	s->dport = port;
	s->src_any = true;
	s->bw.clock_rate = 8000;
}

static void kflow(struct vq_flow *k, const struct vq_flow_spec *s)
{
	memset(k, 0, sizeof(*k));
	k->present = VQ_BIT(VOICEQOS_FLOW_A_COOKIE) | VQ_BIT(VOICEQOS_FLOW_A_STATS);
	k->cookie = s->cookie;
	k->family = s->family;
	k->dst.family = s->family;
	memcpy(k->dst.addr, s->dst, 4);
	k->dst.port = s->dport;
	k->src.family = s->family;
	k->src.any_addr = true;
}

static void set_st(struct vq_flow *k, int a, uint64_t v)
{
	k->st.v[a] = v;
	k->st.present |= VQ_BIT(a);
}

static void set_rtcp(struct vq_flow *k, int a, uint64_t v)
{
	k->rtcp.v[a] = v;
	k->rtcp.present |= VQ_BIT(a);
}

static void setup(void)
{
	spec(&flows[0], VQ_FLOW_RTP, "192.0.2.7", 6000, VQ_KIND_AUDIO);	/* X -> Y */
	spec(&flows[1], VQ_FLOW_RTP, "10.0.0.1", 4000, VQ_KIND_AUDIO);	/* Y -> X */
	spec(&flows[2], VQ_FLOW_RTCP, "192.0.2.7", 6001, VQ_KIND_AUDIO);	/* X's RTCP */
	spec(&flows[3], VQ_FLOW_RTCP, "10.0.0.1", 4001, VQ_KIND_AUDIO);	/* Y's RTCP */
	spec(&flows[4], VQ_FLOW_RTP, "192.0.2.7", 6002, VQ_KIND_VIDEO);
	flows[4].mline = 1;
	memset(&call, 0, sizeof(call));
	call.cookie = COOKIE;
	call.flows = flows;
	call.nflows = 5;
	for (int i = 0; i < 4; i++)
		kflow(&kf[i], &flows[i]);
}

static bool near(double a, double b, double eps)
{
	return fabs(a - b) <= eps;
}

T_SUITE(callq)
{
	struct vq_stream_quality q[4];
	struct vq_callq_state state = { 0 };
	size_t n;

	setup();
	n = vq_call_quality(&call, kf, 0, 25, &state, q, 4);
	t_check(n == 2 && q[0].rtp == &flows[0] && q[1].rtp == &flows[1],
		"callq: one entry per audio RTP direction, video skipped", "n %zu", n);
	t_check(!q[0].measured && !q[0].have_remote && !q[0].have_rtt &&
		near(q[0].mos, vq_mos(25, 0, 0), 1e-9),
		"callq: no kernel flows: configured delay, no loss", "mos %.3f", q[0].mos);

	/* The router's own view: 2 of 100 lost, then none of the next 100. */
	set_st(&kf[0], VOICEQOS_FSTAT_A_PACKETS, 98);
	set_st(&kf[0], VOICEQOS_FSTAT_A_EXPECTED, 100);
	set_st(&kf[0], VOICEQOS_FSTAT_A_LOST, 2);
	set_st(&kf[0], VOICEQOS_FSTAT_A_JITTER_US, 4000);
	set_st(&kf[0], VOICEQOS_FSTAT_A_POLICED_BYTES, 1720);
	n = vq_call_quality(&call, kf, 4, 25, &state, q, 4);
	t_check(q[0].measured && q[0].packets == 98 && q[0].policed_bytes == 1720 &&
		q[0].interval_expected == 100 && near(q[0].loss_pct, 2.0, 1e-9) &&
		near(q[0].jitter_ms, 4.0, 1e-9) && near(q[0].mos, vq_mos(25, 4, 2), 1e-9),
		"callq: local loss and jitter", "loss %.3f jitter %.3f mos %.3f",
		q[0].loss_pct, q[0].jitter_ms, q[0].mos);
	set_st(&kf[0], VOICEQOS_FSTAT_A_EXPECTED, 200);
	vq_call_quality(&call, kf, 4, 25, &state, q, 4);
	t_check(q[0].interval_expected == 100 && q[0].interval_lost == 0 &&
		q[0].loss_pct == 0, "callq: loss is per interval",
		"interval %llu/%llu", (unsigned long long)q[0].interval_lost,
		(unsigned long long)q[0].interval_expected);
	/* A new SSRC restarts the kernel's counters: a new interval, not a wrap. */
	set_st(&kf[0], VOICEQOS_FSTAT_A_EXPECTED, 50);
	set_st(&kf[0], VOICEQOS_FSTAT_A_LOST, 5);
	vq_call_quality(&call, kf, 4, 25, &state, q, 4);
	t_check(q[0].interval_expected == 50 && near(q[0].loss_pct, 10.0, 1e-9),
		"callq: restarted stream starts a new interval", "loss %.3f", q[0].loss_pct);

	/*
	 * Y's receiver report about X's stream travels to X (flow 3): 10 %
	 * lost, jitter 160 units = 20 ms. It wins over the router's view.
	 */
	set_rtcp(&kf[3], VOICEQOS_RTCP_A_FRACTION_LOST, 26);
	set_rtcp(&kf[3], VOICEQOS_RTCP_A_CUM_LOST, (uint64_t)-3);
	set_rtcp(&kf[3], VOICEQOS_RTCP_A_JITTER, 160);
	n = vq_call_quality(&call, kf, 4, 25, &state, q, 4);
	t_check(q[0].have_remote && near(q[0].loss_pct, 26 * 100.0 / 256, 1e-9) &&
		near(q[0].jitter_ms, 20.0, 1e-9) && q[0].remote_cum_lost == -3 &&
		!q[1].have_remote, "callq: the far receiver's report",
		"loss %.3f jitter %.3f cum %lld", q[0].loss_pct, q[0].jitter_ms,
		(long long)q[0].remote_cum_lost);

	/*
	 * Round trip: X's SR (NTP mid 0x1111) passed towards Y 300 ms ago, Y's
	 * RR naming it passed back 100 ms ago after holding it 100 ms: 100 ms
	 * on Y's side. Y's SR 0x2222 and X's RR: 240 - 180 - 50 = 10 ms.
	 */
	set_rtcp(&kf[2], VOICEQOS_RTCP_A_SR_NTP, 0x1111);
	set_rtcp(&kf[2], VOICEQOS_RTCP_A_SR_AGE_MS, 300);
	set_rtcp(&kf[3], VOICEQOS_RTCP_A_LSR, 0x1111);
	set_rtcp(&kf[3], VOICEQOS_RTCP_A_DLSR, 6553600 / 1000);	/* 100 ms */
	set_rtcp(&kf[3], VOICEQOS_RTCP_A_RR_AGE_MS, 100);
	n = vq_call_quality(&call, kf, 4, 25, &state, q, 4);
	t_check(!q[0].have_rtt && near(q[0].delay_ms, 25, 1e-9),
		"callq: half a round trip is not enough", "rtt %d", q[0].have_rtt);
	set_rtcp(&kf[3], VOICEQOS_RTCP_A_SR_NTP, 0x2222);
	set_rtcp(&kf[3], VOICEQOS_RTCP_A_SR_AGE_MS, 240);
	set_rtcp(&kf[2], VOICEQOS_RTCP_A_LSR, 0x2222);
	set_rtcp(&kf[2], VOICEQOS_RTCP_A_DLSR, 65536 / 20);	/* 50 ms */
	set_rtcp(&kf[2], VOICEQOS_RTCP_A_RR_AGE_MS, 180);
	n = vq_call_quality(&call, kf, 4, 25, &state, q, 4);
	t_check(q[0].have_rtt && near(q[0].rtt_ms, 110, 0.1) &&
		near(q[0].delay_ms, 55, 0.05) && q[1].have_rtt &&
		near(q[0].mos, vq_mos(q[0].delay_ms, 20, 26 * 100.0 / 256), 1e-9),
		"callq: round trip from both halves", "rtt %.3f delay %.3f",
		q[0].rtt_ms, q[0].delay_ms);
	/* A newer SR than the RR names: no match until the next RR. */
	set_rtcp(&kf[2], VOICEQOS_RTCP_A_SR_NTP, 0x3333);
	vq_call_quality(&call, kf, 4, 25, &state, q, 4);
	t_check(!q[0].have_rtt, "callq: LSR not matching the latest SR", "rtt %.3f",
		q[0].rtt_ms);

	/* Both parties on one address: RTCP paired by port, not address. */
	setup();
	spec(&flows[1], VQ_FLOW_RTP, "192.0.2.7", 4000, VQ_KIND_AUDIO);
	spec(&flows[3], VQ_FLOW_RTCP, "192.0.2.7", 4001, VQ_KIND_AUDIO);
	for (int i = 0; i < 4; i++)
		kflow(&kf[i], &flows[i]);
	set_rtcp(&kf[3], VOICEQOS_RTCP_A_FRACTION_LOST, 128);
	memset(&state, 0, sizeof(state));
	vq_call_quality(&call, kf, 4, 25, &state, q, 4);
	t_check(q[0].have_remote && near(q[0].loss_pct, 50, 1e-9) && !q[1].have_remote,
		"callq: RTCP paired by port on a shared address", "loss %.3f / %d",
		q[0].loss_pct, q[1].have_remote);
	t_check(vq_call_quality(&call, kf, 4, 25, &state, q, 1) == 1,
		"callq: output bound respected", " ");
}
