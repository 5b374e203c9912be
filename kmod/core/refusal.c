// SPDX-License-Identifier: GPL-2.0
/*
 * Refusals: one kernel log line each, and the last few kept in
 * /sys/kernel/livefix/refusals, so that the CLI can print the reason for
 * a failed load without reading the kernel log (which may be restricted,
 * or have rotated).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/spinlock.h>
#include <linux/sysfs.h>

#include "internal.h"

#define LIVEFIX_REFUSALS 8
#define LIVEFIX_REFUSAL_LEN 256

static char livefix_refusals[LIVEFIX_REFUSALS][LIVEFIX_REFUSAL_LEN];
static unsigned int livefix_refusal_next;
static DEFINE_SPINLOCK(livefix_refusal_lock);

void livefix_refuse(const char *fix, const char *check, const char *fmt, ...)
{
	char line[LIVEFIX_REFUSAL_LEN];
	va_list args;
	int len;

	len = scnprintf(line, sizeof(line), "fix=%s check=%s: ", fix, check);
	va_start(args, fmt);
	vscnprintf(line + len, sizeof(line) - len, fmt, args);
	va_end(args);
	pr_err("refused %s\n", line);

	spin_lock(&livefix_refusal_lock);
	strscpy(livefix_refusals[livefix_refusal_next % LIVEFIX_REFUSALS], line,
		LIVEFIX_REFUSAL_LEN);
	livefix_refusal_next++;
	spin_unlock(&livefix_refusal_lock);
}

/*
 * Oldest first, one refusal per line: its sequence number, then the log
 * line's text. The number tells a reader which refusals are new.
 */
ssize_t livefix_refusals_show(char *buf)
{
	unsigned int i, first;
	int len = 0;

	spin_lock(&livefix_refusal_lock);
	first = livefix_refusal_next > LIVEFIX_REFUSALS ?
		livefix_refusal_next - LIVEFIX_REFUSALS : 0;
	for (i = first; i < livefix_refusal_next; i++)
		len += sysfs_emit_at(buf, len, "%u %s\n", i + 1,
				     livefix_refusals[i % LIVEFIX_REFUSALS]);
	spin_unlock(&livefix_refusal_lock);
	return len;
}
