// SPDX-License-Identifier: GPL-2.0-only
/*
 * livefix __index-moddbg: not a user verb. `livefix build` streams the
 * -dbg package through `tar --to-command` with this as the command: tar
 * runs it once per module debug file, with the file on stdin and its
 * name in TAR_FILENAME, and its output becomes the module index (see
 * lib/build/moddbg.h). A file libdw cannot read is indexed as using
 * every header ("*"), so that no header change silently misses it: the
 * build then reaches it and fails loudly on it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../lib/build/moddbg.h"
#include "../lib/err.h"
#include "cmd.h"

/* libdwfl needs a seekable file; stdin is a pipe. */
static int stdin_to_memfd(void)
{
	char buf[1 << 16];
	int fd = memfd_create("livefix-moddbg", MFD_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	while ((n = read(STDIN_FILENO, buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return -errno;
		}
		for (ssize_t off = 0; off < n; ) {
			ssize_t w = write(fd, buf + off, (size_t)(n - off));

			if (w < 0) {
				close(fd);
				return -errno;
			}
			off += w;
		}
	}
	if (lseek(fd, 0, SEEK_SET) < 0) {
		close(fd);
		return -errno;
	}
	return fd;
}

int cmd_index_moddbg(int argc, char **argv)
{
	const char *name = getenv("TAR_FILENAME");
	struct lf_err err = { 0 };
	int fd;

	if (!name)
		name = argc > 1 ? argv[1] : "stdin";
	if (strlen(name) < 3 || strcmp(name + strlen(name) - 3, ".ko")) {
		char buf[1 << 16];

		while (read(STDIN_FILENO, buf, sizeof(buf)) > 0)
			;	/* tar wants its pipe drained */
		return LF_EXIT_OK;
	}
	fd = stdin_to_memfd();
	if (fd < 0) {
		lf_report("__index-moddbg", "%s: %s", name, strerror(-fd));
		return LF_EXIT_FAIL;
	}
	if (lf_moddbg_scan(fd, name, stdout, &err)) {
		fprintf(stderr, "livefix: module index: %s\n", err.msg);
		printf("%s\t?\t*\n", lf_moddbg_module_path(name));
	}
	return fflush(stdout) ? LF_EXIT_FAIL : LF_EXIT_OK;
}
