// SPDX-License-Identifier: GPL-2.0
/*
 * The CLI's messages for a refused kernel request: the module's commands
 * are GENL_ADMIN_PERM, so EPERM says what is missing; other errors do not
 * get that hint. (Module not loaded, daemon not running and the root-only
 * socket are exercised end to end by cli.sh.)
 */
#include <errno.h>
#include <string.h>

#include "common.h"
#include "test.h"

T_SUITE(cli_errors)
{
	const char *msg;
	int r;

	t_capture_start();
	r = vq_kerr("flow add", EPERM, NULL);
	msg = t_capture_end();
	t_check(r == EXIT_KERNEL &&
		!strcmp(msg, "voiceqos: flow add: Operation not permitted (needs root or CAP_NET_ADMIN)"),
		"kerr_eperm", "r=%d msg=%s", r, msg);

	t_capture_start();
	r = vq_kerr("config set", EPERM, "only the admin");
	msg = t_capture_end();
	t_check(!strcmp(msg, "voiceqos: config set: Operation not permitted: only the admin "
			"(needs root or CAP_NET_ADMIN)"), "kerr_eperm_extack", "msg=%s", msg);

	t_capture_start();
	r = vq_kerr("flow add", EINVAL, "bad rate");
	msg = t_capture_end();
	t_check(!strcmp(msg, "voiceqos: flow add: Invalid argument: bad rate"),
		"kerr_einval_no_hint", "msg=%s", msg);
}
