// SPDX-License-Identifier: GPL-2.0-only
/* MODVERSIONS CRCs from kbuild .cmd files against Module.symvers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/build/crc.h"
#include "tap.h"

/* Clears panic_timeout only, and names a struct for anything else. */
static int excuse(const char *name, char *why, size_t whysize, void *arg)
{
	(*(int *)arg)++;
	if (!strcmp(name, "panic_timeout"))
		return 0;
	snprintf(why, whysize, "struct panic_info");
	return 1;
}

static int unsure(const char *name, char *why, size_t whysize, void *arg)
{
	(void)name, (void)why, (void)whysize, (void)arg;
	return -1;
}

static const char symvers[] =
	"0xf7370f56\tsystem_state\tvmlinux\tEXPORT_SYMBOL\t\n"
	"0x1b2e3f4a\tpanic_timeout\tvmlinux\tEXPORT_SYMBOL_GPL\t\n"
	"0x00000001\tpanic_timeout_x\tvmlinux\tEXPORT_SYMBOL\t\n";

int main(void)
{
	struct lf_crcs c;
	struct lf_err err = { 0 };
	int asked = 0;

	tap_start();
	tap_is_int(lf_crc_parse_cmd("savedcmd_kernel/panic.o := gcc ...\n"
				    "#SYMVER panic_timeout 0x1b2e3f4a\n"
				    "#SYMVER brand_new 0x12345678\n"
				    "#SYMVER broken\n", &c), 0, "a .cmd file parses");
	tap_is_int((long long)c.n, 2, "two well-formed #SYMVER lines");
	tap_ok(c.n == 2 && !strcmp(c.v[0].name, "panic_timeout") && c.v[0].crc == 0x1b2e3f4a,
	       "name and CRC read");
	tap_is_int(lf_crc_check("kernel/panic.c", &c, symvers, NULL, NULL, &err), 0,
		   "same CRC as shipped, and a newly exported symbol, are fine");
	c.v[0].crc = 0xdeadbeef;
	tap_ok(lf_crc_check("kernel/panic.c", &c, symvers, NULL, NULL, &err) < 0,
	       "a changed CRC is refused");
	tap_has_str(err.msg, "kernel/panic.c: the fix changes the MODVERSIONS CRC of exported panic_timeout (0x1b2e3f4a shipped, 0xdeadbeef now): modules",
		    "... naming the unit, the symbol and both CRCs");
	tap_ok(lf_crc_check("kernel/panic.c", &c, symvers, unsure, NULL, &err) < 0,
	       "... also when the excuse cannot tell");
	tap_is_int(lf_crc_check("kernel/panic.c", &c, symvers, excuse, &asked, &err), 0,
		   "a move the excuse clears is fine");
	tap_is_int(asked, 1, "... and only the moved CRC is asked about");
	c.v[1].crc = 0x87654321;
	free(c.v[1].name);
	c.v[1].name = strdup("panic_timeout_x");
	tap_ok(lf_crc_check("kernel/panic.c", &c, symvers, excuse, &asked, &err) < 0,
	       "a move the excuse confirms is refused");
	tap_has_str(err.msg, "exported panic_timeout_x (0x00000001 shipped, 0x87654321 now): struct panic_info changes",
		    "... with what changed");
	lf_crcs_free(&c);
	tap_is_int(lf_crc_parse_cmd("no symbol versions here\n", &c), 0, "no #SYMVER lines...");
	tap_is_int((long long)c.n, 0, "... nothing to check");
	lf_crcs_free(&c);
	return tap_end();
}
