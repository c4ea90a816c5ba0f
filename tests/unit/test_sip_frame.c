// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

#include "sip_frame.h"
#include "test.h"

#define INV "INVITE sip:bob@example.com SIP/2.0\r\nCall-ID: a@b\r\n"

static void frame_case(const char *name, const char *in, long want, size_t want_skip)
{
	size_t skip = 12345;
	long got = vq_sip_frame(in, strlen(in), &skip);

	t_check(got == want && skip == want_skip, name,
		"got %ld skip %zu, want %ld skip %zu", got, skip, want, want_skip);
}

T_SUITE(sip_frame)
{
	static const char two[] = INV "Content-Length: 0\r\n\r\n" INV "l: 0\r\n\r\n";
	char *big;
	size_t skip, hl;
	long r;

	frame_case("frame: no body", INV "Content-Length: 0\r\n\r\n",
		   (long)strlen(INV "Content-Length: 0\r\n\r\n"), 0);
	frame_case("frame: body, trailing bytes not included",
		   INV "Content-Length: 4\r\n\r\nv=0\nINVITE",
		   (long)strlen(INV "Content-Length: 4\r\n\r\nv=0\n"), 0);
	frame_case("frame: compact l", INV "l: 4\r\n\r\nv=0\n",
		   (long)strlen(INV "l: 4\r\n\r\nv=0\n"), 0);
	frame_case("frame: compact L upper case", INV "L:4\r\n\r\nv=0\n",
		   (long)strlen(INV "L:4\r\n\r\nv=0\n"), 0);
	frame_case("frame: name case-insensitive", INV "cONTENT-lENGTH: 4\r\n\r\nv=0\n",
		   (long)strlen(INV "cONTENT-lENGTH: 4\r\n\r\nv=0\n"), 0);
	frame_case("frame: blanks around the colon and value",
		   INV "Content-Length \t:  \t4  \r\n\r\nv=0\n",
		   (long)strlen(INV "Content-Length \t:  \t4  \r\n\r\nv=0\n"), 0);
	frame_case("frame: folded value", INV "Content-Length:\r\n   4\r\n\r\nv=0\n",
		   (long)strlen(INV "Content-Length:\r\n   4\r\n\r\nv=0\n"), 0);
	frame_case("frame: folded other header before it",
		   INV "Subject: a\r\n b\r\n\tc\r\nl: 1\r\n\r\nx",
		   (long)strlen(INV "Subject: a\r\n b\r\n\tc\r\nl: 1\r\n\r\nx"), 0);
	frame_case("frame: a fold cannot hide a length in another field",
		   INV "Subject: a\r\n l: 3\r\nl: 1\r\n\r\nx",
		   (long)strlen(INV "Subject: a\r\n l: 3\r\nl: 1\r\n\r\nx"), 0);
	frame_case("frame: leading zeros", INV "l: 0004\r\n\r\nv=0\n",
		   (long)strlen(INV "l: 0004\r\n\r\nv=0\n"), 0);
	frame_case("frame: bare LF line ends", "SIP/2.0 200 OK\nl: 2\n\nab",
		   (long)strlen("SIP/2.0 200 OK\nl: 2\n\nab"), 0);
	frame_case("frame: mixed LF then CRLF empty line", "SIP/2.0 200 OK\nl: 2\n\r\nab",
		   (long)strlen("SIP/2.0 200 OK\nl: 2\n\r\nab"), 0);
	frame_case("frame: first of two messages", two,
		   (long)strlen(INV "Content-Length: 0\r\n\r\n"), 0);
	frame_case("frame: keep-alive ping before a message",
		   "\r\n\r\n" INV "l: 0\r\n\r\n", (long)strlen(INV "l: 0\r\n\r\n"), 4);
	frame_case("frame: keep-alive pong only", "\r\n", VQ_FRAME_MORE, 2);
	frame_case("frame: empty buffer", "", VQ_FRAME_MORE, 0);
	frame_case("frame: header incomplete", INV "Content-Len", VQ_FRAME_MORE, 0);
	frame_case("frame: header without empty line", INV "l: 0\r\n", VQ_FRAME_MORE, 0);
	frame_case("frame: body incomplete", INV "l: 10\r\n\r\nv=0\n", VQ_FRAME_MORE, 0);
	frame_case("frame: keep-alive then incomplete", "\r\n\r\nSIP/2.0", VQ_FRAME_MORE, 4);
	frame_case("frame: no Content-Length", INV "\r\n", VQ_FRAME_ERROR, 0);
	frame_case("frame: Content-Length-ish name is not it",
		   INV "Content-Lengths: 0\r\nX-l: 0\r\n\r\n", VQ_FRAME_ERROR, 0);
	frame_case("frame: duplicate, same value", INV "l: 0\r\nContent-Length: 0\r\n\r\n",
		   VQ_FRAME_ERROR, 0);
	frame_case("frame: duplicate, different value",
		   INV "Content-Length: 0\r\nContent-Length: 4\r\n\r\nv=0\n", VQ_FRAME_ERROR, 0);
	frame_case("frame: negative", INV "Content-Length: -1\r\n\r\n", VQ_FRAME_ERROR, 0);
	frame_case("frame: plus sign", INV "Content-Length: +1\r\n\r\nx", VQ_FRAME_ERROR, 0);
	frame_case("frame: empty value", INV "Content-Length:\r\n\r\n", VQ_FRAME_ERROR, 0);
	frame_case("frame: garbage after digits", INV "Content-Length: 4x\r\n\r\nv=0\n",
		   VQ_FRAME_ERROR, 0);
	frame_case("frame: two numbers", INV "Content-Length: 4 4\r\n\r\nv=0\n",
		   VQ_FRAME_ERROR, 0);
	frame_case("frame: huge value", INV "Content-Length: 99999999999999999999999\r\n\r\n",
		   VQ_FRAME_ERROR, 0);
	frame_case("frame: value over the message limit", INV "Content-Length: 65536\r\n\r\n",
		   VQ_FRAME_ERROR, 0);
	frame_case("frame: header + body over the limit", INV "Content-Length: 65500\r\n\r\n",
		   VQ_FRAME_ERROR, 0);

	/* A header that never ends: an error once the limit is reached. */
	big = malloc(VQ_SIP_MAX_MSG + 100);
	memcpy(big, INV, strlen(INV));
	memset(big + strlen(INV), 'a', VQ_SIP_MAX_MSG + 100 - strlen(INV));
	r = vq_sip_frame(big, VQ_SIP_MAX_MSG - 1, &skip);
	t_check(r == VQ_FRAME_MORE, "frame: 64 KiB header, below the limit: more", "got %ld", r);
	r = vq_sip_frame(big, VQ_SIP_MAX_MSG, &skip);
	t_check(r == VQ_FRAME_ERROR, "frame: header reaching the limit: error", "got %ld", r);
	r = vq_sip_frame(big, VQ_SIP_MAX_MSG + 100, &skip);
	t_check(r == VQ_FRAME_ERROR, "frame: header beyond the limit: error", "got %ld", r);

	/* The largest message allowed is exactly VQ_SIP_MAX_MSG bytes. */
	hl = (size_t)snprintf(big, 200, INV "Content-Length: %05u\r\n\r\n", 0);
	snprintf(big, 200, INV "Content-Length: %05zu\r\n\r\n", VQ_SIP_MAX_MSG - hl);
	memset(big + hl, 'b', VQ_SIP_MAX_MSG - hl);
	r = vq_sip_frame(big, VQ_SIP_MAX_MSG, &skip);
	t_check(r == VQ_SIP_MAX_MSG, "frame: message of exactly VQ_SIP_MAX_MSG bytes",
		"got %ld", r);
	r = vq_sip_frame(big, VQ_SIP_MAX_MSG - 1, &skip);
	t_check(r == VQ_FRAME_MORE, "frame: same, one byte short: more", "got %ld", r);
	snprintf(big, 200, INV "Content-Length: %05zu\r\n\r\n", VQ_SIP_MAX_MSG - hl + 1);
	r = vq_sip_frame(big, VQ_SIP_MAX_MSG + 1, &skip);
	t_check(r == VQ_FRAME_ERROR, "frame: one byte over VQ_SIP_MAX_MSG: error", "got %ld", r);
	free(big);

	/* Every prefix of a complete message is "more", never an error. */
	{
		static const char m[] = "\r\n" INV "Subject: x\r\n y\r\nl: 4\r\n\r\nv=0\n";
		size_t i, bad = 0;

		for (i = 0; i < sizeof(m) - 1; i++)
			if (vq_sip_frame(m, i, &skip) != VQ_FRAME_MORE)
				bad++;
		r = vq_sip_frame(m, sizeof(m) - 1, &skip);
		t_check(!bad && r == (long)(sizeof(m) - 3) && skip == 2,
			"frame: every prefix is incomplete, the whole is one frame",
			"%zu prefixes wrong, whole %ld skip %zu", bad, r, skip);
	}
}
