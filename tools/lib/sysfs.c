// SPDX-License-Identifier: GPL-2.0-only
#include "sysfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int lf_path(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	if ((size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}

int lf_read_text(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	int fd, ret = 0;

	if (size < 2)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENODEV ? -ENOENT : -errno;
	for (;;) {
		ssize_t n = read(fd, buf + len, size - 1 - len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len == size - 1) {
			char extra;

			/* Full buffer: only fine if we are exactly at EOF. */
			n = read(fd, &extra, 1);
			if (n != 0)
				ret = n < 0 ? -errno : -EFBIG;
			break;
		}
	}
	close(fd);
	/*
	 * kernfs answers ENODEV for an attribute whose kobject is being
	 * removed, as when klp frees a patch between our open and read.
	 * For every caller that means the same as ENOENT: it is gone.
	 */
	if (ret == -ENODEV)
		ret = -ENOENT;
	if (ret)
		return ret;
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' ' ||
		       buf[len - 1] == '\t'))
		len--;
	buf[len] = '\0';
	return (int)len;
}

int lf_read_bool(const char *path, bool *val)
{
	char buf[16];
	int ret = lf_read_text(path, buf, sizeof(buf));

	if (ret < 0)
		return ret == -EFBIG ? -EINVAL : ret;
	if (!strcmp(buf, "0"))
		*val = false;
	else if (!strcmp(buf, "1"))
		*val = true;
	else
		return -EINVAL;
	return 0;
}

int lf_read_long(const char *path, long *val)
{
	char buf[64], *end;
	long v;
	int ret = lf_read_text(path, buf, sizeof(buf));

	if (ret < 0)
		return ret == -EFBIG ? -EINVAL : ret;
	errno = 0;
	v = strtol(buf, &end, 10);
	if (end == buf || *end || errno)
		return -EINVAL;
	*val = v;
	return 0;
}

int lf_write_text(const char *path, const char *text)
{
	size_t len = strlen(text);
	ssize_t n;
	int fd, ret = 0;

	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return errno == ENODEV ? -ENOENT : -errno;	/* as in reads */
	do {
		n = write(fd, text, len);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		ret = -errno;
	else if ((size_t)n != len)
		ret = -EIO;
	/* Some attributes report the store() error only at close. */
	if (close(fd) && !ret)
		ret = -errno;
	return ret == -ENODEV ? -ENOENT : ret;
}

bool lf_path_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

bool lf_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int lf_list_dir(const char *dir, enum lf_list_filter filter,
		struct lf_strv *out)
{
	struct dirent *de;
	DIR *d;
	int ret = 0;

	d = opendir(dir);
	if (!d)
		return -errno;
	while ((errno = 0, de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (filter == LF_LIST_DIRS) {
			bool isdir = de->d_type == DT_DIR;

			if (de->d_type == DT_UNKNOWN || de->d_type == DT_LNK) {
				struct stat st;

				isdir = fstatat(dirfd(d), de->d_name, &st, 0) == 0 &&
					S_ISDIR(st.st_mode);
			}
			if (!isdir)
				continue;
		}
		ret = lf_strv_push(out, de->d_name);
		if (ret)
			break;
	}
	if (!ret && errno)
		ret = -errno;
	closedir(d);
	if (ret)
		return ret;
	lf_strv_sort(out);
	return 0;
}

bool lf_relpath_inside(const char *p)
{
	if (!*p || *p == '/')
		return false;
	for (const char *c = p; *c;) {
		size_t cl = strcspn(c, "/");

		if (!cl || (cl == 1 && c[0] == '.') ||
		    (cl == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		c += cl;
		if (*c && !*++c)
			return false;	/* trailing '/' */
	}
	return true;
}
