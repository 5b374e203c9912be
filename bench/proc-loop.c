// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench/apply's per-call probe: read a /proc file (one call of its show
 * function) in a tight loop for a while and print the calls per second.
 * Built static by bench/apply so it runs in the guest as it is.
 *
 *   proc-loop FILE SECONDS
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double start, end, t;
	unsigned long calls = 0;
	char buf[512];

	if (argc != 3) {
		fprintf(stderr, "usage: proc-loop FILE SECONDS\n");
		return 2;
	}
	start = now();
	end = start + atof(argv[2]);
	do {
		/* Check the clock every 64 calls: it is not free under TCG. */
		for (int i = 0; i < 64; i++) {
			int fd = open(argv[1], O_RDONLY);

			if (fd < 0 || read(fd, buf, sizeof(buf)) <= 0) {
				perror(argv[1]);
				return 1;
			}
			close(fd);
			calls++;
		}
		t = now();
	} while (t < end);
	printf("%.0f\n", (double)calls / (t - start));
	return 0;
}
