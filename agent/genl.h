/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Generic netlink over libmnl: one socket per struct genl, family and
 * multicast groups resolved once, requests acknowledged with extack.
 */
#ifndef VQ_GENL_H
#define VQ_GENL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libmnl/libmnl.h>

#define GENL_MAX_GROUPS 8
#define GENL_DUMP_RETRIES 10

struct genl {
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq;
	uint16_t family;
	uint8_t version;
	struct {
		char name[32];
		uint32_t id;
	} groups[GENL_MAX_GROUPS];
	unsigned int ngroups;
	/* Large enough for a SIP copy (64 KiB payload) and any dump batch. */
	char *rbuf;
	size_t rbuf_len;
	char *sbuf;
	size_t sbuf_len;
	char extack[512];	/* kernel's message for the last error, or "" */
};

/* Return the message a netlink reply carried, for the caller's callback. */
typedef int (*genl_cb)(const struct nlmsghdr *nlh, void *data);

int genl_open(struct genl *g);
void genl_close(struct genl *g);
/* -ENOENT: no such family (module not loaded). */
int genl_resolve(struct genl *g, const char *name);
uint32_t genl_group(const struct genl *g, const char *name);

/* Starts a request for cmd in g->sbuf; add attributes, then talk or dump. */
struct nlmsghdr *genl_req(struct genl *g, uint8_t cmd, uint16_t flags);
/*
 * Send req with NLM_F_ACK and hand every reply to cb until the ack.
 * Returns 0 or -errno; on a kernel error g->extack holds its message.
 */
int genl_talk(struct genl *g, struct nlmsghdr *req, genl_cb cb, void *data);
/*
 * Dump: the whole answer is collected first and cb only runs on a dump
 * that was not interrupted (NLM_F_DUMP_INTR), so output is never a mix of
 * two table states. Restarts at most GENL_DUMP_RETRIES times: -EAGAIN.
 */
int genl_dump(struct genl *g, struct nlmsghdr *req, genl_cb cb, void *data);

int genl_subscribe(struct genl *g, uint32_t group);
int genl_fd(const struct genl *g);
/* One recv of multicast messages; cb sees each. -errno on failure. */
int genl_recv(struct genl *g, genl_cb cb, void *data);

/* The genl payload of a message (after struct genlmsghdr), or NULL. */
const struct genlmsghdr *genl_hdr(const struct nlmsghdr *nlh);
/* tb[type] = attr for each attribute type <= max at the genl payload. */
int genl_parse(const struct nlmsghdr *nlh, const struct nlattr **tb, int max);
int genl_parse_nested(const struct nlattr *nest, const struct nlattr **tb,
		      int max);

#endif
