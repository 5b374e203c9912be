// SPDX-License-Identifier: GPL-2.0-only
#include "health.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "modname.h"
#include "sysfs.h"

extern char **environ;

bool lf_health_reason_ok(const char *reason)
{
	size_t n = strlen(reason);

	if (!n || n > LF_HEALTH_REASON_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)reason[i];

		if (c < 0x20 || c > 0x7e || c == '"')
			return false;
	}
	return true;
}

void lf_health_reason_clean(char *dst, size_t size, const char *src)
{
	size_t n = 0, max;

	if (!size)
		return;
	max = size - 1 < LF_HEALTH_REASON_MAX ? size - 1 : LF_HEALTH_REASON_MAX;
	for (; *src && n < max; src++) {
		unsigned char c = (unsigned char)*src;

		if (c == '"')
			c = '\'';
		else if (c < 0x20 || c > 0x7e)
			c = ' ';
		if (c == ' ' && (!n || dst[n - 1] == ' '))
			continue;
		dst[n++] = (char)c;
	}
	while (n && dst[n - 1] == ' ')
		n--;
	dst[n] = '\0';
}

static int fix_path(char *buf, size_t size, const struct lf_env *env,
		    const char *name, const char *file)
{
	return lf_path(buf, size, "%s/kernel/livefix/fixes/%s/%s", env->sysfs,
		       name, file);
}

static int parse_health(const char *text, struct lf_health_status *st)
{
	char *end;

	if (!strncmp(text, "failed", 6) && (!text[6] || text[6] == ' ')) {
		st->watch = LF_HEALTH_FAILED;
		snprintf(st->reason, sizeof(st->reason), "%s",
			 text[6] ? text + 7 : "");
		return 0;
	}
	if (!strncmp(text, "watching ", 9)) {
		st->watch = LF_HEALTH_WATCHING;
		st->seconds_left = strtol(text + 9, &end, 10);
		return *end || end == text + 9 ? -EINVAL : 0;
	}
	if (!strcmp(text, "ok")) {
		st->watch = LF_HEALTH_ENDED;
		return 0;
	}
	return -EINVAL;
}

static int read_status(const struct lf_env *env, const char *name,
		       struct lf_health_status *st, struct lf_err *err)
{
	char path[4096], text[256];
	int ret;

	memset(st, 0, sizeof(*st));
	ret = lf_path(path, sizeof(path), "%s/kernel/livefix", env->sysfs);
	if (!ret && !lf_is_dir(path))
		return lf_err_set(err, -ENOENT, "livefix.ko is not loaded");
	ret = fix_path(path, sizeof(path), env, name, "");
	if (!ret && !lf_is_dir(path))
		return lf_err_set(err, -ENOENT, "%s: no such fix", name);
	ret = fix_path(path, sizeof(path), env, name, "state");
	if (!ret)
		ret = lf_read_text(path, st->state, sizeof(st->state));
	if (ret < 0)
		return lf_err_set(err, ret, "%s: cannot read its state: %s",
				  name, strerror(-ret));
	ret = fix_path(path, sizeof(path), env, name, "health");
	if (!ret)
		ret = lf_read_text(path, text, sizeof(text));
	if (ret == -ENOENT)
		return lf_err_set(err, ret, "%s: livefix.ko keeps no health watch for it (state %s)",
				  name, st->state);
	if (ret < 0)
		return lf_err_set(err, ret, "%s: cannot read its health: %s",
				  name, strerror(-ret));
	if (parse_health(text, st))
		return lf_err_set(err, -EINVAL, "%s: unexpected health '%s' from livefix.ko",
				  name, text);
	return 0;
}

int lf_health_read(const struct lf_env *env, const char *name,
		   struct lf_health_status *st, struct lf_err *err)
{
	char mod[LF_MODNAME_MAX];

	if (lf_modname(name, mod, sizeof(mod)))
		return lf_err_set(err, -EINVAL, "%s: not a valid fix name", name);
	return read_status(env, mod, st, err);
}

static int refused(struct lf_err *err, int code, const char *name,
		   const struct lf_health_status *st)
{
	if (code == -ETIME)
		return lf_err_set(err, code,
				  "%s: its health watch has ended; remove it with 'livefix unload %s'",
				  name, name);
	if (st->watch == LF_HEALTH_FAILED)
		return lf_err_set(err, -EALREADY, "%s: already being reverted: %s",
				  name, st->reason);
	return lf_err_set(err, -EALREADY, "%s: is %s, not live; nothing to revert",
			  name, st->state);
}

int lf_health_fail(const struct lf_env *env, const char *name,
		   const char *reason, struct lf_err *err)
{
	struct lf_health_status st;
	char mod[LF_MODNAME_MAX], path[4096], text[LF_HEALTH_REASON_MAX + 8];
	int ret;

	if (lf_modname(name, mod, sizeof(mod)))
		return lf_err_set(err, -EINVAL, "%s: not a valid fix name", name);
	if (!lf_health_reason_ok(reason))
		return lf_err_set(err, -EINVAL,
				  "reason must be 1 to %d printable characters without '\"'",
				  LF_HEALTH_REASON_MAX);
	ret = read_status(env, mod, &st, err);
	if (ret)
		return ret;
	if (strcmp(st.state, "live") || st.watch == LF_HEALTH_FAILED)
		return refused(err, -EALREADY, mod, &st);
	if (st.watch == LF_HEALTH_ENDED)
		return refused(err, -ETIME, mod, &st);

	snprintf(text, sizeof(text), "fail %s", reason);
	ret = fix_path(path, sizeof(path), env, mod, "health");
	if (!ret)
		ret = lf_write_text(path, text);
	if (ret == -ETIME || ret == -EALREADY) {
		/* The fix changed between our look and the write. */
		read_status(env, mod, &st, err);
		return refused(err, ret, mod, &st);
	}
	if (ret)
		return lf_err_set(err, ret, "%s: livefix.ko refused the report: %s",
				  mod, strerror(-ret));
	return 0;
}

int lf_probe_run(char *const argv[], struct lf_probe_result *res,
		 struct lf_err *err)
{
	posix_spawn_file_actions_t fa;
	size_t len = 0;
	bool line_done = false;
	int fds[2], ret, status;
	char buf[4096];
	pid_t pid;

	memset(res, 0, sizeof(*res));
	if (pipe2(fds, O_CLOEXEC))
		return lf_err_set(err, -errno, "%s: cannot make a pipe: %s",
				  argv[0], strerror(errno));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
	ret = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (ret) {
		close(fds[0]);
		return lf_err_set(err, -ret, "%s: cannot run it: %s", argv[0],
				  strerror(ret));
	}

	/* Read to the end, so a chatty probe never blocks on a full pipe. */
	for (;;) {
		ssize_t n = read(fds[0], buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n && !line_done; i++) {
			if (buf[i] == '\n')
				line_done = true;
			else if (len + 1 < sizeof(res->first_line))
				res->first_line[len++] = buf[i];
		}
	}
	close(fds[0]);
	res->first_line[len] = '\0';

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return lf_err_set(err, -errno, "%s: cannot wait for it: %s",
					  argv[0], strerror(errno));
	}
	if (WIFSIGNALED(status)) {
		res->signaled = true;
		res->signal = WTERMSIG(status);
	} else {
		res->exit_code = WEXITSTATUS(status);
	}
	return 0;
}

void lf_probe_reason(char *dst, size_t size, const char *probe,
		     const struct lf_probe_result *res)
{
	char raw[512];
	const char *base = strrchr(probe, '/');

	base = base ? base + 1 : probe;
	if (res->signaled)
		snprintf(raw, sizeof(raw), "probe %s killed by signal %d", base,
			 res->signal);
	else if (res->first_line[0])
		snprintf(raw, sizeof(raw), "probe %s exited %d: %s", base,
			 res->exit_code, res->first_line);
	else
		snprintf(raw, sizeof(raw), "probe %s exited %d", base,
			 res->exit_code);
	lf_health_reason_clean(dst, size, raw);
}
