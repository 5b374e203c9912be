// SPDX-License-Identifier: GPL-2.0
/*
 * Taking a live fix back out: livefix_revert() may be called from any
 * context, a WARN or an oops included, and only queues the work; the
 * patch is disabled later from a work item.
 *
 * The 6.12 kernel exports no way for a module to disable a klp patch.
 * The supported switch is /sys/kernel/livepatch/<patch>/enabled, and
 * its store method does everything a disable needs under klp_mutex:
 * it reverses a transition still in flight, refuses a second disable,
 * and frees the patch once the unpatch transition is over. So the work
 * item writes "0" there with kernel_write(), as an administrator would.
 * Going through the VFS rather than calling the attribute's store method
 * directly keeps kernfs' active reference around the call, so the
 * patch's kobject cannot go away under us, and relies on no klp
 * internals. The price is that sysfs must be mounted at /sys in the
 * initial mount namespace, which livefix's own tools need anyway.
 *
 * The patch module stays loaded, disabled, until `livefix unload`
 * removes it: the work holds a reference on it only while it runs.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/namei.h>
#include <linux/string.h>
#include <linux/wait.h>

#include "internal.h"

enum {
	LIVEFIX_HEALTH_REVERT_QUEUED,
	LIVEFIX_HEALTH_REASON_SET,	/* h->reason is complete */
};

#define LIVEFIX_KLP_DIR "/sys/kernel/livepatch/"
/* How often the work looks whether klp has let go of the patch. */
#define LIVEFIX_REVERT_POLL (HZ / 10)
/* Retries while another patch's transition keeps klp busy (-EBUSY). */
#define LIVEFIX_REVERT_BUSY_POLLS 600

static struct workqueue_struct *livefix_revert_wq;
static atomic_t livefix_reverts_inflight = ATOMIC_INIT(0);
static DECLARE_WAIT_QUEUE_HEAD(livefix_reverts_done);

static void livefix_revert_finish(struct livefix_entry *entry)
{
	struct module *mod = entry->mod;

	module_put(mod);
	kobject_put(&entry->kobj);
	if (atomic_dec_and_test(&livefix_reverts_inflight))
		wake_up(&livefix_reverts_done);
}

static int livefix_klp_disable(const char *name)
{
	char path[sizeof(LIVEFIX_KLP_DIR) + MODULE_NAME_LEN + 8];
	struct file *file;
	loff_t pos = 0;
	ssize_t ret;

	snprintf(path, sizeof(path), LIVEFIX_KLP_DIR "%s/enabled", name);
	file = filp_open(path, O_WRONLY, 0);
	if (IS_ERR(file))
		return PTR_ERR(file);
	ret = kernel_write(file, "0", 1, &pos);
	fput(file);
	return ret < 0 ? ret : 0;
}

static bool livefix_klp_gone(const char *name)
{
	char path[sizeof(LIVEFIX_KLP_DIR) + MODULE_NAME_LEN];
	struct path p;

	snprintf(path, sizeof(path), LIVEFIX_KLP_DIR "%s", name);
	if (kern_path(path, 0, &p))
		return true;
	path_put(&p);
	return false;
}

static void livefix_revert_work_fn(struct work_struct *work)
{
	struct livefix_health *h = container_of(to_delayed_work(work),
						struct livefix_health,
						revert_work);
	struct livefix_entry *entry = container_of(h, struct livefix_entry,
						   health);
	const char *name = entry->mod->name;
	int ret;

	livefix_registry_note_revert(entry, h->reason);
	if (!h->disabled) {
		ret = livefix_klp_disable(name);
		if (ret == -EBUSY && ++h->revert_polls < LIVEFIX_REVERT_BUSY_POLLS) {
			queue_delayed_work(livefix_revert_wq, &h->revert_work,
					   LIVEFIX_REVERT_POLL);
			return;
		}
		/*
		 * -EINVAL or -ENOENT: someone else disabled it first, or klp
		 * has already freed it; either way the goal is met.
		 */
		if (ret && ret != -EINVAL && ret != -ENOENT) {
			pr_err("fix=%s: cannot revert it: %d\n", name, ret);
			livefix_move_state(entry, LIVEFIX_STATE_BIT(REVERTING),
					   LIVEFIX_STATE_LIVE);
			livefix_revert_finish(entry);
			return;
		}
		h->disabled = true;
	}

	/*
	 * klp removes the patch's directory once the unpatch transition
	 * is over and no task can still run the fix's code.
	 */
	if (!livefix_klp_gone(name)) {
		queue_delayed_work(livefix_revert_wq, &h->revert_work,
				   LIVEFIX_REVERT_POLL);
		return;
	}
	livefix_registry_note_reverted(entry);
	livefix_revert_finish(entry);
}

static void livefix_revert_irq_fn(struct irq_work *work)
{
	struct livefix_health *h = container_of(work, struct livefix_health,
						revert_irq);

	queue_delayed_work(livefix_revert_wq, &h->revert_work, 0);
}

void livefix_revert_init_entry(struct livefix_entry *entry)
{
	init_irq_work(&entry->health.revert_irq, livefix_revert_irq_fn);
	INIT_DELAYED_WORK(&entry->health.revert_work, livefix_revert_work_fn);
}

/*
 * Safe in NMI, WARN and oops context: it only takes references and
 * queues an irq_work, whose handler queues the real work. The first
 * reason wins; later calls for the same fix do nothing.
 */
void livefix_revert(struct livefix_entry *entry, const char *reason)
{
	struct livefix_health *h = &entry->health;

	/*
	 * While the fix is enabled klp holds its module, so this fails only
	 * for a module on its way out, which has nothing left to revert.
	 */
	if (!try_module_get(entry->mod))
		return;
	if (test_and_set_bit(LIVEFIX_HEALTH_REVERT_QUEUED, &h->flags)) {
		module_put(entry->mod);
		return;
	}
	strscpy(h->reason, reason, sizeof(h->reason));
	/* Readers of the sysfs attribute see the whole reason or none. */
	smp_mb__before_atomic();
	set_bit(LIVEFIX_HEALTH_REASON_SET, &h->flags);
	kobject_get(&entry->kobj);
	atomic_inc(&livefix_reverts_inflight);
	irq_work_queue(&h->revert_irq);
}

bool livefix_revert_queued(struct livefix_entry *entry)
{
	return test_bit(LIVEFIX_HEALTH_REVERT_QUEUED, &entry->health.flags);
}

const char *livefix_revert_reason(struct livefix_entry *entry)
{
	if (!test_bit(LIVEFIX_HEALTH_REASON_SET, &entry->health.flags))
		return NULL;
	/* Pairs with smp_mb__before_atomic() in livefix_revert(). */
	smp_rmb();
	return entry->health.reason;
}

int livefix_revert_init(void)
{
	livefix_revert_wq = alloc_workqueue("livefix_revert", WQ_UNBOUND, 0);
	return livefix_revert_wq ? 0 : -ENOMEM;
}

void livefix_revert_exit(void)
{
	/* Every queued revert holds its patch module, which holds us. */
	wait_event(livefix_reverts_done,
		   !atomic_read(&livefix_reverts_inflight));
	destroy_workqueue(livefix_revert_wq);
}
