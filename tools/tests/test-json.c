// SPDX-License-Identifier: GPL-2.0-only
/* JSON writer: escaping and structural correctness. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/json.h"
#include "tap.h"

/* Render through a memory stream so results are compared as strings. */
struct mem {
	char *buf;
	size_t len;
	FILE *f;
};

static void mem_open(struct mem *m)
{
	m->buf = NULL;
	m->len = 0;
	m->f = open_memstream(&m->buf, &m->len);
}

static const char *mem_close(struct mem *m)
{
	fclose(m->f);
	return m->buf;
}

static void check_escape(const char *in, const char *want, const char *desc)
{
	struct mem m;

	mem_open(&m);
	lf_json_write_string(m.f, in);
	tap_is_str(mem_close(&m), want, "escape: %s", desc);
	free(m.buf);
}

static void test_escaping(void)
{
	check_escape("plain", "\"plain\"", "plain ASCII unchanged");
	check_escape("", "\"\"", "empty string");
	check_escape("a\"b", "\"a\\\"b\"", "double quote");
	check_escape("a\\b", "\"a\\\\b\"", "backslash");
	check_escape("\\\"", "\"\\\\\\\"\"", "backslash then quote");
	check_escape("l1\nl2\tx\r", "\"l1\\nl2\\tx\\r\"", "newline, tab, CR");
	check_escape("\b\f", "\"\\b\\f\"", "backspace and form feed");
	check_escape("\x01\x1f", "\"\\u0001\\u001f\"", "other control chars as \\u");
	check_escape("\x7f", "\"\\u007f\"", "DEL escaped");
	check_escape("/path/x", "\"/path/x\"", "slash not escaped");
	check_escape("caf\xc3\xa9", "\"caf\xc3\xa9\"", "valid UTF-8 passed through");
	check_escape("\xf0\x9f\x94\xa7", "\"\xf0\x9f\x94\xa7\"", "4-byte UTF-8 passed through");
	check_escape("a\xffz", "\"a\\ufffdz\"", "invalid byte replaced");
	check_escape("\xc3", "\"\\ufffd\"", "truncated sequence replaced");
	check_escape("\xc0\xaf", "\"\\ufffd\\ufffd\"", "overlong encoding rejected");
	check_escape("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"", "UTF-16 surrogate rejected");
}

static void test_structure(void)
{
	struct lf_json j;
	struct mem m;
	int ret;

	mem_open(&m);
	lf_json_init(&j, m.f);
	lf_json_begin_array(&j);
	lf_json_begin_object(&j);
	lf_json_key(&j, "name");
	lf_json_string(&j, "fix \"1\"");
	lf_json_key(&j, "n");
	lf_json_int(&j, -42);
	lf_json_key(&j, "on");
	lf_json_bool(&j, true);
	lf_json_key(&j, "off");
	lf_json_bool(&j, false);
	lf_json_key(&j, "none");
	lf_json_null(&j);
	lf_json_key(&j, "list");
	lf_json_begin_array(&j);
	lf_json_string(&j, "a");
	lf_json_string(&j, "b");
	lf_json_end_array(&j);
	lf_json_key(&j, "empty");
	lf_json_begin_array(&j);
	lf_json_end_array(&j);
	lf_json_end_object(&j);
	lf_json_begin_object(&j);
	lf_json_end_object(&j);
	lf_json_end_array(&j);
	ret = lf_json_finish(&j);
	tap_is_int(ret, 0, "well-formed document finishes cleanly");
	tap_is_str(mem_close(&m),
		   "[{\"name\":\"fix \\\"1\\\"\",\"n\":-42,\"on\":true,\"off\":false,"
		   "\"none\":null,\"list\":[\"a\",\"b\"],\"empty\":[]},{}]",
		   "nested document with separators in the right places");
	free(m.buf);

	mem_open(&m);
	lf_json_init(&j, m.f);
	lf_json_begin_array(&j);
	lf_json_end_array(&j);
	tap_is_int(lf_json_finish(&j), 0, "empty array is fine");
	tap_is_str(mem_close(&m), "[]", "empty array rendered as []");
	free(m.buf);
}

static void test_misuse(void)
{
	struct lf_json j;
	struct mem m;

	mem_open(&m);
	lf_json_init(&j, m.f);
	lf_json_begin_object(&j);
	lf_json_string(&j, "value without key");
	lf_json_end_object(&j);
	tap_ok(lf_json_finish(&j) < 0, "value without key is an error");
	mem_close(&m);
	free(m.buf);

	mem_open(&m);
	lf_json_init(&j, m.f);
	lf_json_begin_array(&j);
	lf_json_key(&j, "k");
	tap_ok(lf_json_finish(&j) < 0, "key inside array is an error");
	mem_close(&m);
	free(m.buf);

	mem_open(&m);
	lf_json_init(&j, m.f);
	lf_json_begin_array(&j);
	lf_json_end_object(&j);
	tap_ok(lf_json_finish(&j) < 0, "mismatched close is an error");
	mem_close(&m);
	free(m.buf);

	mem_open(&m);
	lf_json_init(&j, m.f);
	lf_json_begin_object(&j);
	lf_json_key(&j, "dangling");
	lf_json_end_object(&j);
	tap_ok(lf_json_finish(&j) < 0, "key without value is an error");
	mem_close(&m);
	free(m.buf);

	mem_open(&m);
	lf_json_init(&j, m.f);
	lf_json_begin_array(&j);
	tap_ok(lf_json_finish(&j) < 0, "unclosed array is an error");
	mem_close(&m);
	free(m.buf);

	mem_open(&m);
	lf_json_init(&j, m.f);
	lf_json_int(&j, 1);
	lf_json_int(&j, 2);
	tap_ok(lf_json_finish(&j) < 0, "two top-level values are an error");
	mem_close(&m);
	free(m.buf);

	mem_open(&m);
	lf_json_init(&j, m.f);
	for (int i = 0; i < LF_JSON_MAX_DEPTH + 1; i++)
		lf_json_begin_array(&j);
	tap_ok(lf_json_finish(&j) < 0, "nesting past the limit is an error");
	mem_close(&m);
	free(m.buf);
}

int main(void)
{
	tap_start();
	test_escaping();
	test_structure();
	test_misuse();
	return tap_end();
}
