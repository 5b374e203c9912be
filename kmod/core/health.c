// SPDX-License-Identifier: GPL-2.0
/*
 * The health watch: for watch_secs after a fix goes live, a WARN or an
 * oops whose address or backtrace lies in the fix's code, or a failed
 * health report from userspace, reverts the fix (revert.c).
 *
 * WARNs are seen through the error_report_end tracepoint, which __warn()
 * fires with the WARN's address; oopses and BUGs through the die
 * notifier chain (DIE_OOPS, with the registers). Both are exported to
 * modules, so no kprobe is needed. "The fix's code" is the text of the
 * patch module: the replacement functions and the new functions they
 * call. A fault in unchanged kernel code is the fix's too when a frame
 * of the fix is on the stack, such as a WARN_ON() in a helper that the
 * fix calls with bad arguments.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/jiffies.h>
#include <linux/kdebug.h>
#include <linux/moduleparam.h>
#include <linux/notifier.h>
#include <linux/rculist.h>
#include <linux/spinlock.h>
#include <linux/stacktrace.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <trace/events/error_report.h>

#include "internal.h"

/* Out of tree there is no Kconfig; the default is ten minutes. */
#ifndef CONFIG_LIVEFIX_WATCH_SECS
#define CONFIG_LIVEFIX_WATCH_SECS 600
#endif

/* A month: long enough for any window, short enough for jiffies math. */
#define LIVEFIX_WATCH_MAX_SECS (30U * 24 * 3600)
/* Frames of the faulting stack searched for the fix's code. */
#define LIVEFIX_TRACE_DEPTH 32

static unsigned int watch_secs = CONFIG_LIVEFIX_WATCH_SECS;
module_param(watch_secs, uint, 0644);
MODULE_PARM_DESC(watch_secs,
		 "seconds after a fix goes live during which a fault in it or a failed health report reverts it (0: no watch)");

/* Read under RCU from WARN and oops context, so no sleeping lock. */
static LIST_HEAD(livefix_watched);
static DEFINE_SPINLOCK(livefix_watch_lock);

static bool livefix_watching(struct livefix_entry *entry)
{
	enum livefix_state state = READ_ONCE(entry->state);

	return (state == LIVEFIX_STATE_LIVE ||
		state == LIVEFIX_STATE_TRANSITIONING) &&
	       time_before(jiffies, entry->health.watch_until);
}

static bool livefix_in_fix(struct livefix_entry *entry, unsigned long addr)
{
	return within_module_mem_type(addr, entry->mod, MOD_TEXT);
}

/*
 * Runs where the fault happened, with preemption off, maybe in NMI: it
 * only looks at addresses and hands the fix to livefix_revert().
 */
static void livefix_health_fault(const char *what, unsigned long addr)
{
	unsigned long trace[LIVEFIX_TRACE_DEPTH];
	char reason[LIVEFIX_REASON_MAX];
	struct livefix_entry *entry;
	unsigned int n = 0, i;
	bool traced = false;

	rcu_read_lock();
	list_for_each_entry_rcu(entry, &livefix_watched, health.node) {
		unsigned long hit = 0;

		if (!livefix_watching(entry))
			continue;
		if (livefix_in_fix(entry, addr)) {
			hit = addr;
		} else {
			if (!traced) {
				n = stack_trace_save(trace, ARRAY_SIZE(trace), 0);
				traced = true;
			}
			for (i = 0; i < n && !hit; i++)
				if (livefix_in_fix(entry, trace[i]))
					hit = trace[i];
		}
		if (!hit)
			continue;
		if (hit == addr)
			snprintf(reason, sizeof(reason), "%s at %pS", what,
				 (void *)addr);
		else
			snprintf(reason, sizeof(reason), "%s at %pS called from %pS",
				 what, (void *)addr, (void *)hit);
		livefix_revert(entry, reason);
	}
	rcu_read_unlock();
}

static void livefix_on_error_report(void *data, enum error_detector detector,
				    unsigned long id)
{
	/* For a WARN, @id is the address of the WARN itself. */
	if (detector == ERROR_DETECTOR_WARN)
		livefix_health_fault("WARN", id);
}

static int livefix_on_die(struct notifier_block *nb, unsigned long val,
			  void *data)
{
	struct die_args *args = data;
	char what[48];

	if (val != DIE_OOPS || !args->regs)
		return NOTIFY_DONE;
	/* @str is the trap's name: "invalid opcode" for a BUG(), "Oops"... */
	snprintf(what, sizeof(what), "oops: %s", args->str ? args->str : "?");
	livefix_health_fault(what, instruction_pointer(args->regs));
	return NOTIFY_DONE;
}

static struct notifier_block livefix_die_nb = {
	.notifier_call = livefix_on_die,
};

static struct livefix_entry *to_entry(struct kobject *kobj)
{
	return container_of(kobj, struct livefix_entry, kobj);
}

/*
 * "failed <reason>" once a revert is under way, "watching <seconds
 * left>" inside the window, "ok" after it.
 */
static ssize_t health_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	struct livefix_entry *entry = to_entry(kobj);
	const char *reason = livefix_revert_reason(entry);
	long left;

	if (reason)
		return sysfs_emit(buf, "failed %s\n", reason);
	if (livefix_watching(entry)) {
		left = (long)(entry->health.watch_until - jiffies);
		return sysfs_emit(buf, "watching %ld\n",
				  DIV_ROUND_UP(max(left, 1L), HZ));
	}
	return sysfs_emit(buf, "ok\n");
}

/*
 * "fail <reason>": userspace found the fix unhealthy. The reason goes
 * into the audit line verbatim, so it must be one printable line.
 */
static ssize_t health_store(struct kobject *kobj, struct kobj_attribute *attr,
			    const char *buf, size_t count)
{
	static const char prefix[] = "health report: ";
	struct livefix_entry *entry = to_entry(kobj);
	char reason[LIVEFIX_REASON_MAX];
	size_t len, i;

	if (!str_has_prefix(buf, "fail "))
		return -EINVAL;
	len = count - strlen("fail ");
	if (len && buf[count - 1] == '\n')
		len--;
	if (!len || len >= sizeof(reason) - sizeof(prefix))
		return -EINVAL;
	for (i = 0; i < len; i++)
		if (!isprint(buf[5 + i]) || buf[5 + i] == '"')
			return -EINVAL;

	if ((READ_ONCE(entry->state) != LIVEFIX_STATE_LIVE &&
	     READ_ONCE(entry->state) != LIVEFIX_STATE_TRANSITIONING) ||
	    livefix_revert_queued(entry))
		return -EALREADY;
	if (!livefix_watching(entry))
		return -ETIME;
	snprintf(reason, sizeof(reason), "%s%.*s", prefix, (int)len, buf + 5);
	livefix_revert(entry, reason);
	return count;
}

static struct kobj_attribute health_attr = __ATTR_RW_MODE(health, 0600);

void livefix_health_watch(struct livefix_entry *entry)
{
	struct livefix_health *h = &entry->health;
	unsigned int secs = min(READ_ONCE(watch_secs), LIVEFIX_WATCH_MAX_SECS);

	livefix_revert_init_entry(entry);
	h->watch_until = jiffies + (unsigned long)secs * HZ;
	spin_lock(&livefix_watch_lock);
	list_add_tail_rcu(&h->node, &livefix_watched);
	spin_unlock(&livefix_watch_lock);

	/* Without it only userspace reports are lost; the watch still runs. */
	if (sysfs_create_file(&entry->kobj, &health_attr.attr))
		pr_warn("fix=%s: no health attribute\n", entry->mod->name);
}

void livefix_health_unwatch(struct livefix_entry *entry)
{
	struct livefix_health *h = &entry->health;

	/* A refused fix was never watched. */
	if (!h->node.next)
		return;
	spin_lock(&livefix_watch_lock);
	list_del_rcu(&h->node);
	spin_unlock(&livefix_watch_lock);
	/* The entry is freed soon; no fault handler may still look at it. */
	synchronize_rcu();
}

int livefix_health_init(void)
{
	int ret;

	ret = livefix_revert_init();
	if (ret)
		return ret;
	ret = register_trace_error_report_end(livefix_on_error_report, NULL);
	if (ret)
		goto err_revert;
	ret = register_die_notifier(&livefix_die_nb);
	if (ret)
		goto err_trace;
	return 0;

err_trace:
	unregister_trace_error_report_end(livefix_on_error_report, NULL);
	tracepoint_synchronize_unregister();
err_revert:
	livefix_revert_exit();
	return ret;
}

void livefix_health_exit(void)
{
	unregister_die_notifier(&livefix_die_nb);
	unregister_trace_error_report_end(livefix_on_error_report, NULL);
	tracepoint_synchronize_unregister();
	livefix_revert_exit();
}
