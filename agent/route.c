// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

#include "route.h"

struct vq_route {
	struct mnl_socket *nl;
	uint32_t portid, seq;
	char buf[8192];
};

struct vq_route *vq_route_open(void)
{
	struct vq_route *r = calloc(1, sizeof(*r));
	int e;

	if (!r)
		return NULL;
	r->nl = mnl_socket_open(NETLINK_ROUTE);
	if (!r->nl || mnl_socket_bind(r->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		e = errno;
		if (r->nl)
			mnl_socket_close(r->nl);
		free(r);
		errno = e;
		return NULL;
	}
	r->portid = mnl_socket_get_portid(r->nl);
	r->seq = time(NULL);
	return r;
}

void vq_route_close(struct vq_route *r)
{
	if (!r)
		return;
	mnl_socket_close(r->nl);
	free(r);
}

static int attr_cb(const struct nlattr *a, void *data)
{
	int *oif = data;

	if (mnl_attr_get_type(a) == RTA_OIF && mnl_attr_validate(a, MNL_TYPE_U32) >= 0)
		*oif = mnl_attr_get_u32(a);
	return MNL_CB_OK;
}

static int msg_cb(const struct nlmsghdr *nlh, void *data)
{
	if (nlh->nlmsg_type != RTM_NEWROUTE)
		return MNL_CB_OK;
	return mnl_attr_parse(nlh, sizeof(struct rtmsg), attr_cb, data);
}

int vq_route_oif(struct vq_route *r, uint16_t family, const uint8_t *dst)
{
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	size_t alen = family == AF_INET6 ? 16 : 4;
	uint32_t seq;
	int oif = 0, n;

	if (family != AF_INET && family != AF_INET6)
		return -EAFNOSUPPORT;
	nlh = mnl_nlmsg_put_header(r->buf);
	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = seq = ++r->seq;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = family;
	rtm->rtm_dst_len = alen * 8;
	mnl_attr_put(nlh, RTA_DST, alen, dst);
	if (mnl_socket_sendto(r->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	/* The reply is one RTM_NEWROUTE or an error (no ack was asked). */
	do {
		n = mnl_socket_recvfrom(r->nl, r->buf, sizeof(r->buf));
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (mnl_cb_run(r->buf, n, seq, r->portid, msg_cb, &oif) < 0)
		return -errno;
	/* A reply without RTA_OIF (a blackhole route) has no interface. */
	return oif > 0 ? oif : -ENETUNREACH;
}
