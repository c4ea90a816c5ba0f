/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which interface the kernel routes a destination out of: one RTM_GETROUTE
 * request (as `ip route get ADDR` makes) over a NETLINK_ROUTE socket of
 * libmnl. The daemon asks it for each media flow's destination to find the
 * link (and so the budget) the flow crosses.
 */
#ifndef VQ_ROUTE_H
#define VQ_ROUTE_H

#include <stdint.h>

struct vq_route;

/* NULL with errno set. */
struct vq_route *vq_route_open(void);
void vq_route_close(struct vq_route *r);
/*
 * The output interface index for dst (family AF_INET/AF_INET6, 4 or 16
 * bytes), or -errno (-ENETUNREACH when there is no route).
 */
int vq_route_oif(struct vq_route *r, uint16_t family, const uint8_t *dst);

#endif
