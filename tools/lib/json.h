/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LF_JSON_H
#define LF_JSON_H

#include <stdbool.h>
#include <stdio.h>

#define LF_JSON_MAX_DEPTH 32

/*
 * Streaming JSON writer. It tracks nesting and commas itself so callers
 * cannot produce malformed output by forgetting a separator; misuse (value
 * where a key is due, unbalanced end, too deep) latches an error that
 * lf_json_finish() reports instead of emitting garbage silently.
 */
struct lf_json {
	FILE *out;
	int depth;
	bool first[LF_JSON_MAX_DEPTH];	/* no member written yet at this level */
	bool is_obj[LF_JSON_MAX_DEPTH];
	bool want_value;		/* a key was written, its value is due */
	bool done;			/* a complete top-level value exists */
	int err;
};

void lf_json_init(struct lf_json *j, FILE *out);
void lf_json_begin_object(struct lf_json *j);
void lf_json_end_object(struct lf_json *j);
void lf_json_begin_array(struct lf_json *j);
void lf_json_end_array(struct lf_json *j);
void lf_json_key(struct lf_json *j, const char *key);
void lf_json_string(struct lf_json *j, const char *s);
void lf_json_int(struct lf_json *j, long long v);
void lf_json_bool(struct lf_json *j, bool v);
void lf_json_null(struct lf_json *j);
/* 0 if exactly one complete value was written, else negative errno. */
int lf_json_finish(struct lf_json *j);

/*
 * Write @s as a quoted JSON string: quote, backslash and control characters
 * escaped; bytes that are not valid UTF-8 become U+FFFD so the output stays
 * valid JSON whatever sysfs handed us.
 */
void lf_json_write_string(FILE *out, const char *s);

#endif
