// SPDX-License-Identifier: GPL-2.0
/*
 * Reservation sizing. Integer arithmetic only, every division rounded
 * explicitly (up, where the result is a reservation: a stream must never
 * be policed for being a byte over what we computed), so that a mips32
 * router and an x86 build host print the same numbers. Everything wide
 * enough to overflow 32 bits is computed in uint64_t.
 *
 * Per packet on the wire:
 *
 *	payload + SRTP tag (10, RTP/SAVP*) + RTP 12 + UDP 8 + IP 20|40 + L2
 *
 * and for a packetisation of ptime ms:
 *
 *	wire_bps = ceil(bytes_on_wire * 8 * 1000 / ptime_ms)
 *
 * which gives the references G.711 20 ms IPv4 Ethernet (160 + 58) * 8 * 50
 * = 87200 and G.729 20 ms (20 + 58) * 8 * 50 = 31200.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "bandwidth.h"

#define RTP_HDR 12
#define UDP_HDR 8
#define SRTP_TAG 10	/* AES_CM_128_HMAC_SHA1_80, the larger common tag */

/* A ptime above this is not something a sender will use: codec default. */
#define MAX_PTIME 200
/* A UDP datagram carries no more; only absurd SDP gets near it. */
#define MAX_PKT_PAYLOAD 65535U
/* The kernel's bounds for a flow's RATE and CLOCK_RATE. */
#define MAX_WIRE_BPS 100000000000ULL
#define MAX_CLOCK 1000000U

enum codec_kind {
	CK_RATE,	/* constant bit rate, any whole ms: G.711, G.722, G.726 */
	CK_CLOCK,	/* bits per sample at the rtpmap clock: L16, L8, DVI4 */
	CK_FRAME,	/* fixed frames: G.729, G.723.1, GSM, G.728 */
	CK_ILBC,	/* frames of 20 or 30 ms by fmtp mode (RFC 3952) */
	CK_AMR,		/* RFC 4867 narrowband */
	CK_AMRWB,	/* RFC 4867 wideband */
	CK_OPUS,	/* RFC 7587: rate from fmtp/b=/config */
	CK_SKIP,	/* telephone-event, CN: never the sized codec */
};

struct codec {
	const char *name;	/* rtpmap encoding name as usually written */
	int8_t pt;		/* RFC 3551 static payload type, -1 none */
	uint8_t kind;		/* enum codec_kind */
	uint8_t channels;	/* static PT channel count (L16 PT 10: 2) */
	uint32_t clock;		/* RTP clock rate */
	uint32_t rate;		/* CK_RATE: bit/s; CK_CLOCK: bits per sample */
	uint16_t frame_ms;	/* a packet holds a whole number of these */
	uint16_t frame_bytes;	/* CK_FRAME */
	uint16_t hdr_bytes;	/* payload header per packet (DVI4 state) */
	uint16_t def_ptime;	/* RFC 3551 / the codec's RFC */
	uint16_t max_ptime;
};

/*
 * G.722 has an RTP clock of 8000 although it samples at 16 kHz (RFC 3551
 * 4.5.2); its bit rate does not follow the clock, hence CK_RATE. G.728's
 * frame is 2.5 ms; only pairs (5 ms, 10 bytes) give whole ms. G.723.1 is
 * sized at its 6.3 kbit/s rate (24-byte frames), the larger of its two.
 */
static const struct codec codecs[] = {
	{ "PCMU", 0, CK_RATE, 1, 8000, 64000, 1, 0, 0, 20, MAX_PTIME },
	{ "PCMA", 8, CK_RATE, 1, 8000, 64000, 1, 0, 0, 20, MAX_PTIME },
	{ "G722", 9, CK_RATE, 1, 8000, 64000, 1, 0, 0, 20, MAX_PTIME },
	{ "G726-16", -1, CK_RATE, 1, 8000, 16000, 1, 0, 0, 20, MAX_PTIME },
	{ "G726-24", -1, CK_RATE, 1, 8000, 24000, 1, 0, 0, 20, MAX_PTIME },
	{ "G726-32", -1, CK_RATE, 1, 8000, 32000, 1, 0, 0, 20, MAX_PTIME },
	{ "G726-40", -1, CK_RATE, 1, 8000, 40000, 1, 0, 0, 20, MAX_PTIME },
	{ "G729", 18, CK_FRAME, 1, 8000, 0, 10, 10, 0, 20, MAX_PTIME },
	{ "G729D", -1, CK_FRAME, 1, 8000, 0, 10, 8, 0, 20, MAX_PTIME },
	{ "G729E", -1, CK_FRAME, 1, 8000, 0, 10, 15, 0, 20, MAX_PTIME },
	{ "G723", 4, CK_FRAME, 1, 8000, 0, 30, 24, 0, 30, MAX_PTIME },
	{ "G728", 15, CK_FRAME, 1, 8000, 0, 5, 10, 0, 20, MAX_PTIME },
	{ "GSM", 3, CK_FRAME, 1, 8000, 0, 20, 33, 0, 20, MAX_PTIME },
	{ "GSM-EFR", -1, CK_FRAME, 1, 8000, 0, 20, 31, 0, 20, MAX_PTIME },
	{ "iLBC", -1, CK_ILBC, 1, 8000, 0, 30, 50, 0, 30, MAX_PTIME },
	{ "AMR", -1, CK_AMR, 1, 8000, 0, 20, 0, 0, 20, MAX_PTIME },
	{ "AMR-WB", -1, CK_AMRWB, 1, 16000, 0, 20, 0, 0, 20, MAX_PTIME },
	{ "opus", -1, CK_OPUS, 2, 48000, 0, 5, 0, 0, 20, 120 },
	{ "L16", 11, CK_CLOCK, 1, 44100, 16, 1, 0, 0, 20, MAX_PTIME },
	{ "L16", 10, CK_CLOCK, 2, 44100, 16, 1, 0, 0, 20, MAX_PTIME },
	{ "L8", -1, CK_CLOCK, 1, 8000, 8, 1, 0, 0, 20, MAX_PTIME },
	{ "DVI4", 5, CK_CLOCK, 1, 8000, 4, 1, 0, 4, 20, MAX_PTIME },
	{ "DVI4", 6, CK_CLOCK, 1, 16000, 4, 1, 0, 4, 20, MAX_PTIME },
	{ "DVI4", 16, CK_CLOCK, 1, 11025, 4, 1, 0, 4, 20, MAX_PTIME },
	{ "DVI4", 17, CK_CLOCK, 1, 22050, 4, 1, 0, 4, 20, MAX_PTIME },
	{ "telephone-event", -1, CK_SKIP, 1, 8000, 0, 1, 0, 0, 50, MAX_PTIME },
	{ "CN", 13, CK_SKIP, 1, 8000, 0, 1, 0, 0, 20, MAX_PTIME },
};

#define N_CODECS (sizeof(codecs) / sizeof(codecs[0]))

/* RFC 4867 speech bits per 20 ms frame, by mode (AMR 0-7, AMR-WB 0-8). */
static const uint16_t amr_bits[] = { 95, 103, 118, 134, 148, 159, 204, 244 };
static const uint16_t amrwb_bits[] = { 132, 177, 253, 285, 317, 365, 397, 461, 477 };

/* Names `voiceqos plan` takes besides the rtpmap names. */
static const struct {
	const char *alias, *name;
} aliases[] = {
	{ "G711U", "PCMU" }, { "G711A", "PCMA" }, { "G.711U", "PCMU" },
	{ "G.711A", "PCMA" }, { "ulaw", "PCMU" }, { "alaw", "PCMA" },
	{ "mulaw", "PCMU" }, { "u-law", "PCMU" }, { "a-law", "PCMA" },
	{ "G.722", "G722" }, { "G.729", "G729" }, { "G729A", "G729" },
	{ "G.729A", "G729" }, { "G729AB", "G729" }, { "G.723", "G723" },
	{ "G723.1", "G723" }, { "G.723.1", "G723" }, { "G.728", "G728" },
	{ "G726", "G726-32" }, { "G.726", "G726-32" }, { "AMR-NB", "AMR" },
	{ "AMRWB", "AMR-WB" }, { "G.722.2", "AMR-WB" }, { "ILBC", "iLBC" },
};

void vq_bw_cfg_default(struct vq_bw_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->l2_overhead = VQ_L2_ETHERNET;
	c->unknown_audio_kbps = VQ_BW_DEF_UNKNOWN_AUDIO_KBPS;
	c->video_kbps = VQ_BW_DEF_VIDEO_KBPS;
	c->image_kbps = VQ_BW_DEF_IMAGE_KBPS;
	c->opus_kbps = VQ_BW_DEF_OPUS_KBPS;
	c->rtcp_percent = VQ_BW_DEF_RTCP_PERCENT;
}

static uint64_t div_up(uint64_t a, uint64_t b)
{
	return a / b + (a % b != 0);
}

static uint64_t min64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static unsigned int ip_hdr(uint16_t family)
{
	/*
	 * IPv4 without options, IPv6 without extension headers. An unknown
	 * family is sized as IPv6, the larger of the two.
	 */
	return family == AF_INET ? 20 : 40;
}

uint64_t vq_bw_wire(uint32_t payload_bytes, uint32_t pps_milli,
		    uint16_t family, unsigned int l2_overhead)
{
	/* Bounded like every packet here, so that nothing can overflow. */
	uint64_t pkt = min64(payload_bytes, MAX_PKT_PAYLOAD) + RTP_HDR + UDP_HDR +
		       ip_hdr(family) + min64(l2_overhead, VQ_BW_MAX_L2);

	return div_up(pkt * 8 * pps_milli, 1000);
}

const char *vq_bw_parse_link(const char *s, unsigned int *out)
{
	static const struct {
		const char *name;
		unsigned int bytes;
	} links[] = {
		{ "ethernet", VQ_L2_ETHERNET }, { "vlan", VQ_L2_VLAN },
		{ "pppoe", VQ_L2_PPPOE }, { "none", 0 },
	};
	static const char *why = "ethernet, vlan, pppoe, none or 0-256 bytes per packet";
	unsigned int v = 0;
	size_t i;

	if (!s || !*s)
		return why;
	for (i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		if (strcasecmp(s, links[i].name) == 0) {
			*out = links[i].bytes;
			return NULL;
		}
	}
	/* Decimal by hand: this file links nothing but libc. */
	for (i = 0; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9' || i >= 3)
			return why;
		v = v * 10 + (s[i] - '0');
	}
	if (v > VQ_BW_MAX_L2)
		return why;
	*out = v;
	return NULL;
}

const char *vq_bw_codec_name(unsigned int i)
{
	unsigned int n = 0, k;

	/* Each name once, and never the two that are not sized. */
	for (k = 0; k < N_CODECS; k++) {
		if (codecs[k].kind == CK_SKIP ||
		    (k && strcmp(codecs[k].name, codecs[k - 1].name) == 0))
			continue;
		if (n++ == i)
			return codecs[k].name;
	}
	return NULL;
}

static const struct codec *codec_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < N_CODECS; i++)
		if (strcasecmp(name, codecs[i].name) == 0)
			return &codecs[i];
	return NULL;
}

static const struct codec *codec_of(const struct vq_sdp_fmt *f)
{
	size_t i;

	if (f->name[0])
		return codec_by_name(f->name);
	/* No rtpmap: only a static payload type names the codec. */
	for (i = 0; i < N_CODECS; i++)
		if (f->pt >= 0 && codecs[i].pt == f->pt)
			return &codecs[i];
	return NULL;
}

static bool is_skipped(const struct vq_sdp_fmt *f)
{
	const struct codec *k = codec_of(f);

	return k && k->kind == CK_SKIP;
}

/*
 * The packetisation a sender uses towards a receiver: its a=ptime if it is
 * one a sender could use (1..max_ptime), else the codec default; at most
 * a=maxptime; then down to whole frames, at least one. Rounding down errs
 * towards more packets per second, i.e. the larger reservation.
 */
static uint32_t pick_ptime(uint32_t ptime, uint32_t maxptime, uint32_t frame,
			   uint32_t def, uint32_t max)
{
	uint32_t p = ptime >= 1 && ptime <= max ? ptime : def;

	if (maxptime && p > maxptime)
		p = maxptime;
	p -= p % frame;
	return p ? p : frame;
}

/* b=TIAS, else b=AS, else the configured default; bounded. */
static uint32_t sdp_rate(const struct vq_sdp_media *m, uint32_t def_kbps,
			 bool *from_sdp)
{
	uint64_t bps;

	*from_sdp = true;
	if (m->bw_tias_bps)
		bps = m->bw_tias_bps;
	else if (m->bw_as_kbps)
		bps = (uint64_t)m->bw_as_kbps * 1000;
	else {
		bps = (uint64_t)def_kbps * 1000;
		*from_sdp = false;
	}
	if (bps > VQ_BW_MAX_PAYLOAD_BPS)
		bps = VQ_BW_MAX_PAYLOAD_BPS;
	return bps ? bps : 1;
}

/* The receiver's entry for the answer's format: same name and clock. */
static const struct vq_sdp_fmt *match_fmt(const struct vq_sdp_media *m,
					  const struct vq_sdp_fmt *f)
{
	unsigned int i, n = m->nfmt < VQ_SDP_MAX_FMT ? m->nfmt : VQ_SDP_MAX_FMT;

	for (i = 0; i < n; i++) {
		const struct vq_sdp_fmt *g = &m->fmt[i];

		if (g == f)
			return g;
		if (f->name[0] && strcasecmp(g->name, f->name) == 0 &&
		    g->clock == f->clock)
			return g;
	}
	for (i = 0; i < n; i++)
		if (f->pt >= 0 && m->fmt[i].pt == f->pt)
			return &m->fmt[i];
	return f;
}

static uint32_t amr_payload(const struct codec *k, const struct vq_sdp_fmt *a,
			    const struct vq_sdp_fmt *r, uint32_t nframes)
{
	const uint16_t *bits = k->kind == CK_AMR ? amr_bits : amrwb_bits;
	unsigned int top = k->kind == CK_AMR ? 7 : 8;
	unsigned int mode = top;
	unsigned int ma = a->mode_set_max, mr = r->mode_set_max;
	uint64_t b;

	/*
	 * The highest mode either side allows (0 = no mode-set: all). Both
	 * sides must agree on the payload format; if they do not, the larger
	 * octet-aligned form is sized.
	 */
	if (ma && mr)
		mode = (ma > mr ? ma : mr) - 1;
	if (mode > top)
		mode = top;
	if (a->octet_align || r->octet_align)
		/* CMR byte, a TOC byte per frame, frames padded to bytes */
		return 1 + nframes + nframes * div_up(bits[mode], 8);
	/* 4-bit CMR, 6-bit TOC per frame, speech bits, padded once */
	b = 4 + (uint64_t)nframes * (6 + bits[mode]);
	return div_up(b, 8);
}

/*
 * "NAME/CLOCK[/CHANNELS]". The name is at most VQ_SDP_NAME_MAX - 1 = 31
 * bytes, the channels a uint8_t: 31 + 11 + 4 + NUL fit in codec[48].
 */
static void set_codec_str(struct vq_bw *out, const struct vq_sdp_fmt *f,
			  const struct codec *k, uint32_t clock, uint8_t ch)
{
	const char *name = f->name[0] ? f->name : k ? k->name : f->id;

	if (!clock)
		snprintf(out->codec, sizeof(out->codec), "%.31s", name);
	else if (ch < 2)
		snprintf(out->codec, sizeof(out->codec), "%.31s/%u", name,
			 (unsigned int)clock);
	else
		snprintf(out->codec, sizeof(out->codec), "%.31s/%u/%u", name,
			 (unsigned int)clock, (unsigned int)ch);
}

/* Fills the per-packet results of a stream of fixed ptime. */
static void finish_ptime(struct vq_bw *out, uint64_t payload, uint32_t extra,
			 uint32_t ptime, uint16_t family, unsigned int l2)
{
	uint64_t ip, wire, burst;

	payload = min64(payload, MAX_PKT_PAYLOAD);
	ip = payload + extra + UDP_HDR + ip_hdr(family);
	wire = ip + min64(l2, VQ_BW_MAX_L2);
	out->ptime_ms = ptime;
	out->payload_bytes = payload;
	out->payload_bps = div_up((uint64_t)payload * 8000, ptime);
	out->pps_milli = div_up(1000000, ptime);
	out->wire_bps = div_up(wire * 8000, ptime);
	/* 3 packets, or VQ_BW_BURST_MS of packets if that is more (ptime < 67) */
	burst = ip * 3;
	if (div_up(ip * VQ_BW_BURST_MS, ptime) > burst)
		burst = div_up(ip * VQ_BW_BURST_MS, ptime);
	out->burst_bytes = burst > VQ_BW_MAX_BURST ? VQ_BW_MAX_BURST : burst;
}

static bool proto_is(const char *proto, const char *what)
{
	size_t n = strlen(what);
	const char *p;

	for (p = proto; *p; p++)
		if (strncasecmp(p, what, n) == 0)
			return true;
	return false;
}

static int size_audio(const struct vq_sdp_media *answer,
		      const struct vq_sdp_media *recv, const struct vq_sdp_fmt *f,
		      uint16_t family, const struct vq_bw_cfg *cfg,
		      struct vq_bw *out)
{
	const struct codec *k = codec_of(f);
	const struct vq_sdp_fmt *rf = match_fmt(recv, f);
	uint32_t extra = RTP_HDR, clock, ptime, frame;
	uint8_t ch;
	uint64_t payload;
	bool from_sdp;

	if (proto_is(answer->proto, "SAVP"))
		extra += SRTP_TAG;
	ch = f->channels ? f->channels : 1;
	clock = f->clock;
	/* A static payload type without rtpmap: RFC 3551's clock/channels. */
	if (k && (!f->name[0] || !clock)) {
		ch = k->channels;
		clock = k->clock;
	}
	clock = min64(clock, MAX_CLOCK);
	out->clock_rate = clock;
	set_codec_str(out, f, k, clock, ch);
	out->known = true;

	if (!k || k->kind == CK_SKIP) {
		/* No model for it: the SDP's rate or the configured one. */
		uint32_t bps = sdp_rate(recv, cfg->unknown_audio_kbps, &from_sdp);

		out->known = from_sdp;
		ptime = pick_ptime(recv->ptime_ms, recv->maxptime_ms, 1, 20,
				   MAX_PTIME);
		payload = div_up((uint64_t)bps * ptime, 8000);
		finish_ptime(out, payload, extra, ptime, family,
			     cfg->l2_overhead);
		out->payload_bps = bps;
		return 0;
	}

	frame = k->frame_ms;
	if (k->kind == CK_ILBC) {
		/*
		 * RFC 3952 5: both sides use the lower-rate mode of the two,
		 * and an absent mode is 30. So 20 ms frames only if the answer
		 * and the receiver's line both say mode=20.
		 */
		bool m20 = f->ilbc_mode == 20 && rf->ilbc_mode == 20;

		frame = m20 ? 20 : 30;
	}
	ptime = pick_ptime(recv->ptime_ms, recv->maxptime_ms, frame,
			   k->kind == CK_ILBC ? frame : k->def_ptime, k->max_ptime);

	switch (k->kind) {
	case CK_RATE:
		payload = div_up((uint64_t)k->rate * ptime, 8000) * ch;
		break;
	case CK_CLOCK:
		payload = div_up((uint64_t)k->rate * clock * ch * ptime, 8000) +
			  k->hdr_bytes;
		break;
	case CK_FRAME:
		payload = ptime / frame * k->frame_bytes * ch;
		break;
	case CK_ILBC:
		payload = ptime / frame * (frame == 20 ? 38 : 50) * ch;
		break;
	case CK_AMR:
	case CK_AMRWB:
		payload = amr_payload(k, f, rf, ptime / frame * ch);
		break;
	default: {	/* CK_OPUS: one stream, whatever the channel count */
		uint64_t bps;

		if (rf->maxaveragebitrate) {
			bps = rf->maxaveragebitrate;
		} else {
			bps = sdp_rate(recv, cfg->opus_kbps, &from_sdp);
			out->known = from_sdp;
		}
		if (bps < VQ_BW_OPUS_MIN_BPS)
			bps = VQ_BW_OPUS_MIN_BPS;
		if (bps > VQ_BW_OPUS_MAX_BPS)
			bps = VQ_BW_OPUS_MAX_BPS;
		payload = div_up(bps * ptime, 8000);
		break;
	}
	}
	finish_ptime(out, payload, extra, ptime, family, cfg->l2_overhead);
	return 0;
}

static int size_video(const struct vq_sdp_media *answer,
		      const struct vq_sdp_media *recv, const struct vq_sdp_fmt *f,
		      uint16_t family, const struct vq_bw_cfg *cfg,
		      struct vq_bw *out)
{
	uint64_t ip, burst, pps_burst;
	uint32_t bps, extra = RTP_HDR;
	bool from_sdp;

	if (proto_is(answer->proto, "SAVP"))
		extra += SRTP_TAG;
	bps = sdp_rate(recv, cfg->video_kbps, &from_sdp);
	out->known = from_sdp;
	out->clock_rate = min64(f->clock, MAX_CLOCK);
	set_codec_str(out, f, NULL, out->clock_rate, f->channels);
	out->ptime_ms = 0;
	out->payload_bps = bps;
	out->payload_bytes = VQ_BW_VIDEO_PAYLOAD;
	/* Full-size packets carry the rate; round the packet rate up. */
	out->pps_milli = div_up((uint64_t)bps * 1000, VQ_BW_VIDEO_PAYLOAD * 8);
	ip = (uint64_t)VQ_BW_VIDEO_PAYLOAD + extra + UDP_HDR + ip_hdr(family);
	out->wire_bps = div_up((ip + min64(cfg->l2_overhead, VQ_BW_MAX_L2)) * 8 *
			       out->pps_milli, 1000);
	/*
	 * A key frame is several times an average frame and leaves the
	 * sender back to back: allow VQ_BW_VIDEO_BURST_MS of the rate.
	 */
	pps_burst = div_up(ip * out->pps_milli * VQ_BW_VIDEO_BURST_MS, 1000000);
	burst = ip * 3 > pps_burst ? ip * 3 : pps_burst;
	out->burst_bytes = burst > VQ_BW_MAX_BURST ? VQ_BW_MAX_BURST : burst;
	return 0;
}

static int size_image(const struct vq_sdp_media *answer,
		      const struct vq_sdp_media *recv, const struct vq_sdp_fmt *f,
		      uint16_t family, const struct vq_bw_cfg *cfg,
		      struct vq_bw *out)
{
	/* UDPTL (T.38 Annex D) has no RTP header; T.38 over RTP has one. */
	bool rtp = proto_is(answer->proto, "RTP");
	uint32_t extra = rtp ? RTP_HDR : 0, ptime;
	uint64_t bps = min64((uint64_t)cfg->image_kbps * 1000,
			     VQ_BW_MAX_PAYLOAD_BPS);

	if (proto_is(answer->proto, "SAVP"))
		extra += SRTP_TAG;
	out->known = false;
	out->clock_rate = rtp ? min64(f->clock, MAX_CLOCK) : 0;
	if (!rtp || !f->name[0])
		snprintf(out->codec, sizeof(out->codec), "%s", f->id);
	else
		set_codec_str(out, f, NULL, out->clock_rate, f->channels);
	ptime = pick_ptime(recv->ptime_ms, recv->maxptime_ms, 1, 20, MAX_PTIME);
	finish_ptime(out, div_up(bps * ptime, 8000), extra, ptime, family,
		     cfg->l2_overhead);
	out->payload_bps = bps;
	return 0;
}

int vq_bw_stream(const struct vq_sdp_media *answer,
		 const struct vq_sdp_media *receiver, uint16_t family,
		 const struct vq_bw_cfg *cfg, struct vq_bw *out)
{
	unsigned int i, n;
	const struct vq_sdp_fmt *f = NULL;

	memset(out, 0, sizeof(*out));
	if (!receiver)
		receiver = answer;
	n = answer->nfmt < VQ_SDP_MAX_FMT ? answer->nfmt : VQ_SDP_MAX_FMT;
	if (!n || answer->kind == VQ_KIND_OTHER)
		return -1;
	/* DTMF events and comfort noise replace voice packets, never add. */
	for (i = 0; i < n && !f; i++)
		if (answer->kind != VQ_KIND_AUDIO || !is_skipped(&answer->fmt[i]))
			f = &answer->fmt[i];
	if (!f)
		f = &answer->fmt[0];	/* only events/CN: sized as unknown */

	switch (answer->kind) {
	case VQ_KIND_AUDIO:
		return size_audio(answer, receiver, f, family, cfg, out);
	case VQ_KIND_VIDEO:
		return size_video(answer, receiver, f, family, cfg, out);
	case VQ_KIND_IMAGE:
		return size_image(answer, receiver, f, family, cfg, out);
	default:
		return -1;
	}
}

int vq_bw_codec(const char *name, uint32_t ptime_ms, uint16_t family,
		const struct vq_bw_cfg *cfg, struct vq_bw *out)
{
	struct vq_sdp_media m;
	struct vq_sdp_fmt *f = &m.fmt[0];
	const struct codec *k;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (!name)
		return -1;
	for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcasecmp(name, aliases[i].alias) == 0)
			name = aliases[i].name;

	memset(&m, 0, sizeof(m));
	m.nfmt = 1;
	m.ptime_ms = ptime_ms;
	f->pt = -1;
	f->channels = 1;
	if (strcasecmp(name, "t38") == 0 || strcasecmp(name, "T.38") == 0) {
		m.kind = VQ_KIND_IMAGE;
		snprintf(m.proto, sizeof(m.proto), "udptl");
		snprintf(f->id, sizeof(f->id), "t38");
		return vq_bw_stream(&m, &m, family, cfg, out);
	}
	if (strcasecmp(name, "video") == 0) {
		m.kind = VQ_KIND_VIDEO;
		snprintf(m.proto, sizeof(m.proto), "RTP/AVP");
		snprintf(f->id, sizeof(f->id), "video");
		return vq_bw_stream(&m, &m, family, cfg, out);
	}
	k = codec_by_name(name);
	if (!k || k->kind == CK_SKIP)
		return -1;
	m.kind = VQ_KIND_AUDIO;
	snprintf(m.proto, sizeof(m.proto), "RTP/AVP");
	snprintf(f->name, sizeof(f->name), "%s", k->name);
	f->clock = k->clock;
	f->channels = k->channels;
	/* L16, L8, DVI4 by name: 8 kHz mono, not PT 10/11's 44.1 kHz. */
	if (k->kind == CK_CLOCK) {
		f->clock = 8000;
		f->channels = 1;
	}
	/* No fmtp: iLBC's mode follows the ptime (20, 40, 80...: mode 20). */
	if (k->kind == CK_ILBC && ptime_ms && ptime_ms % 20 == 0 &&
	    ptime_ms % 30 != 0)
		f->ilbc_mode = 20;
	return vq_bw_stream(&m, &m, family, cfg, out);
}

void vq_bw_rtcp(const struct vq_bw *rtp, const struct vq_bw_cfg *cfg,
		struct vq_bw *out)
{
	uint64_t rate = div_up(min64(rtp->wire_bps, MAX_WIRE_BPS) *
			       min64(cfg->rtcp_percent, 100), 100);
	uint64_t burst = div_up(rate, 8);	/* one second of it */

	memset(out, 0, sizeof(*out));
	memcpy(out->codec, rtp->codec, sizeof(out->codec));
	out->known = rtp->known;
	out->wire_bps = rate > VQ_BW_RTCP_MIN_BPS ? rate : VQ_BW_RTCP_MIN_BPS;
	out->burst_bytes = burst > VQ_BW_RTCP_MIN_BURST ? burst :
			   VQ_BW_RTCP_MIN_BURST;
	if (out->burst_bytes > VQ_BW_MAX_BURST)
		out->burst_bytes = VQ_BW_MAX_BURST;
}
