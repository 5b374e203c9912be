// SPDX-License-Identifier: GPL-2.0-only
#include "json.h"

#include <errno.h>
#include <stddef.h>

void lf_json_init(struct lf_json *j, FILE *out)
{
	j->out = out;
	j->depth = 0;
	j->want_value = false;
	j->done = false;
	j->err = 0;
}

/* Length of a valid UTF-8 sequence at @s, or 0 if it is not one. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned int c = s[0], cp;
	size_t len;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2; cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3; cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4; cp = c & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, UTF-16 surrogates and values past U+10FFFF. */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

void lf_json_write_string(FILE *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', out);
	while (*s) {
		size_t len;

		switch (*s) {
		case '"':  fputs("\\\"", out); s++; continue;
		case '\\': fputs("\\\\", out); s++; continue;
		case '\b': fputs("\\b", out); s++; continue;
		case '\f': fputs("\\f", out); s++; continue;
		case '\n': fputs("\\n", out); s++; continue;
		case '\r': fputs("\\r", out); s++; continue;
		case '\t': fputs("\\t", out); s++; continue;
		}
		if (*s < 0x20 || *s == 0x7f) {
			fprintf(out, "\\u%04x", *s);
			s++;
			continue;
		}
		len = utf8_len(s);
		if (!len) {
			fputs("\\ufffd", out);
			s++;
			continue;
		}
		fwrite(s, 1, len, out);
		s += len;
	}
	fputc('"', out);
}

static void fail(struct lf_json *j)
{
	if (!j->err)
		j->err = -EINVAL;
}

/* Emit the separator a new value needs; false if a value is not allowed. */
static bool before_value(struct lf_json *j)
{
	if (j->err)
		return false;
	if (j->depth == 0) {
		if (j->done) {
			fail(j);
			return false;
		}
		return true;
	}
	if (j->is_obj[j->depth - 1]) {
		if (!j->want_value) {
			fail(j);
			return false;
		}
		j->want_value = false;
		return true;
	}
	if (!j->first[j->depth - 1])
		fputc(',', j->out);
	j->first[j->depth - 1] = false;
	return true;
}

static void after_value(struct lf_json *j)
{
	if (j->depth == 0)
		j->done = true;
}

static void begin(struct lf_json *j, bool obj)
{
	if (!before_value(j))
		return;
	if (j->depth == LF_JSON_MAX_DEPTH) {
		fail(j);
		return;
	}
	fputc(obj ? '{' : '[', j->out);
	j->is_obj[j->depth] = obj;
	j->first[j->depth] = true;
	j->depth++;
}

static void end(struct lf_json *j, bool obj)
{
	if (j->err)
		return;
	if (j->depth == 0 || j->is_obj[j->depth - 1] != obj || j->want_value) {
		fail(j);
		return;
	}
	j->depth--;
	fputc(obj ? '}' : ']', j->out);
	after_value(j);
}

void lf_json_begin_object(struct lf_json *j) { begin(j, true); }
void lf_json_end_object(struct lf_json *j) { end(j, true); }
void lf_json_begin_array(struct lf_json *j) { begin(j, false); }
void lf_json_end_array(struct lf_json *j) { end(j, false); }

void lf_json_key(struct lf_json *j, const char *key)
{
	if (j->err)
		return;
	if (j->depth == 0 || !j->is_obj[j->depth - 1] || j->want_value) {
		fail(j);
		return;
	}
	if (!j->first[j->depth - 1])
		fputc(',', j->out);
	j->first[j->depth - 1] = false;
	lf_json_write_string(j->out, key);
	fputc(':', j->out);
	j->want_value = true;
}

void lf_json_string(struct lf_json *j, const char *s)
{
	if (!before_value(j))
		return;
	if (s)
		lf_json_write_string(j->out, s);
	else
		fputs("null", j->out);
	after_value(j);
}

void lf_json_int(struct lf_json *j, long long v)
{
	if (!before_value(j))
		return;
	fprintf(j->out, "%lld", v);
	after_value(j);
}

void lf_json_bool(struct lf_json *j, bool v)
{
	if (!before_value(j))
		return;
	fputs(v ? "true" : "false", j->out);
	after_value(j);
}

void lf_json_null(struct lf_json *j)
{
	if (!before_value(j))
		return;
	fputs("null", j->out);
	after_value(j);
}

int lf_json_finish(struct lf_json *j)
{
	if (!j->err && (j->depth || !j->done))
		j->err = -EINVAL;
	if (!j->err && ferror(j->out))
		j->err = -EIO;
	return j->err;
}
