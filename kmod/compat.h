/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The voiceqos authors.
 *
 * Every difference between the kernel lines voiceqos builds for (Debian's
 * 6.1 and 6.12) is bridged here and nowhere else.
 */

#ifndef _VQOS_COMPAT_H
#define _VQOS_COMPAT_H

#include <linux/version.h>
#include <net/genetlink.h>

/* 6.12 moved the unaligned accessors out of asm/. */
#if KERNEL_VERSION(6, 12, 0) <= LINUX_VERSION_CODE
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/* 6.2 split genl ops: the parsed dump attributes moved into a genl_info. */
static inline struct nlattr **vqos_dump_attrs(struct netlink_callback *cb)
{
#if KERNEL_VERSION(6, 2, 0) > LINUX_VERSION_CODE
	return genl_dumpit_info(cb)->attrs;
#else
	return genl_dumpit_info(cb)->info.attrs;
#endif
}

/*
 * 6.1 runs a dump's .start without cb->extack, so a refusal there cannot say
 * why; there the dump itself checks, and its error and message end up in
 * NLMSG_DONE (without an attribute offset). 6.12 passes the extack to .start.
 */
#define VQOS_DUMP_START_HAS_EXTACK (KERNEL_VERSION(6, 12, 0) <= LINUX_VERSION_CODE)

#endif /* _VQOS_COMPAT_H */
