// SPDX-License-Identifier: GPL-2.0-only
#include "atomicfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* One temporary at a time per process: the signal handler's only state. */
static char tmp_path[PATH_MAX];
static volatile sig_atomic_t tmp_live;

void (*lf_atomic_test_hook)(void);

static const int caught[] = { SIGINT, SIGTERM, SIGHUP };

static void on_signal(int sig)
{
	if (tmp_live)
		unlink(tmp_path);
	signal(sig, SIG_DFL);
	raise(sig);
}

static int write_all(int fd, const unsigned char *p, size_t len)
{
	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int lf_atomic_write(const char *path, const struct lf_iov *iov, size_t n,
		    mode_t mode, struct lf_err *err)
{
	struct sigaction sa = { .sa_handler = on_signal }, old[3];
	sigset_t block, prev;
	int fd, ret = 0;

	if (snprintf(tmp_path, sizeof(tmp_path), "%s.tmpXXXXXX", path) >=
	    (int)sizeof(tmp_path))
		return lf_err_set(err, -ENAMETOOLONG, "path too long");

	/* No signal between creating the file and knowing its name. */
	sigemptyset(&block);
	for (size_t i = 0; i < 3; i++)
		sigaddset(&block, caught[i]);
	sigprocmask(SIG_BLOCK, &block, &prev);
	for (size_t i = 0; i < 3; i++)
		sigaction(caught[i], &sa, &old[i]);
	fd = mkstemp(tmp_path);	/* mode 0600 by definition */
	if (fd < 0) {
		ret = lf_err_set(err, -errno, "cannot create temporary file: %s",
				 strerror(errno));
		goto restore;
	}
	tmp_live = 1;
	sigprocmask(SIG_SETMASK, &prev, NULL);

	for (size_t i = 0; i < n && !ret; i++)
		ret = write_all(fd, iov[i].data, iov[i].len);
	if (!ret && lf_atomic_test_hook)
		lf_atomic_test_hook();
	if (!ret && fchmod(fd, mode))
		ret = -errno;
	if (!ret && fsync(fd))
		ret = -errno;
	if (close(fd) && !ret)
		ret = -errno;
	if (ret)
		lf_err_set(err, ret, "cannot write: %s", strerror(-ret));
	else if (rename(tmp_path, path))
		ret = lf_err_set(err, -errno, "cannot rename into place: %s",
				 strerror(errno));

	sigprocmask(SIG_BLOCK, &block, &prev);
	if (ret)
		unlink(tmp_path);
	tmp_live = 0;
restore:
	for (size_t i = 0; i < 3; i++)
		sigaction(caught[i], &old[i], NULL);
	sigprocmask(SIG_SETMASK, &prev, NULL);
	return ret;
}
