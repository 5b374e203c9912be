/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LF_BUILD_CRC_H
#define LF_BUILD_CRC_H

#include <stddef.h>

#include "../err.h"

/*
 * MODVERSIONS: every module that uses an exported symbol is stamped with
 * the CRC of that symbol's type signature, and the kernel refuses the
 * module when the CRC differs from its own. A fix that changes the
 * signature of an exported function or the type of an exported variable
 * would give its unit a new CRC: modules built against the running
 * kernel would then disagree with the code the fix installs. The CRCs a
 * unit exports are what kbuild writes as "#SYMVER <name> 0x<crc>" lines
 * into the unit's .cmd file; the shipped ones are in Module.symvers.
 */
struct lf_crc {
	char *name;
	unsigned long crc;
};

struct lf_crcs {
	struct lf_crc *v;
	size_t n;
};

/* Parse the #SYMVER lines of a kbuild .cmd file (none is fine). */
int lf_crc_parse_cmd(const char *text, struct lf_crcs *out);

/*
 * Asked about each CRC that moved: 0 when the move changes no interface
 * (a unit that sees more of a type, symtypes.h), 1 with the changed part
 * in @why when it does, < 0 when it cannot tell (the CRC alone decides).
 */
typedef int (*lf_crc_excuse_fn)(const char *name, char *why, size_t whysize,
				void *arg);

/*
 * Every CRC in @unit must equal the shipped one in @symvers (the
 * Module.symvers text), unless @excuse (may be NULL) clears it; a symbol
 * the distro does not export is new and fine. Fails with "<unit_src>:
 * the fix changes the MODVERSIONS CRC of exported <name> (0x... shipped,
 * 0x... now)[: <why> changes]".
 */
int lf_crc_check(const char *unit_src, const struct lf_crcs *unit,
		 const char *symvers, lf_crc_excuse_fn excuse, void *arg,
		 struct lf_err *err);

void lf_crcs_free(struct lf_crcs *c);

#endif
