/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The egress shaper on each configured link: an HTB tree built, resized,
 * read and removed through libnl-route-3 (never by running tc), so that
 * admitted calls get a guaranteed voice rate that follows their
 * reservations. Documentation/shaping.md has the picture and the reasons.
 *
 *   5651:   root HTB, default 5651:30, on the given interface only
 *   5651:1  rate = ceil = link rate
 *     5651:10 voice        prio 0  rate = max(voice, min)   ceil = link   leaf 5610: fq_codel
 *     5651:20 signalling   prio 1  rate = signalling        ceil = link   leaf 5620: fq_codel
 *     5651:30 best effort  prio 2  rate = link - voice - sig ceil = link  leaf 5630: fq_codel
 *
 * The module steers packets by skb->priority = classid (VQ_CLASS_*), so
 * the tree needs no tc filters.
 *
 * Error convention of every function returning int: 0 on success, else a
 * negative errno; then, if errlen > 0, err holds one line (no newline)
 * "IFNAME: what failed: strerror(errno)" (or "IFNAME: what was wrong" for
 * bad input found before asking the kernel). err is untouched on success.
 */
#ifndef VQ_SHAPER_H
#define VQ_SHAPER_H

#include <stddef.h>
#include <stdint.h>

/* "VQ": the root handle's major; classids are major:minor. */
#define VQ_SHAPER_HANDLE	0x56510000U	/* 5651: */
#define VQ_CLASS_PARENT		0x56510001U	/* 5651:1 */
#define VQ_CLASS_VOICE		0x56510010U	/* 5651:10 */
#define VQ_CLASS_SIGNALLING	0x56510020U	/* 5651:20 */
#define VQ_CLASS_BEST_EFFORT	0x56510030U	/* 5651:30 */
/* The fq_codel leaves under the three classes. */
#define VQ_LEAF_VOICE		0x56100000U	/* 5610: */
#define VQ_LEAF_SIGNALLING	0x56200000U	/* 5620: */
#define VQ_LEAF_BEST_EFFORT	0x56300000U	/* 5630: */

/*
 * Rates are bit/s. libnl-route-3 builds HTB's rate tables and burst
 * times from a rate in bytes/s held in an int (rtnl_tc_calc_txtime), so a
 * link faster than VQ_SHAPER_MAX_BPS (INT32_MAX bytes/s, ~17.2 Gbit/s) is
 * refused; no class is given less than VQ_SHAPER_MIN_BPS (tc's usual 8
 * kbit floor: one small packet per 100 ms).
 */
#define VQ_SHAPER_MIN_BPS	8000ULL
#define VQ_SHAPER_MAX_BPS	(0x7fffffffULL * 8)
/* Link framing bytes per packet (VQ_L2_* in bandwidth.h; any up to this). */
#define VQ_SHAPER_MAX_OVERHEAD	256U
/* IFNAMSIZ, without <net/if.h> (it clashes with <linux/if.h>). */
#define VQ_SHAPER_IFNAMSIZ	16

enum vq_shaper_class {
	VQ_SHAPER_VOICE,
	VQ_SHAPER_SIGNALLING,
	VQ_SHAPER_BEST_EFFORT,
	VQ_SHAPER_NCLASSES
};

/* What vq_shaper_setup builds on one interface. */
struct vq_shaper_link {
	char ifname[VQ_SHAPER_IFNAMSIZ];
	uint64_t rate_bps;		/* the link: 5651:1 rate and every ceil */
	unsigned int overhead;		/* bytes the link adds per packet, for HTB */
	uint64_t signalling_bps;	/* 5651:20 guaranteed rate */
	uint64_t voice_bps;		/* initial voice rate (Σ reservations, 0 = none) */
};

/* The live counters of one class (vq_shaper_read). */
struct vq_shaper_class_stats {
	const char *name;		/* "voice", "signalling", "best_effort" */
	uint32_t classid;		/* VQ_CLASS_*; vq_shaper_classid_str prints it */
	uint64_t rate_bps;		/* as the kernel holds it now */
	uint64_t ceil_bps;
	uint64_t bytes;			/* sent by the class */
	uint64_t packets;
	uint64_t drops;			/* dropped by the class or its fq_codel leaf */
	uint64_t overlimits;		/* times HTB held the class back */
	uint64_t backlog_bytes;		/* queued in the leaf now */
	uint64_t qlen;			/* packets queued in the leaf now */
};

/* The three class rates for one link (pure, see vq_shaper_split). */
struct vq_shaper_rates {
	uint64_t link_bps;
	uint64_t voice_bps;
	uint64_t signalling_bps;
	uint64_t best_effort_bps;
	int voice_clamped;		/* the voice asked for did not fit */
};

/*
 * The rate split, pure (no kernel): voice = max(voice_bps, MIN) but at
 * most link - signalling - MIN (then voice_clamped = 1), signalling =
 * max(signalling_bps, MIN), best effort = link - voice - signalling (>=
 * MIN). Fails with -EINVAL (err "IFNAME: ...", ifname may be NULL) if the
 * link is outside [3 x MIN, MAX] or the signalling rate leaves less than
 * 2 x MIN for voice and best effort.
 */
int vq_shaper_split(const char *ifname, uint64_t link_bps, uint64_t signalling_bps,
		    uint64_t voice_bps, struct vq_shaper_rates *out,
		    char *err, size_t errlen);

/*
 * Checks a link description before anything is sent: name non-empty and
 * NUL-terminated, rates as vq_shaper_split wants, overhead <=
 * VQ_SHAPER_MAX_OVERHEAD. 0 or -EINVAL with err as above.
 */
int vq_shaper_check_link(const struct vq_shaper_link *link, char *err, size_t errlen);

/* "5651:10", "5651:" for a root handle (minor 0), as tc prints them. */
#define VQ_CLASSID_STRLEN 12
const char *vq_shaper_classid_str(uint32_t classid, char buf[VQ_CLASSID_STRLEN]);
/* "voice", "signalling", "best_effort"; NULL outside the enum. */
const char *vq_shaper_class_name(enum vq_shaper_class c);
/* VQ_CLASS_* of a class; 0 outside the enum. */
uint32_t vq_shaper_classid(enum vq_shaper_class c);

struct vq_shaper;

/* One NETLINK_ROUTE socket; NULL with err filled (ifname part "shaper"). */
struct vq_shaper *vq_shaper_open(char *err, size_t errlen);
/* Closes the socket; removes nothing (the daemon calls vq_shaper_remove). */
void vq_shaper_close(struct vq_shaper *sh);

/*
 * The link-layer header bytes HTB finds in each packet it charges on
 * ifname, on top of the IP packet and before the configured overhead: 14 on
 * Ethernet-type interfaces (veth, VLAN and bridge devices included), 0 on
 * PPP, tunnels and other headerless devices. Negative errno with err filled.
 */
int vq_shaper_header_len(struct vq_shaper *sh, const char *ifname, char *err, size_t errlen);

/*
 * Replaces the root qdisc of link->ifname, whatever it is (the interface
 * was given to us), by the tree above with link's rates, and remembers the
 * link so that vq_shaper_set_voice can resize it. Calling it again for the
 * same interface rebuilds the tree (counters restart).
 */
int vq_shaper_setup(struct vq_shaper *sh, const struct vq_shaper_link *link,
		    char *err, size_t errlen);

/*
 * Resizes the voice class to voice_bps (clamped as vq_shaper_split says,
 * a clamp is logged) and best effort to the rest, by changing the
 * existing classes in place: queues, backlog and counters survive.
 * -ENOENT if this shaper did not set the interface up.
 */
int vq_shaper_set_voice(struct vq_shaper *sh, const char *ifname, uint64_t voice_bps,
			char *err, size_t errlen);

/*
 * The three classes' counters as the kernel has them now, indexed by enum
 * vq_shaper_class. -ENOENT if the interface has no 5651: tree.
 */
int vq_shaper_read(struct vq_shaper *sh, const char *ifname,
		   struct vq_shaper_class_stats out[VQ_SHAPER_NCLASSES],
		   char *err, size_t errlen);

/*
 * Deletes the root qdisc of ifname only if its handle is 5651: (the kernel
 * then falls back to the interface's default qdisc); any other root is
 * left alone and that is success. Forgets the link. A missing interface
 * is -ENODEV.
 */
int vq_shaper_remove(struct vq_shaper *sh, const char *ifname, char *err, size_t errlen);

#endif
