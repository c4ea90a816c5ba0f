// SPDX-License-Identifier: GPL-2.0
/*
 * The INI config parser (agent/config.c through inih) on arbitrary file
 * contents. The bytes go into a memfd that vq_config_load opens by its
 * /proc/self/fd path, as it would open /etc/voiceqos/voiceqos.conf.
 *
 * Invariants: a refused file leaves the caller's config untouched and
 * says "PATH:LINE: ..." or "PATH: ..." in one printable line; an accepted
 * one has its counts within their arrays, and vq_config_write of it reads
 * back to the same struct (what `voiceqosd --print-config` shows is what
 * the daemon runs with). No fd is left open (checked against the lowest
 * free descriptor before and after).
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config.h"
#include "fuzz.h"

static int lowest_free_fd(void)
{
	int fd = dup(0), r;

	if (fd < 0) {
		fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			vq_fuzz_fail("no descriptor left");
	}
	r = fd;
	close(fd);
	return r;
}

static int to_memfd(const void *data, size_t size, char *path, size_t len)
{
	int fd = memfd_create("vq-fuzz-conf", MFD_CLOEXEC);
	size_t off = 0;

	if (fd < 0)
		vq_fuzz_fail("memfd_create failed");
	while (off < size) {
		ssize_t n = write(fd, (const char *)data + off, size - off);

		if (n <= 0)
			vq_fuzz_fail("write to memfd failed");
		off += (size_t)n;
	}
	snprintf(path, len, "/proc/self/fd/%d", fd);
	return fd;
}

static void check_err(const char *err, const char *path)
{
	size_t pl = strlen(path);

	if (!memchr(err, '\0', 512))
		vq_fuzz_fail("error message not terminated");
	if (strncmp(err, path, pl) || (err[pl] != ':'))
		vq_fuzz_fail("error does not start with the path: '%s'", err);
	for (const char *p = err; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			vq_fuzz_fail("control character in the error: '%s'", err);
}

static void check_counts(const struct vq_config *c)
{
	if (c->sip.nports > VQ_MAX_PORTS)
		vq_fuzz_fail("%u ports", c->sip.nports);
	if (c->sip.ntrusted > VQ_MAX_TRUSTED)
		vq_fuzz_fail("%u trusted prefixes", c->sip.ntrusted);
	for (unsigned int i = 0; i < c->sip.ntrusted; i++) {
		const struct vq_prefix *p = &c->sip.trusted[i];

		if (p->len > (p->family == AF_INET ? 32 : 128))
			vq_fuzz_fail("prefix length %u", p->len);
	}
	if (c->sip.dscp > 63 || c->media.voice_dscp > 63 || c->media.video_dscp > 63 ||
	    c->media.image_dscp > 63 || c->kernel.fallback_dscp > 63)
		vq_fuzz_fail("a DSCP above 63");
	if (!memchr(c->daemon.socket, '\0', sizeof(c->daemon.socket)))
		vq_fuzz_fail("socket path not terminated");
	if (c->media.bw.l2_overhead > VQ_BW_MAX_L2)
		vq_fuzz_fail("link overhead %u", c->media.bw.l2_overhead);
}

static bool same_config(const struct vq_config *a, const struct vq_config *b)
{
	struct vq_config x = *a, y = *b;

	memcpy(x.path, y.path, sizeof(x.path));
	return !memcmp(&x, &y, sizeof(x));
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	vq_fuzz_quiet_log();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vq_config c, before, back;
	char path[64], err[512];
	int fd, fd2, low = lowest_free_fd();

	fd = to_memfd(data, size, path, sizeof(path));
	memset(&c, 0xa5, sizeof(c));
	before = c;
	memset(err, 'x', sizeof(err));
	if (vq_config_load(path, &c, err, sizeof(err))) {
		if (memcmp(&c, &before, sizeof(c)))
			vq_fuzz_fail("a refused file changed the config");
		check_err(err, path);
	} else {
		char *text = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&text, &len);

		check_counts(&c);
		if (!m)
			vq_fuzz_fail("open_memstream failed");
		vq_config_write(&c, m);
		fclose(m);
		fd2 = to_memfd(text, len, path, sizeof(path));
		if (vq_config_load(path, &back, err, sizeof(err)))
			vq_fuzz_fail("the written config is refused: %s\n%s", err, text);
		if (!same_config(&c, &back))
			vq_fuzz_fail("the written config reads back different:\n%s", text);
		close(fd2);
		free(text);
	}
	close(fd);
	if (lowest_free_fd() != low)
		vq_fuzz_fail("a descriptor was left open");
	return 0;
}
