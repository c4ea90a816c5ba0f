// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <string.h>

#include <linux/voiceqos.h>

#include "daemon.h"

static const struct vq_flow *kernel_flow(const struct vq_flow *kf, size_t nkf,
					 const struct vq_flow_spec *s)
{
	size_t i;

	for (i = 0; i < nkf; i++)
		if (VQ_HAS(&kf[i], COOKIE) && kf[i].cookie == s->cookie &&
		    vq_kflow_same_key(&kf[i], s))
			return &kf[i];
	return NULL;
}

static void dst_str(const struct vq_flow_spec *s, bool port, char *buf, size_t len)
{
	struct vq_endpoint ep = { .family = s->family, .port = s->dport };

	memcpy(ep.addr, s->dst, vq_addr_len(s->family));
	if (port)
		vq_format_endpoint(&ep, buf, len);
	else
		vq_format_addr(&ep, buf, len);
}

static void src_str(const struct vq_flow_spec *s, char *buf, size_t len)
{
	struct vq_endpoint ep = { .family = s->family, .port = s->sport,
				  .any_addr = s->src_any };

	if (s->src_any && !s->sport) {
		snprintf(buf, len, "*");
		return;
	}
	memcpy(ep.addr, s->src, vq_addr_len(s->family));
	if (s->src_any) {
		snprintf(buf, len, "*:%u", s->sport);
		return;
	}
	if (s->sport)
		vq_format_endpoint(&ep, buf, len);
	else
		vq_format_addr(&ep, buf, len);
}

/* Reservation per receiving address: what each direction of the call costs. */
struct dir_sum {
	char to[VQ_EP_STRLEN];
	uint64_t bps;
};

static size_t sum_dirs(const struct vq_call *c, struct dir_sum *d, size_t max)
{
	size_t n = 0, k;
	unsigned int i;

	for (i = 0; i < c->nflows; i++) {
		char to[VQ_EP_STRLEN];

		dst_str(&c->flows[i], false, to, sizeof(to));
		for (k = 0; k < n && strcmp(d[k].to, to) != 0; k++)
			;
		if (k == n) {
			if (n == max)
				continue;
			snprintf(d[n].to, sizeof(d[n].to), "%s", to);
			d[n++].bps = 0;
		}
		d[k].bps += c->flows[i].bw.wire_bps;
	}
	return n;
}

static const char *transport_name(uint8_t p)
{
	return p == IPPROTO_TCP ? "tcp" : "udp";
}

static uint64_t st(const struct vq_flow *f, int a)
{
	return (f->st.present & VQ_BIT(a)) ? f->st.v[a] : 0;
}

/*
 * bit/s as kbit/s, a JSON float with every digit that is not a trailing
 * zero and at least one decimal (87200 -> 87.2, 4360 -> 4.36, 48000 ->
 * 48.0), as `voiceqos replay --json` prints it: exact, unlike the text's.
 */
static void json_kv_kbps(struct json *j, const char *key, uint64_t bps)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%" PRIu64 ".%03u", bps / 1000,
			 (unsigned int)(bps % 1000));

	while (n > 3 && buf[n - 1] == '0' && buf[n - 2] != '.')
		buf[--n] = '\0';
	/* json.h writes no floats: place the number as the key's value. */
	json_key(j, key);
	j->after_key = false;
	fputs(buf, j->f);
}

static void flow_json(struct json *j, const struct vq_flow_spec *s,
		      const struct vq_flow *k)
{
	char buf[VQ_EP_STRLEN];

	json_obj_begin(j);
	json_kv_str(j, "kind", s->kind == VQ_FLOW_RTCP ? "rtcp" : "rtp");
	json_kv_str(j, "media", vq_media_kind_name(s->media));
	json_kv_str(j, "codec", s->bw.codec[0] ? s->bw.codec : NULL);
	json_kv_opt(j, "ptime_ms", s->bw.ptime_ms, s->bw.ptime_ms);
	src_str(s, buf, sizeof(buf));
	json_kv_str(j, "src", buf);
	dst_str(s, true, buf, sizeof(buf));
	json_kv_str(j, "dst", buf);
	json_kv_u64(j, "bps", s->bw.wire_bps);
	json_kv_kbps(j, "kbps", s->bw.wire_bps);
	json_kv_u64(j, "burst", s->bw.burst_bytes);
	json_kv_u64(j, "dscp", s->dscp);
	json_key(j, "kernel");
	if (!k) {
		json_null(j);
	} else {
		json_obj_begin(j);
		if (VQ_HAS(k, LATCHED_ADDR) || VQ_HAS(k, LATCHED_PORT))
			json_kv_str(j, "latched", vq_format_endpoint(&k->latched, buf,
								   sizeof(buf)));
		else
			json_kv_str(j, "latched", NULL);
		json_kv_u64(j, "packets", st(k, VOICEQOS_FSTAT_A_PACKETS));
		json_kv_u64(j, "bytes", st(k, VOICEQOS_FSTAT_A_BYTES));
		json_kv_u64(j, "policed", st(k, VOICEQOS_FSTAT_A_POLICED_PACKETS));
		json_kv_opt(j, "lost", VQ_ST_HAS(k, LOST), st(k, VOICEQOS_FSTAT_A_LOST));
		json_kv_opt(j, "jitter_us", VQ_ST_HAS(k, JITTER_US),
			    st(k, VOICEQOS_FSTAT_A_JITTER_US));
		json_kv_u64(j, "idle_ms", st(k, VOICEQOS_FSTAT_A_IDLE_MS));
		json_obj_end(j);
	}
	json_obj_end(j);
}

static void quality_json(struct json *j, const struct vq_dq_call *q)
{
	unsigned int i;

	json_key(j, "degraded");
	json_bool(j, q && q->degraded);
	json_key(j, "quality");
	json_arr_begin(j);
	for (i = 0; q && q->evaluated && i < q->ns; i++) {
		const struct vq_stream_quality *s = &q->s[i].q;

		json_obj_begin(j);
		json_kv_str(j, "to", q->s[i].to);
		json_kv_u64(j, "packets", s->packets);
		json_kv_u64(j, "policed_bytes", s->policed_bytes);
		json_key(j, "loss_pct");
		json_fixed(j, s->loss_pct, 2);
		json_key(j, "jitter_ms");
		json_fixed(j, s->jitter_ms, 1);
		json_key(j, "delay_ms");
		json_fixed(j, s->delay_ms, 1);
		json_key(j, "rtt_ms");
		if (s->have_rtt)
			json_fixed(j, s->rtt_ms, 1);
		else
			json_null(j);
		json_key(j, "source");
		json_str(j, s->have_remote ? "rtcp" : "router");
		json_key(j, "mos");
		json_fixed(j, s->mos, 2);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void quality_text(FILE *out, const struct vq_dq_call *q)
{
	unsigned int i;

	if (!q || !q->evaluated)
		return;
	for (i = 0; i < q->ns; i++) {
		const struct vq_stream_quality *s = &q->s[i].q;

		fprintf(out, "  quality to %-22s MOS %.2f  loss %.1f%%  jitter %.1f ms  "
			"delay %.0f ms%s%s\n", q->s[i].to, s->mos, s->loss_pct, s->jitter_ms,
			s->delay_ms, s->have_remote ? "  (receiver's RTCP)" : "",
			q->degraded ? "  DEGRADED" : "");
	}
}

static void call_json(struct json *j, const struct vq_call *c,
		      const struct vq_flow *kf, size_t nkf, uint64_t now_ns,
		      const enum vq_adm_state *adm, const struct vq_dq_call *const *dq)
{
	struct dir_sum d[VQ_CALL_MAX_FLOWS];
	char cookie[24];
	size_t nd, i;

	json_obj_begin(j);
	json_kv_str(j, "call_id", c->call_id[0] ? c->call_id : NULL);
	snprintf(cookie, sizeof(cookie), "0x%016" PRIx64, c->cookie);
	json_kv_str(j, "cookie", cookie);
	json_kv_str(j, "from", c->from[0] ? c->from : NULL);
	json_kv_str(j, "to", c->to[0] ? c->to : NULL);
	json_kv_str(j, "transport", c->state == VQ_CALL_ADOPTED ? NULL :
		    transport_name(c->transport));
	json_kv_str(j, "state", vq_call_state_name(c->state));
	json_kv_opt(j, "final_status", c->final_status, c->final_status);
	json_key(j, "trusted");
	json_bool(j, c->trusted);
	json_key(j, "held");
	json_bool(j, c->held);
	json_kv_u64(j, "age_s", now_ns > c->created_ns ? (now_ns - c->created_ns) / 1000000000 : 0);
	if (adm)
		json_kv_str(j, "admission", vq_adm_state_name(*adm));
	if (dq)
		quality_json(j, *dq);
	json_key(j, "reserved");
	json_arr_begin(j);
	nd = sum_dirs(c, d, VQ_CALL_MAX_FLOWS);
	for (i = 0; i < nd; i++) {
		json_obj_begin(j);
		json_kv_str(j, "to", d[i].to);
		json_kv_u64(j, "bps", d[i].bps);
		json_kv_kbps(j, "kbps", d[i].bps);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_key(j, "flows");
	json_arr_begin(j);
	for (i = 0; i < c->nflows; i++)
		flow_json(j, &c->flows[i], kernel_flow(kf, nkf, &c->flows[i]));
	json_arr_end(j);
	json_obj_end(j);
}

/* One decimal, rounded half up: 4360 -> 4.4, 91560 -> 91.6, 87200 -> 87.2. */
static void kbps(FILE *out, uint64_t bps)
{
	uint64_t tenths = (bps + 50) / 100;

	fprintf(out, "%" PRIu64 ".%" PRIu64 " kbit/s", tenths / 10, tenths % 10);
}

static void flow_text(FILE *out, const struct vq_flow_spec *s,
		      const struct vq_flow *k)
{
	char src[VQ_EP_STRLEN], dst[VQ_EP_STRLEN], ds[16];

	src_str(s, src, sizeof(src));
	dst_str(s, true, dst, sizeof(dst));
	fprintf(out, "    %-4s %-5s %-14s", s->kind == VQ_FLOW_RTCP ? "rtcp" : "rtp",
		vq_media_kind_name(s->media), s->bw.codec[0] ? s->bw.codec : "-");
	if (s->bw.ptime_ms)
		fprintf(out, " %3u ms", s->bw.ptime_ms);
	else
		fputs("      -", out);
	fprintf(out, "  %s -> %s  ", src, dst);
	kbps(out, s->bw.wire_bps);
	fprintf(out, "  dscp %s", vq_format_dscp(s->dscp, ds, sizeof(ds)));
	if (!k) {
		fputs("  (not in kernel)\n", out);
		return;
	}
	fprintf(out, "  packets %" PRIu64, st(k, VOICEQOS_FSTAT_A_PACKETS));
	if (VQ_ST_HAS(k, LOST))
		fprintf(out, " lost %" PRIu64, st(k, VOICEQOS_FSTAT_A_LOST));
	if (VQ_ST_HAS(k, JITTER_US)) {
		/* Hundredths of a millisecond, rounded like the rates. */
		uint64_t h = (st(k, VOICEQOS_FSTAT_A_JITTER_US) + 5) / 10;

		fprintf(out, " jitter %" PRIu64 ".%02" PRIu64 " ms", h / 100, h % 100);
	}
	fprintf(out, " policed %" PRIu64 "\n", st(k, VOICEQOS_FSTAT_A_POLICED_PACKETS));
}

static void call_text(FILE *out, const struct vq_call *c, const struct vq_flow *kf,
		      size_t nkf, uint64_t now_ns, const enum vq_adm_state *adm)
{
	struct dir_sum d[VQ_CALL_MAX_FLOWS];
	size_t nd, i;

	/* Adopted calls are known by their cookie only (the Call-ID is hashed). */
	if (c->call_id[0])
		fprintf(out, "call %s  %s", c->call_id, vq_call_state_name(c->state));
	else
		fprintf(out, "call cookie 0x%016" PRIx64 "  %s", c->cookie,
			vq_call_state_name(c->state));
	if (c->final_status)
		fprintf(out, " %d", c->final_status);
	if (c->state != VQ_CALL_ADOPTED)
		fprintf(out, "  %s", transport_name(c->transport));
	fprintf(out, "  age %" PRIu64 "s%s%s",
		now_ns > c->created_ns ? (now_ns - c->created_ns) / 1000000000 : 0,
		c->trusted ? "" : "  untrusted", c->held ? "  held" : "");
	if (adm && *adm != VQ_ADM_NONE)
		fprintf(out, "  %s", *adm == VQ_ADM_OVER ? "over budget" : "admitted");
	fputc('\n', out);
	if (c->from[0] || c->to[0])
		fprintf(out, "  from %s  to %s\n", c->from[0] ? c->from : "-",
			c->to[0] ? c->to : "-");
	nd = sum_dirs(c, d, VQ_CALL_MAX_FLOWS);
	fputs("  reserved", out);
	if (!nd)
		fputs(" nothing", out);
	for (i = 0; i < nd; i++) {
		fprintf(out, "%s to %s ", i ? "," : "", d[i].to);
		kbps(out, d[i].bps);
	}
	fputc('\n', out);
	for (i = 0; i < c->nflows; i++)
		flow_text(out, &c->flows[i], kernel_flow(kf, nkf, &c->flows[i]));
}

void vq_calls_render(FILE *out, bool json, const struct vq_call *const *calls,
		     size_t ncalls, const struct vq_flow *kf, size_t nkf,
		     bool kernel_up, uint64_t now_ns)
{
	vq_calls_render_adm(out, json, calls, ncalls, kf, nkf, kernel_up, now_ns, NULL);
}

void vq_calls_render_adm(FILE *out, bool json, const struct vq_call *const *calls,
			 size_t ncalls, const struct vq_flow *kf, size_t nkf,
			 bool kernel_up, uint64_t now_ns, const enum vq_adm_state *adm)
{
	vq_calls_render_full(out, json, calls, ncalls, kf, nkf, kernel_up, now_ns, adm,
			     NULL);
}

void vq_calls_render_full(FILE *out, bool json, const struct vq_call *const *calls,
			  size_t ncalls, const struct vq_flow *kf, size_t nkf,
			  bool kernel_up, uint64_t now_ns, const enum vq_adm_state *adm,
			  const struct vq_dq_call *const *dq)
{
	struct json j;
	size_t i;

	if (!json) {
		if (!kernel_up)
			fputs("kernel module not loaded: no counters, no flows installed\n", out);
		if (!ncalls)
			fputs("no calls\n", out);
		for (i = 0; i < ncalls; i++) {
			call_text(out, calls[i], kf, nkf, now_ns, adm ? &adm[i] : NULL);
			if (dq)
				quality_text(out, dq[i]);
		}
		return;
	}
	json_init(&j, out);
	json_obj_begin(&j);
	json_key(&j, "kernel");
	json_bool(&j, kernel_up);
	json_key(&j, "calls");
	json_arr_begin(&j);
	for (i = 0; i < ncalls; i++)
		call_json(&j, calls[i], kf, nkf, now_ns, adm ? &adm[i] : NULL,
			  dq ? &dq[i] : NULL);
	json_arr_end(&j);
	json_obj_end(&j);
	fputc('\n', out);
}
