// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the ELF checks and the modinfo reader `livefix load`
 * and `livefix verify` run on a .ko, fed through an in-memory file.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../lib/modfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lf_modinfo mi;
	struct lf_err e;
	char path[64];
	int fd;

	fd = memfd_create("fuzz.ko", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	if (size && write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	lf_err_clear(&e);
	if (!lf_modfile_check_elf(path, &e) && !lf_modfile_read_info(path, &mi, &e)) {
		char rel[128];

		if (mi.vermagic)
			lf_vermagic_release(mi.vermagic, rel, sizeof(rel));
		lf_modinfo_check(&mi, "6.12.117+deb12-amd64", &e);
		lf_modinfo_free(&mi);
	}
	close(fd);
	return 0;
}
