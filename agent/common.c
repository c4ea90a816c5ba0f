// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include <linux/voiceqos.h>

#include "common.h"

bool vq_json;
FILE *vq_errf;
const char *vq_err_prefix = "voiceqos: ";

static void verr(const char *fmt, va_list ap)
{
	FILE *f = vq_errf ? vq_errf : stderr;

	/* Keep ordering sane when stdout and stderr go to the same pipe. */
	fflush(stdout);
	fputs(vq_err_prefix, f);
	vfprintf(f, fmt, ap);
	fputc('\n', f);
	fflush(f);
}

int vq_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(fmt, ap);
	va_end(ap);
	return EXIT_KERNEL;
}

int vq_usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(fmt, ap);
	va_end(ap);
	return EXIT_USAGE;
}

int vq_kerr(const char *what, int err, const char *extack)
{
	/* The module's commands are GENL_ADMIN_PERM: say what would do. */
	const char *hint = err == EPERM || err == EACCES ? " (needs root or CAP_NET_ADMIN)" : "";

	if (extack && *extack)
		return vq_err("%s: %s: %s%s", what, strerror(err), extack, hint);
	return vq_err("%s: %s%s", what, strerror(err), hint);
}

int vq_bad(const char *cmd, const char *kw, const char *val, const char *why)
{
	return vq_usage("%s: bad %s '%s' (%s)", cmd, kw, val, why);
}

int vq_genl_open(struct genl *g)
{
	int r = genl_open(g);

	if (r < 0)
		return vq_kerr("generic netlink socket", -r, NULL);
	r = genl_resolve(g, VOICEQOS_GENL_NAME);
	if (r == -ENOENT) {
		genl_close(g);
		return vq_err("kernel module not loaded (genl family " VOICEQOS_GENL_NAME
			      " not found); load it with: modprobe voiceqos");
	}
	if (r < 0) {
		int ret = vq_kerr("resolve genl family " VOICEQOS_GENL_NAME,
				  -r, g->extack);

		genl_close(g);
		return ret;
	}
	return 0;
}

int vq_ctl_dial(const char *cmd, const char *path, int timeout_s, int *fdp)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = timeout_s };
	int fd, e;

	*fdp = -1;
	if (strlen(path) >= sizeof(sa.sun_path))
		return vq_usage("%s: socket path too long: %s", cmd, path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return vq_err("%s: socket: %s", cmd, strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		*fdp = fd;
		return 0;
	}
	e = errno;
	close(fd);
	switch (e) {
	case ENOENT:
	case ENOTDIR:
		return vq_err("voiceqosd is not running (no control socket at %s); "
			      "start it with: systemctl start voiceqosd (or voiceqosd -f)", path);
	case ECONNREFUSED:
		/* A socket file nobody listens on: the daemon died without cleaning up. */
		return vq_err("voiceqosd is not running (nothing listens on %s); "
			      "start it with: systemctl start voiceqosd (or voiceqosd -f)", path);
	case EACCES:
	case EPERM:
		/*
		 * The socket and its directory are root only and the daemon checks
		 * the peer's uid: CAP_NET_ADMIN alone does not open it.
		 */
		return vq_err("%s: %s: permission denied (the control socket is root only; "
			      "run as root)", cmd, path);
	default:
		return vq_err("%s: connect %s: %s", cmd, path, strerror(e));
	}
}

static struct genl shared;
static bool shared_open;

struct genl *vq_genl(void)
{
	if (shared_open)
		return &shared;
	if (vq_genl_open(&shared))
		return NULL;
	shared_open = true;
	return &shared;
}

void vq_genl_close(void)
{
	if (shared_open)
		genl_close(&shared);
	shared_open = false;
}

int vq_split_line(char *line, char ***argvp, const char **err)
{
	size_t argc = 0, cap = 8;
	char **argv = malloc(cap * sizeof(*argv));
	char *r = line, *w = line;

	*err = NULL;
	if (!argv) {
		*err = "out of memory";
		return -1;
	}
	for (;;) {
		char *word;

		while (*r == ' ' || *r == '\t' || *r == '\r' || *r == '\n')
			r++;
		if (!*r || *r == '#')
			break;
		word = w;
		while (*r && *r != ' ' && *r != '\t' && *r != '\r' && *r != '\n') {
			if (*r == '"' || *r == '\'') {
				char q = *r++;

				while (*r && *r != q)
					*w++ = *r++;
				if (!*r) {
					free(argv);
					*err = "unterminated quote";
					return -1;
				}
				r++;
			} else {
				*w++ = *r++;
			}
		}
		/* The terminator may overwrite the separator just read past. */
		if (*r)
			r++;
		*w++ = '\0';
		if (argc + 1 >= cap) {
			char **n = realloc(argv, 2 * cap * sizeof(*argv));

			if (!n) {
				free(argv);
				*err = "out of memory";
				return -1;
			}
			argv = n;
			cap *= 2;
		}
		argv[argc++] = word;
	}
	argv[argc] = NULL;
	*argvp = argv;
	return argc;
}
