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
 * media line). family picks the IP header size. Returns 0, or -1 if the
 * line carries nothing to reserve (no format, kind OTHER).
 */
int vq_bw_stream(const struct vq_sdp_media *answer,
		 const struct vq_sdp_media *receiver, uint16_t family,
		 const struct vq_bw_cfg *cfg, struct vq_bw *out);

/* A codec by name for `voiceqos plan`: "PCMU", "G729", "opus"... -1 unknown. */
int vq_bw_codec(const char *name, uint32_t ptime_ms, uint16_t family,
		const struct vq_bw_cfg *cfg, struct vq_bw *out);

/* The RTCP flow that goes with an RTP stream of `rtp`. */
void vq_bw_rtcp(const struct vq_bw *rtp, const struct vq_bw_cfg *cfg,
		struct vq_bw *out);

/* Wire bit rate of packets of payload bytes at pps_milli/1000 per second. */
uint64_t vq_bw_wire(uint32_t payload_bytes, uint32_t pps_milli,
		    uint16_t family, unsigned int l2_overhead);

#endif
