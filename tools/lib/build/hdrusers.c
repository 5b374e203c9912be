// SPDX-License-Identifier: GPL-2.0-only
#include "hdrusers.h"

#include <elfutils/libdw.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

/* "include/linux/x.h" matches ".../include/linux/x.h", never "..._x.h". */
static bool path_ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && !strcmp(s + ls - lx, suffix) &&
	       (ls == lx || s[ls - lx - 1] == '/');
}

static bool is_c_unit(const char *unit)
{
	size_t n = strlen(unit);

	return n > 2 && !strcmp(unit + n - 2, ".c");
}

static bool cu_uses(Dwarf_Die *cu, const char *header)
{
	Dwarf_Files *files;
	size_t nfiles;

	if (dwarf_getsrcfiles(cu, &files, &nfiles))
		return false;
	for (size_t i = 0; i < nfiles; i++) {
		const char *name = dwarf_filesrc(files, i, NULL, NULL);

		if (name && path_ends_with(name, header))
			return true;
	}
	return false;
}

int lf_header_users(const char *debug_file, const char *header,
		    struct lf_strv *units, struct lf_err *err)
{
	Dwarf_Off off = 0, next;
	size_t hsize;
	int fd, ret = 0;
	Dwarf *dw;

	fd = open(debug_file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return lf_err_set(err, -errno, "%s: %s", debug_file,
				  strerror(errno));
	dw = dwarf_begin(fd, DWARF_C_READ);
	if (!dw) {
		close(fd);
		return lf_err_set(err, -EINVAL, "%s: no DWARF: %s", debug_file,
				  dwarf_errmsg(-1));
	}
	while (!ret && dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL,
				    NULL) == 0) {
		Dwarf_Die cu;
		const char *unit;

		if (dwarf_offdie(dw, off + hsize, &cu) &&
		    (unit = dwarf_diename(&cu)) && is_c_unit(unit) &&
		    (!header || cu_uses(&cu, header)) && lf_strv_push(units, unit))
			ret = lf_err_set(err, -ENOMEM, "out of memory");
		off = next;
	}
	dwarf_end(dw);
	close(fd);
	if (!ret)
		lf_strv_sort(units);
	return ret;
}
