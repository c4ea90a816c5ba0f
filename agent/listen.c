// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>

#include <linux/genetlink.h>
#include <linux/voiceqos.h>

#include "cli.h"
#include "common.h"

/* A burst of INVITEs with SDP is a few MB; the default rmem is ~200 KB. */
#define LISTEN_RCVBUF (8 << 20)
#define MAX_TIMEOUT_MS (100000000ULL * 1000)

struct listen_ctx {
	uint16_t family;
	uint64_t count;		/* 0: unlimited */
	uint64_t seen;
	bool bad;
};

static int listen_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[VOICEQOS_A_MAX + 1];
	const struct genlmsghdr *gh = genl_hdr(nlh);
	struct listen_ctx *c = data;
	struct json j;

	if (nlh->nlmsg_type != c->family || !gh ||
	    genl_parse(nlh, tb, VOICEQOS_A_MAX) < 0)
		return 0;
	json_init(&j, stdout);
	if (gh->cmd == VOICEQOS_CMD_FLOW_EXPIRED) {
		struct vq_flow f;

		if (!tb[VOICEQOS_A_FLOW] || vq_flow_parse(tb[VOICEQOS_A_FLOW], &f) < 0) {
			c->bad = true;
			return 0;
		}
		if (vq_json) {
			json_obj_begin(&j);
			json_kv_str(&j, "event", "flow_expired");
			json_key(&j, "flow");
			vq_flow_json(&j, &f);
			json_obj_end(&j);
			fputc('\n', stdout);
		} else {
			fputs("expired ", stdout);
			vq_flow_print(stdout, &f);
		}
	} else if (gh->cmd == VOICEQOS_CMD_SIP_COPY) {
		struct vq_sip s;

		if (!tb[VOICEQOS_A_SIP] || vq_sip_nl_parse(tb[VOICEQOS_A_SIP], &s) < 0) {
			c->bad = true;
			return 0;
		}
		if (vq_json) {
			vq_sip_json(&j, &s);
			fputc('\n', stdout);
		} else {
			vq_sip_print(stdout, &s);
		}
	} else {
		return 0;
	}
	/* Consumers read line by line from a pipe: no block buffering. */
	fflush(stdout);
	c->seen++;
	return c->count && c->seen >= c->count;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int join(struct genl *g, const char *name)
{
	uint32_t id = genl_group(g, name);
	char what[64];
	int r;

	if (!id)
		return vq_err("listen: the kernel module has no '%s' multicast group", name);
	r = genl_subscribe(g, id);
	if (r < 0) {
		snprintf(what, sizeof(what), "listen: join multicast group '%s'", name);
		return vq_kerr(what, -r, NULL);
	}
	return 0;
}

int listen_main(int argc, char *argv[])
{
	struct listen_ctx c = { 0 };
	bool sip = false, events = false, have_timeout = false;
	uint64_t timeout_ms = 0, deadline = 0;
	int sz = LISTEN_RCVBUF, k, r;
	struct genl g;

	for (k = 1; k < argc; k++) {
		const char *why;

		if (strcmp(argv[k], "sip") == 0) {
			sip = true;
		} else if (strcmp(argv[k], "events") == 0) {
			events = true;
		} else if (strcmp(argv[k], "count") == 0 || strcmp(argv[k], "timeout") == 0) {
			if (k + 1 >= argc)
				return vq_usage("listen: '%s' needs a value", argv[k]);
			if (argv[k][0] == 'c') {
				if (!vq_parse_num(argv[k + 1], UINT64_MAX, &c.count) ||
				    c.count == 0)
					return vq_bad("listen", "count", argv[k + 1],
						      "a number of messages, at least 1");
			} else {
				why = vq_parse_seconds(argv[k + 1], MAX_TIMEOUT_MS,
						       &timeout_ms);
				if (why)
					return vq_bad("listen", "timeout", argv[k + 1], why);
				have_timeout = true;
			}
			k++;
		} else {
			return vq_usage("listen: unknown argument '%s'", argv[k]);
		}
	}
	if (!sip && !events)
		sip = events = true;

	r = vq_genl_open(&g);
	if (r)
		return r;
	c.family = g.family;
	/* FORCE works for root past rmem_max; plain SO_RCVBUF for the rest. */
	if (setsockopt(genl_fd(&g), SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
		setsockopt(genl_fd(&g), SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if ((events && (r = join(&g, VOICEQOS_MCGRP_EVENTS))) ||
	    (sip && (r = join(&g, VOICEQOS_MCGRP_SIP))))
		goto out;

	if (have_timeout)
		deadline = now_ms() + timeout_ms;
	for (;;) {
		struct pollfd pfd = { .fd = genl_fd(&g), .events = POLLIN };
		int wait = -1;

		if (have_timeout) {
			uint64_t now = now_ms();

			if (now >= deadline)
				goto timeout;
			wait = deadline - now > 1000000000 ? 1000000000 : deadline - now;
		}
		r = poll(&pfd, 1, wait);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			r = vq_kerr("listen: poll", errno, NULL);
			goto out;
		}
		if (r == 0)
			continue;	/* the deadline check above decides */
		r = genl_recv(&g, listen_cb, &c);
		if (r > 0) {
			r = 0;
			goto out;
		}
		if (c.bad) {
			vq_err("listen: skipped a malformed message from the kernel");
			c.bad = false;
		}
		/* Losing events is worth a warning, not giving up on the rest. */
		if (r == -ENOBUFS) {
			vq_err("listen: receive buffer overrun, messages were lost");
		} else if (r == -ENOSPC) {
			vq_err("listen: a message was truncated and skipped");
		} else if (r < 0 && r != -EINTR && r != -EAGAIN) {
			r = vq_kerr("listen: receive", -r, NULL);
			goto out;
		}
	}
timeout:
	if (c.count) {
		r = vq_err("listen: timed out after %llu of %llu messages",
			   (unsigned long long)c.seen, (unsigned long long)c.count);
	} else {
		r = 0;
	}
out:
	genl_close(&g);
	return r;
}
