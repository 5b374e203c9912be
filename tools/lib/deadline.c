// SPDX-License-Identifier: GPL-2.0-only
#include "deadline.h"

#include <errno.h>
#include <time.h>

int64_t lf_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

struct lf_deadline lf_deadline_in(double seconds)
{
	struct lf_deadline d;

	if (seconds < 0)
		seconds = 0;
	/* Cap far below INT64_MAX so the arithmetic below cannot overflow. */
	if (seconds > 1e9)
		seconds = 1e9;
	d.end_ns = lf_now_ns() + (int64_t)(seconds * 1e9);
	return d;
}

bool lf_deadline_passed(struct lf_deadline d)
{
	return lf_now_ns() >= d.end_ns;
}

int64_t lf_deadline_left_ms(struct lf_deadline d)
{
	int64_t left = d.end_ns - lf_now_ns();

	return left > 0 ? left / 1000000 : 0;
}

void lf_sleep_ms(unsigned int ms)
{
	struct timespec ts = {
		.tv_sec = ms / 1000,
		.tv_nsec = (long)(ms % 1000) * 1000000,
	};

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

void lf_sleep_until_or(struct lf_deadline d, unsigned int ms)
{
	int64_t left = d.end_ns - lf_now_ns();

	if (left <= 0)
		return;
	if ((int64_t)ms * 1000000 > left)
		ms = (unsigned int)((left + 999999) / 1000000);
	lf_sleep_ms(ms);
}

double lf_seconds_since(int64_t start_ns)
{
	return (double)(lf_now_ns() - start_ns) / 1e9;
}
