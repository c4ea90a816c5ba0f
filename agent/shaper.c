// SPDX-License-Identifier: GPL-2.0
/*
 * The HTB tree of shaper.h through libnl-route-3. Documentation/shaping.md
 * says why the tree looks the way it does; the comments here say why the
 * netlink requests do.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/if_arp.h>
#include <linux/netlink.h>
#include <linux/pkt_sched.h>
#include <netlink/netlink.h>
#include <netlink/attr.h>
#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/socket.h>
#include <netlink/route/class.h>
#include <netlink/route/link.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/qdisc/fq_codel.h>
#include <netlink/route/qdisc/htb.h>
#include <netlink/route/tc.h>

#include "log.h"
#include "shaper.h"

/* A daemon shapes an uplink and a downlink; a few more cost nothing. */
#define VQ_SHAPER_MAX_LINKS 8
/* HTB's own bounds for a quantum computed from r2q (it warns outside). */
#define VQ_HTB_QUANTUM_MAX 200000U
/* Link-layer header that HTB counts in a packet's length on Ethernet. */
#define VQ_ETH_HLEN 14U

struct vq_shaper_state {
	bool used;
	struct vq_shaper_link link;
	struct vq_shaper_rates rates;
};

struct vq_shaper {
	struct nl_sock *sk;
	struct nl_cache *qdiscs;
	/* The last NLMSG_ERROR as the kernel sent it (libnl folds errnos). */
	int kerr;
	char extack[160];
	struct vq_shaper_state links[VQ_SHAPER_MAX_LINKS];
};

static const struct {
	const char *name;
	uint32_t classid;
	uint32_t leaf;
	uint32_t prio;
} vq_classes[VQ_SHAPER_NCLASSES] = {
	[VQ_SHAPER_VOICE] = { "voice", VQ_CLASS_VOICE, VQ_LEAF_VOICE, 0 },
	[VQ_SHAPER_SIGNALLING] = { "signalling", VQ_CLASS_SIGNALLING, VQ_LEAF_SIGNALLING, 1 },
	[VQ_SHAPER_BEST_EFFORT] = { "best_effort", VQ_CLASS_BEST_EFFORT, VQ_LEAF_BEST_EFFORT, 2 },
};

const char *vq_shaper_class_name(enum vq_shaper_class c)
{
	return (unsigned int)c < VQ_SHAPER_NCLASSES ? vq_classes[c].name : NULL;
}

uint32_t vq_shaper_classid(enum vq_shaper_class c)
{
	return (unsigned int)c < VQ_SHAPER_NCLASSES ? vq_classes[c].classid : 0;
}

const char *vq_shaper_classid_str(uint32_t classid, char buf[VQ_CLASSID_STRLEN])
{
	if (TC_H_MIN(classid))
		snprintf(buf, VQ_CLASSID_STRLEN, "%x:%x", TC_H_MAJ(classid) >> 16,
			 TC_H_MIN(classid));
	else
		snprintf(buf, VQ_CLASSID_STRLEN, "%x:", TC_H_MAJ(classid) >> 16);
	return buf;
}

__attribute__((format(printf, 4, 5)))
static int vq_sh_bad(char *err, size_t errlen, const char *ifname, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (!errlen)
		return -EINVAL;
	n = snprintf(err, errlen, "%s: ", ifname && *ifname ? ifname : "shaper");
	if (n < 0 || (size_t)n >= errlen)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int vq_shaper_split(const char *ifname, uint64_t link_bps, uint64_t signalling_bps,
		    uint64_t voice_bps, struct vq_shaper_rates *out,
		    char *err, size_t errlen)
{
	uint64_t sig, voice, room;

	if (link_bps < 3 * VQ_SHAPER_MIN_BPS)
		return vq_sh_bad(err, errlen, ifname,
				 "link rate %" PRIu64 " bit/s is below %llu bit/s (three classes of at least %llu bit/s)",
				 link_bps, 3 * VQ_SHAPER_MIN_BPS, VQ_SHAPER_MIN_BPS);
	if (link_bps > VQ_SHAPER_MAX_BPS)
		return vq_sh_bad(err, errlen, ifname,
				 "link rate %" PRIu64 " bit/s is above %llu bit/s, the most HTB can be given through libnl",
				 link_bps, VQ_SHAPER_MAX_BPS);
	sig = signalling_bps < VQ_SHAPER_MIN_BPS ? VQ_SHAPER_MIN_BPS : signalling_bps;
	if (sig > link_bps - 2 * VQ_SHAPER_MIN_BPS)
		return vq_sh_bad(err, errlen, ifname,
				 "signalling rate %" PRIu64 " bit/s leaves less than %llu bit/s for voice and best effort on a %" PRIu64 " bit/s link",
				 signalling_bps, 2 * VQ_SHAPER_MIN_BPS, link_bps);
	/* What voice may guarantee so that best effort keeps its minimum. */
	room = link_bps - sig - VQ_SHAPER_MIN_BPS;
	voice = voice_bps < VQ_SHAPER_MIN_BPS ? VQ_SHAPER_MIN_BPS : voice_bps;
	memset(out, 0, sizeof(*out));
	if (voice > room) {
		voice = room;
		out->voice_clamped = 1;
	}
	out->link_bps = link_bps;
	out->voice_bps = voice;
	out->signalling_bps = sig;
	out->best_effort_bps = link_bps - voice - sig;
	return 0;
}

int vq_shaper_check_link(const struct vq_shaper_link *link, char *err, size_t errlen)
{
	struct vq_shaper_rates r;

	if (!memchr(link->ifname, '\0', sizeof(link->ifname)))
		return vq_sh_bad(err, errlen, NULL, "interface name is longer than %d characters",
				 VQ_SHAPER_IFNAMSIZ - 1);
	if (!link->ifname[0])
		return vq_sh_bad(err, errlen, NULL, "interface name is empty");
	if (link->overhead > VQ_SHAPER_MAX_OVERHEAD)
		return vq_sh_bad(err, errlen, link->ifname,
				 "overhead %u bytes per packet is above %u",
				 link->overhead, VQ_SHAPER_MAX_OVERHEAD);
	return vq_shaper_split(link->ifname, link->rate_bps, link->signalling_bps,
			       link->voice_bps, &r, err, errlen);
}

/* ---- netlink plumbing ---------------------------------------------------- */

/*
 * libnl turns the kernel's errno into its own NLE_* codes (ENOENT and
 * ESRCH both become "object not found") and drops the extended ack; this
 * keeps both for the caller's message.
 */
static int vq_sh_err_cb(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct vq_shaper *sh = arg;
	const struct nlmsghdr *nlh = (const void *)((const char *)e - NLMSG_HDRLEN);
	const struct nlattr *a;
	size_t off;
	int rem;

	(void)who;
	sh->kerr = e->error < 0 ? -e->error : e->error;
	sh->extack[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	off = sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	off = NLMSG_ALIGN(off);
	if (nlh->nlmsg_len < NLMSG_HDRLEN + off)
		return NL_STOP;
	a = (const void *)((const char *)e + off);
	rem = (int)(nlh->nlmsg_len - NLMSG_HDRLEN - off);
	for (; nla_ok(a, rem); a = nla_next(a, &rem)) {
		if (nla_type(a) == NLMSGERR_ATTR_MSG && nla_len(a) > 0) {
			snprintf(sh->extack, sizeof(sh->extack), "%.*s", nla_len(a),
				 (const char *)nla_data(a));
			break;
		}
	}
	return NL_STOP;
}

static void vq_sh_clear(struct vq_shaper *sh)
{
	sh->kerr = 0;
	sh->extack[0] = '\0';
}

/* libnl's codes back to errnos, for failures the kernel did not report. */
static const struct {
	int nle;
	int err;
} vq_nle_errno[] = {
	{ NLE_INTR, EINTR },
	{ NLE_BAD_SOCK, EBADF },
	{ NLE_AGAIN, EAGAIN },
	{ NLE_NOMEM, ENOMEM },
	{ NLE_EXIST, EEXIST },
	{ NLE_INVAL, EINVAL },
	{ NLE_RANGE, ERANGE },
	{ NLE_MSGSIZE, EMSGSIZE },
	{ NLE_OPNOTSUPP, EOPNOTSUPP },
	{ NLE_AF_NOSUPPORT, EAFNOSUPPORT },
	{ NLE_OBJ_NOTFOUND, ENOENT },
	{ NLE_BUSY, EBUSY },
	{ NLE_NOACCESS, EACCES },
	{ NLE_PERM, EPERM },
	{ NLE_NODEV, ENODEV },
};

/* A negative errno for a libnl result: the kernel's own if it sent one. */
static int vq_sh_errno(struct vq_shaper *sh, int nlerr)
{
	if (sh->kerr)
		return -sh->kerr;
	for (size_t i = 0; i < sizeof(vq_nle_errno) / sizeof(vq_nle_errno[0]); i++)
		if (vq_nle_errno[i].nle == -nlerr)
			return -vq_nle_errno[i].err;
	return -EIO;
}

/* "IFNAME: WHAT: strerror[ (kernel: extack)]"; returns the negative errno. */
__attribute__((format(printf, 5, 6)))
static int vq_sh_fail(struct vq_shaper *sh, int nlerr, char *err, size_t errlen,
		      const char *fmt, ...)
{
	int e = vq_sh_errno(sh, nlerr);
	va_list ap;
	int n;

	if (!errlen)
		return e;
	va_start(ap, fmt);
	n = vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= errlen)
		return e;
	if (sh->extack[0])
		snprintf(err + n, errlen - n, ": %s (kernel: %s)", strerror(-e), sh->extack);
	else
		snprintf(err + n, errlen - n, ": %s", strerror(-e));
	return e;
}

struct vq_shaper *vq_shaper_open(char *err, size_t errlen)
{
	struct vq_shaper *sh = calloc(1, sizeof(*sh));
	int one = 1, r;

	if (!sh) {
		if (errlen)
			snprintf(err, errlen, "shaper: allocating: %s", strerror(ENOMEM));
		return NULL;
	}
	sh->sk = nl_socket_alloc();
	if (!sh->sk) {
		if (errlen)
			snprintf(err, errlen, "shaper: allocating a netlink socket: %s",
				 strerror(ENOMEM));
		free(sh);
		return NULL;
	}
	r = nl_connect(sh->sk, NETLINK_ROUTE);
	if (r < 0) {
		vq_sh_fail(sh, r, err, errlen, "shaper: opening a NETLINK_ROUTE socket");
		goto fail;
	}
	/* Best effort: old kernels answer without the text, which is fine. */
	setsockopt(nl_socket_get_fd(sh->sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl_socket_get_fd(sh->sk), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	nl_socket_modify_err_cb(sh->sk, NL_CB_CUSTOM, vq_sh_err_cb, sh);
	vq_sh_clear(sh);
	r = rtnl_qdisc_alloc_cache(sh->sk, &sh->qdiscs);
	if (r < 0) {
		vq_sh_fail(sh, r, err, errlen, "shaper: reading the qdiscs");
		goto fail;
	}
	return sh;
fail:
	nl_socket_free(sh->sk);
	free(sh);
	return NULL;
}

void vq_shaper_close(struct vq_shaper *sh)
{
	if (!sh)
		return;
	if (sh->qdiscs)
		nl_cache_free(sh->qdiscs);
	nl_socket_free(sh->sk);
	free(sh);
}

static struct vq_shaper_state *vq_sh_state(struct vq_shaper *sh, const char *ifname)
{
	for (size_t i = 0; i < VQ_SHAPER_MAX_LINKS; i++)
		if (sh->links[i].used && !strcmp(sh->links[i].link.ifname, ifname))
			return &sh->links[i];
	return NULL;
}

/* The interface as the kernel has it now (index, MTU, link type). */
static int vq_sh_link(struct vq_shaper *sh, const char *ifname, struct rtnl_link **out,
		      char *err, size_t errlen)
{
	int r;

	if (!ifname || !*ifname)
		return vq_sh_bad(err, errlen, NULL, "interface name is empty");
	if (strlen(ifname) >= VQ_SHAPER_IFNAMSIZ)
		return vq_sh_bad(err, errlen, NULL, "interface name is longer than %d characters",
				 VQ_SHAPER_IFNAMSIZ - 1);
	vq_sh_clear(sh);
	r = rtnl_link_get_kernel(sh->sk, 0, ifname, out);
	if (r < 0)
		return vq_sh_fail(sh, r, err, errlen, "%s: looking up the interface", ifname);
	return 0;
}

int vq_shaper_header_len(struct vq_shaper *sh, const char *ifname, char *err, size_t errlen)
{
	struct rtnl_link *l = NULL;
	int r = vq_sh_link(sh, ifname, &l, err, errlen);

	if (r)
		return r;
	r = rtnl_link_get_arptype(l) == ARPHRD_ETHER ? VQ_ETH_HLEN : 0;
	rtnl_link_put(l);
	return r;
}

/* The root qdisc of ifindex from a fresh dump (NULL if it has none). */
static int vq_sh_root(struct vq_shaper *sh, int ifindex, struct rtnl_qdisc **root,
		      const char *ifname, char *err, size_t errlen)
{
	int r;

	vq_sh_clear(sh);
	r = nl_cache_refill(sh->sk, sh->qdiscs);
	if (r < 0)
		return vq_sh_fail(sh, r, err, errlen, "%s: reading the qdiscs", ifname);
	*root = rtnl_qdisc_get_by_parent(sh->qdiscs, ifindex, TC_H_ROOT);
	return 0;
}

static bool vq_sh_is_ours(struct rtnl_qdisc *q)
{
	const char *kind = rtnl_tc_get_kind(TC_CAST(q));

	return rtnl_tc_get_handle(TC_CAST(q)) == VQ_SHAPER_HANDLE && kind && !strcmp(kind, "htb");
}

static int vq_sh_delete_root(struct vq_shaper *sh, struct rtnl_qdisc *root,
			     const char *ifname, char *err, size_t errlen)
{
	int r;

	vq_sh_clear(sh);
	r = rtnl_qdisc_delete(sh->sk, root);
	if (r < 0)
		return vq_sh_fail(sh, r, err, errlen, "%s: deleting qdisc 5651:", ifname);
	return 0;
}

/*
 * HTB's burst: one millisecond at the rate (what tc gives with HZ=1000)
 * plus a full frame, so a class can always send one MTU-sized packet.
 */
static uint32_t vq_sh_buffer(uint32_t rate_Bps, uint32_t mtu, unsigned int overhead)
{
	return rate_Bps / 1000 + mtu + VQ_ETH_HLEN + overhead;
}

/*
 * The voice class's own burst: one 20 ms frame of every admitted call. The
 * calls' frames are not phase-locked, and a router whose timers fire late (a
 * busy CPU, a coarse tick) sees a frame's packets arrive together. A class
 * out of its own tokens must borrow, and HTB serves borrowing classes only
 * after every class still within its rate: the voice packets would wait
 * behind best effort's full-size ones, which is what the class exists to
 * prevent. The per-flow policer, not this burst, bounds what a call sends.
 */
#define VQ_SH_VOICE_BURST_MS 20U

static uint32_t vq_sh_voice_buffer(uint32_t rate_Bps, uint32_t mtu, unsigned int overhead)
{
	return (uint32_t)((uint64_t)rate_Bps * VQ_SH_VOICE_BURST_MS / 1000) + mtu +
	       VQ_ETH_HLEN + overhead;
}

/*
 * Set explicitly so that HTB never derives it from r2q: rate/10 (r2q's
 * default) kept between one full frame (a class must be able to send any
 * packet in one round) and HTB's own upper bound, where the kernel would
 * otherwise log "quantum of class is big/small".
 */
static uint32_t vq_sh_quantum(uint32_t rate_Bps, uint32_t mtu)
{
	uint32_t q = rate_Bps / 10, lo = mtu + VQ_ETH_HLEN;

	if (q < lo)
		q = lo;
	if (q > VQ_HTB_QUANTUM_MAX)
		q = VQ_HTB_QUANTUM_MAX > lo ? VQ_HTB_QUANTUM_MAX : lo;
	return q;
}

static uint32_t vq_sh_Bps(uint64_t bps)
{
	/* Rounded up: a reservation must not lose its last bits. */
	return (uint32_t)((bps + 7) / 8);
}

/* One HTB class with every parameter set (a change replaces them all). */
static struct rtnl_class *vq_sh_class(struct rtnl_link *l, unsigned int overhead,
				      uint32_t parent, uint32_t classid, uint64_t rate_bps,
				      uint64_t ceil_bps, uint32_t prio)
{
	struct rtnl_class *c = rtnl_class_alloc();
	uint32_t rate = vq_sh_Bps(rate_bps), ceil = vq_sh_Bps(ceil_bps);
	uint32_t mtu = rtnl_link_get_mtu(l);

	if (!c)
		return NULL;
	if (!mtu)
		mtu = 1500;
	rtnl_tc_set_link(TC_CAST(c), l);
	rtnl_tc_set_parent(TC_CAST(c), parent);
	rtnl_tc_set_handle(TC_CAST(c), classid);
	/* The rate tables and the kernel's rate (ratespec) both carry it. */
	rtnl_tc_set_overhead(TC_CAST(c), overhead);
	if (rtnl_tc_set_kind(TC_CAST(c), "htb") < 0 ||
	    rtnl_htb_set_rate(c, rate) < 0 || rtnl_htb_set_ceil(c, ceil) < 0 ||
	    rtnl_htb_set_prio(c, prio) < 0 ||
	    rtnl_htb_set_rbuffer(c, classid == VQ_CLASS_VOICE ?
				 vq_sh_voice_buffer(rate, mtu, overhead) :
				 vq_sh_buffer(rate, mtu, overhead)) < 0 ||
	    rtnl_htb_set_cbuffer(c, vq_sh_buffer(ceil, mtu, overhead)) < 0 ||
	    rtnl_htb_set_quantum(c, vq_sh_quantum(rate, mtu)) < 0) {
		rtnl_class_put(c);
		return NULL;
	}
	return c;
}

/*
 * RTM_NEWTCLASS with NLM_F_REPLACE and without NLM_F_CREATE (cleared
 * whatever the libnl version adds): the kernel changes the existing class
 * in place (HTB keeps its leaf qdisc, queue and counters) and answers
 * ENOENT if it is gone, instead of quietly creating a new class with an
 * empty default leaf.
 */
static int vq_sh_class_change(struct vq_shaper *sh, struct rtnl_class *c)
{
	struct nl_msg *msg;
	int r;

	r = rtnl_class_build_add_request(c, NLM_F_REPLACE, &msg);
	if (r < 0)
		return r;
	nlmsg_hdr(msg)->nlmsg_flags &= ~NLM_F_CREATE;
	return nl_send_sync(sh->sk, msg);
}

/* Adds (create) or changes (!create) one class of the tree. */
static int vq_sh_put_class(struct vq_shaper *sh, struct rtnl_link *l, unsigned int overhead,
			   uint32_t parent, uint32_t classid, uint64_t rate_bps,
			   uint64_t ceil_bps, uint32_t prio, bool create,
			   const char *ifname, char *err, size_t errlen)
{
	struct rtnl_class *c = vq_sh_class(l, overhead, parent, classid, rate_bps, ceil_bps, prio);
	char id[VQ_CLASSID_STRLEN];
	int r;

	vq_sh_clear(sh);
	if (!c)
		r = -NLE_NOMEM;
	else if (create)
		r = rtnl_class_add(sh->sk, c, NLM_F_CREATE | NLM_F_EXCL);
	else
		r = vq_sh_class_change(sh, c);
	if (c)
		rtnl_class_put(c);
	if (r < 0)
		return vq_sh_fail(sh, r, err, errlen, "%s: %s class %s (rate %" PRIu64
				  " bit/s)", ifname, create ? "adding" : "changing",
				  vq_shaper_classid_str(classid, id), rate_bps);
	return 0;
}

static int vq_sh_put_qdisc(struct vq_shaper *sh, struct rtnl_link *l, uint32_t parent,
			   uint32_t handle, const char *kind, int flags,
			   const char *ifname, char *err, size_t errlen)
{
	struct rtnl_qdisc *q = rtnl_qdisc_alloc();
	char id[VQ_CLASSID_STRLEN];
	int r = -NLE_NOMEM;

	vq_sh_clear(sh);
	if (q) {
		rtnl_tc_set_link(TC_CAST(q), l);
		rtnl_tc_set_parent(TC_CAST(q), parent);
		rtnl_tc_set_handle(TC_CAST(q), handle);
		r = rtnl_tc_set_kind(TC_CAST(q), kind);
		/* Unclassified packets (skb->priority not ours) go to best effort. */
		if (r >= 0 && !strcmp(kind, "htb"))
			r = rtnl_htb_set_defcls(q, TC_H_MIN(VQ_CLASS_BEST_EFFORT));
		/* fq_codel keeps the kernel's defaults (5 ms target, 100 ms interval). */
		if (r >= 0)
			r = rtnl_qdisc_add(sh->sk, q, flags);
		rtnl_qdisc_put(q);
	}
	if (r < 0)
		return vq_sh_fail(sh, r, err, errlen, "%s: adding %s qdisc %s", ifname, kind,
				  vq_shaper_classid_str(handle, id));
	return 0;
}

static int vq_sh_build(struct vq_shaper *sh, struct rtnl_link *l,
		       const struct vq_shaper_link *link, const struct vq_shaper_rates *rt,
		       char *err, size_t errlen)
{
	const char *ifn = link->ifname;
	uint64_t rate[VQ_SHAPER_NCLASSES] = {
		[VQ_SHAPER_VOICE] = rt->voice_bps,
		[VQ_SHAPER_SIGNALLING] = rt->signalling_bps,
		[VQ_SHAPER_BEST_EFFORT] = rt->best_effort_bps,
	};
	int r;

	/* NLM_F_REPLACE: whatever root the interface had is swapped out. */
	r = vq_sh_put_qdisc(sh, l, TC_H_ROOT, VQ_SHAPER_HANDLE, "htb",
			    NLM_F_CREATE | NLM_F_REPLACE, ifn, err, errlen);
	if (r)
		return r;
	r = vq_sh_put_class(sh, l, link->overhead, VQ_SHAPER_HANDLE, VQ_CLASS_PARENT,
			    rt->link_bps, rt->link_bps, 0, true, ifn, err, errlen);
	for (int i = 0; !r && i < VQ_SHAPER_NCLASSES; i++)
		r = vq_sh_put_class(sh, l, link->overhead, VQ_CLASS_PARENT, vq_classes[i].classid,
				    rate[i], rt->link_bps, vq_classes[i].prio, true,
				    ifn, err, errlen);
	for (int i = 0; !r && i < VQ_SHAPER_NCLASSES; i++)
		r = vq_sh_put_qdisc(sh, l, vq_classes[i].classid, vq_classes[i].leaf, "fq_codel",
				    NLM_F_CREATE | NLM_F_EXCL, ifn, err, errlen);
	return r;
}

int vq_shaper_setup(struct vq_shaper *sh, const struct vq_shaper_link *link,
		    char *err, size_t errlen)
{
	struct vq_shaper_state *st;
	struct vq_shaper_rates rt;
	struct rtnl_qdisc *root = NULL;
	struct rtnl_link *l = NULL;
	int r;

	r = vq_shaper_check_link(link, err, errlen);
	if (r)
		return r;
	vq_shaper_split(link->ifname, link->rate_bps, link->signalling_bps, link->voice_bps,
			&rt, err, errlen);
	st = vq_sh_state(sh, link->ifname);
	for (size_t i = 0; !st && i < VQ_SHAPER_MAX_LINKS; i++)
		if (!sh->links[i].used)
			st = &sh->links[i];
	if (!st) {
		if (errlen)
			snprintf(err, errlen, "%s: shaping more than %d interfaces: %s",
				 link->ifname, VQ_SHAPER_MAX_LINKS, strerror(ENOSPC));
		return -ENOSPC;
	}
	r = vq_sh_link(sh, link->ifname, &l, err, errlen);
	if (r)
		return r;
	r = vq_sh_root(sh, rtnl_link_get_ifindex(l), &root, link->ifname, err, errlen);
	/*
	 * HTB has no qdisc "change": an old 5651: tree (ours, from a previous
	 * run or setup) is deleted and built again rather than patched, so
	 * that nothing stale (a class, a leaf) survives from it.
	 */
	if (!r && root && vq_sh_is_ours(root))
		r = vq_sh_delete_root(sh, root, link->ifname, err, errlen);
	if (root)
		rtnl_qdisc_put(root);
	if (!r) {
		r = vq_sh_build(sh, l, link, &rt, err, errlen);
		if (r) {
			/* No half tree: the interface falls back to its default qdisc. */
			struct rtnl_qdisc *q = NULL;
			char ignored[8];

			if (!vq_sh_root(sh, rtnl_link_get_ifindex(l), &q, link->ifname,
					ignored, sizeof(ignored)) && q) {
				if (vq_sh_is_ours(q))
					rtnl_qdisc_delete(sh->sk, q);
				rtnl_qdisc_put(q);
			}
		}
	}
	rtnl_link_put(l);
	if (r) {
		if (st->used && !strcmp(st->link.ifname, link->ifname))
			st->used = false;
		return r;
	}
	st->used = true;
	st->link = *link;
	st->rates = rt;
	if (rt.voice_clamped)
		vq_warn("%s: voice rate %" PRIu64 " bit/s does not fit the link, class 5651:10 gets %" PRIu64 " bit/s",
			link->ifname, link->voice_bps, rt.voice_bps);
	return 0;
}

int vq_shaper_set_voice(struct vq_shaper *sh, const char *ifname, uint64_t voice_bps,
			char *err, size_t errlen)
{
	struct vq_shaper_state *st = ifname ? vq_sh_state(sh, ifname) : NULL;
	struct vq_shaper_rates rt;
	struct rtnl_link *l = NULL;
	int r;

	if (!st) {
		if (errlen)
			snprintf(err, errlen, "%s: resizing the voice class: not set up by this shaper: %s",
				 ifname && *ifname ? ifname : "shaper", strerror(ENOENT));
		return -ENOENT;
	}
	r = vq_shaper_split(ifname, st->link.rate_bps, st->link.signalling_bps, voice_bps,
			    &rt, err, errlen);
	if (r)
		return r;
	r = vq_sh_link(sh, ifname, &l, err, errlen);
	if (r)
		return r;
	/*
	 * Voice first when it grows, best effort first when voice shrinks: in
	 * between, the guaranteed rates never add up to more than the link.
	 */
	bool grow = rt.voice_bps >= st->rates.voice_bps;

	for (int step = 0; step < 2 && !r; step++) {
		bool voice = (step == 0) == grow;

		if (voice)
			r = vq_sh_put_class(sh, l, st->link.overhead, VQ_CLASS_PARENT,
					    VQ_CLASS_VOICE, rt.voice_bps, rt.link_bps, 0,
					    false, ifname, err, errlen);
		else
			r = vq_sh_put_class(sh, l, st->link.overhead, VQ_CLASS_PARENT,
					    VQ_CLASS_BEST_EFFORT, rt.best_effort_bps,
					    rt.link_bps, 2, false, ifname, err, errlen);
	}
	rtnl_link_put(l);
	if (r)
		return r;
	if (rt.voice_clamped && !st->rates.voice_clamped)
		vq_warn("%s: voice rate %" PRIu64 " bit/s does not fit the link, class 5651:10 gets %" PRIu64 " bit/s",
			ifname, voice_bps, rt.voice_bps);
	st->link.voice_bps = voice_bps;
	st->rates = rt;
	return 0;
}

int vq_shaper_read(struct vq_shaper *sh, const char *ifname,
		   struct vq_shaper_class_stats out[VQ_SHAPER_NCLASSES],
		   char *err, size_t errlen)
{
	struct rtnl_qdisc *root = NULL;
	struct nl_cache *classes = NULL;
	struct rtnl_link *l = NULL;
	int ifindex, r;

	r = vq_sh_link(sh, ifname, &l, err, errlen);
	if (r)
		return r;
	ifindex = rtnl_link_get_ifindex(l);
	rtnl_link_put(l);
	r = vq_sh_root(sh, ifindex, &root, ifname, err, errlen);
	if (r)
		return r;
	if (!root || !vq_sh_is_ours(root)) {
		char id[VQ_CLASSID_STRLEN];

		if (errlen)
			snprintf(err, errlen, "%s: reading the classes: root qdisc is %s %s, not htb 5651:: %s",
				 ifname, root && rtnl_tc_get_kind(TC_CAST(root)) ?
				 rtnl_tc_get_kind(TC_CAST(root)) : "none",
				 vq_shaper_classid_str(root ? rtnl_tc_get_handle(TC_CAST(root)) : 0, id),
				 strerror(ENOENT));
		if (root)
			rtnl_qdisc_put(root);
		return -ENOENT;
	}
	rtnl_qdisc_put(root);
	vq_sh_clear(sh);
	r = rtnl_class_alloc_cache(sh->sk, ifindex, &classes);
	if (r < 0)
		return vq_sh_fail(sh, r, err, errlen, "%s: reading the classes", ifname);
	for (int i = 0; i < VQ_SHAPER_NCLASSES; i++) {
		struct vq_shaper_class_stats *s = &out[i];
		struct rtnl_class *c = rtnl_class_get(classes, ifindex, vq_classes[i].classid);
		struct rtnl_qdisc *leaf;
		char id[VQ_CLASSID_STRLEN];

		if (!c) {
			if (errlen)
				snprintf(err, errlen, "%s: reading class %s: not in the tree: %s",
					 ifname, vq_shaper_classid_str(vq_classes[i].classid, id),
					 strerror(ENOENT));
			nl_cache_free(classes);
			return -ENOENT;
		}
		memset(s, 0, sizeof(*s));
		s->name = vq_classes[i].name;
		s->classid = vq_classes[i].classid;
		s->rate_bps = (uint64_t)rtnl_htb_get_rate(c) * 8;
		s->ceil_bps = (uint64_t)rtnl_htb_get_ceil(c) * 8;
		s->bytes = rtnl_tc_get_stat(TC_CAST(c), RTNL_TC_BYTES);
		s->packets = rtnl_tc_get_stat(TC_CAST(c), RTNL_TC_PACKETS);
		s->overlimits = rtnl_tc_get_stat(TC_CAST(c), RTNL_TC_OVERLIMITS);
		s->backlog_bytes = rtnl_tc_get_stat(TC_CAST(c), RTNL_TC_BACKLOG);
		s->qlen = rtnl_tc_get_stat(TC_CAST(c), RTNL_TC_QLEN);
		/*
		 * fq_codel counts every packet it drops (overflow and CoDel);
		 * HTB's class count misses CoDel's and double-counts some
		 * overflows, so the leaf is the one to trust.
		 */
		leaf = rtnl_qdisc_get(sh->qdiscs, ifindex, vq_classes[i].leaf);
		s->drops = leaf ? rtnl_tc_get_stat(TC_CAST(leaf), RTNL_TC_DROPS) :
			   rtnl_tc_get_stat(TC_CAST(c), RTNL_TC_DROPS);
		if (leaf)
			rtnl_qdisc_put(leaf);
		rtnl_class_put(c);
	}
	nl_cache_free(classes);
	return 0;
}

int vq_shaper_remove(struct vq_shaper *sh, const char *ifname, char *err, size_t errlen)
{
	struct vq_shaper_state *st = ifname ? vq_sh_state(sh, ifname) : NULL;
	struct rtnl_qdisc *root = NULL;
	struct rtnl_link *l = NULL;
	int r;

	if (st)
		st->used = false;
	r = vq_sh_link(sh, ifname, &l, err, errlen);
	if (r)
		return r;
	r = vq_sh_root(sh, rtnl_link_get_ifindex(l), &root, ifname, err, errlen);
	rtnl_link_put(l);
	/* Anything but our own root belongs to someone else: leave it. */
	if (!r && root && vq_sh_is_ours(root))
		r = vq_sh_delete_root(sh, root, ifname, err, errlen);
	if (root)
		rtnl_qdisc_put(root);
	return r;
}
