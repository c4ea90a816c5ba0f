/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The voiceqos authors.
 */

#ifndef _VQOS_MARK_H
#define _VQOS_MARK_H

#include <linux/types.h>

struct sk_buff;

int vqos_mark_dscp(struct sk_buff *skb, u8 family, u8 dscp);

#endif /* _VQOS_MARK_H */
