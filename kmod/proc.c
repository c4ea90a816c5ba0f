// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The voiceqos authors.
 *
 * /proc/net/voiceqos/{flows,stats}: the same state as FLOW_GET and
 * STATS_GET, for people and shell scripts. Root only, like the netlink
 * commands, because flows reveal who talks to whom.
 */

#include "flow.h"
#include "netns.h"
#include "proc.h"

#include <linux/jiffies.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/socket.h>
#include <net/net_namespace.h>

#define VQOS_PROC_MODE 0440

static const char * const vqos_media_names[] = {
	[VOICEQOS_MEDIA_UNSPEC] = "-",
	[VOICEQOS_MEDIA_AUDIO] = "audio",
	[VOICEQOS_MEDIA_VIDEO] = "video",
	[VOICEQOS_MEDIA_OTHER] = "other",
};

static const char * const vqos_stat_names[VQOS_STAT_MAX] = {
	[VQOS_STAT_PACKETS] = "packets",
	[VQOS_STAT_MATCHED] = "matched",
	[VQOS_STAT_MARKED] = "marked",
	[VQOS_STAT_POLICED] = "policed",
	[VQOS_STAT_LATCHED] = "latched",
	[VQOS_STAT_UNWRITABLE] = "unwritable",
	[VQOS_STAT_SIP_COPIES] = "sip_copies",
	[VQOS_STAT_SIP_DROPPED] = "sip_dropped",
};

static void *vqos_flows_start(struct seq_file *seq, loff_t *pos)
{
	struct vqos_net *vn = vqos_pernet(seq_file_net(seq));

	mutex_lock(&vn->lock);
	return seq_list_start_head(&vn->flow_list, *pos);
}

static void *vqos_flows_next(struct seq_file *seq, void *v, loff_t *pos)
{
	struct vqos_net *vn = vqos_pernet(seq_file_net(seq));

	return seq_list_next(v, &vn->flow_list, pos);
}

static void vqos_flows_stop(struct seq_file *seq, void *v)
{
	struct vqos_net *vn = vqos_pernet(seq_file_net(seq));

	mutex_unlock(&vn->lock);
}

/* addr:port with '*' for a wildcard part; IPv6 in brackets. */
static void vqos_show_ep(struct seq_file *seq, u8 family,
			 const union vqos_addr *addr, bool has_addr,
			 __be16 port, bool has_port)
{
	if (!has_addr)
		seq_puts(seq, family == AF_INET ? "*" : "[*]");
	else if (family == AF_INET)
		seq_printf(seq, "%pI4", &addr->ip);
	else
		seq_printf(seq, "[%pI6c]", &addr->ip6);
	if (has_port)
		seq_printf(seq, ":%u", ntohs(port));
	else
		seq_puts(seq, ":*");
}

static int vqos_flows_show(struct seq_file *seq, void *v)
{
	struct vqos_net *vn = vqos_pernet(seq_file_net(seq));
	const struct vqos_flow_key *k;
	struct vqos_flow *flow;
	bool wild, rtcp;

	if (v == &vn->flow_list) {
		seq_puts(seq, "family src dst cookie media dscp priority rate packets bytes lost jitter_us policed_packets policed_bytes idle_s latched\n");
		return 0;
	}
	flow = list_entry(v, struct vqos_flow, list);
	k = &flow->key;
	wild = vqos_flow_key_is_wild(k);
	/* RTCP flows hold a report, not RTP receiver state: nothing to show here. */
	rtcp = READ_ONCE(flow->p.flags) & VOICEQOS_FLOW_F_RTCP;

	seq_printf(seq, "%s ", k->family == AF_INET ? "inet" : "inet6");
	if (wild)
		vqos_show_ep(seq, k->family, &flow->src,
			     test_bit(VQOS_FLOW_SRC_ADDR, &flow->state), flow->sport,
			     test_bit(VQOS_FLOW_SRC_PORT, &flow->state));
	else
		vqos_show_ep(seq, k->family, &k->src, true, k->sport, true);
	seq_putc(seq, ' ');
	vqos_show_ep(seq, k->family, &k->dst, true, k->dport, true);
	seq_printf(seq, " %llu %s ", flow->p.cookie,
		   vqos_media_names[flow->p.media < ARRAY_SIZE(vqos_media_names) ?
				    flow->p.media : 0]);
	if (flow->p.dscp >= 0)
		seq_printf(seq, "%d", flow->p.dscp);
	else
		seq_putc(seq, '-');
	seq_printf(seq, " %x:%x %llu %lld %lld %llu %u %lld %lld %u ",
		   flow->p.priority >> 16, flow->p.priority & 0xffff, flow->p.rate,
		   (s64)atomic64_read(&flow->packets), (s64)atomic64_read(&flow->bytes),
		   rtcp ? 0 : vqos_rtp_lost(&flow->rtp),
		   rtcp ? 0 : vqos_rtp_jitter_us(vqos_rtp_jitter(&flow->rtp),
						 flow->p.clock_rate),
		   (s64)atomic64_read(&flow->policed_packets),
		   (s64)atomic64_read(&flow->policed_bytes),
		   jiffies_to_msecs(jiffies - READ_ONCE(flow->last_seen)) / 1000U);
	if (wild && test_bit(VQOS_FLOW_LATCHED, &flow->state))
		vqos_show_ep(seq, k->family, &flow->src, true, flow->sport, true);
	else
		seq_putc(seq, '-');
	seq_putc(seq, '\n');
	return 0;
}

static const struct seq_operations vqos_flows_seq_ops = {
	.start = vqos_flows_start,
	.next = vqos_flows_next,
	.stop = vqos_flows_stop,
	.show = vqos_flows_show,
};

static int vqos_stats_show(struct seq_file *seq, void *v)
{
	struct vqos_net *vn = vqos_pernet(seq_file_single_net(seq));
	u64 stats[VQOS_STAT_MAX];
	unsigned int i;

	vqos_stats_read(vn, stats);
	for (i = 0; i < VQOS_STAT_MAX; i++)
		seq_printf(seq, "%s %llu\n", vqos_stat_names[i], stats[i]);
	seq_printf(seq, "flows %u\nmax_flows %u\nexpired %lld\nhooks %u\n",
		   READ_ONCE(vn->n_flows), READ_ONCE(vqos_max_flows),
		   (s64)atomic64_read(&vn->expired), READ_ONCE(vn->hooks_on));
	return 0;
}

int vqos_proc_init(struct vqos_net *vn)
{
	struct net *net = vn->net;

	vn->proc_dir = proc_net_mkdir(net, "voiceqos", net->proc_net);
	if (!vn->proc_dir)
		return -ENOMEM;
	if (!proc_create_net("flows", VQOS_PROC_MODE, vn->proc_dir,
			     &vqos_flows_seq_ops, sizeof(struct seq_net_private)))
		goto err_flows;
	if (!proc_create_net_single("stats", VQOS_PROC_MODE, vn->proc_dir,
				    vqos_stats_show, NULL))
		goto err_stats;
	return 0;

err_stats:
	remove_proc_entry("flows", vn->proc_dir);
err_flows:
	remove_proc_entry("voiceqos", net->proc_net);
	return -ENOMEM;
}

void vqos_proc_uninit(struct vqos_net *vn)
{
	remove_proc_subtree("voiceqos", vn->net->proc_net);
}
