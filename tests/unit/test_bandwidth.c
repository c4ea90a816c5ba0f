// SPDX-License-Identifier: GPL-2.0
/*
 * bandwidth.c against hand-computed vectors. Every expectation is derived
 * in its comment from the codec's payload per packet and the overhead
 *
 *	RTP 12 + UDP 8 + IPv4 20 | IPv6 40 + L2 (eth 18, vlan 22, pppoe 26)
 *
 * i.e. 58 (v4 eth), 62 (v4 vlan), 66 (v4 pppoe), 40 (v4 none), 78 (v6 eth),
 * 82 (v6 vlan), 86 (v6 pppoe) bytes per RTP packet, and
 * wire = ceil(bytes * 8000 / ptime). Burst = max(3, ceil(60 / ptime))
 * packets of IP bytes (wire bytes without L2).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "bandwidth.h"
#include "test.h"

/* The vector tables leave the trailing fields a case does not use zero. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define V4 AF_INET
#define V6 AF_INET6
#define ETH VQ_L2_ETHERNET
#define VLAN VQ_L2_VLAN
#define PPPOE VQ_L2_PPPOE

struct fmtv {
	const char *id;
	int pt;
	const char *name;
	uint32_t clock;
	uint8_t ch;
	uint32_t maxavg;
	uint8_t ilbc;
	bool oa;
	uint8_t mset;
};

struct line {
	enum vq_media_kind kind;
	const char *proto;	/* NULL: RTP/AVP */
	uint32_t ptime, maxptime, as, tias;
	struct fmtv fmt[3];	/* up to the first with id NULL */
};

struct vec {
	const char *name;
	struct line a;		/* the answer's m= line */
	struct line r;		/* the receiver's, if r.fmt[0].id */
	uint16_t fam;
	unsigned int l2;
	const char *codec;
	uint32_t clock, ptime, payload;
	uint64_t wire;
	uint32_t burst;		/* 0: not checked */
	bool known;
};

#define PCMU { "0", 0, "", 8000 }
#define PCMA { "8", 8, "", 8000 }
#define G722 { "9", 9, "", 8000 }
#define G729 { "18", 18, "", 8000 }
#define GSM { "3", 3, "", 8000 }
#define G723 { "4", 4, "", 8000 }
#define TEL { "101", 101, "telephone-event", 8000 }
#define CN { "13", 13, "", 8000 }
#define AUDIO(...) { VQ_KIND_AUDIO, NULL, __VA_ARGS__ }

/*
 * burst: VQ_BW_BURST_MS (200) of the stream's IP packets, rounded up, and never
 * under 3 packets (ptime > 66 ms): 10 packets at 20 ms, 20 at 10 ms.
 */
static const struct vec vecs[] = {
	/* --- G.711: 8 bytes per ms --- */
	/* 160 + 58 = 218 B x 8 x 50/s = 87200 (the reference) */
	{ "PCMU 20ms v4 eth", AUDIO(20, 0, 0, 0, { PCMU }), {}, V4, ETH,
	  "PCMU/8000", 8000, 20, 160, 87200, 2000, true },
	/* 160 + 78 = 238 x 400 = 95200 */
	{ "PCMU 20ms v6 eth", AUDIO(20, 0, 0, 0, { PCMU }), {}, V6, ETH,
	  "PCMU/8000", 8000, 20, 160, 95200, 2200, true },
	/* 160 + 62 = 222 x 400 = 88800 */
	{ "PCMU 20ms v4 vlan", AUDIO(20, 0, 0, 0, { PCMU }), {}, V4, VLAN,
	  "PCMU/8000", 8000, 20, 160, 88800, 2000, true },
	/* 160 + 66 = 226 x 400 = 90400 */
	{ "PCMU 20ms v4 pppoe", AUDIO(20, 0, 0, 0, { PCMU }), {}, V4, PPPOE,
	  "PCMU/8000", 8000, 20, 160, 90400, 2000, true },
	/* 160 + 86 = 246 x 400 = 98400 */
	{ "PCMU 20ms v6 pppoe", AUDIO(20, 0, 0, 0, { PCMU }), {}, V6, PPPOE,
	  "PCMU/8000", 8000, 20, 160, 98400, 2200, true },
	/* 160 + 40 = 200 x 400 = 80000 */
	{ "PCMU 20ms v4 no L2", AUDIO(20, 0, 0, 0, { PCMU }), {}, V4, 0,
	  "PCMU/8000", 8000, 20, 160, 80000, 2000, true },
	/* 240 + 58 = 298 x 8000 / 30 = 79466.7 -> 79467 */
	{ "PCMA 30ms v4 eth", AUDIO(30, 0, 0, 0, { PCMA }), {}, V4, ETH,
	  "PCMA/8000", 8000, 30, 240, 79467, 1867, true },
	/* 240 + 78 = 318 x 8000 / 30 = 84800 */
	{ "PCMU 30ms v6 eth", AUDIO(30, 0, 0, 0, { PCMU }), {}, V6, ETH,
	  "PCMU/8000", 8000, 30, 240, 84800, 2000, true },
	/* 80 + 58 = 138 x 800 = 110400 */
	{ "PCMA 10ms v4 eth", AUDIO(10, 0, 0, 0, { PCMA }), {}, V4, ETH,
	  "PCMA/8000", 8000, 10, 80, 110400, 2400, true },
	/* 80 + 82 = 162 x 800 = 129600 */
	{ "PCMU 10ms v6 vlan", AUDIO(10, 0, 0, 0, { PCMU }), {}, V6, VLAN,
	  "PCMU/8000", 8000, 10, 80, 129600, 2800, true },
	/* 320 + 58 = 378 x 200 = 75600 */
	{ "PCMU 40ms v4 eth", AUDIO(40, 0, 0, 0, { PCMU }), {}, V4, ETH,
	  "PCMU/8000", 8000, 40, 320, 75600, 1800, true },
	/* no a=ptime: RFC 3551 default 20 */
	{ "PCMU no ptime", AUDIO(0, 0, 0, 0, { PCMU }), {}, V4, ETH,
	  "PCMU/8000", 8000, 20, 160, 87200, 2000, true },
	/* a=ptime:300 is not a usable ptime: default 20 */
	{ "PCMU ptime 300 ignored", AUDIO(300, 0, 0, 0, { PCMU }), {}, V4, ETH,
	  "PCMU/8000", 8000, 20, 160, 87200, 2000, true },
	/* ptime 30 capped by maxptime 20 */
	{ "PCMU ptime 30 maxptime 20", AUDIO(30, 20, 0, 0, { PCMU }), {}, V4, ETH,
	  "PCMU/8000", 8000, 20, 160, 87200, 2000, true },
	/* rtpmap spelling and case are kept; 2 channels: 320 + 58 = 378 x 400 */
	{ "pcmu/8000/2", AUDIO(20, 0, 0, 0, { { "0", 0, "pcmu", 8000, 2 } }), {},
	  V4, ETH, "pcmu/8000/2", 8000, 20, 320, 151200, 3600, true },
	/* SRTP: + 10-byte tag: 170 + 58 = 228 x 400 = 91200 */
	{ "PCMU RTP/SAVP", { VQ_KIND_AUDIO, "RTP/SAVP", 20, 0, 0, 0, { PCMU } }, {},
	  V4, ETH, "PCMU/8000", 8000, 20, 160, 91200, 2100, true },
	/* 170 + 78 = 248 x 400 = 99200 */
	{ "PCMU UDP/TLS/RTP/SAVPF v6",
	  { VQ_KIND_AUDIO, "UDP/TLS/RTP/SAVPF", 20, 0, 0, 0, { PCMU } }, {},
	  V6, ETH, "PCMU/8000", 8000, 20, 160, 99200, 2300, true },

	/* --- G.722: 64 kbit/s, RTP clock 8000 (RFC 3551 4.5.2) --- */
	{ "G722 20ms v4 eth", AUDIO(20, 0, 0, 0, { G722 }), {}, V4, ETH,
	  "G722/8000", 8000, 20, 160, 87200, 2000, true },
	/* a wrong G722/16000 rtpmap changes the clock, not the bit rate */
	{ "G722/16000 rtpmap", AUDIO(20, 0, 0, 0, { { "9", 9, "G722", 16000 } }), {},
	  V4, ETH, "G722/16000", 16000, 20, 160, 87200, 2000, true },

	/* --- G.729: 10 bytes per 10 ms frame --- */
	/* 20 + 58 = 78 x 400 = 31200 (the reference) */
	{ "G729 20ms v4 eth", AUDIO(20, 0, 0, 0, { G729 }), {}, V4, ETH,
	  "G729/8000", 8000, 20, 20, 31200, 600, true },
	/* 20 + 78 = 98 x 400 = 39200 */
	{ "G729 20ms v6 eth", AUDIO(20, 0, 0, 0, { G729 }), {}, V6, ETH,
	  "G729/8000", 8000, 20, 20, 39200, 800, true },
	/* 20 + 62 = 82 x 400 = 32800 */
	{ "G729 20ms v4 vlan", AUDIO(20, 0, 0, 0, { G729 }), {}, V4, VLAN,
	  "G729/8000", 8000, 20, 20, 32800, 600, true },
	/* 20 + 82 = 102 x 400 = 40800 */
	{ "G729 20ms v6 vlan", AUDIO(20, 0, 0, 0, { G729 }), {}, V6, VLAN,
	  "G729/8000", 8000, 20, 20, 40800, 800, true },
	/* 20 + 66 = 86 x 400 = 34400 */
	{ "G729 20ms v4 pppoe", AUDIO(20, 0, 0, 0, { G729 }), {}, V4, PPPOE,
	  "G729/8000", 8000, 20, 20, 34400, 600, true },
	/* 30 + 58 = 88 x 8000 / 30 = 23466.7 -> 23467 */
	{ "G729 30ms v4 eth", AUDIO(30, 0, 0, 0, { G729 }), {}, V4, ETH,
	  "G729/8000", 8000, 30, 30, 23467, 467, true },
	/* 10 + 58 = 68 x 800 = 54400 */
	{ "G729 10ms v4 eth", AUDIO(10, 0, 0, 0, { G729 }), {}, V4, ETH,
	  "G729/8000", 8000, 10, 10, 54400, 1000, true },
	/* 40 + 86 = 126 x 200 = 25200 */
	{ "G729 40ms v6 pppoe", AUDIO(40, 0, 0, 0, { G729 }), {}, V6, PPPOE,
	  "G729/8000", 8000, 40, 40, 25200, 500, true },
	/* ptime 25 is not whole frames: down to 20 */
	{ "G729 ptime 25 -> 20", AUDIO(25, 0, 0, 0, { G729 }), {}, V4, ETH,
	  "G729/8000", 8000, 20, 20, 31200, 600, true },
	/* ptime 5 is less than a frame: one frame, 10 ms */
	{ "G729 ptime 5 -> 10", AUDIO(5, 0, 0, 0, { G729 }), {}, V4, ETH,
	  "G729/8000", 8000, 10, 10, 54400, 1000, true },
	/* telephone-event and CN before it are skipped */
	{ "G729 after CN", AUDIO(20, 0, 0, 0, { CN, G729 }), {}, V4, ETH,
	  "G729/8000", 8000, 20, 20, 31200, 600, true },
	{ "PCMU after telephone-event", AUDIO(20, 0, 0, 0, { TEL, PCMU }), {}, V4, ETH,
	  "PCMU/8000", 8000, 20, 160, 87200, 2000, true },

	/* --- GSM 06.10: 33 bytes per 20 ms --- */
	/* 33 + 58 = 91 x 400 = 36400 */
	{ "GSM 20ms v4 eth", AUDIO(20, 0, 0, 0, { GSM }), {}, V4, ETH,
	  "GSM/8000", 8000, 20, 33, 36400, 730, true },
	/* 66 + 78 = 144 x 200 = 28800 */
	{ "GSM 40ms v6 eth", AUDIO(40, 0, 0, 0, { GSM }), {}, V6, ETH,
	  "GSM/8000", 8000, 40, 66, 28800, 630, true },
	/* 30 is not whole 20 ms frames: 20 */
	{ "GSM ptime 30 -> 20", AUDIO(30, 0, 0, 0, { GSM }), {}, V4, ETH,
	  "GSM/8000", 8000, 20, 33, 36400, 730, true },

	/* --- G.723.1: 24 bytes per 30 ms --- */
	/* 24 + 58 = 82 x 8000 / 30 = 21866.7 -> 21867 */
	{ "G723 default 30ms v4 eth", AUDIO(0, 0, 0, 0, { G723 }), {}, V4, ETH,
	  "G723/8000", 8000, 30, 24, 21867, 427, true },
	/* 48 + 58 = 106 x 8000 / 60 = 14133.3 -> 14134 */
	{ "G723 60ms v4 eth", AUDIO(60, 0, 0, 0, { G723 }), {}, V4, ETH,
	  "G723/8000", 8000, 60, 48, 14134, 294, true },
	/* 24 + 78 = 102 x 8000 / 30 = 27200 */
	{ "G723 30ms v6 eth", AUDIO(30, 0, 0, 0, { G723 }), {}, V6, ETH,
	  "G723/8000", 8000, 30, 24, 27200, 560, true },
	/* a=ptime:20 is less than a frame: one 30 ms frame */
	{ "G723 ptime 20 -> 30", AUDIO(20, 0, 0, 0, { G723 }), {}, V4, ETH,
	  "G723/8000", 8000, 30, 24, 21867, 427, true },

	/* --- iLBC: mode 30 = 50 bytes / 30 ms, mode 20 = 38 bytes / 20 ms --- */
	/* no mode: 30; 50 + 58 = 108 x 8000 / 30 = 28800 */
	{ "iLBC no mode", AUDIO(0, 0, 0, 0, { { "97", 97, "iLBC", 8000 } }), {},
	  V4, ETH, "iLBC/8000", 8000, 30, 50, 28800, 600, true },
	/* mode=20, no ptime: 20 ms; 38 + 58 = 96 x 400 = 38400 */
	{ "iLBC mode 20", AUDIO(0, 0, 0, 0, { { "97", 97, "iLBC", 8000, .ilbc = 20 } }),
	  {}, V4, ETH, "iLBC/8000", 8000, 20, 38, 38400, 780, true },
	/* mode=20 ptime 40: 76 + 58 = 134 x 200 = 26800 */
	{ "iLBC mode 20 ptime 40",
	  AUDIO(40, 0, 0, 0, { { "97", 97, "iLBC", 8000, .ilbc = 20 } }), {},
	  V4, ETH, "iLBC/8000", 8000, 40, 76, 26800, 580, true },
	/* mode=30 wins over ptime 20: one 30 ms frame, 28800 */
	{ "iLBC mode 30 ptime 20",
	  AUDIO(20, 0, 0, 0, { { "97", 97, "iLBC", 8000, .ilbc = 30 } }), {},
	  V4, ETH, "iLBC/8000", 8000, 30, 50, 28800, 600, true },
	/* mode 30 ptime 60: 100 + 58 = 158 x 8000 / 60 = 21066.7 -> 21067 */
	{ "iLBC mode 30 ptime 60",
	  AUDIO(60, 0, 0, 0, { { "97", 97, "iLBC", 8000, .ilbc = 30 } }), {},
	  V4, ETH, "iLBC/8000", 8000, 60, 100, 21067, 467, true },
	/* answer mode=20, receiver without mode (= 30): RFC 3952, 30 */
	{ "iLBC mode mismatch -> 30",
	  AUDIO(0, 0, 0, 0, { { "98", 98, "iLBC", 8000, .ilbc = 20 } }),
	  AUDIO(0, 0, 0, 0, { PCMU, { "97", 97, "ilbc", 8000 } }),
	  V4, ETH, "iLBC/8000", 8000, 30, 50, 28800, 600, true },
	/* both say 20, different payload type numbers */
	{ "iLBC mode 20 both sides",
	  AUDIO(0, 0, 0, 0, { { "98", 98, "iLBC", 8000, .ilbc = 20 } }),
	  AUDIO(0, 0, 0, 0, { { "97", 97, "iLBC", 8000, .ilbc = 20 } }),
	  V4, ETH, "iLBC/8000", 8000, 20, 38, 38400, 780, true },
	/* 50 + 86 = 136 x 8000 / 30 = 36266.7 -> 36267 */
	{ "iLBC 30ms v6 pppoe", AUDIO(30, 0, 0, 0, { { "97", 97, "iLBC", 8000 } }),
	  {}, V6, PPPOE, "iLBC/8000", 8000, 30, 50, 36267, 734, true },

	/* --- AMR (RFC 4867), 12.2 kbit/s = 244 bits per 20 ms frame --- */
	/* BE: 4 + 6 + 244 = 254 bits -> 32 B; 32 + 58 = 90 x 400 = 36000 */
	{ "AMR 12.2 BE", AUDIO(20, 0, 0, 0, { { "96", 96, "AMR", 8000 } }), {},
	  V4, ETH, "AMR/8000", 8000, 20, 32, 36000, 720, true },
	/* OA: 1 + 1 + 31 = 33 B; 91 x 400 = 36400 */
	{ "AMR 12.2 OA", AUDIO(20, 0, 0, 0, { { "96", 96, "AMR", 8000, .oa = true } }),
	  {}, V4, ETH, "AMR/8000", 8000, 20, 33, 36400, 730, true },
	/* mode-set=0,2,5: 7.95 = 159 bits; BE 4+6+159 = 169 -> 22 B; 80 x 400 */
	{ "AMR mode-set 5 BE",
	  AUDIO(20, 0, 0, 0, { { "96", 96, "AMR", 8000, .mset = 6 } }), {},
	  V4, ETH, "AMR/8000", 8000, 20, 22, 32000, 620, true },
	/* OA: 1 + 1 + 20 = 22 B; 32000 */
	{ "AMR mode-set 5 OA",
	  AUDIO(20, 0, 0, 0, { { "96", 96, "AMR", 8000, .oa = true, .mset = 6 } }), {},
	  V4, ETH, "AMR/8000", 8000, 20, 22, 32000, 620, true },
	/* BE 40 ms: 4 + 2 x (6 + 244) = 504 bits = 63 B; 121 x 200 = 24200 */
	{ "AMR 12.2 BE 40ms",
	  AUDIO(40, 0, 0, 0, { { "96", 96, "AMR", 8000 } }), {},
	  V4, ETH, "AMR/8000", 8000, 40, 63, 24200, 515, true },
	/* OA 40 ms: 1 + 2 + 2 x 31 = 65 B; 123 x 200 = 24600 */
	{ "AMR 12.2 OA 40ms",
	  AUDIO(40, 0, 0, 0, { { "96", 96, "AMR", 8000, .oa = true } }), {},
	  V4, ETH, "AMR/8000", 8000, 40, 65, 24600, 525, true },
	/* 32 + 78 = 110 x 400 = 44000 */
	{ "AMR 12.2 BE v6", AUDIO(20, 0, 0, 0, { { "96", 96, "AMR", 8000 } }), {},
	  V6, ETH, "AMR/8000", 8000, 20, 32, 44000, 920, true },
	/* mode-set only in the answer, none at the receiver: all modes */
	{ "AMR mode-set one side",
	  AUDIO(20, 0, 0, 0, { { "96", 96, "AMR", 8000, .mset = 6 } }),
	  AUDIO(20, 0, 0, 0, { { "97", 97, "AMR", 8000 } }),
	  V4, ETH, "AMR/8000", 8000, 20, 32, 36000, 720, true },
	/* mode-set 0-2 and 0-5: the larger, 7.95 -> 32000 */
	{ "AMR mode-set both sides",
	  AUDIO(20, 0, 0, 0, { { "96", 96, "AMR", 8000, .mset = 3 } }),
	  AUDIO(20, 0, 0, 0, { { "96", 96, "AMR", 8000, .mset = 6 } }),
	  V4, ETH, "AMR/8000", 8000, 20, 22, 32000, 620, true },
	/* octet-align on one side only: the larger OA form, 36400 */
	{ "AMR OA one side",
	  AUDIO(20, 0, 0, 0, { { "96", 96, "AMR", 8000 } }),
	  AUDIO(20, 0, 0, 0, { { "96", 96, "AMR", 8000, .oa = true } }),
	  V4, ETH, "AMR/8000", 8000, 20, 33, 36400, 730, true },

	/* --- AMR-WB, 23.85 kbit/s = 477 bits per 20 ms frame --- */
	/* BE: 4 + 6 + 477 = 487 bits -> 61 B; 119 x 400 = 47600 */
	{ "AMR-WB 23.85 BE",
	  AUDIO(20, 0, 0, 0, { { "96", 96, "AMR-WB", 16000 } }), {},
	  V4, ETH, "AMR-WB/16000", 16000, 20, 61, 47600, 1010, true },
	/* OA: 1 + 1 + 60 = 62 B; 120 x 400 = 48000 */
	{ "AMR-WB 23.85 OA",
	  AUDIO(20, 0, 0, 0, { { "96", 96, "AMR-WB", 16000, .oa = true } }), {},
	  V4, ETH, "AMR-WB/16000", 16000, 20, 62, 48000, 1020, true },
	/* mode-set=0,1,2: 12.65 = 253 bits; BE 263 -> 33 B; 91 x 400 */
	{ "AMR-WB mode-set 2 BE",
	  AUDIO(20, 0, 0, 0, { { "96", 96, "AMR-WB", 16000, .mset = 3 } }), {},
	  V4, ETH, "AMR-WB/16000", 16000, 20, 33, 36400, 730, true },
	/* OA: 1 + 1 + 32 = 34 B; 92 x 400 = 36800 */
	{ "AMR-WB mode-set 2 OA",
	  AUDIO(20, 0, 0, 0, { { "96", 96, "AMR-WB", 16000, .oa = true, .mset = 3 } }),
	  {}, V4, ETH, "AMR-WB/16000", 16000, 20, 34, 36800, 740, true },
	/* BE 60 ms: 4 + 3 x 483 = 1453 bits -> 182 B; 240 x 8000 / 60 = 32000 */
	{ "AMR-WB BE 60ms",
	  AUDIO(60, 0, 0, 0, { { "96", 96, "AMR-WB", 16000 } }), {},
	  V4, ETH, "AMR-WB/16000", 16000, 60, 182, 32000, 740, true },

	/* --- Opus: rate from maxaveragebitrate > TIAS > AS > opus_kbps --- */
	/* 40 kbit/s (config): 100 + 58 = 158 x 400 = 63200 */
	{ "opus default 40k",
	  AUDIO(20, 0, 0, 0, { { "111", 111, "opus", 48000, 2 } }), {},
	  V4, ETH, "opus/48000/2", 48000, 20, 100, 63200, 1400, false },
	/* 20 kbit/s: 50 + 58 = 108 x 400 = 43200 */
	{ "opus maxaveragebitrate 20000",
	  AUDIO(20, 0, 0, 0, { { "111", 111, "opus", 48000, 2, .maxavg = 20000 } }),
	  {}, V4, ETH, "opus/48000/2", 48000, 20, 50, 43200, 900, true },
	/* TIAS 32000: 80 + 58 = 138 x 400 = 55200 */
	{ "opus TIAS 32000",
	  AUDIO(20, 0, 0, 32000, { { "111", 111, "opus", 48000, 2 } }), {},
	  V4, ETH, "opus/48000/2", 48000, 20, 80, 55200, 1200, true },
	/* AS 24: 60 + 58 = 118 x 400 = 47200 */
	{ "opus AS 24",
	  AUDIO(20, 0, 24, 0, { { "111", 111, "opus", 48000, 2 } }), {},
	  V4, ETH, "opus/48000/2", 48000, 20, 60, 47200, 1000, true },
	/* maxaveragebitrate beats TIAS and AS */
	{ "opus maxavg over TIAS/AS",
	  AUDIO(20, 0, 24, 32000, { { "111", 111, "opus", 48000, 2, .maxavg = 20000 } }),
	  {}, V4, ETH, "opus/48000/2", 48000, 20, 50, 43200, 900, true },
	/* 16 kbit/s 60 ms: 120 + 58 = 178 x 8000 / 60 = 23733.3 -> 23734 */
	{ "opus 16k 60ms",
	  AUDIO(60, 0, 0, 0, { { "111", 111, "opus", 48000, 2, .maxavg = 16000 } }),
	  {}, V4, ETH, "opus/48000/2", 48000, 60, 120, 23734, 534, true },
	/* 1000 bit/s is below Opus' 6 kbit/s: 15 + 58 = 73 x 400 = 29200 */
	{ "opus maxavg below 6k",
	  AUDIO(20, 0, 0, 0, { { "111", 111, "opus", 48000, 2, .maxavg = 1000 } }),
	  {}, V4, ETH, "opus/48000/2", 48000, 20, 15, 29200, 550, true },
	/* 600000 is above 510 kbit/s: 1275 + 58 = 1333 x 400 = 533200 */
	{ "opus maxavg above 510k",
	  AUDIO(20, 0, 0, 0, { { "111", 111, "opus", 48000, 2, .maxavg = 600000 } }),
	  {}, V4, ETH, "opus/48000/2", 48000, 20, 1275, 533200, 13150, true },
	/* ptime 150 > Opus' 120: default 20 */
	{ "opus ptime 150 ignored",
	  AUDIO(150, 0, 0, 0, { { "111", 111, "opus", 48000, 2 } }), {},
	  V4, ETH, "opus/48000/2", 48000, 20, 100, 63200, 1400, false },
	/* maxptime 10: 50 + 58 = 108 x 800 = 86400 */
	{ "opus maxptime 10",
	  AUDIO(20, 10, 0, 0, { { "111", 111, "opus", 48000, 2 } }), {},
	  V4, ETH, "opus/48000/2", 48000, 10, 50, 86400, 1800, false },
	/* maxaveragebitrate of the answer does not apply towards the offerer */
	{ "opus maxavg is the receiver's",
	  AUDIO(20, 0, 0, 0, { { "111", 111, "opus", 48000, 2, .maxavg = 20000 } }),
	  AUDIO(20, 0, 0, 0, { { "96", 96, "OPUS", 48000, 2 } }),
	  V4, ETH, "opus/48000/2", 48000, 20, 100, 63200, 1400, false },
	{ "opus receiver maxavg by name",
	  AUDIO(20, 0, 0, 0, { { "111", 111, "opus", 48000, 2 } }),
	  AUDIO(20, 0, 0, 0, { PCMU, { "96", 96, "OPUS", 48000, 2, .maxavg = 20000 } }),
	  V4, ETH, "opus/48000/2", 48000, 20, 50, 43200, 900, true },
	/* receiver's ptime, not the answer's: 40 ms, 200 + 58 = 258 x 200 */
	{ "opus receiver ptime",
	  AUDIO(20, 0, 0, 0, { { "111", 111, "opus", 48000, 2 } }),
	  AUDIO(40, 0, 0, 0, { { "111", 111, "opus", 48000, 2 } }),
	  V4, ETH, "opus/48000/2", 48000, 40, 200, 51600, 1200, false },

	/* --- the other RFC 3551 codecs --- */
	/* G.726-32: 4 bytes/ms, 80 + 58 = 138 x 400 = 55200 */
	{ "G726-32 20ms", AUDIO(20, 0, 0, 0, { { "2", 2, "G726-32", 8000 } }), {},
	  V4, ETH, "G726-32/8000", 8000, 20, 80, 55200, 1200, true },
	/* G.728: 10 bytes / 5 ms; 40 + 58 = 98 x 400 = 39200 */
	{ "G728 20ms", AUDIO(20, 0, 0, 0, { { "15", 15, "", 8000 } }), {},
	  V4, ETH, "G728/8000", 8000, 20, 40, 39200, 800, true },
	/* ptime 12 -> 10: 20 + 58 = 78 x 800 = 62400 */
	{ "G728 ptime 12 -> 10", AUDIO(12, 0, 0, 0, { { "15", 15, "", 8000 } }), {},
	  V4, ETH, "G728/8000", 8000, 10, 20, 62400, 1200, true },
	/* L16/16000 mono: 640 + 58 = 698 x 400 = 279200 */
	{ "L16/16000", AUDIO(20, 0, 0, 0, { { "96", 96, "L16", 16000 } }), {},
	  V4, ETH, "L16/16000", 16000, 20, 640, 279200, 6800, true },
	/* PT 11 = L16/44100 mono: 1764 + 58 = 1822 x 400 = 728800 */
	{ "L16 PT 11", AUDIO(20, 0, 0, 0, { { "11", 11, "", 0 } }), {},
	  V4, ETH, "L16/44100", 44100, 20, 1764, 728800, 18040, true },
	/* PT 10 = L16/44100/2: 3528 + 58 = 3586 x 400 = 1434400 */
	{ "L16 PT 10", AUDIO(20, 0, 0, 0, { { "10", 10, "", 0 } }), {},
	  V4, ETH, "L16/44100/2", 44100, 20, 3528, 1434400, 35680, true },
	/* DVI4 PT 5: 80 + 4 header = 84 + 58 = 142 x 400 = 56800 */
	{ "DVI4 PT 5", AUDIO(20, 0, 0, 0, { { "5", 5, "", 0 } }), {},
	  V4, ETH, "DVI4/8000", 8000, 20, 84, 56800, 1240, true },

	/* --- audio without a model: b=TIAS > b=AS > unknown_audio_kbps --- */
	/* 64 kbit/s like G.711: 87200 */
	{ "unknown audio default",
	  AUDIO(20, 0, 0, 0, { { "97", 97, "SPEEX", 16000 } }), {},
	  V4, ETH, "SPEEX/16000", 16000, 20, 160, 87200, 2000, false },
	/* AS 32: 80 + 58 = 138 x 400 = 55200 */
	{ "unknown audio AS 32",
	  AUDIO(20, 0, 32, 0, { { "97", 97, "SPEEX", 16000 } }), {},
	  V4, ETH, "SPEEX/16000", 16000, 20, 80, 55200, 1200, true },
	/* TIAS 20000 at 30 ms: 75 + 58 = 133 x 8000 / 30 = 35466.7 -> 35467 */
	{ "unknown audio TIAS 30ms",
	  AUDIO(30, 0, 32, 20000, { { "97", 97, "SPEEX", 16000 } }), {},
	  V4, ETH, "SPEEX/16000", 16000, 30, 75, 35467, 767, true },
	/* only telephone-event: sized as unknown, 64 kbit/s */
	{ "only telephone-event", AUDIO(20, 0, 0, 0, { TEL }), {},
	  V4, ETH, "telephone-event/8000", 8000, 20, 160, 87200, 2000, false },
	/* dynamic PT without rtpmap: named by its number, no clock */
	{ "PT 96 without rtpmap", AUDIO(20, 0, 0, 0, { { "96", 96, "", 0 } }), {},
	  V4, ETH, "96", 0, 20, 160, 87200, 2000, false },

	/* --- video: 1200-byte payloads carry b=TIAS > b=AS > video_kbps --- */
	/*
	 * 1500 kbit/s: 156.25 pkt/s; (1200 + 58) x 8 x 156.25 = 1572500;
	 * burst 300 ms of IP: 1240 x 156.25 x 0.3 = 58125
	 */
	{ "video default 1500k",
	  { VQ_KIND_VIDEO, NULL, 0, 0, 0, 0, { { "96", 96, "H264", 90000 } } }, {},
	  V4, ETH, "H264/90000", 90000, 0, 1200, 1572500, 58125, false },
	/* TIAS 384000 v6: 40 pkt/s; 1278 x 8 x 40 = 408960; 1260 x 12 = 15120 */
	{ "video TIAS v6",
	  { VQ_KIND_VIDEO, NULL, 0, 0, 0, 384000, { { "96", 96, "VP8", 90000 } } }, {},
	  V6, ETH, "VP8/90000", 90000, 0, 1200, 408960, 15120, true },
	/*
	 * AS 512: 53.3334 pkt/s (rounded up, x1000 = 53334);
	 * 1258 x 8 x 53.334 = 536753.4 -> 536754; 1240 x 53.334 x 0.3 = 19840.2
	 * -> 19841
	 */
	{ "video AS 512",
	  { VQ_KIND_VIDEO, NULL, 0, 0, 512, 0, { { "96", 96, "H264", 90000 } } }, {},
	  V4, ETH, "H264/90000", 90000, 0, 1200, 536754, 19841, true },
	/*
	 * SRTP, TIAS 1 Mbit/s, VLAN: 104.167 pkt/s; 1200 + 10 + 62 = 1272 B;
	 * 1272 x 8 x 104.167 = 1060003.4 -> 1060004;
	 * IP 1250 x 104.167 x 0.3 = 39062.6 -> 39063
	 */
	{ "video SAVPF TIAS 1M vlan",
	  { VQ_KIND_VIDEO, "RTP/SAVPF", 0, 0, 0, 1000000, { { "96", 96, "H264", 90000 } } },
	  {}, V4, VLAN, "H264/90000", 90000, 0, 1200, 1060004, 39063, true },

	/* --- image: T.38 at image_kbps in 20 ms packets --- */
	/* UDPTL, no RTP: 160 + 8 + 20 + 18 = 206 x 400 = 82400; 3 x 188 */
	{ "T.38 udptl v4",
	  { VQ_KIND_IMAGE, "udptl", 0, 0, 0, 0, { { "t38", -1, "", 0 } } }, {},
	  V4, ETH, "t38", 0, 20, 160, 82400, 1880, false },
	/* 160 + 8 + 40 + 18 = 226 x 400 = 90400 */
	{ "T.38 udptl v6",
	  { VQ_KIND_IMAGE, "UDPTL", 0, 0, 0, 0, { { "t38", -1, "", 0 } } }, {},
	  V6, ETH, "t38", 0, 20, 160, 90400, 2080, false },
	/* receiver's ptime 40: 320 + 46 = 366 x 200 = 73200 */
	{ "T.38 udptl ptime 40",
	  { VQ_KIND_IMAGE, "udptl", 0, 0, 0, 0, { { "t38", -1, "", 0 } } },
	  { VQ_KIND_IMAGE, "udptl", 40, 0, 0, 0, { { "t38", -1, "", 0 } } },
	  V4, ETH, "t38", 0, 40, 320, 73200, 1740, false },
	/* T.38 over RTP: with the RTP header, 160 + 58 = 87200 */
	{ "T.38 over RTP",
	  { VQ_KIND_IMAGE, "RTP/AVP", 0, 0, 0, 0, { { "96", 96, "t38", 8000 } } }, {},
	  V4, ETH, "t38/8000", 8000, 20, 160, 87200, 2000, false },
};

static void build(const struct line *l, struct vq_sdp_media *m)
{
	unsigned int i;

	memset(m, 0, sizeof(*m));
	m->kind = l->kind;
	snprintf(m->proto, sizeof(m->proto), "%s", l->proto ? l->proto : "RTP/AVP");
	m->port = 4000;
	m->ptime_ms = l->ptime;
	m->maxptime_ms = l->maxptime;
	m->bw_as_kbps = l->as;
	m->bw_tias_bps = l->tias;
	for (i = 0; i < 3 && l->fmt[i].id; i++) {
		struct vq_sdp_fmt *f = &m->fmt[i];
		const struct fmtv *v = &l->fmt[i];

		snprintf(f->id, sizeof(f->id), "%s", v->id);
		f->pt = v->pt;
		snprintf(f->name, sizeof(f->name), "%s", v->name);
		f->clock = v->clock;
		f->channels = v->ch ? v->ch : 1;
		f->maxaveragebitrate = v->maxavg;
		f->ilbc_mode = v->ilbc;
		f->octet_align = v->oa;
		f->mode_set_max = v->mset;
		m->nfmt++;
	}
}

static void check_bw(const char *name, const struct vq_bw *b, const char *codec,
		     uint32_t clock, uint32_t ptime, uint32_t payload,
		     uint64_t wire, uint32_t burst, bool known)
{
	t_check(strcmp(b->codec, codec) == 0 && b->clock_rate == clock &&
		b->ptime_ms == ptime && b->payload_bytes == payload &&
		b->wire_bps == wire && (!burst || b->burst_bytes == burst) &&
		b->known == known, name,
		"got %s clock %u ptime %u payload %u wire %" PRIu64
		" burst %u known %d; want %s clock %u ptime %u payload %u wire %"
		PRIu64 " burst %u known %d", b->codec, b->clock_rate,
		b->ptime_ms, b->payload_bytes, b->wire_bps, b->burst_bytes,
		b->known, codec, clock, ptime, payload, wire, burst, known);
}

static void vectors(void)
{
	size_t i;

	for (i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
		const struct vec *v = &vecs[i];
		struct vq_sdp_media a, r;
		struct vq_bw_cfg cfg;
		struct vq_bw b;
		char name[128];
		int rc;

		vq_bw_cfg_default(&cfg);
		cfg.l2_overhead = v->l2;
		build(&v->a, &a);
		if (v->r.fmt[0].id)
			build(&v->r, &r);
		snprintf(name, sizeof(name), "bw %s", v->name);
		rc = vq_bw_stream(&a, v->r.fmt[0].id ? &r : &a, v->fam, &cfg, &b);
		if (!t_check(rc == 0, name, "returned %d", rc))
			continue;
		check_bw(name, &b, v->codec, v->clock, v->ptime, v->payload,
			 v->wire, v->burst, v->known);
	}
}

/* Packet and payload rates that follow from the ptime, for a few streams. */
static void rates(void)
{
	static const struct {
		const char *name;
		struct fmtv f;
		uint32_t ptime, pps_milli, payload_bps;
	} cases[] = {
		{ "PCMU 20", PCMU, 20, 50000, 64000 },
		{ "PCMU 30", PCMU, 30, 33334, 64000 },	/* 33.333 up */
		{ "G729 20", G729, 20, 50000, 8000 },
		{ "GSM 20", GSM, 20, 50000, 13200 },
		/* 50 B / 30 ms = 13333.3 -> 13334 */
		{ "iLBC 30", { "97", 97, "iLBC", 8000 }, 30, 33334, 13334 },
		{ "G723 30", G723, 30, 33334, 6400 },	/* 24 B / 30 ms */
		{ "AMR BE 20", { "96", 96, "AMR", 8000 }, 20, 50000, 12800 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct line l = AUDIO(cases[i].ptime, 0, 0, 0, { cases[i].f });
		struct vq_sdp_media m;
		struct vq_bw_cfg cfg;
		struct vq_bw b;
		char name[64];

		vq_bw_cfg_default(&cfg);
		build(&l, &m);
		snprintf(name, sizeof(name), "bw rates %s", cases[i].name);
		vq_bw_stream(&m, &m, V4, &cfg, &b);
		t_check(b.pps_milli == cases[i].pps_milli &&
			b.payload_bps == cases[i].payload_bps, name,
			"pps_milli %u payload_bps %u, want %u %u", b.pps_milli,
			b.payload_bps, cases[i].pps_milli, cases[i].payload_bps);
	}
}

static void nothing_to_reserve(void)
{
	struct line other = { VQ_KIND_OTHER, "TCP/MSRP", 0, 0, 0, 0, { { "*", -1, "", 0 } } };
	struct line empty = AUDIO(20, 0, 0, 0, { { NULL } });
	struct vq_sdp_media m;
	struct vq_bw_cfg cfg;
	struct vq_bw b;

	vq_bw_cfg_default(&cfg);
	build(&other, &m);
	t_check(vq_bw_stream(&m, &m, V4, &cfg, &b) == -1 && b.wire_bps == 0,
		"bw kind other: nothing", "wire %" PRIu64, b.wire_bps);
	build(&empty, &m);
	t_check(vq_bw_stream(&m, &m, V4, &cfg, &b) == -1,
		"bw no format: nothing", "accepted");
	/* NULL receiver: the answer's own line */
	build(&(struct line)AUDIO(20, 0, 0, 0, { G729 }), &m);
	t_check(vq_bw_stream(&m, NULL, V4, &cfg, &b) == 0 && b.wire_bps == 31200,
		"bw NULL receiver", "wire %" PRIu64, b.wire_bps);
}

/* Absurd values from a hostile SDP: bounded results, no overflow. */
static void absurd(void)
{
	struct vq_sdp_media m;
	struct vq_bw_cfg cfg;
	struct vq_bw b;
	int rc;

	vq_bw_cfg_default(&cfg);
	build(&(struct line)AUDIO(200, 0, 0, 0,
		{ { "96", 96, "L16", 0xffffffff, 255 } }), &m);
	rc = vq_bw_stream(&m, &m, V6, &cfg, &b);
	/* clock bounded to the kernel's 1 MHz, payload to a datagram */
	t_check(rc == 0 && b.clock_rate == 1000000 && b.payload_bytes == 65535 &&
		b.wire_bps == (65535ULL + 78) * 8000 / 200 &&
		b.burst_bytes == 3 * (65535 + 60), "bw absurd L16",
		"rc %d clock %u payload %u wire %" PRIu64 " burst %u", rc,
		b.clock_rate, b.payload_bytes, b.wire_bps, b.burst_bytes);

	build(&(struct line)AUDIO(0xffffffff, 1, 0xffffffff, 0xffffffff,
		{ { "97", 97, "X-FOO", 8000 } }), &m);
	rc = vq_bw_stream(&m, &m, V4, &cfg, &b);
	/*
	 * TIAS capped at 100 Mbit/s; ptime invalid -> 20, maxptime 1 -> 1 ms:
	 * 12500 B + 58 = 12558 x 8000 = 100464000
	 */
	t_check(rc == 0 && b.ptime_ms == 1 && b.payload_bytes == 12500 &&
		b.wire_bps == 100464000, "bw absurd b=TIAS",
		"rc %d ptime %u payload %u wire %" PRIu64, rc, b.ptime_ms,
		b.payload_bytes, b.wire_bps);

	build(&(struct line){ VQ_KIND_VIDEO, NULL, 0, 0, 0, 0xffffffff,
		{ { "96", 96, "H264", 90000 } } }, &m);
	rc = vq_bw_stream(&m, &m, V4, &cfg, &b);
	/* 1e8 / 9600 = 10416.667 pkt/s -> 10416667 milli; 1258 x 8 x that */
	t_check(rc == 0 && b.pps_milli == 10416667 &&
		b.wire_bps == (1258ULL * 8 * 10416667 + 999) / 1000,
		"bw absurd video TIAS", "rc %d pps %u wire %" PRIu64, rc,
		b.pps_milli, b.wire_bps);

	/* more formats claimed than the array holds: only the array is read */
	build(&(struct line)AUDIO(20, 0, 0, 0, { TEL }), &m);
	m.nfmt = 100000;
	rc = vq_bw_stream(&m, &m, V4, &cfg, &b);
	t_check(rc == 0, "bw nfmt beyond the array", "rc %d", rc);

	/* AMR mode-set beyond the last mode: the last mode */
	build(&(struct line)AUDIO(20, 0, 0, 0,
		{ { "96", 96, "AMR", 8000, .mset = 200 } }), &m);
	rc = vq_bw_stream(&m, &m, V4, &cfg, &b);
	t_check(rc == 0 && b.wire_bps == 36000, "bw AMR mode-set 200",
		"wire %" PRIu64, b.wire_bps);

	/* an unknown family is sized as IPv6, the larger header */
	build(&(struct line)AUDIO(20, 0, 0, 0, { PCMU }), &m);
	vq_bw_stream(&m, &m, 0, &cfg, &b);
	t_check(b.wire_bps == 95200, "bw unknown family as IPv6",
		"wire %" PRIu64, b.wire_bps);

	/* a configured L2 beyond 256 is bounded */
	cfg.l2_overhead = 100000;
	vq_bw_stream(&m, &m, V4, &cfg, &b);
	t_check(b.wire_bps == (160ULL + 40 + 256) * 400, "bw L2 bounded",
		"wire %" PRIu64, b.wire_bps);
}

static void plan(void)
{
	static const struct {
		const char *name;
		uint32_t ptime;
		uint16_t fam;
		unsigned int l2;
		int rc;
		const char *codec;
		uint32_t used_ptime;
		uint64_t wire;
	} cases[] = {
		{ "PCMU", 20, V4, ETH, 0, "PCMU/8000", 20, 87200 },
		{ "pcmu", 0, V4, ETH, 0, "PCMU/8000", 20, 87200 },
		{ "G711U", 20, V4, ETH, 0, "PCMU/8000", 20, 87200 },
		{ "g711a", 20, V4, ETH, 0, "PCMA/8000", 20, 87200 },
		{ "ulaw", 20, V4, ETH, 0, "PCMU/8000", 20, 87200 },
		{ "ALAW", 20, V4, ETH, 0, "PCMA/8000", 20, 87200 },
		{ "G.711a", 30, V4, ETH, 0, "PCMA/8000", 30, 79467 },
		{ "PCMU", 20, V6, ETH, 0, "PCMU/8000", 20, 95200 },
		{ "PCMU", 20, V4, PPPOE, 0, "PCMU/8000", 20, 90400 },
		{ "PCMU", 20, V4, VLAN, 0, "PCMU/8000", 20, 88800 },
		{ "G729", 20, V4, ETH, 0, "G729/8000", 20, 31200 },
		{ "g.729a", 0, V4, ETH, 0, "G729/8000", 20, 31200 },
		{ "G729", 30, V4, ETH, 0, "G729/8000", 30, 23467 },
		{ "G729", 20, V6, PPPOE, 0, "G729/8000", 20, 42400 },	/* 106 x 400 */
		{ "G722", 20, V4, ETH, 0, "G722/8000", 20, 87200 },
		{ "GSM", 0, V4, ETH, 0, "GSM/8000", 20, 36400 },
		{ "G723", 0, V4, ETH, 0, "G723/8000", 30, 21867 },
		{ "G.723.1", 60, V4, ETH, 0, "G723/8000", 60, 14134 },
		{ "iLBC", 0, V4, ETH, 0, "iLBC/8000", 30, 28800 },
		{ "ilbc", 20, V4, ETH, 0, "iLBC/8000", 20, 38400 },
		{ "iLBC", 40, V4, ETH, 0, "iLBC/8000", 40, 26800 },
		{ "iLBC", 60, V4, ETH, 0, "iLBC/8000", 60, 21067 },	/* mode 30 */
		{ "AMR", 20, V4, ETH, 0, "AMR/8000", 20, 36000 },
		{ "amr-wb", 20, V4, ETH, 0, "AMR-WB/16000", 20, 47600 },
		{ "opus", 20, V4, ETH, 0, "opus/48000/2", 20, 63200 },
		{ "L16", 20, V4, ETH, 0, "L16/8000", 20, 151200 },	/* 378 x 400 */
		{ "t38", 0, V4, ETH, 0, "t38", 20, 82400 },
		{ "video", 0, V4, ETH, 0, "video", 0, 1572500 },
		{ "G729", 25, V4, ETH, 0, "G729/8000", 20, 31200 },
		{ "telephone-event", 20, V4, ETH, -1, "", 0, 0 },
		{ "CN", 20, V4, ETH, -1, "", 0, 0 },
		{ "nonsense", 20, V4, ETH, -1, "", 0, 0 },
		{ "", 20, V4, ETH, -1, "", 0, 0 },
	};
	struct vq_bw_cfg cfg;
	struct vq_bw b;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char name[96];

		vq_bw_cfg_default(&cfg);
		cfg.l2_overhead = cases[i].l2;
		snprintf(name, sizeof(name), "bw plan '%s' ptime %u l2 %u v%d",
			 cases[i].name, cases[i].ptime, cases[i].l2,
			 cases[i].fam == V4 ? 4 : 6);
		rc = vq_bw_codec(cases[i].name, cases[i].ptime, cases[i].fam,
				 &cfg, &b);
		t_check(rc == cases[i].rc && strcmp(b.codec, cases[i].codec) == 0 &&
			b.ptime_ms == cases[i].used_ptime &&
			b.wire_bps == cases[i].wire, name,
			"rc %d %s ptime %u wire %" PRIu64 ", want rc %d %s %u %" PRIu64,
			rc, b.codec, b.ptime_ms, b.wire_bps, cases[i].rc,
			cases[i].codec, cases[i].used_ptime, cases[i].wire);
	}
	vq_bw_cfg_default(&cfg);
	t_check(vq_bw_codec(NULL, 20, V4, &cfg, &b) == -1, "bw plan NULL name",
		"accepted");

	/* Every name the table lists sizes, and each is listed once. */
	for (i = 0; vq_bw_codec_name(i); i++) {
		const char *n = vq_bw_codec_name(i);
		char name[64];
		size_t j;
		bool dup = false;

		for (j = 0; j < i; j++)
			dup |= strcmp(vq_bw_codec_name(j), n) == 0;
		snprintf(name, sizeof(name), "bw plan listed codec %s", n);
		rc = vq_bw_codec(n, 0, V4, &cfg, &b);
		t_check(rc == 0 && b.wire_bps > 0 && !dup, name,
			"rc %d wire %" PRIu64 " dup %d", rc, b.wire_bps, dup);
	}
	t_check(i >= 20, "bw plan codec list", "only %zu names", i);
}

static void rtcp(void)
{
	static const struct {
		const char *name;
		uint64_t rtp;
		uint32_t pct;
		uint64_t wire;
		uint32_t burst;
	} cases[] = {
		/* 5% of 87200 = 4360; one second = 545 B < 3000 */
		{ "G711 5%", 87200, 5, 4360, 3000 },
		/* 5% of 31200 = 1560 */
		{ "G729 5%", 31200, 5, 1560, 3000 },
		/* 1% of 31200 = 312 < the 1000 floor */
		{ "G729 1%", 31200, 1, 1000, 3000 },
		/* 5% of 79467 = 3973.35 -> 3974 */
		{ "G711 30ms 5%", 79467, 5, 3974, 3000 },
		/* 5% of 1572500 = 78625; one second = 9828.1 -> 9829 B */
		{ "video 5%", 1572500, 5, 78625, 9829 },
		/* 100% of 87200; 10900 B */
		{ "G711 100%", 87200, 100, 87200, 10900 },
		/* a percentage above 100 is bounded to 100 */
		{ "G711 1000%", 87200, 1000, 87200, 10900 },
		/* a burst is bounded by the kernel's 16 MiB */
		{ "huge", 100000000000ULL, 100, 100000000000ULL, 16U << 20 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vq_bw_cfg cfg;
		struct vq_bw r = { .codec = "PCMU/8000", .clock_rate = 8000,
				   .ptime_ms = 20, .known = true }, o;
		char name[64];

		vq_bw_cfg_default(&cfg);
		cfg.rtcp_percent = cases[i].pct;
		r.wire_bps = cases[i].rtp;
		vq_bw_rtcp(&r, &cfg, &o);
		snprintf(name, sizeof(name), "bw rtcp %s", cases[i].name);
		t_check(o.wire_bps == cases[i].wire && o.burst_bytes == cases[i].burst &&
			strcmp(o.codec, "PCMU/8000") == 0 && o.clock_rate == 0 &&
			o.ptime_ms == 0 && o.known, name,
			"wire %" PRIu64 " burst %u codec %s clock %u, want %" PRIu64 " %u",
			o.wire_bps, o.burst_bytes, o.codec, o.clock_rate,
			cases[i].wire, cases[i].burst);
	}
}

static void wire(void)
{
	static const struct {
		uint32_t payload, pps_milli;
		uint16_t fam;
		unsigned int l2;
		uint64_t want;
	} cases[] = {
		{ 160, 50000, V4, ETH, 87200 },
		{ 20, 50000, V4, ETH, 31200 },
		{ 20, 50000, V6, ETH, 39200 },
		{ 160, 50000, V4, 0, 80000 },
		/* 30 ms from the rounded packet rate: 298 x 8 x 33.334 = 79468.3 */
		{ 240, 33334, V4, ETH, 79469 },
		{ 0, 0, V4, ETH, 0 },
		/* bounded payload and L2: (65535 + 40 + 256) x 8 x 1 */
		{ UINT32_MAX, 1000, V4, UINT32_MAX, (65535ULL + 40 + 256) * 8 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t w = vq_bw_wire(cases[i].payload, cases[i].pps_milli,
					cases[i].fam, cases[i].l2);
		char name[80];

		snprintf(name, sizeof(name), "bw wire %u B at %u mpps l2 %u", cases[i].payload,
			 cases[i].pps_milli, cases[i].l2);
		t_check(w == cases[i].want, name, "%" PRIu64 ", want %" PRIu64, w,
			cases[i].want);
	}
}

static void link_names(void)
{
	static const struct {
		const char *in;
		const char *err;	/* NULL: accepted */
		unsigned int want;
	} cases[] = {
		{ "ethernet", NULL, 18 }, { "Ethernet", NULL, 18 },
		{ "vlan", NULL, 22 }, { "pppoe", NULL, 26 }, { "PPPoE", NULL, 26 },
		{ "none", NULL, 0 }, { "0", NULL, 0 }, { "32", NULL, 32 },
		{ "256", NULL, 256 }, { "257", "0-256", 0 }, { "-1", "0-256", 0 },
		{ "", "0-256", 0 }, { "eth", "0-256", 0 }, { "18 ", "0-256", 0 },
		{ "0018", "0-256", 0 }, { "018", NULL, 18 }, { "0x12", "0-256", 0 },
		{ "99999999999", "0-256", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned int v = 12345;
		const char *err = vq_bw_parse_link(cases[i].in, &v);
		char name[64];

		snprintf(name, sizeof(name), "bw link '%s'", cases[i].in);
		if (cases[i].err)
			t_check(err && strstr(err, cases[i].err) && v == 12345, name,
				"got %s", err ? err : "(accepted)");
		else
			t_check(!err && v == cases[i].want, name, "got %s %u",
				err ? err : "", v);
	}
	t_check(vq_bw_parse_link(NULL, &(unsigned int){ 0 }) != NULL,
		"bw link NULL", "accepted");
}

static void defaults(void)
{
	struct vq_bw_cfg c;

	memset(&c, 0xa5, sizeof(c));
	vq_bw_cfg_default(&c);
	t_check(c.l2_overhead == 18 && c.unknown_audio_kbps == 64 &&
		c.video_kbps == 1500 && c.image_kbps == 64 && c.opus_kbps == 40 &&
		c.rtcp_percent == 5, "bw cfg defaults", "%u %u %u %u %u %u",
		c.l2_overhead, c.unknown_audio_kbps, c.video_kbps, c.image_kbps,
		c.opus_kbps, c.rtcp_percent);
}

T_SUITE(bandwidth)
{
	vectors();
	rates();
	nothing_to_reserve();
	absurd();
	plan();
	rtcp();
	wire();
	link_names();
	defaults();
}
