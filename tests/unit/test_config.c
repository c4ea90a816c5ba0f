// SPDX-License-Identifier: GPL-2.0
/*
 * config.c over the fixtures in tests/unit/conf/ (one file per kind of
 * error, with the exact "FILE:LINE: message"), values written to scratch
 * files, the shipped etc/voiceqos.conf and Documentation/config.md, and
 * log.c's output.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "test.h"

static char errbuf[512];

/* path of a fixture, copied: t_path's buffer is reused */
static const char *fixture(const char *name, char *buf, size_t len)
{
	char rel[128];

	snprintf(rel, sizeof(rel), "conf/%s", name);
	snprintf(buf, len, "%s", t_path(rel));
	return buf;
}

/* Writes text to a scratch file; its path in buf. */
static const char *scratch(const char *text, char *buf, size_t len)
{
	FILE *f;
	int fd;

	snprintf(buf, len, "/tmp/vq-conf-XXXXXX");
	fd = mkstemp(buf);
	if (fd < 0)
		return NULL;
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	return buf;
}

static bool same_config(const struct vq_config *a, const struct vq_config *b)
{
	struct vq_config x = *a, y = *b;

	memcpy(x.path, y.path, sizeof(x.path));
	return memcmp(&x, &y, sizeof(x)) == 0;
}

static void full(void)
{
	struct vq_config c, d;
	char path[512];
	uint8_t a4[4], a6[16];
	int rc;

	fixture("full.conf", path, sizeof(path));
	rc = vq_config_load(path, &c, errbuf, sizeof(errbuf));
	if (!t_check(rc == 0, "config full: loads", "%s", errbuf))
		return;
	t_check(!strcmp(c.path, path), "config full: path", "%s", c.path);
	t_check(c.daemon.log == VQ_LOG_SYSLOG && c.daemon.log_level == LOG_DEBUG &&
		!strcmp(c.daemon.socket, "/run/vq/ctl.sock"), "config full: [daemon]",
		"log %d level %d socket %s", c.daemon.log, c.daemon.log_level,
		c.daemon.socket);
	t_check(c.sip.nports == 4 && c.sip.ports[0] == 5060 && c.sip.ports[1] == 5080 &&
		c.sip.ports[2] == 5090 && c.sip.ports[3] == 5060 + 4,
		"config full: ports, list repeated", "%u ports: %u %u %u %u",
		c.sip.nports, c.sip.ports[0], c.sip.ports[1], c.sip.ports[2],
		c.sip.ports[3]);
	inet_pton(AF_INET, "198.51.100.7", a4);
	inet_pton(AF_INET6, "2001:db8:1::1", a6);
	t_check(c.sip.ntrusted == 4 && c.sip.trusted[0].family == AF_INET &&
		c.sip.trusted[0].len == 24 && c.sip.trusted[1].family == AF_INET6 &&
		c.sip.trusted[1].len == 32 && c.sip.trusted[2].len == 32 &&
		!memcmp(c.sip.trusted[2].addr, a4, 4) && c.sip.trusted[3].len == 128 &&
		!memcmp(c.sip.trusted[3].addr, a6, 16), "config full: trusted",
		"%u prefixes", c.sip.ntrusted);
	t_check(c.daemon.sip_rcvbuf == 256 * 1024, "config full: sip_rcvbuf", "%u",
		c.daemon.sip_rcvbuf);
	t_check(c.sip.dscp == 26 && c.sip.mirror_rate == 5000, "config full: sip dscp, rate",
		"%u %u", c.sip.dscp, c.sip.mirror_rate);
	t_check(c.media.voice_dscp == 44 && c.media.video_dscp == 36 &&
		c.media.image_dscp == 40, "config full: media dscp", "%u %u %u",
		c.media.voice_dscp, c.media.video_dscp, c.media.image_dscp);
	t_check(c.media.bw.l2_overhead == 26 && c.media.bw.unknown_audio_kbps == 80 &&
		c.media.bw.video_kbps == 4000 && c.media.bw.image_kbps == 96 &&
		c.media.bw.opus_kbps == 64 && c.media.bw.rtcp_percent == 10,
		"config full: media sizing", "%u %u %u %u %u %u",
		c.media.bw.l2_overhead, c.media.bw.unknown_audio_kbps,
		c.media.bw.video_kbps, c.media.bw.image_kbps, c.media.bw.opus_kbps,
		c.media.bw.rtcp_percent);
	t_check(c.kernel.voice_priority == 0x10010 && c.kernel.video_priority == 0x10020 &&
		c.kernel.be_priority == 0x10030 && c.kernel.fallback_dscp == 8 &&
		c.kernel.mark == 0x10 && c.kernel.mark_mask == 0xf0 &&
		c.kernel.flow_timeout == 120, "config full: [kernel]",
		"%x %x %x %u %x/%x %u", c.kernel.voice_priority,
		c.kernel.video_priority, c.kernel.be_priority, c.kernel.fallback_dscp,
		c.kernel.mark, c.kernel.mark_mask, c.kernel.flow_timeout);
	t_check(c.dialog.max_dialogs == 500 && c.dialog.early_timeout == 60 &&
		c.dialog.idle_timeout == 7200, "config full: [dialog]", "%u %u %u",
		c.dialog.max_dialogs, c.dialog.early_timeout, c.dialog.idle_timeout);

	/* What vq_config_write prints reads back to the same struct. */
	{
		char tmp[64], *text = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&text, &len);

		vq_config_write(&c, m);
		fclose(m);
		scratch(text, tmp, sizeof(tmp));
		rc = vq_config_load(tmp, &d, errbuf, sizeof(errbuf));
		t_check(rc == 0 && same_config(&c, &d), "config write: round trip",
			"rc %d %s\n%s", rc, rc ? errbuf : "differs", text);
		unlink(tmp);
		free(text);
		vq_config_defaults(&c);
		m = open_memstream(&text, &len);
		vq_config_write(&c, m);
		fclose(m);
		scratch(text, tmp, sizeof(tmp));
		rc = vq_config_load(tmp, &d, errbuf, sizeof(errbuf));
		t_check(rc == 0 && same_config(&c, &d), "config write: defaults round trip",
			"rc %d %s\n%s", rc, rc ? errbuf : "differs", text);
		unlink(tmp);
		free(text);
	}
}

static void defaults(void)
{
	struct vq_config c, d;
	char path[512];

	vq_config_defaults(&d);
	t_check(d.daemon.log == VQ_LOG_STDERR && d.daemon.log_level == LOG_INFO &&
		!strcmp(d.daemon.socket, VQ_DEFAULT_SOCKET) &&
		d.daemon.sip_rcvbuf == 16 * 1024 * 1024 && d.sip.nports == 1 &&
		d.sip.ports[0] == 5060 && d.sip.ntrusted == 0 && d.sip.dscp == 24 &&
		d.sip.mirror_rate == 1000 && d.media.voice_dscp == 46 &&
		d.media.video_dscp == 34 && d.media.image_dscp == 46 &&
		d.media.bw.l2_overhead == 18 && d.media.bw.opus_kbps == 40 &&
		d.kernel.voice_priority == 0 && d.kernel.mark_mask == 0 &&
		d.kernel.flow_timeout == 0 && d.dialog.max_dialogs == 10000 &&
		d.dialog.early_timeout == 180 && d.dialog.idle_timeout == 3600 &&
		d.path[0] == '\0', "config defaults", "differ from the documented ones");

	fixture("empty.conf", path, sizeof(path));
	t_check(vq_config_load(path, &c, errbuf, sizeof(errbuf)) == 0 &&
		same_config(&c, &d), "config empty file: defaults", "%s", errbuf);

	/* The shipped example sets every key to its default. */
	snprintf(path, sizeof(path), "%s", t_path("../../etc/voiceqos.conf"));
	t_check(vq_config_load(path, &c, errbuf, sizeof(errbuf)) == 0 &&
		same_config(&c, &d), "config etc/voiceqos.conf: the defaults",
		"%s", errbuf[0] ? errbuf : "differs from vq_config_defaults");

	fixture("bom-crlf.conf", path, sizeof(path));
	t_check(vq_config_load(path, &c, errbuf, sizeof(errbuf)) == 0 &&
		c.sip.nports == 1 && c.sip.ports[0] == 5070 &&
		c.media.bw.l2_overhead == VQ_L2_VLAN, "config BOM and CRLF",
		"%s", errbuf);
}

/* Every key is in the example file and in the reference. */
static void documented(void)
{
	static const char *const files[] = {
		"../../etc/voiceqos.conf", "../../Documentation/config.md",
	};
	const char *key, *section;
	unsigned int i, f;

	for (f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		char *text = NULL;
		size_t cap = 0;
		FILE *in = fopen(t_path(files[f]), "r");
		ssize_t n = -1;

		if (in) {
			n = getdelim(&text, &cap, '\0', in);
			fclose(in);
		}
		if (!t_check(n > 0, files[f] + 6, "cannot read: %s", strerror(errno))) {
			free(text);
			continue;
		}
		for (i = 0; (key = vq_config_key(i, &section)); i++) {
			char want[64], name[128];

			/* conf: "key =" at a line start; doc: "`key`" */
			snprintf(want, sizeof(want), f ? "`%s`" : "\n%s =", key);
			snprintf(name, sizeof(name), "config key [%s] %s in %s",
				 section, key, files[f] + 6);
			t_check(strstr(text, want) != NULL, name, "'%s' missing", want);
		}
		free(text);
	}
}

static void errors(void)
{
	static const struct {
		const char *file;
		const char *msg;	/* after "PATH:" */
	} cases[] = {
		{ "bad-section.conf", "4: unknown section [shaping] (known: daemon, sip, "
		  "media, kernel, link, voice, quality, dialog)" },
		{ "bad-key.conf", "2: [sip] prots: unknown key (known: ports, trusted, "
		  "dscp, mirror_rate)" },
		{ "bad-dscp.conf", "3: [media] voice_dscp: bad value 'EF1' (0-63 or a "
		  "name: ef, af41, cs3, be...)" },
		{ "bad-twice.conf", "5: [sip] dscp: set twice (first at line 2)" },
		{ "bad-nosection.conf", "1: 'ports' before any [section]" },
		{ "bad-indent.conf", "3: indented line (continuation lines are not "
		  "supported: repeat a list key to add to it)" },
		{ "bad-syntax.conf", "2: expected 'key = value', '[section]' or a comment" },
		{ "bad-range.conf", "2: [media] opus_kbps: bad value '5' (a whole number "
		  "6-510 kbit/s)" },
		{ "bad-prefix.conf", "2: [sip] trusted: bad value '192.0.2.1/24' (host "
		  "bits set: the prefix is 192.0.2.0/24)" },
		{ "bad-ports.conf", "3: [sip] ports: more than 16 ports (the module's "
		  "limit)" },
		{ "bad-long.conf", "2: line too long" },
		{ "bad-nul.conf", "2: NUL byte in the line" },
		{ "bad-bracket.conf", "3: expected [section] alone on its line" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vq_config c;
		char path[512], want[1024], name[128];
		int rc;

		fixture(cases[i].file, path, sizeof(path));
		snprintf(want, sizeof(want), "%s:%s", path, cases[i].msg);
		snprintf(name, sizeof(name), "config error %s", cases[i].file);
		errbuf[0] = '\0';
		rc = vq_config_load(path, &c, errbuf, sizeof(errbuf));
		t_check(rc == -1 && !strcmp(errbuf, want), name,
			"rc %d, '%s', want '%s'", rc, errbuf, want);
	}
}

#define A10 "aaaaaaaaaa"
#define A50 A10 A10 A10 A10 A10

/* One value at a time in a scratch file: "[SECTION]\nKEY = VALUE". */
static void values(void)
{
	static const struct {
		const char *text;
		const char *msg;	/* after "PATH:"; NULL: accepted */
	} cases[] = {
		{ "[daemon]\nlog = journal\n",
		  "2: [daemon] log: bad value 'journal' (stderr or syslog)" },
		{ "[daemon]\nlog = STDERR\n",
		  "2: [daemon] log: bad value 'STDERR' (stderr or syslog)" },
		{ "[daemon]\nlog_level = verbose\n", "2: [daemon] log_level: bad value "
		  "'verbose' (error, warning, notice, info or debug)" },
		{ "[daemon]\nlog_level = warning\n", NULL },
		{ "[daemon]\nsocket = run/x.sock\n",
		  "2: [daemon] socket: bad value 'run/x.sock' (an absolute path)" },
		{ "[daemon]\nsocket = /" A50 A50 "aaaaaaa\n",
		  "2: [daemon] socket: bad value '/" A50 A50 "aaaaaaa' (longer than "
		  "107 bytes, a unix socket path's limit)" },
		{ "[daemon]\nsocket = /" A50 A50 "aaaaaa\n", NULL },
		{ "[daemon]\nsocket =\n", "2: [daemon] socket: empty value" },
		{ "[daemon]\nsip_rcvbuf = 4095\n", "2: [daemon] sip_rcvbuf: bad value "
		  "'4095' (4096-536870912 bytes, or a number with K or M)" },
		{ "[daemon]\nsip_rcvbuf = 513M\n", "2: [daemon] sip_rcvbuf: bad value "
		  "'513M' (4096-536870912 bytes, or a number with K or M)" },
		{ "[daemon]\nsip_rcvbuf = 16MB\n", "2: [daemon] sip_rcvbuf: bad value "
		  "'16MB' (4096-536870912 bytes, or a number with K or M)" },
		{ "[daemon]\nsip_rcvbuf = K\n", "2: [daemon] sip_rcvbuf: bad value "
		  "'K' (4096-536870912 bytes, or a number with K or M)" },
		{ "[daemon]\nsip_rcvbuf = -4k\n", "2: [daemon] sip_rcvbuf: bad value "
		  "'-4k' (4096-536870912 bytes, or a number with K or M)" },
		{ "[daemon]\nsip_rcvbuf = 4096\n", NULL },
		{ "[daemon]\nsip_rcvbuf = 512M\n", NULL },
		{ "[sip]\nports = 0\n", "2: [sip] ports: bad value '0' (a port is 1-65535)" },
		{ "[sip]\nports = 65536\n",
		  "2: [sip] ports: bad value '65536' (a port is 1-65535)" },
		{ "[sip]\nports = 5060,,x\n",
		  "2: [sip] ports: bad value 'x' (a port is 1-65535)" },
		{ "[sip]\nports = 5060 5080, 5060\n",
		  "2: [sip] ports: bad value '5060' (listed twice)" },
		{ "[sip]\nports =\n", "2: [sip] ports: no port given" },
		{ "[sip]\nports = 65535\n", NULL },
		{ "[sip]\ntrusted =\n", NULL },
		{ "[sip]\ntrusted = example.com\n", "2: [sip] trusted: bad value "
		  "'example.com' (not an IPv4 or IPv6 address)" },
		{ "[sip]\ntrusted = 10.0.0.0/33\n", "2: [sip] trusted: bad value "
		  "'10.0.0.0/33' (prefix length must be 0-32)" },
		{ "[sip]\ntrusted = 10.0.0.0/\n", "2: [sip] trusted: bad value "
		  "'10.0.0.0/' (prefix length must be 0-32)" },
		{ "[sip]\ntrusted = 10.0.0.0/0x8\n", "2: [sip] trusted: bad value "
		  "'10.0.0.0/0x8' (prefix length must be 0-32)" },
		{ "[sip]\ntrusted = 2001:db8::/129\n", "2: [sip] trusted: bad value "
		  "'2001:db8::/129' (prefix length must be 0-128)" },
		{ "[sip]\ntrusted = 2001:db8::1/64\n", "2: [sip] trusted: bad value "
		  "'2001:db8::1/64' (host bits set: the prefix is 2001:db8::/64)" },
		{ "[sip]\ntrusted = 10.1.1.1/9\n", "2: [sip] trusted: bad value "
		  "'10.1.1.1/9' (host bits set: the prefix is 10.0.0.0/9)" },
		{ "[sip]\ntrusted = 10.0.0.0/8 10.0.0.0/8\n", "2: [sip] trusted: bad value "
		  "'10.0.0.0/8' (listed twice)" },
		{ "[sip]\ntrusted = 0.0.0.0/0, ::/0\n", NULL },
		{ "[sip]\ndscp = 64\n", "2: [sip] dscp: bad value '64' (0-63 or a name: "
		  "ef, af41, cs3, be...)" },
		{ "[sip]\ndscp = -1\n", "2: [sip] dscp: bad value '-1' (0-63 or a name: "
		  "ef, af41, cs3, be...)" },
		{ "[sip]\ndscp = 63\n", NULL },
		{ "[sip]\ndscp = BE\n", NULL },
		{ "[quality]\nmos_threshold = 3.55\nlink_delay = 0\ninterval = 60\n", NULL },
		{ "[quality]\nmos_threshold = 4\n", NULL },
		{ "[quality]\nmos_threshold = 4.6\n", "2: [quality] mos_threshold: bad value "
		  "'4.6' (a MOS from 1.0 to 4.5, e.g. 3.6)" },
		{ "[quality]\nmos_threshold = 0.99\n", "2: [quality] mos_threshold: bad value "
		  "'0.99' (a MOS from 1.0 to 4.5, e.g. 3.6)" },
		{ "[quality]\nmos_threshold = 3.555\n", "2: [quality] mos_threshold: bad value "
		  "'3.555' (a MOS from 1.0 to 4.5, e.g. 3.6)" },
		{ "[quality]\nmos_threshold = 3.\n", "2: [quality] mos_threshold: bad value "
		  "'3.' (a MOS from 1.0 to 4.5, e.g. 3.6)" },
		{ "[quality]\nmos_threshold = 100000000003.6\n", "2: [quality] mos_threshold: "
		  "bad value '100000000003.6' (a MOS from 1.0 to 4.5, e.g. 3.6)" },
		{ "[quality]\ninterval = 0\n", "2: [quality] interval: bad value '0' (a whole "
		  "number 1-60 s)" },
		{ "[sip]\nmirror_rate = 0\n", "2: [sip] mirror_rate: bad value '0' (a whole "
		  "number 1-1000000 copies/s)" },
		{ "[sip]\nmirror_rate = 1000001\n", "2: [sip] mirror_rate: bad value "
		  "'1000001' (a whole number 1-1000000 copies/s)" },
		{ "[sip]\nmirror_rate = 1e3\n", "2: [sip] mirror_rate: bad value '1e3' (a "
		  "whole number 1-1000000 copies/s)" },
		{ "[media]\nlink = wifi\n", "2: [media] link: bad value 'wifi' (ethernet, "
		  "vlan, pppoe, none or 0-256 bytes per packet)" },
		{ "[media]\nlink = 300\n", "2: [media] link: bad value '300' (ethernet, "
		  "vlan, pppoe, none or 0-256 bytes per packet)" },
		{ "[media]\nlink = 38\n", NULL },
		{ "[media]\nunknown_audio_kbps = 0\n", "2: [media] unknown_audio_kbps: bad "
		  "value '0' (a whole number 1-100000 kbit/s)" },
		{ "[media]\nvideo_kbps = 100001\n", "2: [media] video_kbps: bad value "
		  "'100001' (a whole number 1-100000 kbit/s)" },
		{ "[media]\nimage_kbps = 12.5\n", "2: [media] image_kbps: bad value '12.5' "
		  "(a whole number 1-100000 kbit/s)" },
		{ "[media]\nopus_kbps = 511\n", "2: [media] opus_kbps: bad value '511' (a "
		  "whole number 6-510 kbit/s)" },
		{ "[media]\nrtcp_percent = 0\n", "2: [media] rtcp_percent: bad value '0' (a "
		  "whole number 1-100 %)" },
		{ "[kernel]\nvoice_priority = 10\n", "2: [kernel] voice_priority: bad "
		  "value '10' (MAJ:MIN in hex like 1:10, 0xHEX or none)" },
		{ "[kernel]\nvoice_priority = none\n", NULL },
		{ "[kernel]\nbe_priority = 1:fffff\n", "2: [kernel] be_priority: bad value "
		  "'1:fffff' (MAJ:MIN in hex like 1:10, 0xHEX or none)" },
		{ "[kernel]\nmark = 0x10/0x0f\n", "2: [kernel] mark: bad value '0x10/0x0f' "
		  "(mark has bits outside the mask)" },
		{ "[kernel]\nmark = 0/0\n", "2: [kernel] mark: bad value '0/0' (a mask of 0 "
		  "changes no bit; use none)" },
		{ "[kernel]\nmark = red\n", "2: [kernel] mark: bad value 'red' (V or V/MASK, "
		  "each a 32-bit number)" },
		{ "[kernel]\nflow_timeout = 86401\n", "2: [kernel] flow_timeout: bad value "
		  "'86401' (a whole number 0-86400 s)" },
		{ "[kernel]\nfallback_dscp = default\n", NULL },
		{ "[dialog]\nmax_dialogs = 0\n", "2: [dialog] max_dialogs: bad value '0' (a "
		  "whole number 1-1000000)" },
		{ "[dialog]\nearly_timeout = 0\n", "2: [dialog] early_timeout: bad value '0' "
		  "(a whole number 1-86400 s)" },
		{ "[dialog]\nidle_timeout = 604801\n", "2: [dialog] idle_timeout: bad value "
		  "'604801' (a whole number 1-604800 s)" },
		{ "[dialog]\nidle_timeout = 60 ; one minute\n", NULL },
		/* '#' inside a value is data; after a blank it starts a comment */
		{ "[daemon]\nsocket = /run/a#b\n", NULL },
		{ "[dialog]\nidle_timeout = 60;x\n", "2: [dialog] idle_timeout: bad value "
		  "'60;x' (a whole number 1-604800 s)" },
		{ "[dialog]\n= 5\n", "2: expected 'key = value', '[section]' or a comment" },
		{ "[dialog]\nidle_timeout: 5\n",
		  "2: expected 'key = value', '[section]' or a comment" },
		{ "[Dialog]\n", "1: unknown section [Dialog] (known: daemon, sip, media, "
		  "kernel, link, voice, quality, dialog)" },
		{ "[sip] ; comment\nports = 5060\n", NULL },
		{ "[sip] x\n", "1: expected [section] alone on its line" },
		{ "[]\n", "1: unknown section [] (known: daemon, sip, media, kernel, "
		  "link, voice, quality, dialog)" },
		{ "[sip]\nDSCP = ef\n", "2: [sip] DSCP: unknown key (known: ports, trusted, "
		  "dscp, mirror_rate)" },
		{ "[dialog]\nidle_timeout = 5\x1b[31m\n", "2: [dialog] idle_timeout: bad "
		  "value '5?[31m' (a whole number 1-604800 s)" },
		/* the last line needs no newline */
		{ "[dialog]\nidle_timeout = 5", NULL },
		/* [link] and [voice] */
		{ "[link]\nuplink = wan0\nuplink_rate = 5M\n", NULL },
		{ "[link]\nuplink = wan0\n", "2: [link] uplink = wan0 needs uplink_rate" },
		{ "[link]\ndownlink_rate = 20M\n",
		  "2: [link] downlink_rate without downlink" },
		{ "[link]\nuplink = wan0/1\n", "2: [link] uplink: bad value 'wan0/1' (an "
		  "interface name has no '/', ':' or blanks)" },
		{ "[link]\nuplink = abcdefghijklmnop\n", "2: [link] uplink: bad value "
		  "'abcdefghijklmnop' (an interface name has at most 15 characters)" },
		{ "[link]\nuplink = ..\n", "2: [link] uplink: bad value '..' (not an "
		  "interface name)" },
		{ "[link]\nuplink =\nuplink_rate = 0\n", NULL },
		{ "[link]\nuplink_rate = 5 Mbit\n", "2: [link] uplink_rate: bad value "
		  "'5 Mbit' (bit/s with k/M/G suffix, 0 or 24k-4294967295)" },
		{ "[link]\nuplink_rate = 23999\n", "2: [link] uplink_rate: bad value "
		  "'23999' (bit/s with k/M/G suffix, 0 or 24k-4294967295)" },
		{ "[link]\nuplink_rate = 5g\n", "2: [link] uplink_rate: bad value "
		  "'5g' (bit/s with k/M/G suffix, 0 or 24k-4294967295)" },
		{ "[link]\nsignalling_rate = 0\n", "2: [link] signalling_rate: bad value "
		  "'0' (bit/s with k/M/G suffix, 8k-4294967295)" },
		{ "[link]\noverhead = 257\n", "2: [link] overhead: bad value '257' (a "
		  "whole number 0-256 bytes)" },
		{ "[link]\nuplink = wan0\nuplink_rate = 64k\n", "3: [link] uplink_rate: "
		  "64k leaves less than 16k beside signalling_rate 64k for voice and "
		  "best effort" },
		{ "[link]\nuplink = wan0\nuplink_rate = 80k\n", NULL },
		{ "[link]\nuplink = eth0\nuplink_rate = 1M\ndownlink = eth0\n"
		  "downlink_rate = 1M\n", "4: [link] downlink: eth0 is the uplink too (one "
		  "tree per interface)" },
		{ "[voice]\nbudget = 0%\n", "2: [voice] budget: bad value '0%' (a share "
		  "of the link 1%-100% or a rate such as 2M, 900k (at least 8k))" },
		{ "[voice]\nbudget = 101%\n", "2: [voice] budget: bad value '101%' (a "
		  "share of the link 1%-100% or a rate such as 2M, 900k (at least 8k))" },
		{ "[voice]\nbudget = 7999\n", "2: [voice] budget: bad value '7999' (a "
		  "share of the link 1%-100% or a rate such as 2M, 900k (at least 8k))" },
		{ "[voice]\nbudget = 50\n", "2: [voice] budget: bad value '50' (a "
		  "share of the link 1%-100% or a rate such as 2M, 900k (at least 8k))" },
		{ "[voice]\nbudget = 100%\n", NULL },
		{ "[voice]\nbudget = 900k\n", NULL },
		{ "[link]\nuplink = wan0\nuplink_rate = 1M\n[voice]\nbudget = 1M\n",
		  "5: [voice] budget: 1m is more than the up link wan0 leaves voice (928k: "
		  "its rate less signalling_rate and 8k for best effort)" },
		{ "[link]\ndownlink = lan0\ndownlink_rate = 1M\n[voice]\nprofile = all "
		  "00:00-24:00 50%\nprofile = sat 10:00-12:00 2M\n", "6: [voice] profile: "
		  "2m is more than the down link lan0 leaves voice (928k: its rate less "
		  "signalling_rate and 8k for best effort)" },
		{ "[voice]\nprofile = mon-fri 08:00-18:00 80%\n", NULL },
		{ "[voice]\nprofile =\n", NULL },
		{ "[voice]\nprofile = fri-mon 22:00-06:00 1M\n", NULL },
		{ "[voice]\nprofile = Sat,SUN 00:00-24:00 10%\n", NULL },
		{ "[voice]\nprofile = mon-fri 08:00-18:00\n", "2: [voice] profile: bad "
		  "value 'mon-fri 08:00-18:00' (expected DAYS HH:MM-HH:MM BUDGET, e.g. "
		  "mon-fri 08:00-18:00 80%)" },
		{ "[voice]\nprofile = mon-fri 08:00-18:00 80% x\n", "2: [voice] profile: "
		  "bad value 'mon-fri 08:00-18:00 80% x' (expected DAYS HH:MM-HH:MM "
		  "BUDGET, e.g. mon-fri 08:00-18:00 80%)" },
		{ "[voice]\nprofile = weekdays 08:00-18:00 80%\n", "2: [voice] profile: "
		  "bad value 'weekdays 08:00-18:00 80%' (days: all, or mon..sun and "
		  "ranges like mon-fri, separated by commas)" },
		{ "[voice]\nprofile = mon, 08:00-18:00 80%\n", "2: [voice] profile: "
		  "bad value 'mon, 08:00-18:00 80%' (days: all, or mon..sun and "
		  "ranges like mon-fri, separated by commas)" },
		{ "[voice]\nprofile = mon 8:00-18:00 80%\n", "2: [voice] profile: bad "
		  "value 'mon 8:00-18:00 80%' (hours: HH:MM-HH:MM, 00:00-24:00)" },
		{ "[voice]\nprofile = mon 08:00-24:01 80%\n", "2: [voice] profile: bad "
		  "value 'mon 08:00-24:01 80%' (hours: HH:MM-HH:MM, 00:00-24:00)" },
		{ "[voice]\nprofile = mon 08:60-18:00 80%\n", "2: [voice] profile: bad "
		  "value 'mon 08:60-18:00 80%' (hours: HH:MM-HH:MM, 00:00-24:00)" },
		{ "[voice]\nprofile = mon 24:00-08:00 80%\n", "2: [voice] profile: bad "
		  "value 'mon 24:00-08:00 80%' (hours: a range starts at 23:59 at the "
		  "latest)" },
		{ "[voice]\nprofile = mon 08:00-08:00 80%\n", "2: [voice] profile: bad "
		  "value 'mon 08:00-08:00 80%' (hours: an empty range (the whole day is "
		  "00:00-24:00))" },
		{ "[voice]\nprofile = mon 08:00-18:00 0%\n", "2: [voice] profile: bad "
		  "value 'mon 08:00-18:00 0%' (a share of the link 1%-100% or a rate "
		  "such as 2M, 900k (at least 8k))" },
		{ "[link]\nuplink = wan0\nuplink_rate = 1M\n[kernel]\nvoice_priority = "
		  "1:10\n", "5: [kernel] voice_priority: 1:10 is not the [link] tree's "
		  "class 5651:10 (leave it none)" },
		{ "[link]\nuplink = wan0\nuplink_rate = 1M\n[kernel]\nbe_priority = "
		  "5651:30\n", NULL },
		/* a section may come back; its keys still count once */
		{ "[sip]\ndscp = ef\n[media]\n[sip]\ndscp = ef\n",
		  "5: [sip] dscp: set twice (first at line 2)" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vq_config c;
		char path[64], want[1024], name[160];
		int rc;

		if (!scratch(cases[i].text, path, sizeof(path))) {
			t_check(false, "config scratch file", "%s", strerror(errno));
			return;
		}
		snprintf(name, sizeof(name), "config value %s", cases[i].text);
		errbuf[0] = '\0';
		rc = vq_config_load(path, &c, errbuf, sizeof(errbuf));
		if (cases[i].msg) {
			snprintf(want, sizeof(want), "%s:%s", path, cases[i].msg);
			t_check(rc == -1 && !strcmp(errbuf, want), name,
				"rc %d, '%s', want '%s'", rc, errbuf, want);
		} else {
			t_check(rc == 0, name, "refused: %s", errbuf);
		}
		unlink(path);
	}
}

/*
 * A line inih's own buffer cannot hold (200 bytes in Debian's build) is
 * refused with the limit, never split into two lines.
 */
static void inih_line_limit(void)
{
	char text[600], path[64];
	struct vq_config c;
	size_t n;
	int rc;

	n = snprintf(text, sizeof(text), "[sip]\ntrusted =");
	while (n < 400)
		n += snprintf(text + n, sizeof(text) - n, " 10.%zu.0.0/16", n % 200);
	snprintf(text + n, sizeof(text) - n, "\n");
	scratch(text, path, sizeof(path));
	rc = vq_config_load(path, &c, errbuf, sizeof(errbuf));
	t_check(rc == -1 && strstr(errbuf, ":2: line too long (at most ") &&
		strstr(errbuf, " characters without comments)"), "config inih line limit",
		"rc %d %s", rc, errbuf);
	unlink(path);

	/* Comments do not count against it. */
	snprintf(text, sizeof(text), "[sip]\nports = 5060 ; %0300d\n", 0);
	scratch(text, path, sizeof(path));
	rc = vq_config_load(path, &c, errbuf, sizeof(errbuf));
	t_check(rc == 0, "config long comment", "%s", errbuf);
	unlink(path);
}

static void files(void)
{
	struct vq_config c, before;
	char path[512], want[600], longp[300];
	int rc;

	/* A failed load (or reload) leaves the config it was given alone. */
	fixture("full.conf", path, sizeof(path));
	vq_config_load(path, &c, errbuf, sizeof(errbuf));
	before = c;
	fixture("bad-range.conf", path, sizeof(path));
	rc = vq_config_load(path, &c, errbuf, sizeof(errbuf));
	t_check(rc == -1 && !memcmp(&c, &before, sizeof(c)),
		"config reload error keeps the old config", "rc %d", rc);
	/* ... also when the error is on the last line, after good keys */
	fixture("bad-ports.conf", path, sizeof(path));
	rc = vq_config_load(path, &c, errbuf, sizeof(errbuf));
	t_check(rc == -1 && !memcmp(&c, &before, sizeof(c)) && c.sip.nports == 4,
		"config late error keeps the old config", "rc %d nports %u", rc,
		c.sip.nports);

	fixture("missing.conf", path, sizeof(path));
	snprintf(want, sizeof(want), "%s: No such file or directory", path);
	rc = vq_config_load(path, &c, errbuf, sizeof(errbuf));
	t_check(rc == -1 && !strcmp(errbuf, want) && !memcmp(&c, &before, sizeof(c)),
		"config missing file", "rc %d '%s'", rc, errbuf);

	snprintf(path, sizeof(path), "%s", t_path("conf"));
	snprintf(want, sizeof(want), "%s: Is a directory", path);
	rc = vq_config_load(path, &c, errbuf, sizeof(errbuf));
	t_check(rc == -1 && !strcmp(errbuf, want), "config directory",
		"rc %d '%s'", rc, errbuf);

	memset(longp, 'x', sizeof(longp) - 1);
	longp[0] = '/';
	longp[sizeof(longp) - 1] = '\0';
	rc = vq_config_load(longp, &c, errbuf, sizeof(errbuf));
	t_check(rc == -1 && strstr(errbuf, ": path longer than 255 bytes"),
		"config path too long", "rc %d '%s'", rc, errbuf);

	/* A small error buffer truncates, never overflows. */
	{
		char small[8];

		fixture("bad-key.conf", path, sizeof(path));
		rc = vq_config_load(path, &c, small, sizeof(small));
		t_check(rc == -1 && strlen(small) == sizeof(small) - 1,
			"config small error buffer", "rc %d len %zu", rc, strlen(small));
	}
}

static void trusted(void)
{
	static const struct {
		const char *addr;
		bool want;
	} cases[] = {
		{ "192.0.2.1", true }, { "192.0.2.255", true }, { "192.0.3.1", false },
		{ "10.1.2.3", true }, { "10.255.0.1", false }, { "10.128.0.1", false },
		{ "10.127.255.255", true }, { "2001:db8::1", true },
		{ "2001:db8:ffff::1", true }, { "2001:db9::1", false },
		{ "::ffff:192.0.2.9", true }, { "::ffff:192.0.3.9", false },
		{ "198.51.100.7", true }, { "198.51.100.8", false },
		{ "2001:db8:1::1", true },
	};
	struct vq_config c;
	char path[64];
	size_t i;

	scratch("[sip]\ntrusted = 192.0.2.0/24 10.0.0.0/9, 2001:db8::/32 198.51.100.7\n",
		path, sizeof(path));
	if (!t_check(vq_config_load(path, &c, errbuf, sizeof(errbuf)) == 0,
		     "config trusted: loads", "%s", errbuf)) {
		unlink(path);
		return;
	}
	unlink(path);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t a[16];
		uint16_t fam = strchr(cases[i].addr, ':') ? AF_INET6 : AF_INET;
		char name[64];

		inet_pton(fam, cases[i].addr, a);
		snprintf(name, sizeof(name), "config trusted %s", cases[i].addr);
		t_check(vq_config_trusted(&c, fam, a) == cases[i].want, name,
			"got %d", !cases[i].want);
	}
	/* /0 matches everything of its family only */
	scratch("[sip]\ntrusted = 0.0.0.0/0\n", path, sizeof(path));
	vq_config_load(path, &c, errbuf, sizeof(errbuf));
	unlink(path);
	{
		uint8_t a4[4] = { 203, 0, 113, 1 }, a6[16] = { 0x20, 0x01 };

		t_check(vq_config_trusted(&c, AF_INET, a4) &&
			!vq_config_trusted(&c, AF_INET6, a6), "config trusted /0",
			"wrong");
	}
	vq_config_defaults(&c);
	t_check(vq_config_trusted(&c, AF_INET6, (uint8_t[16]){ 0 }),
		"config trusted: empty list trusts all", "refused");
}

/* tm_wday and the hour:minute, the only fields vq_profile_match reads */
static struct tm at(int wday, int hour, int min)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_wday = wday;
	tm.tm_hour = hour;
	tm.tm_min = min;
	return tm;
}

static void link_voice(void)
{
	static const struct {
		int wday, hour, min;
		int want;	/* profile index, -1: none */
	} when[] = {
		{ 1, 8, 0, 0 },		/* monday 08:00: the first match wins */
		{ 1, 7, 59, 1 },	/* monday 07:59: only the second */
		{ 1, 17, 59, 0 },
		{ 1, 18, 0, -1 },	/* the end is not included */
		{ 3, 12, 0, 0 },
		{ 3, 22, 30, -1 },	/* wednesday night: fri-mon only */
		{ 5, 21, 59, -1 },
		{ 5, 22, 0, 2 },	/* friday 22:00 */
		{ 6, 3, 0, 2 },		/* saturday morning: friday's night */
		{ 6, 6, 0, 3 },		/* saturday after 06:00: sat,sun */
		{ 0, 23, 59, 2 },	/* sunday night is in fri-mon */
		{ 1, 5, 59, 2 },	/* monday morning: sunday's night */
		{ 1, 22, 0, 2 },	/* monday night starts a fri-mon night */
		{ 2, 5, 0, 2 },		/* its morning after, tuesday */
		{ 2, 6, 0, -1 },
		{ 4, 2, 0, -1 },	/* thursday morning: wednesday is not listed */
		{ 7, 12, 0, 3 },	/* tm_wday 7 read as sunday */
	};
	struct vq_config c, d;
	char path[512], buf[64];
	size_t i;
	int rc;

	fixture("link.conf", path, sizeof(path));
	rc = vq_config_load(path, &c, errbuf, sizeof(errbuf));
	if (!t_check(rc == 0, "config link: loads", "%s", errbuf))
		return;
	t_check(!strcmp(c.link.uplink, "wan0") && c.link.uplink_rate == 5000000 &&
		!strcmp(c.link.downlink, "br-lan") && c.link.downlink_rate == 20500000 &&
		c.link.overhead == 38 && c.link.signalling_rate == 96000,
		"config link: [link]", "%s %llu %s %llu %u %llu", c.link.uplink,
		(unsigned long long)c.link.uplink_rate, c.link.downlink,
		(unsigned long long)c.link.downlink_rate, c.link.overhead,
		(unsigned long long)c.link.signalling_rate);
	t_check(c.voice.budget.pct == 0 && c.voice.budget.bps == 2000000 &&
		c.voice.nprofiles == 4 && c.voice.profiles[0].days == 0x3e &&
		c.voice.profiles[0].start == 480 && c.voice.profiles[0].end == 1080 &&
		c.voice.profiles[0].budget.pct == 80 && c.voice.profiles[2].days == 0x63 &&
		c.voice.profiles[2].start == 1320 && c.voice.profiles[2].end == 360 &&
		c.voice.profiles[2].budget.bps == 900000 &&
		c.voice.profiles[3].days == 0x41 && c.voice.profiles[3].end == 1440,
		"config link: [voice]", "budget %u%%/%llu, %u profiles",
		c.voice.budget.pct, (unsigned long long)c.voice.budget.bps,
		c.voice.nprofiles);
	t_check(c.kernel.voice_priority == VQ_CONF_CLASS_VOICE &&
		c.kernel.video_priority == VQ_CONF_CLASS_VOICE &&
		c.kernel.be_priority == VQ_CONF_CLASS_BEST_EFFORT && vq_config_shaping(&c),
		"config link: priorities are the tree's classes", "%x %x %x",
		c.kernel.voice_priority, c.kernel.video_priority, c.kernel.be_priority);
	t_check(!strcmp(vq_profile_str(&c.voice.profiles[0], buf, sizeof(buf)),
			"mon-fri 08:00-18:00"), "config profile name: mon-fri", "%s", buf);
	t_check(!strcmp(vq_profile_str(&c.voice.profiles[2], buf, sizeof(buf)),
			"mon,fri-sun 22:00-06:00"), "config profile name: fri-mon", "%s", buf);
	t_check(!strcmp(vq_profile_str(&c.voice.profiles[3], buf, sizeof(buf)),
			"sat,sun 00:00-24:00"), "config profile name: sat,sun", "%s", buf);
	for (i = 0; i < sizeof(when) / sizeof(when[0]); i++) {
		struct tm tm = at(when[i].wday, when[i].hour, when[i].min);
		int got = vq_profile_match(&c, &tm);
		char name[96];

		snprintf(name, sizeof(name), "config profile at wday %d %02d:%02d",
			 when[i].wday, when[i].hour, when[i].min);
		t_check(got == when[i].want, name, "profile %d, want %d", got,
			when[i].want);
	}

	/* budgets: share of the rate, absolute, capped by what the tree leaves */
	t_check(vq_budget_bps(&c.voice.profiles[0].budget, 5000000, 96000) == 4000000,
		"config budget 80% of 5M", "%llu", (unsigned long long)
		vq_budget_bps(&c.voice.profiles[0].budget, 5000000, 96000));
	t_check(vq_budget_bps(&(struct vq_budget){ .pct = 100 }, 1000000, 64000) ==
		928000, "config budget 100% leaves signalling and 8k", "%llu",
		(unsigned long long)vq_budget_bps(&(struct vq_budget){ .pct = 100 },
						  1000000, 64000));
	t_check(vq_budget_bps(&(struct vq_budget){ .pct = 33 }, 1000001, 0) == 330000,
		"config budget 33% rounds down", "%llu", (unsigned long long)
		vq_budget_bps(&(struct vq_budget){ .pct = 33 }, 1000001, 0));
	t_check(vq_budget_bps(&c.voice.budget, 20500000, 96000) == 2000000,
		"config budget absolute", "%llu",
		(unsigned long long)vq_budget_bps(&c.voice.budget, 20500000, 96000));

	/* written and read back */
	{
		char tmp[64], *text = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&text, &len);

		vq_config_write(&c, m);
		fclose(m);
		scratch(text, tmp, sizeof(tmp));
		rc = vq_config_load(tmp, &d, errbuf, sizeof(errbuf));
		t_check(rc == 0 && same_config(&c, &d), "config write: [link] round trip",
			"rc %d %s\n%s", rc, rc ? errbuf : "differs", text);
		unlink(tmp);
		free(text);
	}
}

T_SUITE(config)
{
	full();
	defaults();
	documented();
	errors();
	values();
	inih_line_limit();
	files();
	trusted();
	link_voice();
}

static char *log_buf;
static size_t log_len;

static const char *log_capture(FILE **m)
{
	if (*m)
		fclose(*m);
	*m = NULL;
	return log_buf ? log_buf : "";
}

T_SUITE(log)
{
	FILE *m = open_memstream(&log_buf, &log_len);

	vq_log_set_file(m);
	vq_log_open("voiceqosd", VQ_LOG_STDERR, LOG_INFO);
	vq_info("call %s: %d flows", "abc", 4);
	vq_debug("not shown at info");
	vq_warn("ends with a newline\n");
	vq_err_log("CR\rLF\nTAB\tDEL\x7f");
	errno = ENOENT;
	vq_info("errno kept");
	t_check(errno == ENOENT, "log keeps errno", "errno %d", errno);
	t_check(!strcmp(log_capture(&m),
			"voiceqosd[info]: call abc: 4 flows\n"
			"voiceqosd[warning]: ends with a newline\n"
			"voiceqosd[error]: CR\\x0dLF\\x0aTAB\\x09DEL\\x7f\n"
			"voiceqosd[info]: errno kept\n"), "log stderr lines",
		"got '%s'", log_buf);
	free(log_buf);
	log_buf = NULL;

	m = open_memstream(&log_buf, &log_len);
	vq_log_set_file(m);
	vq_log_set_level(LOG_WARNING);
	t_check(!vq_log_enabled(LOG_INFO) && vq_log_enabled(LOG_WARNING) &&
		vq_log_enabled(LOG_ERR), "log enabled at warning", "wrong");
	vq_info("hidden");
	vq_warn("shown");
	vq_log_set_level(LOG_DEBUG);
	vq_debug("debug %d", 1);
	{
		char big[3000];

		memset(big, 'a', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		vq_info("%s", big);
	}
	{
		const char *out = log_capture(&m);
		const char *last = strstr(out, "voiceqosd[info]: aaa");

		t_check(!strncmp(out, "voiceqosd[warning]: shown\nvoiceqosd[debug]: debug 1\n",
				 52) && last && strlen(last) == 17 + 1020 + 3 + 1 &&
			!strcmp(last + strlen(last) - 4, "...\n"), "log filter and truncation",
			"got '%.80s' (%zu)", out, last ? strlen(last) : 0);
	}
	free(log_buf);
	log_buf = NULL;

	/* syslog target: nothing on the stderr stream */
	m = open_memstream(&log_buf, &log_len);
	vq_log_set_file(m);
	vq_log_open("voiceqos-test", VQ_LOG_SYSLOG, LOG_EMERG);
	vq_err_log("filtered at emerg: never sent");
	vq_log_open("voiceqos", VQ_LOG_STDERR, LOG_INFO);
	t_check(!strcmp(log_capture(&m), ""), "log syslog target writes no stderr",
		"got '%s'", log_buf);
	free(log_buf);
	log_buf = NULL;
	vq_log_set_file(NULL);

	{
		static const struct {
			const char *s;
			int want;
		} lv[] = {
			{ "error", LOG_ERR }, { "warning", LOG_WARNING },
			{ "notice", LOG_NOTICE }, { "info", LOG_INFO },
			{ "debug", LOG_DEBUG }, { "DEBUG", LOG_DEBUG }, { "warn", -1 },
			{ "crit", -1 }, { "", -1 }, { NULL, -1 },
		};
		size_t i;

		for (i = 0; i < sizeof(lv) / sizeof(lv[0]); i++) {
			char name[64];

			snprintf(name, sizeof(name), "log level '%s'", lv[i].s ? lv[i].s : "NULL");
			t_check(vq_log_level_parse(lv[i].s) == lv[i].want, name, "got %d",
				vq_log_level_parse(lv[i].s));
		}
		t_check(!strcmp(vq_log_level_name(LOG_ERR), "error") &&
			!strcmp(vq_log_level_name(99), "debug") &&
			!strcmp(vq_log_level_name(-5), "emerg"), "log level names", "wrong");
	}
}
