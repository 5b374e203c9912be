// SPDX-License-Identifier: GPL-2.0-only
/* The pre-image comparison: masks, mismatches, and the fingerprint. */
#include <string.h>

#include "../lib/build/preimage.h"
#include "tap.h"

int main(void)
{
	/* push %rbp; call <reloc>; ret -- the call target differs. */
	const unsigned char compiled[] = { 0x55, 0xe8, 0, 0, 0, 0xc3 };
	const unsigned char shipped[] = { 0x55, 0xe8, 0x12, 0x34, 0x56, 0xc3 };
	const unsigned char nop5[] = { 0x55, 0x0f, 0x1f, 0x44, 0x00, 0xc3 };
	const unsigned char other[] = { 0x55, 0xe8, 0x12, 0x34, 0x56, 0xc2 };
	struct lf_mask reloc[] = { { 2, 3 } };
	struct lf_mask call[] = { { 2, 3 }, { 1, 2 }, { 9, 4 } };
	struct lf_preimage p;
	struct lf_err err = { 0 };
	char hex[72];

	tap_start();
	tap_ok(lf_preimage_check("f", compiled, 6, shipped, 6, NULL, 0, &p, &err) < 0,
	       "unmasked relocation bytes differ");
	tap_has_str(err.msg, "f: pre-image check failed: first difference at +0x2",
		    "... naming the function and the offset");

	tap_is_int(lf_preimage_check("f", compiled, 6, shipped, 6, reloc, 1, &p, &err),
		   0, "masked relocation site matches");
	lf_preimage_hex(&p, hex);
	tap_is_str(hex, "sha256:067e95f7e998b6cb13b1c5c89aca6ec9fe738da914048cd8a1867fcc05f7702e",
		   "fingerprint covers the shipped bytes with masks zeroed");
	lf_preimage_free(&p);

	tap_is_int(lf_preimage_check("f", compiled, 6, nop5, 6, call, 3, &p, &err), 0,
		   "a whole call site masked matches a NOP5");
	tap_is_int((long long)p.nmasks, 1, "overlapping masks merge, out-of-range ones drop");
	tap_ok(p.nmasks == 1 && p.masks[0].off == 1 && p.masks[0].len == 4,
	       "... into +1..+5");
	lf_preimage_free(&p);

	tap_ok(lf_preimage_check("g", compiled, 6, other, 6, reloc, 1, &p, &err) < 0,
	       "a real code difference is caught");
	tap_has_str(err.msg, "+0x5 (compiled c3, shipped c2)", "... with both bytes");
	tap_ok(lf_preimage_check("h", compiled, 5, shipped, 6, reloc, 1, &p, &err) < 0,
	       "a size difference is caught");
	tap_has_str(err.msg, "h: pre-image check failed: compiled 5 bytes", "... and named");
	return tap_end();
}
