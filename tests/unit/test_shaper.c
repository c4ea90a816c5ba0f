// SPDX-License-Identifier: GPL-2.0
/*
 * agent/shaper.c without the kernel: the rate split, its minimums and
 * clamps, classid naming and the error texts for bad input. The tree
 * itself is tested against real interfaces in tests/vm/shaper.sh.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "test.h"
#include "../../agent/shaper.h"

struct split_vector {
	const char *what;
	uint64_t link, sig, voice;
	int ret;
	uint64_t want_voice, want_sig, want_be;
	int clamped;
};

#define MIN VQ_SHAPER_MIN_BPS

static const struct split_vector splits[] = {
	/* The office: 5 Mbit/s up, 64k SIP, 12 G.711 calls of 87.2k. */
	{ "12 calls on 5M", 5000000, 64000, 1046400, 0, 1046400, 64000, 3889600, 0 },
	{ "no calls: voice gets the minimum", 5000000, 64000, 0, 0, MIN, 64000, 4928000, 0 },
	{ "voice below the minimum", 5000000, 64000, 5000, 0, MIN, 64000, 4928000, 0 },
	{ "signalling 0 gets the minimum", 1000000, 0, 100000, 0, 100000, MIN, 892000, 0 },
	{ "voice exactly fills", 1000000, 64000, 928000, 0, 928000, 64000, MIN, 0 },
	{ "voice one bit too much", 1000000, 64000, 928001, 0, 928000, 64000, MIN, 1 },
	{ "voice far above the link", 1000000, 64000, UINT64_MAX, 0, 928000, 64000, MIN, 1 },
	{ "smallest link", 3 * MIN, 0, 0, 0, MIN, MIN, MIN, 0 },
	{ "largest link", VQ_SHAPER_MAX_BPS, 64000, 2000000, 0, 2000000, 64000,
	  VQ_SHAPER_MAX_BPS - 2064000, 0 },
	{ "link below three minimums", 3 * MIN - 1, 0, 0, -EINVAL, 0, 0, 0, 0 },
	{ "link 0", 0, 0, 0, -EINVAL, 0, 0, 0, 0 },
	{ "link above what libnl expresses", VQ_SHAPER_MAX_BPS + 1, 64000, 0, -EINVAL,
	  0, 0, 0, 0 },
	{ "signalling leaves no room", 1000000, 1000000 - 2 * MIN + 1, 0, -EINVAL, 0, 0, 0, 0 },
	{ "signalling leaves just room", 1000000, 1000000 - 2 * MIN, 0, 0, MIN,
	  1000000 - 2 * MIN, MIN, 0 },
};

static void test_splits(void)
{
	for (size_t i = 0; i < sizeof(splits) / sizeof(splits[0]); i++) {
		const struct split_vector *v = &splits[i];
		struct vq_shaper_rates r = { 0 };
		char err[200] = "", name[120];
		int ret = vq_shaper_split("eth1", v->link, v->sig, v->voice, &r, err, sizeof(err));

		snprintf(name, sizeof(name), "shaper: split: %s", v->what);
		if (v->ret) {
			t_check(ret == v->ret && !strncmp(err, "eth1: ", 6), name,
				"ret %d, err '%s'", ret, err);
			continue;
		}
		t_check(ret == 0 && r.link_bps == v->link && r.voice_bps == v->want_voice &&
			r.signalling_bps == v->want_sig && r.best_effort_bps == v->want_be &&
			r.voice_clamped == v->clamped, name,
			"ret %d (%s) voice %" PRIu64 " sig %" PRIu64 " be %" PRIu64
			" clamped %d", ret, err, r.voice_bps, r.signalling_bps,
			r.best_effort_bps, r.voice_clamped);
		/* Whatever came in, the guarantees add up to the link, each >= MIN. */
		snprintf(name, sizeof(name), "shaper: split: %s: adds up to the link", v->what);
		t_check(r.voice_bps + r.signalling_bps + r.best_effort_bps == v->link &&
			r.voice_bps >= MIN && r.signalling_bps >= MIN && r.best_effort_bps >= MIN,
			name, "each class at least %llu", MIN);
	}
}

static void test_split_texts(void)
{
	struct vq_shaper_rates r;
	char err[200];

	vq_shaper_split("wan", 1000, 0, 0, &r, err, sizeof(err));
	t_check(!strcmp(err, "wan: link rate 1000 bit/s is below 24000 bit/s (three classes of at least 8000 bit/s)"),
		"shaper: text for a slow link", "'%s'", err);
	vq_shaper_split(NULL, 20000000000ULL, 0, 0, &r, err, sizeof(err));
	t_check(!strcmp(err, "shaper: link rate 20000000000 bit/s is above 17179869176 bit/s, the most HTB can be given through libnl"),
		"shaper: text for a fast link, no interface", "'%s'", err);
	vq_shaper_split("wan", 100000, 90000, 0, &r, err, sizeof(err));
	t_check(!strcmp(err, "wan: signalling rate 90000 bit/s leaves less than 16000 bit/s for voice and best effort on a 100000 bit/s link"),
		"shaper: text for a signalling rate that does not fit", "'%s'", err);
	/* A short buffer is cut, NUL-terminated, and the result is still -EINVAL. */
	memset(err, 'x', sizeof(err));
	t_check(vq_shaper_split("wan", 0, 0, 0, &r, err, 8) == -EINVAL && !strcmp(err, "wan: li"),
		"shaper: short error buffer", "'%.8s'", err);
	t_check(vq_shaper_split("wan", 0, 0, 0, &r, NULL, 0) == -EINVAL,
		"shaper: no error buffer", "errlen 0 must not be written");
}

static void test_check_link(void)
{
	struct vq_shaper_link l = { .ifname = "wan", .rate_bps = 5000000, .overhead = 18,
				    .signalling_bps = 64000, .voice_bps = 0 };
	char err[200] = "";

	t_check(vq_shaper_check_link(&l, err, sizeof(err)) == 0, "shaper: good link", "%s", err);
	l.overhead = VQ_SHAPER_MAX_OVERHEAD;
	t_check(vq_shaper_check_link(&l, err, sizeof(err)) == 0, "shaper: largest overhead",
		"%s", err);
	l.overhead = VQ_SHAPER_MAX_OVERHEAD + 1;
	t_check(vq_shaper_check_link(&l, err, sizeof(err)) == -EINVAL &&
		!strcmp(err, "wan: overhead 257 bytes per packet is above 256"),
		"shaper: overhead too big", "'%s'", err);
	l.overhead = 0;
	l.ifname[0] = '\0';
	t_check(vq_shaper_check_link(&l, err, sizeof(err)) == -EINVAL &&
		!strcmp(err, "shaper: interface name is empty"),
		"shaper: empty interface name", "'%s'", err);
	memset(l.ifname, 'a', sizeof(l.ifname));
	t_check(vq_shaper_check_link(&l, err, sizeof(err)) == -EINVAL &&
		!strcmp(err, "shaper: interface name is longer than 15 characters"),
		"shaper: unterminated interface name", "'%s'", err);
	strcpy(l.ifname, "ppp0");
	l.rate_bps = 10;
	t_check(vq_shaper_check_link(&l, err, sizeof(err)) == -EINVAL && !strncmp(err, "ppp0: link rate 10 ", 19),
		"shaper: check_link checks the rates", "'%s'", err);
}

static void test_names(void)
{
	char buf[VQ_CLASSID_STRLEN];

	t_check(!strcmp(vq_shaper_classid_str(VQ_CLASS_VOICE, buf), "5651:10") &&
		!strcmp(vq_shaper_classid_str(VQ_CLASS_SIGNALLING, buf), "5651:20") &&
		!strcmp(vq_shaper_classid_str(VQ_CLASS_BEST_EFFORT, buf), "5651:30") &&
		!strcmp(vq_shaper_classid_str(VQ_CLASS_PARENT, buf), "5651:1"),
		"shaper: classids as tc prints them", "last '%s'", buf);
	t_check(!strcmp(vq_shaper_classid_str(VQ_SHAPER_HANDLE, buf), "5651:") &&
		!strcmp(vq_shaper_classid_str(VQ_LEAF_VOICE, buf), "5610:") &&
		!strcmp(vq_shaper_classid_str(0, buf), "0:") &&
		!strcmp(vq_shaper_classid_str(0xffffffffU, buf), "ffff:ffff"),
		"shaper: handles and extremes", "last '%s'", buf);
	t_check(VQ_CLASS_VOICE == 0x56510010U && VQ_CLASS_SIGNALLING == 0x56510020U &&
		VQ_CLASS_BEST_EFFORT == 0x56510030U && VQ_SHAPER_HANDLE == 0x56510000U,
		"shaper: classids are the contract's", "skb->priority values");
	t_check(!strcmp(vq_shaper_class_name(VQ_SHAPER_VOICE), "voice") &&
		!strcmp(vq_shaper_class_name(VQ_SHAPER_SIGNALLING), "signalling") &&
		!strcmp(vq_shaper_class_name(VQ_SHAPER_BEST_EFFORT), "best_effort") &&
		!vq_shaper_class_name(VQ_SHAPER_NCLASSES) &&
		!vq_shaper_class_name((enum vq_shaper_class)-1),
		"shaper: class names", "status JSON names");
	t_check(vq_shaper_classid(VQ_SHAPER_VOICE) == VQ_CLASS_VOICE &&
		vq_shaper_classid(VQ_SHAPER_BEST_EFFORT) == VQ_CLASS_BEST_EFFORT &&
		vq_shaper_classid(VQ_SHAPER_NCLASSES) == 0, "shaper: classid by class", "enum");
}

/*
 * Bad input never reaches the kernel; set_voice and a missing interface
 * need the socket (read-only look-ups), skipped where netlink is not there.
 */
static void test_api_errors(void)
{
	struct vq_shaper_link l = { .ifname = "wan", .rate_bps = 1000 };
	struct vq_shaper *sh;
	char err[200] = "";
	int r;

	sh = vq_shaper_open(err, sizeof(err));
	if (!sh) {
		t_skip("shaper: no NETLINK_ROUTE here (%s)", err);
		return;
	}
	r = vq_shaper_setup(sh, &l, err, sizeof(err));
	t_check(r == -EINVAL && !strncmp(err, "wan: link rate 1000 bit/s", 25),
		"shaper: setup refuses a bad link before the kernel", "%d '%s'", r, err);
	r = vq_shaper_set_voice(sh, "wan", 100000, err, sizeof(err));
	t_check(r == -ENOENT &&
		!strcmp(err, "wan: resizing the voice class: not set up by this shaper: No such file or directory"),
		"shaper: set_voice without setup", "%d '%s'", r, err);
	r = vq_shaper_remove(sh, "vq-no-such0", err, sizeof(err));
	t_check(r == -ENODEV &&
		!strcmp(err, "vq-no-such0: looking up the interface: No such device"),
		"shaper: remove on a missing interface", "%d '%s'", r, err);
	strcpy(l.ifname, "vq-no-such0");
	l.rate_bps = 1000000;
	r = vq_shaper_setup(sh, &l, err, sizeof(err));
	t_check(r == -ENODEV && !strcmp(err, "vq-no-such0: looking up the interface: No such device"),
		"shaper: setup on a missing interface", "%d '%s'", r, err);
	r = vq_shaper_read(sh, "", NULL, err, sizeof(err));
	t_check(r == -EINVAL && !strcmp(err, "shaper: interface name is empty"),
		"shaper: read without a name", "%d '%s'", r, err);
	vq_shaper_close(sh);
	vq_shaper_close(NULL);
}

T_SUITE(shaper)
{
	test_splits();
	test_split_texts();
	test_check_link();
	test_names();
	test_api_errors();
}
