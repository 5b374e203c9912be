/* SPDX-License-Identifier: GPL-2.0 */
/*
 * livefix metadata format: what the build tools write into a patch module
 * and what livefix.ko and the livefix CLI read back. Both sides include
 * this one header, so a format change is one edit and one version bump.
 */
#ifndef LIVEFIX_META_H
#define LIVEFIX_META_H

/* Bumped on any incompatible change to the description or modinfo keys. */
#define LIVEFIX_META_FORMAT 2

/*
 * modinfo keys a livefix patch module carries, next to the kernel's own
 * "livepatch=Y" and "vermagic". Userspace reads them without loading.
 */
#define LIVEFIX_MODINFO_ID	"livefix_id"	 /* fix identifier */
#define LIVEFIX_MODINFO_TARGET	"livefix_target" /* kernel release */
#define LIVEFIX_MODINFO_CVE	"livefix_cve"	 /* space-separated ids */
#define LIVEFIX_MODINFO_FORMAT	"livefix_format" /* LIVEFIX_META_FORMAT */
#define LIVEFIX_MODINFO_VERSION	"livefix_version" /* cumulative version */

#endif /* LIVEFIX_META_H */
