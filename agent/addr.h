/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parsing and formatting of the values the CLI takes and prints: endpoints,
 * DSCP, tc handles, rates and plain numbers. Everything here is pure (no
 * netlink, no output) so that tests/unit can cover it exhaustively.
 *
 * The parse functions return NULL on success, otherwise a short reason that
 * reads well in parentheses after "bad KEYWORD 'VALUE'".
 */
#ifndef VQ_ADDR_H
#define VQ_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

struct vq_endpoint {
	uint16_t family;	/* AF_UNSPEC only for a wildcard address */
	bool any_addr;
	uint8_t addr[16];	/* network byte order, 4 or 16 bytes used */
	uint16_t port;		/* host byte order; 0 = any */
};

/* How an endpoint argument may look. */
enum {
	VQ_EP_DST,	/* ADDR:PORT or [V6]:PORT, nothing wild */
	VQ_EP_SRC,	/* ADDR[:PORT], [V6][:PORT], *:PORT, ADDR:*, any */
};

/* "[ffff:...:ffff]:65535" plus NUL, with room to spare */
#define VQ_EP_STRLEN (INET6_ADDRSTRLEN + 10)

const char *vq_parse_endpoint(const char *s, int kind, struct vq_endpoint *ep);
char *vq_format_endpoint(const struct vq_endpoint *ep, char *buf, size_t len);
/* Bare address; "*" when any_addr. */
char *vq_format_addr(const struct vq_endpoint *ep, char *buf, size_t len);
size_t vq_addr_len(uint16_t family);

bool vq_parse_num(const char *s, uint64_t max, uint64_t *out);

const char *vq_parse_dscp(const char *s, uint8_t *out);
const char *vq_dscp_name(unsigned int dscp);
char *vq_format_dscp(unsigned int dscp, char *buf, size_t len);

const char *vq_parse_handle(const char *s, uint32_t *out);
char *vq_format_handle(uint32_t h, char *buf, size_t len);

#define VQ_MAX_RATE 100000000000ULL	/* 100 Gbit/s, the kernel's bound */
const char *vq_parse_rate(const char *s, uint64_t *out);
char *vq_format_rate(uint64_t rate, char *buf, size_t len);

const char *vq_parse_mark(const char *s, uint32_t *mark, uint32_t *mask,
			  bool *has_mask);
const char *vq_parse_ports(const char *s, uint16_t *ports, size_t max,
			   size_t *n);
const char *vq_parse_media(const char *s, uint8_t *out);
const char *vq_media_name(unsigned int media);

/* Seconds with up to three decimals, into milliseconds. */
const char *vq_parse_seconds(const char *s, uint64_t max_ms, uint64_t *ms);

#endif
