/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The agent's log: stderr (with a level prefix) or syslog, filtered by
 * level. Library code logs through here so that the daemon decides where
 * lines go and `voiceqos replay` can show or hide them.
 */
#ifndef VQ_LOG_H
#define VQ_LOG_H

#include <stdbool.h>
#include <stdio.h>
#include <syslog.h>

/*
 * target: VQ_LOG_STDERR or VQ_LOG_SYSLOG (config.h); level: LOG_ERR..LOG_DEBUG.
 * stderr lines read "IDENT[LEVEL]: message"; syslog gets ident with the
 * pid, facility daemon. Control characters in a message (it may quote SIP
 * from the network) are written as \xNN, so that one call is one line.
 * Before any vq_log_open: "voiceqos", stderr, LOG_INFO.
 */
void vq_log_open(const char *ident, int target, int level);
void vq_log_set_level(int level);
bool vq_log_enabled(int level);
__attribute__((format(printf, 2, 3)))
void vq_log(int level, const char *fmt, ...);
/* Parses "error", "warning", "notice", "info", "debug"; -1 if unknown. */
int vq_log_level_parse(const char *s);
/* The name of a level as vq_log_level_parse takes it ("crit" and up too). */
const char *vq_log_level_name(int level);
/*
 * Where the stderr target writes: NULL (the default) is stderr. The unit
 * tests point it at a memory stream.
 */
void vq_log_set_file(FILE *f);

#define vq_err_log(...) vq_log(LOG_ERR, __VA_ARGS__)
#define vq_warn(...) vq_log(LOG_WARNING, __VA_ARGS__)
#define vq_info(...) vq_log(LOG_INFO, __VA_ARGS__)
#define vq_debug(...) do { if (vq_log_enabled(LOG_DEBUG)) vq_log(LOG_DEBUG, __VA_ARGS__); } while (0)

#endif
