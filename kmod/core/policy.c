// SPDX-License-Identifier: GPL-2.0
/*
 * The policy every fix must meet besides being sound: its defaults come
 * from Kconfig, or module parameters at load, and at run time
 * /sys/kernel/livefix/policy can only tighten it. Once locked it cannot
 * change at all, and livefix.ko cannot be unloaded to reset it.
 *
 * Writes are one "key=value" each:
 *	require_metadata=1	refuse livepatch modules without livefix metadata
 *	require_signed=1	refuse livepatch modules whose signature the
 *				kernel did not verify against a trusted key
 *	allow=ID ...		only these fix ids (a subset of the current list)
 *	min_version=N		refuse cumulative versions below N (only raised)
 *	lock=1			freeze the policy
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "internal.h"

#ifndef CONFIG_LIVEFIX_POLICY_MIN_VERSION
#define CONFIG_LIVEFIX_POLICY_MIN_VERSION 0
#endif
#ifndef CONFIG_LIVEFIX_POLICY_ALLOW
#define CONFIG_LIVEFIX_POLICY_ALLOW ""
#endif

#define LIVEFIX_ALLOW_LEN 512

static bool require_metadata = IS_ENABLED(CONFIG_LIVEFIX_POLICY_REQUIRE_METADATA);
module_param(require_metadata, bool, 0444);
MODULE_PARM_DESC(require_metadata,
		 "Refuse livepatch modules that carry no livefix metadata");

static bool require_signed = IS_ENABLED(CONFIG_LIVEFIX_POLICY_REQUIRE_SIGNED);
module_param(require_signed, bool, 0444);
MODULE_PARM_DESC(require_signed,
		 "Refuse livepatch modules not signed by a key the kernel trusts");

static unsigned int min_version = CONFIG_LIVEFIX_POLICY_MIN_VERSION;
module_param(min_version, uint, 0444);
MODULE_PARM_DESC(min_version, "Lowest cumulative fix version accepted");

static char *allow = CONFIG_LIVEFIX_POLICY_ALLOW;
module_param(allow, charp, 0444);
MODULE_PARM_DESC(allow, "Fix ids accepted, comma or space separated (empty: any)");

static bool lock = IS_ENABLED(CONFIG_LIVEFIX_POLICY_LOCK);
module_param(lock, bool, 0444);
MODULE_PARM_DESC(lock, "Freeze the policy at load");

static struct {
	bool require_metadata;
	bool require_signed;
	unsigned int min_version;
	bool allow_any;
	char allow[LIVEFIX_ALLOW_LEN];	/* " a b ... ": ids between spaces */
	bool locked;
} livefix_policy;
static DEFINE_MUTEX(livefix_policy_lock);

static bool livefix_id_char(char c)
{
	return isalnum(c) || strchr("._:+-", c);
}

/* Normalise @in ("a,b c") to " a b c " in @out; -EINVAL on a bad id. */
static int livefix_parse_allow(const char *in, char *out, size_t size)
{
	size_t len = 1;

	out[0] = ' ';
	out[1] = '\0';
	while (*in) {
		size_t n = 0;

		while (*in == ',' || isspace(*in))
			in++;
		while (in[n] && livefix_id_char(in[n]))
			n++;
		if (!n) {
			if (*in)
				return -EINVAL;
			break;
		}
		if (len + n + 2 > size)
			return -E2BIG;
		memcpy(out + len, in, n);
		len += n;
		out[len++] = ' ';
		out[len] = '\0';
		in += n;
	}
	return 0;
}

static bool livefix_allowed(const char *list, const char *id, size_t n)
{
	const char *p = list;

	if (!n)
		return false;
	while ((p = strnstr(p, id, strlen(p)))) {
		if (p[-1] == ' ' && p[n] == ' ')
			return true;
		p++;
	}
	return false;
}

/* Every id in @sub is in @list. */
static bool livefix_allow_subset(const char *sub, const char *list)
{
	const char *p = sub;

	while (*p) {
		size_t n;

		while (*p == ' ')
			p++;
		n = strcspn(p, " ");
		if (!n)
			break;
		{
			char id[LIVEFIX_ALLOW_LEN];

			memcpy(id, p, n);
			id[n] = '\0';
			if (!livefix_allowed(list, id, n))
				return false;
		}
		p += n;
	}
	return true;
}

int livefix_policy_init(void)
{
	int ret;

	livefix_policy.require_metadata = require_metadata;
	livefix_policy.require_signed = require_signed;
	livefix_policy.min_version = min_version;
	livefix_policy.locked = lock;
	ret = livefix_parse_allow(allow ? allow : "", livefix_policy.allow,
				  sizeof(livefix_policy.allow));
	if (ret) {
		pr_err("policy: allow=\"%s\": ids are letters, digits and ._:+-\n",
		       allow);
		return ret;
	}
	livefix_policy.allow_any = !strcmp(livefix_policy.allow, " ");
	if (livefix_policy.locked)
		__module_get(THIS_MODULE);
	return 0;
}

int livefix_policy_vet(struct livefix_entry *entry)
{
	const struct livefix_fix_desc *desc = entry->desc;
	int ret = 0;

	mutex_lock(&livefix_policy_lock);
	/*
	 * The gate refused an unsigned module as it came in; this catches
	 * one that came in just before require_signed was turned on.
	 */
	if (livefix_policy.require_signed && !livefix_sig_ok(entry->mod)) {
		livefix_refuse_unsigned(entry->mod->name);
		ret = -EACCES;
	} else if (!livefix_policy.allow_any &&
		   !livefix_allowed(livefix_policy.allow, desc->id,
				    strlen(desc->id))) {
		livefix_refuse(entry->mod->name, "policy",
			       "fix id %s is not on the allow-list", desc->id);
		ret = -EACCES;
	} else if (desc->version < livefix_policy.min_version) {
		livefix_refuse(entry->mod->name, "policy",
			       "cumulative version %u is below min_version %u",
			       desc->version, livefix_policy.min_version);
		ret = -EACCES;
	}
	mutex_unlock(&livefix_policy_lock);
	return ret;
}

bool livefix_policy_requires_metadata(void)
{
	return READ_ONCE(livefix_policy.require_metadata);
}

bool livefix_policy_requires_signed(void)
{
	return READ_ONCE(livefix_policy.require_signed);
}

/*
 * The kernel verified @mod's signature against a trusted keyring.
 * Without CONFIG_MODULE_SIG nothing is verified, though module_sig_ok()
 * then says true: require_signed must fail closed.
 */
bool livefix_sig_ok(struct module *mod)
{
	return IS_ENABLED(CONFIG_MODULE_SIG) && module_sig_ok(mod);
}

void livefix_refuse_unsigned(const char *fix)
{
	livefix_refuse(fix, "signature",
		       "module signature not verified by a trusted key (require_signed=1)");
}

ssize_t livefix_policy_show(char *buf)
{
	ssize_t len;

	mutex_lock(&livefix_policy_lock);
	len = sysfs_emit(buf, "require_metadata=%d\n",
			 livefix_policy.require_metadata);
	/* The list is kept as " a b ", shown without the outer spaces. */
	len += sysfs_emit_at(buf, len, "allow=%.*s\n",
			     livefix_policy.allow_any ? 1 :
			     (int)strlen(livefix_policy.allow) - 2,
			     livefix_policy.allow_any ? "*" :
			     livefix_policy.allow + 1);
	len += sysfs_emit_at(buf, len, "min_version=%u\n",
			     livefix_policy.min_version);
	len += sysfs_emit_at(buf, len, "require_signed=%d\n",
			     livefix_policy.require_signed);
	len += sysfs_emit_at(buf, len, "lock=%d\n", livefix_policy.locked);
	mutex_unlock(&livefix_policy_lock);
	return len;
}

static int livefix_loosen(const char *key, const char *why)
{
	pr_err("policy: refused to loosen %s: %s\n", key, why);
	return -EPERM;
}

/* The on/off settings, which can only be turned on. */
static bool *livefix_policy_flag(const char *key)
{
	if (!strcmp(key, "require_metadata"))
		return &livefix_policy.require_metadata;
	if (!strcmp(key, "require_signed"))
		return &livefix_policy.require_signed;
	if (!strcmp(key, "lock"))
		return &livefix_policy.locked;
	return NULL;
}

static int livefix_policy_set(const char *key, const char *val)
{
	char list[LIVEFIX_ALLOW_LEN];
	unsigned int v;
	bool b, *cur;
	int ret;

	if (livefix_policy.locked) {
		pr_err("policy: refused to change %s: the policy is locked\n",
		       key);
		return -EPERM;
	}

	cur = livefix_policy_flag(key);
	if (cur) {
		if (kstrtobool(val, &b))
			return -EINVAL;
		if (*cur && !b)
			return livefix_loosen(key, "it can only be turned on");
		if (!*cur && b && cur == &livefix_policy.locked)
			__module_get(THIS_MODULE);
		WRITE_ONCE(*cur, b);
	} else if (!strcmp(key, "min_version")) {
		if (kstrtouint(val, 10, &v))
			return -EINVAL;
		if (v < livefix_policy.min_version)
			return livefix_loosen(key, "it can only be raised");
		livefix_policy.min_version = v;
	} else if (!strcmp(key, "allow")) {
		ret = livefix_parse_allow(val, list, sizeof(list));
		if (ret)
			return ret;
		if (!strcmp(list, " "))
			return livefix_loosen(key, "an empty list would allow any fix");
		if (!livefix_policy.allow_any &&
		    !livefix_allow_subset(list, livefix_policy.allow))
			return livefix_loosen(key, "ids can only be removed");
		strscpy(livefix_policy.allow, list, sizeof(livefix_policy.allow));
		livefix_policy.allow_any = false;
	} else {
		return -EINVAL;
	}
	pr_info("audit: policy %s=%s\n", key, val);
	return 0;
}

int livefix_policy_store(const char *buf, size_t len)
{
	char line[LIVEFIX_ALLOW_LEN + 32], *val, *key;
	int ret;

	if (len >= sizeof(line))
		return -E2BIG;
	memcpy(line, buf, len);
	line[len] = '\0';
	key = strim(line);
	val = strchr(key, '=');
	if (!val)
		return -EINVAL;
	*val++ = '\0';

	mutex_lock(&livefix_policy_lock);
	ret = livefix_policy_set(key, val);
	mutex_unlock(&livefix_policy_lock);
	return ret;
}
