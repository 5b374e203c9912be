// SPDX-License-Identifier: GPL-2.0
/*
 * Test module: a function that tasks can be held sleeping in, so that a
 * livepatch of it cannot finish its transition until they leave.
 *
 *   /proc/lf_test_blocker/hold           read sleeps interruptibly
 *   /proc/lf_test_blocker/hold_killable  read sleeps until released (or
 *                                        SIGKILL): signals do not wake it
 *   /proc/lf_test_blocker/kthread        write starts a kernel thread that
 *                                        sleeps interruptibly until released;
 *                                        read shows its pid (0: none)
 *   /proc/lf_test_blocker/release        write lets every sleeper go
 *   /proc/lf_test_blocker/sleepers       how many are inside right now
 *
 * A read returns what lf_test_blocker_hold() reports, "released" here and
 * something else once a fix replaced it, so a test sees which version ran.
 */
#include <linux/atomic.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/proc_fs.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

static DECLARE_WAIT_QUEUE_HEAD(lf_test_blocker_wq);
static atomic_t lf_test_blocker_gen = ATOMIC_INIT(0);
static atomic_t lf_test_blocker_sleepers = ATOMIC_INIT(0);
static struct proc_dir_entry *lf_test_blocker_dir;
static DEFINE_MUTEX(lf_test_blocker_lock);
static struct task_struct *lf_test_blocker_task;	/* under the lock */

/*
 * The function the fix replaces. noipa keeps gcc from cloning it per
 * constant argument: the callers must call this very symbol.
 */
static noinline __attribute__((__noipa__))
int lf_test_blocker_hold(bool killable, char *msg, size_t size)
{
	int gen = atomic_read(&lf_test_blocker_gen);
	int ret;

	atomic_inc(&lf_test_blocker_sleepers);
	if (killable)
		ret = wait_event_killable(lf_test_blocker_wq,
					  atomic_read(&lf_test_blocker_gen) != gen);
	else
		ret = wait_event_interruptible(lf_test_blocker_wq,
					       atomic_read(&lf_test_blocker_gen) != gen);
	atomic_dec(&lf_test_blocker_sleepers);
	if (!ret)
		strscpy(msg, "released\n", size);
	return ret;
}

static ssize_t lf_test_blocker_read(char __user *buf, size_t count,
				    loff_t *ppos, bool killable)
{
	char msg[32];
	int ret;

	if (*ppos)
		return 0;
	/* -ERESTARTSYS when interrupted: the read restarts transparently. */
	ret = lf_test_blocker_hold(killable, msg, sizeof(msg));
	if (ret)
		return ret;
	return simple_read_from_buffer(buf, count, ppos, msg, strlen(msg));
}

static ssize_t lf_test_blocker_hold_read(struct file *file, char __user *buf,
					 size_t count, loff_t *ppos)
{
	return lf_test_blocker_read(buf, count, ppos, false);
}

static ssize_t lf_test_blocker_killable_read(struct file *file,
					     char __user *buf, size_t count,
					     loff_t *ppos)
{
	return lf_test_blocker_read(buf, count, ppos, true);
}

/*
 * Kernel threads take no signals: once released from the patched function
 * it idles outside of it until the module goes.
 */
static int lf_test_blocker_thread(void *unused)
{
	char msg[32];

	while (lf_test_blocker_hold(false, msg, sizeof(msg)))
		;
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop()) {
			__set_current_state(TASK_RUNNING);
			break;
		}
		schedule();
	}
	return 0;
}

static ssize_t lf_test_blocker_kthread_write(struct file *file,
					     const char __user *buf,
					     size_t count, loff_t *ppos)
{
	struct task_struct *t;
	ssize_t ret = count;

	mutex_lock(&lf_test_blocker_lock);
	if (lf_test_blocker_task) {
		ret = -EBUSY;
		goto out;
	}
	t = kthread_run(lf_test_blocker_thread, NULL, "lf_test_blocker");
	if (IS_ERR(t)) {
		ret = PTR_ERR(t);
		goto out;
	}
	lf_test_blocker_task = t;
out:
	mutex_unlock(&lf_test_blocker_lock);
	return ret;
}

static ssize_t lf_test_blocker_kthread_read(struct file *file,
					    char __user *buf, size_t count,
					    loff_t *ppos)
{
	char msg[16];
	int len;

	mutex_lock(&lf_test_blocker_lock);
	len = scnprintf(msg, sizeof(msg), "%d\n",
			lf_test_blocker_task ? lf_test_blocker_task->pid : 0);
	mutex_unlock(&lf_test_blocker_lock);
	return simple_read_from_buffer(buf, count, ppos, msg, len);
}

static ssize_t lf_test_blocker_release_write(struct file *file,
					     const char __user *buf,
					     size_t count, loff_t *ppos)
{
	atomic_inc(&lf_test_blocker_gen);
	wake_up_all(&lf_test_blocker_wq);
	return count;
}

static ssize_t lf_test_blocker_sleepers_read(struct file *file,
					     char __user *buf, size_t count,
					     loff_t *ppos)
{
	char msg[16];
	int len;

	len = scnprintf(msg, sizeof(msg), "%d\n",
			atomic_read(&lf_test_blocker_sleepers));
	return simple_read_from_buffer(buf, count, ppos, msg, len);
}

static const struct proc_ops lf_test_blocker_hold_ops = {
	.proc_read = lf_test_blocker_hold_read,
	.proc_lseek = noop_llseek,
};

static const struct proc_ops lf_test_blocker_killable_ops = {
	.proc_read = lf_test_blocker_killable_read,
	.proc_lseek = noop_llseek,
};

static const struct proc_ops lf_test_blocker_kthread_ops = {
	.proc_read = lf_test_blocker_kthread_read,
	.proc_write = lf_test_blocker_kthread_write,
	.proc_lseek = noop_llseek,
};

static const struct proc_ops lf_test_blocker_release_ops = {
	.proc_write = lf_test_blocker_release_write,
	.proc_lseek = noop_llseek,
};

static const struct proc_ops lf_test_blocker_sleepers_ops = {
	.proc_read = lf_test_blocker_sleepers_read,
	.proc_lseek = noop_llseek,
};

static int __init lf_test_blocker_init(void)
{
	struct proc_dir_entry *d = proc_mkdir("lf_test_blocker", NULL);

	if (!d)
		return -ENOMEM;
	if (!proc_create("hold", 0400, d, &lf_test_blocker_hold_ops) ||
	    !proc_create("hold_killable", 0400, d,
			 &lf_test_blocker_killable_ops) ||
	    !proc_create("kthread", 0600, d, &lf_test_blocker_kthread_ops) ||
	    !proc_create("release", 0200, d, &lf_test_blocker_release_ops) ||
	    !proc_create("sleepers", 0444, d, &lf_test_blocker_sleepers_ops)) {
		proc_remove(d);
		return -ENOMEM;
	}
	lf_test_blocker_dir = d;
	return 0;
}

static void __exit lf_test_blocker_exit(void)
{
	/* proc_remove() waits for readers, so let them go first. */
	atomic_inc(&lf_test_blocker_gen);
	wake_up_all(&lf_test_blocker_wq);
	proc_remove(lf_test_blocker_dir);
	if (lf_test_blocker_task)
		kthread_stop(lf_test_blocker_task);
}

module_init(lf_test_blocker_init);
module_exit(lf_test_blocker_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("livefix selftest: a function tasks can be held sleeping in");
