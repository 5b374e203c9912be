// SPDX-License-Identifier: GPL-2.0-only
#include "env.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && *v ? v : def;
}

int lf_env_init(struct lf_env *env, struct lf_err *err)
{
	const char *rel = getenv("LIVEFIX_KERNEL_RELEASE");
	struct utsname u;

	env->sysfs = env_or("LIVEFIX_SYSFS", "/sys");
	env->procfs = env_or("LIVEFIX_PROCFS", "/proc");
	if (!rel || !*rel) {
		if (uname(&u))
			return lf_err_set(err, -errno, "uname: %s",
					  strerror(errno));
		rel = u.release;
	}
	if (strlen(rel) >= sizeof(env->release))
		return lf_err_set(err, -ENAMETOOLONG,
				  "kernel release string is too long");
	strcpy(env->release, rel);
	return 0;
}
