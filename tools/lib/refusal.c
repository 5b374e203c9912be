// SPDX-License-Identifier: GPL-2.0-only
#include "refusal.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysfs.h"

int lf_refusal_find(const char *sysfs, const char *name, unsigned long after,
		    char *buf, size_t size, unsigned long *last)
{
	char path[PATH_MAX], text[8192], prefix[128];
	char *line, *save = NULL;
	const char *found = NULL;
	int ret;

	if (last)
		*last = 0;
	ret = lf_path(path, sizeof(path), "%s/kernel/livefix/refusals", sysfs);
	if (!ret)
		ret = lf_path(prefix, sizeof(prefix), "fix=%s ", name);
	if (ret)
		return ret;
	ret = lf_read_text(path, text, sizeof(text));
	if (ret < 0)
		return ret;
	/* "SEQ fix=NAME check=...", oldest first: the last match is newest. */
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *end;
		unsigned long seq = strtoul(line, &end, 10);

		if (end == line || *end != ' ')
			continue;
		if (last && seq > *last)
			*last = seq;
		if (seq > after && !strncmp(end + 1, prefix, strlen(prefix)))
			found = end + 1 + strlen(prefix);
	}
	if (!found)
		return -ENOENT;
	if ((size_t)snprintf(buf, size, "%s", found) >= size)
		return -ENAMETOOLONG;
	return 0;
}
