// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "log.h"

#define VQ_LOG_MAX 1024		/* one message, before escaping */

static struct {
	char ident[32];		/* openlog() keeps the pointer: static */
	int target;
	int level;
	bool syslog_open;
	FILE *file;
} st = { "voiceqos", VQ_LOG_STDERR, LOG_INFO, false, NULL };

static const char *const level_names[] = {
	[LOG_EMERG] = "emerg", [LOG_ALERT] = "alert", [LOG_CRIT] = "crit",
	[LOG_ERR] = "error", [LOG_WARNING] = "warning", [LOG_NOTICE] = "notice",
	[LOG_INFO] = "info", [LOG_DEBUG] = "debug",
};

static int clamp_level(int level)
{
	return level < LOG_EMERG ? LOG_EMERG : level > LOG_DEBUG ? LOG_DEBUG : level;
}

void vq_log_open(const char *ident, int target, int level)
{
	if (st.syslog_open) {
		closelog();
		st.syslog_open = false;
	}
	snprintf(st.ident, sizeof(st.ident), "%s", ident ? ident : "voiceqos");
	st.target = target == VQ_LOG_SYSLOG ? VQ_LOG_SYSLOG : VQ_LOG_STDERR;
	st.level = clamp_level(level);
	if (st.target == VQ_LOG_SYSLOG) {
		/* NDELAY: connect now, before any sandboxing hides /dev/log. */
		openlog(st.ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
		st.syslog_open = true;
	}
}

void vq_log_set_level(int level)
{
	st.level = clamp_level(level);
}

bool vq_log_enabled(int level)
{
	return level <= st.level;
}

void vq_log_set_file(FILE *f)
{
	st.file = f;
}

int vq_log_level_parse(const char *s)
{
	int i;

	/* Only the five a config should use; emerg..crit are not filters. */
	for (i = LOG_ERR; s && i <= LOG_DEBUG; i++)
		if (strcasecmp(s, level_names[i]) == 0)
			return i;
	return -1;
}

const char *vq_log_level_name(int level)
{
	return level_names[clamp_level(level)];
}

/* Copies msg into out, control characters and DEL as \xNN. */
static void escape(const char *msg, char *out, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	for (; *msg && o + 5 < len; msg++) {
		unsigned char ch = *msg;

		if (ch < 0x20 || ch == 0x7f) {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[ch >> 4];
			out[o++] = hex[ch & 15];
		} else {
			out[o++] = ch;
		}
	}
	out[o] = '\0';
}

void vq_log(int level, const char *fmt, ...)
{
	char msg[VQ_LOG_MAX], line[4 * VQ_LOG_MAX + 8];
	int saved = errno, n;
	va_list ap;
	size_t l;

	if (!vq_log_enabled(level))
		return;
	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		snprintf(msg, sizeof(msg), "(unprintable log message)");
	else if ((size_t)n >= sizeof(msg))
		memcpy(msg + sizeof(msg) - 4, "...", 4);
	/* Callers may end with a newline; the line gets exactly one. */
	l = strlen(msg);
	while (l && msg[l - 1] == '\n')
		msg[--l] = '\0';
	escape(msg, line, sizeof(line));

	if (st.target == VQ_LOG_SYSLOG) {
		syslog(clamp_level(level), "%s", line);
	} else {
		FILE *f = st.file ? st.file : stderr;

		/* One call per line: lines of concurrent writers stay whole. */
		fprintf(f, "%s[%s]: %s\n", st.ident, vq_log_level_name(level), line);
		fflush(f);
	}
	errno = saved;
}
