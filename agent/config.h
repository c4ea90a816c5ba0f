/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /etc/voiceqos/voiceqos.conf, read with inih. Every error is reported as
 * "FILE:LINE: what was wrong" and the whole file is refused: a daemon that
 * half-applies a config is worse than one that does not start (or, on
 * SIGHUP, keeps the config it had). Unknown sections and keys are errors,
 * so that a typo never silently falls back to a default.
 */
#ifndef VQ_CONFIG_H
#define VQ_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "bandwidth.h"

#define VQ_DEFAULT_CONF "/etc/voiceqos/voiceqos.conf"
/* agent/Makefile defines it from VQOS_SOCKET; this is for builds outside it. */
#ifndef VQ_DEFAULT_SOCKET
#define VQ_DEFAULT_SOCKET "/run/voiceqos/voiceqosd.sock"
#endif
#define VQ_MAX_PORTS 16		/* the module's VOICEQOS_MAX_SIP_PORTS */
#define VQ_MAX_TRUSTED 64

/* Defaults not in bandwidth.h (Documentation/config.md says why). */
#define VQ_CONF_DEF_MIRROR_RATE 1000	/* the module's own default */
#define VQ_CONF_DEF_MAX_DIALOGS 10000
/* Below 3.6 most users are dissatisfied (ITU-T G.107 Annex B). */
#define VQ_CONF_DEF_MOS_THRESHOLD 360
/* A national call's one-way delay when RTCP does not tell. */
#define VQ_CONF_DEF_LINK_DELAY 20
#define VQ_CONF_DEF_QUALITY_INTERVAL 2
#define VQ_CONF_DEF_EARLY_TIMEOUT 180	/* RFC 3261 Timer C is > 3 min */
#define VQ_CONF_DEF_IDLE_TIMEOUT 3600
/* A burst of INVITEs with SDP is megabytes of SIP copies. */
#define VQ_CONF_DEF_SIP_RCVBUF (16u << 20)

/*
 * With [link] the agent builds the HTB tree of Documentation/shaping.md;
 * these are its classids (shaper.h's VQ_CLASS_*, repeated here so that the
 * config stays free of libnl). [kernel] priorities left at none take them.
 */
#define VQ_CONF_CLASS_VOICE 0x56510010U
#define VQ_CONF_CLASS_SIGNALLING 0x56510020U
#define VQ_CONF_CLASS_BEST_EFFORT 0x56510030U
#define VQ_CONF_DEF_SIGNALLING_RATE 64000ULL
#define VQ_CONF_DEF_BUDGET_PCT 50
#define VQ_CONF_MIN_CLASS_BPS 8000ULL	/* HTB's floor per class */
#define VQ_MAX_PROFILES 16
#define VQ_IFNAMSIZ 16

/* A voice budget: a share of each link's rate, or an absolute rate. */
struct vq_budget {
	uint8_t pct;			/* 1-100, or 0: bps is the budget */
	uint64_t bps;
};

/*
 * profile = DAYS HH:MM-HH:MM BUDGET. days: bit n = tm_wday n (0 Sunday).
 * start/end in minutes since midnight, end 1..1440; end <= start spans
 * midnight: the part after midnight belongs to the day it started on.
 */
struct vq_profile {
	uint8_t days;
	uint16_t start, end;
	struct vq_budget budget;
};

struct vq_prefix {
	uint16_t family;
	uint8_t addr[16];
	uint8_t len;		/* prefix length in bits */
};

enum vq_log_target { VQ_LOG_STDERR, VQ_LOG_SYSLOG };

struct vq_config {
	char path[256];			/* where it was read from, "" = defaults */
	struct {			/* [daemon] */
		enum vq_log_target log;	/* log = stderr | syslog */
		int log_level;		/* log_level = error|warning|info|debug (LOG_*) */
		char socket[108];	/* socket = control socket path */
		uint32_t sip_rcvbuf;	/* sip_rcvbuf = bytes, K/M suffix allowed */
	} daemon;
	struct {			/* [sip] */
		uint16_t ports[VQ_MAX_PORTS];	/* ports = 5060 5080 */
		unsigned int nports;
		/* trusted = 192.0.2.0/24, 2001:db8::1 (empty = trust all) */
		struct vq_prefix trusted[VQ_MAX_TRUSTED];
		unsigned int ntrusted;
		uint8_t dscp;		/* dscp = CS3: the SIP packets themselves */
		uint32_t mirror_rate;	/* mirror_rate = copies/s (kernel bound) */
	} sip;
	struct {			/* [media] */
		uint8_t voice_dscp;	/* voice_dscp = EF */
		uint8_t video_dscp;	/* video_dscp = AF41 */
		uint8_t image_dscp;	/* image_dscp = EF (T.38) */
		/* link = ethernet | vlan | pppoe | BYTES; the *_kbps and
		 * rtcp_percent keys: see struct vq_bw_cfg */
		struct vq_bw_cfg bw;
	} media;
	struct {			/* [kernel] */
		uint32_t voice_priority;	/* voice_priority = 1:10 (tc classid), 0 = none */
		uint32_t video_priority;	/* video_priority = 1:10 */
		uint32_t be_priority;	/* be_priority = classid for demoted packets */
		uint8_t fallback_dscp;	/* fallback_dscp = BE (demoted packets) */
		uint32_t mark, mark_mask;	/* mark = 0x10/0xff, 0 = none */
		uint32_t flow_timeout;	/* flow_timeout = idle seconds (0: module default) */
	} kernel;
	struct {			/* [link] */
		char uplink[VQ_IFNAMSIZ];	/* uplink = IFNAME, "" = not shaped */
		uint64_t uplink_rate;		/* uplink_rate = bit/s */
		char downlink[VQ_IFNAMSIZ];	/* downlink = IFNAME (LAN side) */
		uint64_t downlink_rate;		/* downlink_rate = bit/s */
		uint32_t overhead;		/* overhead = bytes per packet for HTB */
		uint64_t signalling_rate;	/* signalling_rate = bit/s */
	} link;
	struct {			/* [voice] */
		struct vq_budget budget;	/* budget = 50% | 2M */
		struct vq_profile profiles[VQ_MAX_PROFILES];	/* profile = ... */
		unsigned int nprofiles;
	} voice;
	struct {			/* [quality] */
		uint32_t mos_threshold;	/* mos_threshold = 3.6 (stored x 100) */
		uint32_t link_delay;	/* link_delay = ms one way, without RTCP */
		uint32_t interval;	/* interval = s between evaluations */
	} quality;
	struct {			/* [dialog] */
		uint32_t max_dialogs;	/* max_dialogs = 10000 */
		uint32_t early_timeout;	/* early_timeout = s before an unanswered INVITE is dropped */
		uint32_t idle_timeout;	/* idle_timeout = s without SIP or media before a call ends */
	} dialog;
};

void vq_config_defaults(struct vq_config *c);
/*
 * Reads path into *c (defaults first, then the file). Returns 0, or -1
 * with "PATH:LINE: message" (or "PATH: strerror") in err; *c is then
 * unchanged.
 */
int vq_config_load(const char *path, struct vq_config *c, char *err,
		   size_t errlen);
/*
 * Does addr (family, 4/16 bytes) fall in a trusted prefix (or is the list
 * empty)? An IPv4-mapped IPv6 address matches as the IPv4 address.
 */
bool vq_config_trusted(const struct vq_config *c, uint16_t family,
		       const uint8_t *addr);
/*
 * The config as a file that vq_config_load reads back to the same struct:
 * every key, in the order of the reference (for `voiceqosd --print-config`
 * style output and the round-trip test).
 */
void vq_config_write(const struct vq_config *c, FILE *f);
/* Is any interface named in [link]? */
bool vq_config_shaping(const struct vq_config *c);
/*
 * A budget in bit/s on a link of rate bit/s: the share or the absolute
 * rate, at most what the tree leaves voice (rate - signalling - 8 kbit).
 */
uint64_t vq_budget_bps(const struct vq_budget *b, uint64_t rate,
		       uint64_t signalling);
/* "50%", "2M"-style text of a budget. */
char *vq_budget_str(const struct vq_budget *b, char *buf, size_t len);
/* "mon-fri 08:00-18:00" of a profile (its name in status and events). */
char *vq_profile_str(const struct vq_profile *p, char *buf, size_t len);
/*
 * The first profile whose days and hours hold the broken-down local time
 * (tm_wday, tm_hour, tm_min used), or -1: then [voice] budget applies.
 */
int vq_profile_match(const struct vq_config *c, const struct tm *tm);

/* The i-th key and its section; NULL past the last. */
const char *vq_config_key(unsigned int i, const char **section);

#endif
