// SPDX-License-Identifier: GPL-2.0-only
#include "kmodops.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include <libkmod.h>

static void quiet_log(void *data, int priority, const char *file, int line,
		      const char *fn, const char *format, va_list args)
{
	(void)data; (void)priority; (void)file; (void)line; (void)fn;
	(void)format; (void)args;
}

struct kmod_ctx *lf_kmod_new(void)
{
	struct kmod_ctx *ctx = kmod_new(NULL, NULL);

	if (ctx)
		kmod_set_log_fn(ctx, quiet_log, NULL);
	return ctx;
}

static int real_insert(void *data, const char *path)
{
	struct kmod_module *mod;
	int ret;

	ret = kmod_module_new_from_path(data, path, &mod);
	if (ret < 0)
		return ret;
	ret = kmod_module_insert_module(mod, 0, NULL);
	kmod_module_unref(mod);
	return ret < 0 ? ret : 0;
}

static int real_remove(void *data, const char *name)
{
	struct kmod_module *mod;
	int ret;

	ret = kmod_module_new_from_name(data, name, &mod);
	if (ret < 0)
		return ret;
	ret = kmod_module_remove_module(mod, KMOD_REMOVE_NOLOG);
	kmod_module_unref(mod);
	return ret < 0 ? ret : 0;
}

void lf_kmod_ops_real(struct lf_kmod_ops *ops, struct kmod_ctx *ctx)
{
	ops->insert = real_insert;
	ops->remove = real_remove;
	ops->data = ctx;
}

const char *lf_kmod_insert_reason(int err)
{
	switch (-err) {
	case ENOEXEC:
		return "invalid module format or wrong kernel";
	case EKEYREJECTED:
	case ENOKEY:
	case EBADMSG:
		return "signature rejected";
	case EEXIST:
		return "already loaded";
	case EPERM:
		return "operation not permitted (not root, module loading disabled, or lockdown)";
	case ENODEV:
		return "no such device: livepatching is unavailable in the running kernel";
	case EINVAL:
		return "rejected by the kernel; see dmesg";
	case EBUSY:
		return "busy: another livepatch transition is in progress";
	}
	return strerror(-err);
}

const char *lf_kmod_remove_reason(int err)
{
	switch (-err) {
	case ENOENT:
		return "not loaded";
	case EBUSY:
	case EAGAIN:
		return "still in use";
	case EPERM:
		return "operation not permitted";
	}
	return strerror(-err);
}

int lf_kmod_remove_is_transient(int err)
{
	return err == -EBUSY || err == -EAGAIN;
}
