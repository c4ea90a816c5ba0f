// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "test.h"

static char *escape(const char *s, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	json_escape(f, s, n);
	fclose(f);
	return buf;
}

#define S(x) x, sizeof(x) - 1

static void escaping(void)
{
	static const struct {
		const char *name;
		const char *in;
		size_t n;
		const char *out;
	} cases[] = {
		{ "plain", S("abc"), "\"abc\"" },
		{ "empty", S(""), "\"\"" },
		{ "quote and backslash", S("a\"b\\c"), "\"a\\\"b\\\\c\"" },
		{ "short escapes", S("\n\r\t\b\f"), "\"\\n\\r\\t\\b\\f\"" },
		{ "control 0x01", S("\x01"), "\"\\u0001\"" },
		{ "control 0x1f", S("\x1f"), "\"\\u001f\"" },
		{ "DEL", S("\x7f"), "\"\\u007f\"" },
		{ "embedded NUL", S("a\0b"), "\"a\\u0000b\"" },
		{ "slash untouched", S("a/b"), "\"a/b\"" },
		{ "utf8 2 bytes", S("caf\xc3\xa9"), "\"caf\xc3\xa9\"" },
		{ "utf8 3 bytes", S("\xe2\x82\xac"), "\"\xe2\x82\xac\"" },
		{ "utf8 4 bytes", S("\xf0\x9f\x8e\xb5"), "\"\xf0\x9f\x8e\xb5\"" },
		{ "lone 0xff", S("\xff"), "\"\\u00ff\"" },
		{ "truncated 2-byte at end", S("a\xc3"), "\"a\\u00c3\"" },
		{ "truncated 3-byte", S("\xe2\x82x"), "\"\\u00e2\\u0082x\"" },
		{ "overlong", S("\xc0\xaf"), "\"\\u00c0\\u00af\"" },
		{ "overlong 3-byte", S("\xe0\x80\xaf"), "\"\\u00e0\\u0080\\u00af\"" },
		{ "surrogate", S("\xed\xa0\x80"), "\"\\u00ed\\u00a0\\u0080\"" },
		{ "above U+10FFFF", S("\xf4\x90\x80\x80"),
		  "\"\\u00f4\\u0090\\u0080\\u0080\"" },
		{ "0xf5 lead", S("\xf5\x80\x80\x80"),
		  "\"\\u00f5\\u0080\\u0080\\u0080\"" },
		{ "sip line", S("INVITE sip:a@b SIP/2.0\r\n"),
		  "\"INVITE sip:a@b SIP/2.0\\r\\n\"" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char name[96];
		char *got = escape(cases[i].in, cases[i].n);

		snprintf(name, sizeof(name), "json escape %s", cases[i].name);
		t_check(strcmp(got, cases[i].out) == 0, name, "got %s want %s",
			got, cases[i].out);
		free(got);
	}
}

static void writer(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct json j;

	json_init(&j, f);
	json_obj_begin(&j);
	json_kv_u64(&j, "a", 1);
	json_key(&j, "b");
	json_arr_begin(&j);
	json_u64(&j, 1);
	json_u64(&j, 18446744073709551615ULL);
	json_obj_begin(&j);
	json_kv_opt(&j, "c", false, 5);
	json_kv_opt(&j, "d", true, 5);
	json_obj_end(&j);
	json_arr_begin(&j);
	json_arr_end(&j);
	json_arr_end(&j);
	json_key(&j, "e");
	json_bool(&j, true);
	json_kv_str(&j, "f", "x\"y");
	json_kv_str(&j, "g", NULL);
	json_key(&j, "h");
	json_obj_begin(&j);
	json_obj_end(&j);
	json_obj_end(&j);
	fclose(f);
	t_check(strcmp(buf, "{\"a\":1,\"b\":[1,18446744073709551615,{\"c\":null,"
		"\"d\":5},[]],\"e\":true,\"f\":\"x\\\"y\",\"g\":null,\"h\":{}}") == 0,
		"json writer commas and nesting", "got %s", buf);
	free(buf);

	/* Two top-level values in a row (listen writes one per line). */
	buf = NULL;
	f = open_memstream(&buf, &len);
	json_init(&j, f);
	json_obj_begin(&j);
	json_obj_end(&j);
	fputc('\n', f);
	json_init(&j, f);
	json_obj_begin(&j);
	json_kv_u64(&j, "x", 0);
	json_obj_end(&j);
	fclose(f);
	t_check(strcmp(buf, "{}\n{\"x\":0}") == 0, "json writer reinit per line",
		"got %s", buf);
	free(buf);
}

T_SUITE(json)
{
	escaping();
	writer();
}
