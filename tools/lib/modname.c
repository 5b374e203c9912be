// SPDX-License-Identifier: GPL-2.0-only
#include "modname.h"

#include <errno.h>
#include <string.h>

static const char *const suffixes[] = {
	".ko", ".ko.xz", ".ko.gz", ".ko.zst",
};

static size_t strip_suffix(const char *base, size_t len)
{
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		size_t sl = strlen(suffixes[i]);

		if (len > sl && !strcmp(base + len - sl, suffixes[i]))
			return len - sl;
	}
	return len;
}

/* ASCII only, independent of the locale: module names are plain C identifiers. */
static bool is_name_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

bool lf_modname_is_path(const char *arg)
{
	size_t len = strlen(arg);

	return strchr(arg, '/') || strip_suffix(arg, len) != len;
}

int lf_modname(const char *arg, char *out, size_t size)
{
	const char *base = strrchr(arg, '/');
	size_t len;

	base = base ? base + 1 : arg;
	len = strip_suffix(base, strlen(base));
	if (!len || len >= LF_MODNAME_MAX || len >= size)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)base[i];

		if (c == '-')
			c = '_';
		else if (!is_name_char(c))
			return -EINVAL;
		out[i] = (char)c;
	}
	out[len] = '\0';
	return 0;
}
