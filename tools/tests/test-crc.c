// SPDX-License-Identifier: GPL-2.0-only
/* MODVERSIONS CRCs from kbuild .cmd files against Module.symvers. */
#include <string.h>

#include "../lib/build/crc.h"
#include "tap.h"

static const char symvers[] =
	"0xf7370f56\tsystem_state\tvmlinux\tEXPORT_SYMBOL\t\n"
	"0x1b2e3f4a\tpanic_timeout\tvmlinux\tEXPORT_SYMBOL_GPL\t\n"
	"0x00000001\tpanic_timeout_x\tvmlinux\tEXPORT_SYMBOL\t\n";

int main(void)
{
	struct lf_crcs c;
	struct lf_err err = { 0 };

	tap_start();
	tap_is_int(lf_crc_parse_cmd("savedcmd_kernel/panic.o := gcc ...\n"
				    "#SYMVER panic_timeout 0x1b2e3f4a\n"
				    "#SYMVER brand_new 0x12345678\n"
				    "#SYMVER broken\n", &c), 0, "a .cmd file parses");
	tap_is_int((long long)c.n, 2, "two well-formed #SYMVER lines");
	tap_ok(c.n == 2 && !strcmp(c.v[0].name, "panic_timeout") && c.v[0].crc == 0x1b2e3f4a,
	       "name and CRC read");
	tap_is_int(lf_crc_check("kernel/panic.c", &c, symvers, &err), 0,
		   "same CRC as shipped, and a newly exported symbol, are fine");
	c.v[0].crc = 0xdeadbeef;
	tap_ok(lf_crc_check("kernel/panic.c", &c, symvers, &err) < 0, "a changed CRC is refused");
	tap_has_str(err.msg, "kernel/panic.c: the fix changes the MODVERSIONS CRC of exported panic_timeout (0x1b2e3f4a shipped, 0xdeadbeef now)",
		    "... naming the unit, the symbol and both CRCs");
	lf_crcs_free(&c);
	tap_is_int(lf_crc_parse_cmd("no symbol versions here\n", &c), 0, "no #SYMVER lines...");
	tap_is_int((long long)c.n, 0, "... nothing to check");
	lf_crcs_free(&c);
	return tap_end();
}
