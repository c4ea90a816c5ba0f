/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Session descriptions (RFC 4566/8866) parsed with libosip2's SDP parser
 * into the facts that decide reservations: per m= line its kind, address,
 * ports, direction, RTCP placement, payload formats with their rtpmap and
 * fmtp parameters, packetisation and bandwidth lines. Plain structs, no
 * library types, so that bandwidth.c and dialog.c stay dependency-free.
 */
#ifndef VQ_SDP_H
#define VQ_SDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VQ_SDP_MAX_MEDIA 16	/* m= lines kept; the rest are skipped (counted) */
#define VQ_SDP_MAX_FMT 32	/* formats per m= line kept, rest ignored */
#define VQ_SDP_NAME_MAX 32

enum vq_media_kind {
	VQ_KIND_AUDIO,
	VQ_KIND_VIDEO,
	VQ_KIND_IMAGE,		/* T.38 over UDPTL (or RTP) */
	VQ_KIND_OTHER,		/* application, text, message: never reserved */
};

enum vq_sdp_dir {
	VQ_DIR_SENDRECV,
	VQ_DIR_SENDONLY,
	VQ_DIR_RECVONLY,
	VQ_DIR_INACTIVE,
};

struct vq_sdp_fmt {
	char id[8];		/* the m= format token: "0", "101", "t38" */
	int pt;			/* payload type 0..127, -1 if not a number */
	char name[VQ_SDP_NAME_MAX];	/* rtpmap encoding, or the static
					 * name for PT 0..34 ("PCMU"); "" */
	uint32_t clock;		/* rtpmap clock rate; static default */
	uint8_t channels;	/* rtpmap channels, default 1 */
	/* fmtp parameters that change the bit rate, 0 if absent */
	uint32_t maxaveragebitrate;	/* Opus (RFC 7587), bit/s */
	uint8_t ilbc_mode;		/* iLBC mode=20|30 */
	bool octet_align;		/* AMR/AMR-WB octet-align=1 */
	uint8_t mode_set_max;		/* AMR mode-set: highest mode + 1, 0 = all */
};

struct vq_sdp_media {
	enum vq_media_kind kind;
	char kind_name[16];	/* "audio", "video", "image", ... */
	char proto[24];		/* "RTP/AVP", "RTP/SAVP", "udptl", ... */
	uint16_t port;		/* 0: stream disabled (RFC 3264 6), or a line made
				 * unusable by a bad port or c= address */
	/* c= of the m line, else of the session; IPv4-mapped IPv6 as AF_INET */
	uint16_t family;	/* AF_INET, AF_INET6; 0 if no c= at all */
	uint8_t addr[16];
	bool hold_addr;		/* c=0.0.0.0 (RFC 2543 hold): receives nothing */
	enum vq_sdp_dir dir;	/* media level, else session level, else sendrecv */
	/*
	 * RTCP destination: a=rtcp (RFC 3605) or port + 1; the address of c=
	 * unless a=rtcp names one (an unspecified 0.0.0.0 or :: there, too).
	 */
	uint16_t rtcp_port;
	uint16_t rtcp_family;
	uint8_t rtcp_addr[16];
	bool rtcp_mux;		/* a=rtcp-mux present */
	uint32_t ptime_ms;	/* a=ptime, 0 if absent (media, else session) */
	uint32_t maxptime_ms;	/* a=maxptime, 0 if absent */
	uint32_t bw_as_kbps;	/* b=AS (media, else session), 0 if absent */
	uint32_t bw_tias_bps;	/* b=TIAS, 0 if absent */
	unsigned int nfmt;
	struct vq_sdp_fmt fmt[VQ_SDP_MAX_FMT];	/* in m= order */
};

/*
 * Problems that cost one line or one attribute, not the description: the
 * rest is used as parsed. The counts are per description; note is the first
 * problem in words, for the one log line the dialog layer writes per call.
 */
struct vq_sdp {
	uint64_t origin_version;	/* o= sess-version: repeats are no change */
	unsigned int nmedia;
	unsigned int skipped_media;	/* m= lines after the first VQ_SDP_MAX_MEDIA */
	unsigned int bad_media;		/* m= lines disabled: bad port or c= address */
	unsigned int bad_attrs;		/* a=rtcp, a=ptime, a=maxptime ignored */
	unsigned int bad_fmts;		/* RTP formats that are not a PT 0..127 */
	char note[96];			/* the first of these problems, "" if none */
	struct vq_sdp_media media[VQ_SDP_MAX_MEDIA];
};

/*
 * Returns 0, or -1 with a reason in err when nothing of the description is
 * usable ("libosip2 could not parse the SDP", or every m= line bad: the
 * first one's reason, "m= line 1: port 70000 out of range").
 */
int vq_sdp_parse(const char *buf, size_t len, struct vq_sdp *s,
		 char *err, size_t errlen);

/* "PCMU/8000" style name of fmt, into buf. */
const char *vq_sdp_fmt_str(const struct vq_sdp_fmt *f, char *buf, size_t len);
const char *vq_media_kind_name(enum vq_media_kind k);

#endif
