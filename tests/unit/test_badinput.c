// SPDX-License-Identifier: GPL-2.0
/*
 * The adversarial corpus: every file of tests/unit/corpus/bad goes through
 * the whole input path (framing as on TCP, reassembly in small segments,
 * libosip2 message parsing, SDP parsing) and must come out as MANIFEST
 * says: parsed (with or without a usable SDP) or rejected with a given
 * reason. The large inputs are generated here rather than committed.
 */
#include <dirent.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sdp.h"
#include "sip.h"
#include "sip_frame.h"
#include "tcp_reasm.h"
#include "test.h"

/*
 * "ok", "ok+sdp", "ok+sdp: NOTE" (parsed, a line or attribute ignored: the
 * note is what the dialog layer logs), "sip-reject REASON" or
 * "sdp-reject REASON"
 */
static void outcome(const char *buf, size_t len, char *out, size_t outlen)
{
	static struct vq_sdp sdp;
	struct vq_sip_msg m;
	char err[128];

	if (vq_sip_parse(buf, len, &m, err, sizeof(err))) {
		snprintf(out, outlen, "sip-reject %s", err);
		return;
	}
	if (!m.sdp)
		snprintf(out, outlen, "ok");
	else if (vq_sdp_parse(m.sdp, m.sdp_len, &sdp, err, sizeof(err)))
		snprintf(out, outlen, "sdp-reject %s", err);
	else if (sdp.note[0])
		snprintf(out, outlen, "ok+sdp: %s", sdp.note);
	else
		snprintf(out, outlen, "ok+sdp");
	vq_sip_msg_free(&m);
}

static const char *frame_word(const char *buf, size_t len)
{
	size_t skip;
	long f = vq_sip_frame(buf, len, &skip);

	if (f == VQ_FRAME_MORE)
		return "more";
	if (f == VQ_FRAME_ERROR)
		return "error";
	return skip + (size_t)f == len ? "whole" : "first";
}

static void count_cb(void *ctx, const struct vq_sip_pkt *pkt, const char *msg, size_t len)
{
	char out[200];

	(void)pkt;
	outcome(msg, len, out, sizeof(out));	/* must not crash either */
	(*(unsigned int *)ctx)++;
}

/* The same bytes as a TCP stream in 7-byte segments: messages emitted. */
static unsigned int via_tcp(const char *buf, size_t len)
{
	struct vq_reasm *r = vq_reasm_new(NULL);
	struct vq_sip_pkt p = {
		.family = AF_INET, .l4proto = IPPROTO_TCP, .saddr = { 10, 0, 0, 1 },
		.daddr = { 10, 0, 0, 2 }, .sport = 5060, .dport = 5060, .tcp_flags = 0x02,
		.tcp_seq = 99,
	};
	unsigned int n = 0;
	size_t off;

	vq_reasm_input(r, &p, count_cb, &n);
	for (off = 0; off < len; off += 7) {
		p.tcp_flags = 0x10;
		p.tcp_seq = 100 + (uint32_t)off;
		p.payload = (const uint8_t *)buf + off;
		p.len = p.full_len = len - off < 7 ? len - off : 7;
		vq_reasm_input(r, &p, count_cb, &n);
	}
	vq_reasm_free(r);
	return n;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc(n > 0 ? n : 1);
	*len = fread(buf, 1, n > 0 ? n : 0, f);
	fclose(f);
	return buf;
}

static void test_manifest(void)
{
	char path[512], line[512];
	unsigned int listed = 0, files = 0;
	FILE *mf = fopen(t_path("corpus/bad/MANIFEST"), "r");
	DIR *d;
	struct dirent *de;

	if (!t_check(mf != NULL, "badinput: MANIFEST present", "%s", t_path("corpus/bad/MANIFEST")))
		return;
	while (fgets(line, sizeof(line), mf)) {
		char name[128], frame[16], want[400], got[200];
		const char *fw;
		size_t len = 0;
		char *buf;
		int off = 0;

		line[strcspn(line, "\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		if (sscanf(line, "%127s %15s %n", name, frame, &off) != 2 || !off) {
			t_check(false, "badinput: MANIFEST line", "cannot read '%s'", line);
			continue;
		}
		snprintf(want, sizeof(want), "%s", line + off);
		listed++;
		snprintf(path, sizeof(path), "corpus/bad/%s", name);
		buf = slurp(t_path(path), &len);
		if (!t_check(buf != NULL, name, "cannot read %s", t_path(path)))
			continue;
		outcome(buf, len, got, sizeof(got));
		fw = frame_word(buf, len);
		{
			char cname[640];

			snprintf(cname, sizeof(cname), "badinput: %s: %s", name, want);
			t_check(!strcmp(got, want) && !strcmp(fw, frame), cname,
				"got '%s' frame %s, want frame %s", got, fw, frame);
		}
		/* On TCP: one message exactly when framing finds a whole one. */
		{
			unsigned int n = via_tcp(buf, len);
			bool want_n = strcmp(frame, "whole") && strcmp(frame, "first") ? n == 0 : n >= 1;
			char cname[640];

			snprintf(cname, sizeof(cname), "badinput: %s over TCP in 7-byte segments",
				 name);
			t_check(want_n, cname, "%u messages for frame '%s'", n, frame);
		}
		free(buf);
	}
	fclose(mf);

	/* Every corpus file is in the MANIFEST. */
	d = opendir(t_path("corpus/bad"));
	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.' && strcmp(de->d_name, "MANIFEST"))
			files++;
	if (d)
		closedir(d);
	t_check(files == listed && listed > 40, "badinput: every corpus file listed",
		"%u files, %u listed", files, listed);
}

#define HDRS "INVITE sip:bob@biloxi.example.com SIP/2.0\r\n" \
	"Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKgen\r\n" \
	"From: <sip:alice@atlanta.example.com>;tag=gen\r\nTo: <sip:bob@biloxi.example.com>\r\n" \
	"Call-ID: generated@atlanta\r\nCSeq: 1 INVITE\r\n"

static void test_generated(void)
{
	size_t cap = 200000, n, i;
	char *b = malloc(cap), got[200];
	uint32_t seed = 4475;
	unsigned int bad;

	/* A 60 KB header: one huge Subject. Parsed (within the limit). */
	n = snprintf(b, cap, HDRS "Subject: ");
	memset(b + n, 's', 60000);
	n += 60000;
	n += snprintf(b + n, cap - n, "\r\nContent-Length: 0\r\n\r\n");
	outcome(b, n, got, sizeof(got));
	t_check(!strcmp(got, "ok") && !strcmp(frame_word(b, n), "whole"),
		"badinput: 60 KB header within the limit: parsed", "got '%s'", got);

	/* 70 KB header: over VQ_SIP_MAX_MSG. */
	n = snprintf(b, cap, HDRS "Subject: ");
	memset(b + n, 's', 70000);
	n += 70000;
	n += snprintf(b + n, cap - n, "\r\nContent-Length: 0\r\n\r\n");
	outcome(b, n, got, sizeof(got));
	t_check(!strcmp(got, "sip-reject message longer than 65535 bytes") &&
		!strcmp(frame_word(b, n), "error"), "badinput: 70 KB header: rejected",
		"got '%s' frame %s", got, frame_word(b, n));
	t_check(via_tcp(b, n) == 0, "badinput: 70 KB header over TCP: nothing emitted", "x");

	/* 3000 headers of 20 bytes. */
	n = snprintf(b, cap, HDRS);
	for (i = 0; i < 3000; i++)
		n += snprintf(b + n, cap - n, "X-H%04zu: value-%04zu\r\n", i, i);
	n += snprintf(b + n, cap - n, "Content-Length: 0\r\n\r\n");
	outcome(b, n, got, sizeof(got));
	t_check(!strcmp(got, "ok"), "badinput: 3000 header lines: parsed", "got '%s'", got);

	/* Huge Content-Length values. */
	n = snprintf(b, cap, HDRS "Content-Type: application/sdp\r\n"
		     "Content-Length: 18446744073709551617\r\n\r\nv=0\r\n");
	outcome(b, n, got, sizeof(got));
	t_check(!strcmp(got, "sip-reject bad Content-Length") &&
		!strcmp(frame_word(b, n), "error"), "badinput: Content-Length 2^64+1",
		"got '%s' frame %s", got, frame_word(b, n));
	n = snprintf(b, cap, HDRS "Content-Type: application/sdp\r\n"
		     "Content-Length: 2147483648\r\n\r\nv=0\r\n");
	outcome(b, n, got, sizeof(got));
	t_check(!strncmp(got, "sip-reject ", 11) && !strcmp(frame_word(b, n), "error"),
		"badinput: Content-Length 2^31", "got '%s' frame %s", got, frame_word(b, n));

	/* An INVITE whose SDP has 1000 m= lines. */
	{
		char *sdp = malloc(cap);
		size_t sl = snprintf(sdp, cap, "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\n"
				     "c=IN IP4 192.0.2.1\r\nt=0 0\r\n");

		for (i = 0; i < 1000; i++)
			sl += snprintf(sdp + sl, cap - sl, "m=audio %zu RTP/AVP 0\r\n", 2000 + 2 * i);
		n = snprintf(b, cap, HDRS "Content-Type: application/sdp\r\n"
			     "Content-Length: %zu\r\n\r\n%s", sl, sdp);
		outcome(b, n, got, sizeof(got));
		t_check(!strcmp(got, "ok+sdp: 984 m= lines after the first 16 skipped"),
			"badinput: SDP with 1000 m= lines: the first 16 kept, a note",
			"got '%s'", got);
		free(sdp);
	}

	/* Every truncation of a valid INVITE: never a crash; only the whole parses with SDP. */
	{
		static const char inv[] = HDRS "Content-Type: application/sdp\r\n"
			"Content-Length: 87\r\n\r\n"
			"v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\n"
			"t=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
		size_t whole = sizeof(inv) - 1;

		bad = 0;
		for (i = 1; i < whole; i++) {
			char *cut = malloc(i);

			memcpy(cut, inv, i);
			outcome(cut, i, got, sizeof(got));
			bad += !strcmp(got, "ok+sdp");
			free(cut);
		}
		outcome(inv, whole, got, sizeof(got));
		t_check(!bad && !strcmp(got, "ok+sdp"),
			"badinput: every truncation of an INVITE with SDP: none parses with SDP",
			"%u truncations parsed, whole '%s'", bad, got);
	}

	/* Random bytes and random single-byte mutations of a valid INVITE. */
	{
		static const char inv[] = HDRS "Content-Type: application/sdp\r\n"
			"Content-Length: 87\r\n\r\n"
			"v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\n"
			"t=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
		unsigned int parsed = 0, rejected = 0, k;

		for (k = 0; k < 2000; k++) {
			size_t len = k < 500 ? (seed % 1500) + 1 : sizeof(inv) - 1;
			char *x = malloc(len);

			for (i = 0; i < len; i++) {
				seed = seed * 1103515245u + 12345u;
				x[i] = k < 500 ? (char)(seed >> 16) : inv[i];
			}
			if (k >= 500) {
				unsigned int flips = 1 + k % 4;

				while (flips--) {
					seed = seed * 1103515245u + 12345u;
					x[(seed >> 8) % len] = (char)(seed >> 20);
				}
			}
			outcome(x, len, got, sizeof(got));
			if (!strncmp(got, "ok", 2))
				parsed++;
			else
				rejected++;
			via_tcp(x, len);
			free(x);
		}
		t_check(parsed + rejected == 2000 && rejected >= 500,
			"badinput: 500 random buffers and 1500 mutated INVITEs: no crash",
			"parsed %u rejected %u", parsed, rejected);
	}
	free(b);
}

T_SUITE(badinput)
{
	vq_sip_init();
	test_manifest();
	test_generated();
}
