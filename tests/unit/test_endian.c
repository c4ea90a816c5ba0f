// SPDX-License-Identifier: GPL-2.0
/*
 * Byte order and word size in the dependency-free core. Every expectation is written as
 * bytes on the wire or as text, never as a host integer compared with another host
 * integer, so a conversion that is missing or doubled (an address formatted from a
 * host-order word, a port taken from the wrong byte) passes on x86_64 only if it happens
 * to be harmless there, and fails on big-endian mips (make -C agent core-mips). The
 * 64-bit values check that nothing goes through a 32-bit long on the 32-bit targets.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "addr.h"
#include "json.h"
#include "test.h"

static const char *host_order(void)
{
	const uint32_t probe = 0x01020304;
	uint8_t first;

	memcpy(&first, &probe, 1);
	return first == 0x01 ? "big" : first == 0x04 ? "little" : "mixed";
}

/* The core-mips/core-musl targets say which order the binary must run with. */
static void running_order(void)
{
	const char *want = getenv("VQ_EXPECT_ENDIAN");

	if (!want || !*want) {
		t_skip("endian: running %s-endian (VQ_EXPECT_ENDIAN not set)", host_order());
		return;
	}
	t_check(!strcmp(want, host_order()), "endian: binary runs with the expected order",
		"running %s-endian, expected %s", host_order(), want);
}

static void parsed_bytes(void)
{
	static const uint8_t v4[4] = { 0xc0, 0x00, 0x02, 0x01 };
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
					0, 0, 0, 0, 0x12, 0x34, 0xab, 0xcd };
	struct vq_endpoint ep;
	const char *why;
	uint32_t word;

	why = vq_parse_endpoint("192.0.2.1:40000", VQ_EP_DST, &ep);
	if (t_check(!why, "endian: parse 192.0.2.1:40000", "%s", why)) {
		t_check(!memcmp(ep.addr, v4, 4), "endian: IPv4 address in network order",
			"bytes %02x %02x %02x %02x", ep.addr[0], ep.addr[1], ep.addr[2],
			ep.addr[3]);
		memcpy(&word, ep.addr, 4);
		t_check(ntohl(word) == 0xc0000201, "endian: IPv4 address ntohl",
			"0x%08" PRIx32, ntohl(word));
		/* 40000 = 0x9c40; swapped it would read 16540. */
		t_check(ep.port == 40000, "endian: port in host order", "port %u", ep.port);
	}
	why = vq_parse_endpoint("[2001:db8::1234:abcd]:5004", VQ_EP_DST, &ep);
	if (t_check(!why, "endian: parse [2001:db8::1234:abcd]:5004", "%s", why))
		t_check(!memcmp(ep.addr, v6, 16) && ep.port == 5004,
			"endian: IPv6 address in network order",
			"first bytes %02x %02x, last %02x %02x, port %u", ep.addr[0],
			ep.addr[1], ep.addr[14], ep.addr[15], ep.port);
}

static void formatted(void)
{
	struct vq_endpoint ep = { .family = AF_INET, .port = 40000 };
	uint32_t word = htonl(0xc6336401);	/* 198.51.100.1, as the kernel sends it */
	char buf[VQ_EP_STRLEN];

	memcpy(ep.addr, &word, 4);
	vq_format_endpoint(&ep, buf, sizeof(buf));
	t_check(!strcmp(buf, "198.51.100.1:40000"), "endian: format IPv4 from network order",
		"got '%s'", buf);

	memset(&ep, 0, sizeof(ep));
	ep.family = AF_INET6;
	ep.port = 0x1389;	/* 5001 */
	ep.addr[0] = 0x20;
	ep.addr[1] = 0x01;
	ep.addr[2] = 0x0d;
	ep.addr[3] = 0xb8;
	ep.addr[15] = 0x02;
	vq_format_endpoint(&ep, buf, sizeof(buf));
	t_check(!strcmp(buf, "[2001:db8::2]:5001"), "endian: format IPv6 from network order",
		"got '%s'", buf);
}

/* tc handles are host integers split into 16-bit halves, never bytes. */
static void handles(void)
{
	uint32_t h = 0;
	char buf[32];
	const char *why = vq_parse_handle("1:10", &h);

	t_check(!why && h == 0x00010010, "endian: tc handle 1:10 is 0x10010",
		"%s, 0x%08" PRIx32, why ? why : "parsed", h);
	vq_format_handle(0xabcd0012, buf, sizeof(buf));
	t_check(!strcmp(buf, "abcd:12"), "endian: format tc handle 0xabcd0012",
		"got '%s'", buf);
}

/* Values past 32 bits: a long or size_t on the way would truncate them on 32-bit CPUs. */
static void wide_values(void)
{
	uint64_t v = 0;
	char *out = NULL;
	size_t len = 0;
	FILE *f;
	struct json j;

	t_check(vq_parse_num("1099511627776", UINT64_MAX, &v) && v == 1ULL << 40,
		"endian: parse 2^40", "got %" PRIu64, v);
	t_check(vq_parse_num("18446744073709551615", UINT64_MAX, &v) && v == UINT64_MAX,
		"endian: parse 2^64-1", "got %" PRIu64, v);
	v = 0;
	t_check(!vq_parse_rate("100gbit", &v) && v == 100000000000ULL,
		"endian: rate 100gbit", "got %" PRIu64, v);

	f = open_memstream(&out, &len);
	if (!t_check(f != NULL, "endian: json stream", "open_memstream failed"))
		return;
	json_init(&j, f);
	json_u64(&j, 0x123456789abcdef0ULL);
	fclose(f);
	t_check(out && !strcmp(out, "1311768467463790320"), "endian: json u64 past 32 bits",
		"got '%s'", out ? out : "");
	free(out);
}

T_SUITE(endian)
{
	running_order();
	parsed_bytes();
	formatted();
	handles();
	wide_values();
}
