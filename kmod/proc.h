/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The voiceqos authors.
 */

#ifndef _VQOS_PROC_H
#define _VQOS_PROC_H

struct vqos_net;

int vqos_proc_init(struct vqos_net *vn);
void vqos_proc_uninit(struct vqos_net *vn);

#endif /* _VQOS_PROC_H */
