/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the voiceqos test tools: address parsing, clocks, option
 * parsing of numbers. Header-only so that every tool is one translation unit.
 */
#ifndef VQOS_TEST_COMMON_H
#define VQOS_TEST_COMMON_H

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct endpoint {
	struct sockaddr_storage ss;
	socklen_t len;
	int family;
};

static const char *prog_name = "tool";

static inline void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/* "1.2.3.4:5", "[2001:db8::1]:5"; port may be 0 only if allow_zero. */
static inline void parse_endpoint(const char *arg, struct endpoint *ep, bool allow_zero)
{
	char buf[128];
	char *host, *port, *end;
	unsigned long p;

	if (strlen(arg) >= sizeof(buf))
		die("address too long: %s", arg);
	strcpy(buf, arg);
	memset(ep, 0, sizeof(*ep));
	if (buf[0] == '[') {
		host = buf + 1;
		end = strchr(host, ']');
		if (!end || end[1] != ':')
			die("bad address '%s' (want [ADDR]:PORT)", arg);
		*end = '\0';
		port = end + 2;
	} else {
		port = strrchr(buf, ':');
		if (!port || strchr(buf, ':') != port)
			die("bad address '%s' (want ADDR:PORT or [ADDR]:PORT)", arg);
		*port++ = '\0';
		host = buf;
	}
	errno = 0;
	p = strtoul(port, &end, 10);
	if (errno || *end || !*port || p > 65535 || (!p && !allow_zero))
		die("bad port in '%s'", arg);

	struct sockaddr_in *sin = (struct sockaddr_in *)&ep->ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ep->ss;

	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)p);
		ep->len = sizeof(*sin);
		ep->family = AF_INET;
	} else if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)p);
		ep->len = sizeof(*sin6);
		ep->family = AF_INET6;
	} else {
		die("bad address '%s'", host);
	}
}

static inline uint16_t endpoint_port(const struct endpoint *ep)
{
	if (ep->family == AF_INET)
		return ntohs(((const struct sockaddr_in *)&ep->ss)->sin_port);
	return ntohs(((const struct sockaddr_in6 *)&ep->ss)->sin6_port);
}

static inline unsigned long long parse_u64(const char *opt, const char *s, unsigned long long max)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || s[0] == '-' || v > max)
		die("bad value for %s: '%s' (0..%llu)", opt, s, max);
	return v;
}

/* 64k, 1.5m, 2g (decimal multipliers, bit/s) */
static inline unsigned long long parse_rate(const char *opt, const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || v <= 0)
		die("bad rate for %s: '%s'", opt, s);
	switch (*end) {
	case 'k': case 'K': v *= 1e3; end++; break;
	case 'm': case 'M': v *= 1e6; end++; break;
	case 'g': case 'G': v *= 1e9; end++; break;
	default: break;
	}
	if (*end && strcmp(end, "bit") && strcmp(end, "bps"))
		die("bad rate suffix for %s: '%s'", opt, s);
	if (v > 1e11)
		die("rate too large for %s: '%s'", opt, s);
	return (unsigned long long)v;
}

static inline double parse_seconds(const char *opt, const char *s, double max)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || v <= 0 || v > max)
		die("bad duration for %s: '%s' (0..%g s)", opt, s, max);
	return v;
}

static inline int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static inline void ns_to_timespec(int64_t ns, struct timespec *ts)
{
	ts->tv_sec = ns / 1000000000LL;
	ts->tv_nsec = ns % 1000000000LL;
}

/* Sleep until the absolute CLOCK_MONOTONIC time t (ns). */
static inline void sleep_until(int64_t t)
{
	struct timespec ts;

	ns_to_timespec(t, &ts);
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* Create the file PATH once the socket is ready, so scripts can wait on it. */
static inline void touch_ready(const char *path)
{
	FILE *f;

	if (!path)
		return;
	f = fopen(path, "w");
	if (!f)
		die("cannot create %s: %s", path, strerror(errno));
	fclose(f);
}

static inline int ip_header_len(int family)
{
	return family == AF_INET6 ? 40 : 20;
}

#endif
