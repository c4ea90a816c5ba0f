// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The voiceqos authors.
 *
 * voiceqos: classify, police and measure the media flows of voice and video
 * calls that a userspace agent learned from SIP, so that calls keep their
 * quality on a saturated uplink.
 */

#include "flow.h"
#include "hooks.h"
#include "netlink.h"
#include "netns.h"
#include "proc.h"

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/voiceqos.h>
#include <net/genetlink.h>

#define VQOS_VERSION "0.1.0"
#define VQOS_DEFAULT_SIP_PORT 5060
#define VQOS_DEFAULT_MIRROR_BURST 64

unsigned int vqos_net_id __read_mostly;

unsigned int vqos_max_flows __read_mostly = 65536;
module_param_named(max_flows, vqos_max_flows, uint, 0644);
MODULE_PARM_DESC(max_flows, "Most flows per network namespace (default 65536)");

unsigned int vqos_idle_timeout __read_mostly = 60;
module_param_named(idle_timeout, vqos_idle_timeout, uint, 0644);
MODULE_PARM_DESC(idle_timeout, "Default idle seconds before a flow expires (default 60)");

unsigned int vqos_mirror_rate __read_mostly = 1000;
module_param_named(mirror_rate, vqos_mirror_rate, uint, 0444);
MODULE_PARM_DESC(mirror_rate, "SIP copies per second a new namespace starts with (default 1000)");

void vqos_stats_read(struct vqos_net *vn, u64 out[VQOS_STAT_MAX])
{
	unsigned int cpu, i, start;

	memset(out, 0, sizeof(u64) * VQOS_STAT_MAX);
	for_each_possible_cpu(cpu) {
		const struct vqos_pcpu_stats *s = per_cpu_ptr(vn->stats, cpu);
		u64 v[VQOS_STAT_MAX];

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			for (i = 0; i < VQOS_STAT_MAX; i++)
				v[i] = u64_stats_read(&s->v[i]);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		for (i = 0; i < VQOS_STAT_MAX; i++)
			out[i] += v[i];
	}
}

static int vqos_stats_init(struct vqos_net *vn)
{
	int cpu;

	vn->stats = alloc_percpu(struct vqos_pcpu_stats);
	if (!vn->stats)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(vn->stats, cpu)->syncp);
	return 0;
}

static int vqos_config_init(struct vqos_net *vn)
{
	struct vqos_config *cfg;

	cfg = kzalloc(sizeof(*cfg), GFP_KERNEL);
	if (!cfg)
		return -ENOMEM;
	cfg->sip_ports[0] = VQOS_DEFAULT_SIP_PORT;
	cfg->n_sip_ports = 1;
	cfg->mirror_rate = min(READ_ONCE(vqos_mirror_rate), 1000000U);
	cfg->mirror_burst = VQOS_DEFAULT_MIRROR_BURST;
	cfg->sip_dscp = -1;
	vqos_police_set(&vn->mirror, cfg->mirror_rate, cfg->mirror_burst, ktime_get_ns());
	RCU_INIT_POINTER(vn->cfg, cfg);
	return 0;
}

/* Only after the hooks are gone: nothing else reads the config. */
static void vqos_config_uninit(struct vqos_net *vn)
{
	kfree(rcu_dereference_protected(vn->cfg, true));
}

static int __net_init vqos_net_init(struct net *net)
{
	struct vqos_net *vn = vqos_pernet(net);
	int err;

	vn->net = net;
	err = vqos_stats_init(vn);
	if (err)
		return err;
	err = vqos_config_init(vn);
	if (err)
		goto err_config;
	err = vqos_flow_table_init(vn);
	if (err)
		goto err_flow_table;
	err = vqos_proc_init(vn);
	if (err)
		goto err_proc;
	return 0;

err_proc:
	vqos_flow_table_uninit(vn);
err_flow_table:
	vqos_config_uninit(vn);
err_config:
	free_percpu(vn->stats);
	return err;
}

static void __net_exit vqos_net_exit(struct net *net)
{
	struct vqos_net *vn = vqos_pernet(net);

	vqos_hooks_uninit(vn);
	vqos_proc_uninit(vn);
	vqos_flow_table_uninit(vn);
	vqos_config_uninit(vn);
	free_percpu(vn->stats);
}

static struct pernet_operations vqos_net_ops = {
	.init = vqos_net_init,
	.exit = vqos_net_exit,
	.id = &vqos_net_id,
	.size = sizeof(struct vqos_net),
};

static int __init vqos_mod_init(void)
{
	int err;

	err = vqos_flow_init();
	if (err)
		return err;
	err = register_pernet_subsys(&vqos_net_ops);
	if (err)
		goto err_pernet;
	/* Last: from here on userspace can reach us. */
	err = vqos_netlink_init();
	if (err)
		goto err_netlink;
	pr_info("voiceqos " VQOS_VERSION " loaded\n");
	return 0;

err_netlink:
	unregister_pernet_subsys(&vqos_net_ops);
err_pernet:
	vqos_flow_uninit();
	return err;
}

static void __exit vqos_mod_exit(void)
{
	/* First: nobody must reach the tables while they are torn down. */
	vqos_netlink_uninit();
	unregister_pernet_subsys(&vqos_net_ops);
	vqos_flow_uninit();
}

module_init(vqos_mod_init);
module_exit(vqos_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Voice QoS: classify, police and measure SIP-negotiated media flows");
MODULE_AUTHOR("The voiceqos authors");
MODULE_VERSION(VQOS_VERSION);
MODULE_ALIAS_GENL_FAMILY(VOICEQOS_GENL_NAME);
