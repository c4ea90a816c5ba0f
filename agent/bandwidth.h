/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What one media stream costs on the wire: the codec's payload bit rate and
 * packet rate from the negotiated format and packetisation, plus the exact
 * per-packet overhead (RTP 12 + UDP 8 + IPv4 20 or IPv6 40 + the link's
 * framing). References: G.711 20 ms on Ethernet = 87.2 kbit/s, G.729
 * 20 ms = 31.2 kbit/s. Dependency-free (unit-tested on every architecture).
 */
#ifndef VQ_BANDWIDTH_H
#define VQ_BANDWIDTH_H

#include <stdbool.h>
#include <stdint.h>

#include "sdp.h"

/* Link-layer bytes per packet, counted as on the wire incl. FCS. */
#define VQ_L2_ETHERNET 18	/* 14 header + 4 FCS */
#define VQ_L2_VLAN 22		/* + 802.1Q tag */
#define VQ_L2_PPPOE 26		/* Ethernet + 6 PPPoE + 2 PPP */
#define VQ_BW_MAX_L2 256	/* any other framing, in bytes per packet */

/* Defaults of struct vq_bw_cfg (Documentation/config.md says why). */
#define VQ_BW_DEF_UNKNOWN_AUDIO_KBPS 64
#define VQ_BW_DEF_VIDEO_KBPS 1500
#define VQ_BW_DEF_IMAGE_KBPS 64
#define VQ_BW_DEF_OPUS_KBPS 40
#define VQ_BW_DEF_RTCP_PERCENT 5

/* A b=AS/b=TIAS above this is sized at this: 100 Mbit/s of payload. */
#define VQ_BW_MAX_PAYLOAD_BPS 100000000U
/* RFC 7587: Opus bit rates are 6..510 kbit/s. */
#define VQ_BW_OPUS_MIN_BPS 6000U
#define VQ_BW_OPUS_MAX_BPS 510000U
/* Video: packets of this payload carry the rate. */
#define VQ_BW_VIDEO_PAYLOAD 1200U
/*
 * Burst: the larger of 3 packets and VQ_BW_BURST_MS of the stream (video:
 * VQ_BW_VIDEO_BURST_MS, for key frames), counted in IP bytes (the kernel
 * polices skb->len at the IP layer, without link framing). The policer is
 * there for sustained excess (a codec the SDP did not announce, a forged
 * stream on the call's 5-tuple), not for jitter: a sender that wakes up late,
 * a Wi-Fi handset's aggregated frames, send a late frame's packets back to
 * back, and demoted they would queue behind bulk traffic and be lost. 200 ms
 * is the burst Cisco's LLQ gives a priority class by default; at 60 ms the
 * QoS bench saw admitted calls lose packets (Documentation/performance.md).
 */
#define VQ_BW_BURST_MS 200U
#define VQ_BW_VIDEO_BURST_MS 300U
#define VQ_BW_MAX_BURST (16U << 20)	/* the kernel's bound */
/* RTCP: never less than this, whatever rtcp_percent gives. */
#define VQ_BW_RTCP_MIN_BPS 1000U
#define VQ_BW_RTCP_MIN_BURST 3000U	/* two full-size compound reports */

struct vq_bw_cfg {
	unsigned int l2_overhead;	/* bytes per packet, one of the above or any */
	uint32_t unknown_audio_kbps;	/* payload rate of an unknown audio codec */
	uint32_t video_kbps;		/* video without b=TIAS/b=AS */
	uint32_t image_kbps;		/* T.38 */
	uint32_t opus_kbps;		/* Opus without maxaveragebitrate/b= */
	uint32_t rtcp_percent;		/* RTCP flow rate, % of its RTP stream */
};

void vq_bw_cfg_default(struct vq_bw_cfg *c);

struct vq_bw {
	char codec[48];		/* "PCMU/8000", "opus/48000/2", "t38" */
	uint32_t clock_rate;	/* RTP clock for jitter; 0 if not RTP */
	uint32_t ptime_ms;	/* packetisation used */
	uint32_t payload_bps;	/* codec payload bit rate */
	uint32_t payload_bytes;	/* per packet */
	uint32_t pps_milli;	/* packets per second x 1000 */
	uint64_t wire_bps;	/* the reservation: payload + all overhead */
	uint32_t burst_bytes;	/* policer allowance: a few packets on the wire */
	bool known;		/* false: sized by a default from the config */
};

/*
 * The stream that `answer` selects (its first format, telephone-event and
 * comfort noise skipped: they replace voice packets), sized for packets
 * sent towards `receiver` (whose a=ptime/maxptime apply; may be the same
 * media line, NULL means the same). family picks the IP header size. Returns 0, or -1 if the
 * line carries nothing to reserve (no format, kind OTHER).
 *
 * What the receiver's line decides (RFC 3264 5: an SDP states what its
 * sender wants to receive): a=ptime, a=maxptime, b=TIAS/b=AS, and Opus
 * maxaveragebitrate of its format with the answer's name and clock. The
 * codec and payload format come from the answer; where a parameter of both
 * lines applies (AMR mode-set, octet-align, iLBC mode) the larger result
 * is sized, except iLBC mode 20, which RFC 3952 grants only if both ask.
 * A ptime outside 1..200 (Opus 1..120) is ignored for the codec default,
 * then capped at maxptime and rounded down to whole frames (at least one).
 * RTP/SAVP and RTP/SAVPF add a 10-byte SRTP tag per packet. Video has no
 * ptime: VQ_BW_VIDEO_PAYLOAD-byte packets carry b=TIAS/b=AS/video_kbps.
 * image (T.38): image_kbps in 20 ms packets (the receiver's a=ptime if
 * any), without an RTP header over UDPTL. A line of only telephone-event/
 * CN, and any audio codec without a model, is sized from b=TIAS/b=AS/
 * unknown_audio_kbps at the receiver's ptime or 20 ms, known = false.
 */
int vq_bw_stream(const struct vq_sdp_media *answer,
		 const struct vq_sdp_media *receiver, uint16_t family,
		 const struct vq_bw_cfg *cfg, struct vq_bw *out);

/*
 * A codec by name for `voiceqos plan`: "PCMU", "G729", "opus"... -1 unknown.
 * Case-insensitive; also G711U/G711A/ulaw/alaw and the dotted forms
 * ("G.729"), "t38" (image_kbps over UDPTL) and "video" (video_kbps).
 * ptime_ms 0: the codec's default; others are rounded as for a=ptime
 * (out->ptime_ms tells what was used). Without an fmtp, iLBC uses mode 20
 * for a ptime that is a multiple of 20 but not of 30, AMR/AMR-WB their
 * highest mode bandwidth-efficient, Opus opus_kbps.
 */
int vq_bw_codec(const char *name, uint32_t ptime_ms, uint16_t family,
		const struct vq_bw_cfg *cfg, struct vq_bw *out);
/* The i-th name vq_bw_codec knows (rtpmap spelling), NULL past the end. */
const char *vq_bw_codec_name(unsigned int i);

/*
 * The RTCP flow that goes with an RTP stream of `rtp`: wire_bps =
 * rtcp_percent of rtp->wire_bps, rounded up, at least VQ_BW_RTCP_MIN_BPS;
 * burst_bytes = one second of that, at least VQ_BW_RTCP_MIN_BURST. codec
 * and known are the RTP stream's; clock_rate, ptime and the per-packet
 * fields are 0 (RTCP is not paced).
 */
void vq_bw_rtcp(const struct vq_bw *rtp, const struct vq_bw_cfg *cfg,
		struct vq_bw *out);

/*
 * Wire bit rate of RTP packets of payload bytes at pps_milli/1000 per
 * second, rounded up. vq_bw_stream computes from the ptime instead, so for
 * a ptime that does not divide 1000 (30 ms) it is the exact figure and this
 * one, from the rounded-up packet rate, may be a few bit/s higher.
 */
uint64_t vq_bw_wire(uint32_t payload_bytes, uint32_t pps_milli,
		    uint16_t family, unsigned int l2_overhead);

/*
 * "ethernet", "vlan", "pppoe", "none" or a byte count 0..VQ_BW_MAX_L2 into
 * bytes per packet. NULL, or the reason it is not one (addr.h style).
 */
const char *vq_bw_parse_link(const char *s, unsigned int *out);

#endif
