/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LF_DEADLINE_H
#define LF_DEADLINE_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Deadlines are absolute CLOCK_MONOTONIC times so that a wall-clock jump
 * (NTP, suspend/resume of the guest) can neither cut a wait short nor make
 * it hang.
 */
struct lf_deadline {
	int64_t end_ns;
};

int64_t lf_now_ns(void);
struct lf_deadline lf_deadline_in(double seconds);
bool lf_deadline_passed(struct lf_deadline d);
/* Milliseconds left, clamped to 0. */
int64_t lf_deadline_left_ms(struct lf_deadline d);
/* Sleep @ms, but never past the deadline. */
void lf_sleep_until_or(struct lf_deadline d, unsigned int ms);
void lf_sleep_ms(unsigned int ms);
double lf_seconds_since(int64_t start_ns);

#endif
