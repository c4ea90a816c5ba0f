// SPDX-License-Identifier: GPL-2.0
/*
 * voiceqosd: learns calls from the SIP copies the voiceqos module mirrors,
 * and installs, adjusts and removes their media flows. See
 * Documentation/daemon.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "daemon.h"
#include "log.h"


static void usage(FILE *f)
{
	fputs("usage: voiceqosd [-c CONFIG] [-f] [-d] [-s] [-t]\n"
	      "  -c CONFIG  configuration file (default " VQ_DEFAULT_CONF ";\n"
	      "             if that file does not exist, built-in defaults)\n"
	      "  -f         stay in the foreground (systemd, tests)\n"
	      "  -d         debug logging\n"
	      "  -s         log to syslog (default: stderr in the foreground)\n"
	      "  -t         check the configuration and exit\n"
	      "  -V         print the version\n"
	      "  -h         print this help\n", f);
}

/* Classic double fork: no controlling terminal, not a session leader. */
static int detach(void)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0)
		return -1;
	if (pid > 0)
		_exit(0);
	if (setsid() < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0)
		_exit(0);
	if (chdir("/") < 0)
		return -1;
	umask(022);
	fd = open("/dev/null", O_RDWR);
	if (fd < 0)
		return -1;
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
	return 0;
}

int main(int argc, char *argv[])
{
	struct vq_daemon_opts o = { 0 };
	struct vq_config *cfg;
	struct vq_daemon dm;
	bool check_only = false;
	char err[512];
	int c, rc;

	while ((c = getopt(argc, argv, "c:fdstVh")) != -1) {
		switch (c) {
		case 'c':
			o.config = optarg;
			break;
		case 'f':
			o.foreground = true;
			break;
		case 'd':
			o.debug = true;
			break;
		case 's':
			o.syslog = true;
			break;
		case 't':
			check_only = true;
			break;
		case 'V':
			printf("voiceqosd %s\n", VQOS_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "voiceqosd: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	cfg = malloc(sizeof(*cfg));
	if (!cfg) {
		fprintf(stderr, "voiceqosd: out of memory\n");
		return 1;
	}
	/* A bad file stops us here, before anything touches the kernel. */
	if (vq_daemon_load_config(o.config ? o.config : VQ_DEFAULT_CONF,
				  o.config != NULL, cfg, err, sizeof(err)) < 0) {
		fprintf(stderr, "voiceqosd: %s\n", err);
		free(cfg);
		return 1;
	}
	if (check_only) {
		printf("%s: ok\n", cfg->path[0] ? cfg->path : "built-in defaults");
		free(cfg);
		return 0;
	}
	if (geteuid() != 0)
		fprintf(stderr, "voiceqosd: warning: not root; the module needs "
			"CAP_NET_ADMIN and the control socket is root only\n");
	if (vq_daemon_init(&dm, &o, cfg) < 0) {
		vq_daemon_fini(&dm);
		free(dm.cfg);
		return 1;
	}
	if (!o.foreground && detach() < 0) {
		vq_err_log("cannot detach: %s", strerror(errno));
		vq_daemon_fini(&dm);
		free(dm.cfg);
		return 1;
	}
	if (!o.foreground)
		vq_daemon_detached(&dm);
	rc = vq_daemon_run(&dm);
	vq_daemon_fini(&dm);
	free(dm.cfg);
	return rc;
}
