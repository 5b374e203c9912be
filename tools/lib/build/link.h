/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef LF_BUILD_LINK_H
#define LF_BUILD_LINK_H

#include <stdbool.h>
#include <stddef.h>

#include "../err.h"
#include "preimage.h"
#include "target.h"

/*
 * Build the patch module with kbuild against the target's headers: the
 * emitted patch object(s), one per changed unit (shipped to kbuild as
 * patch<i>.o_shipped), a desc.c generated from the manifest, and the
 * skeleton (kmod/patch/patch.mk).
 *
 * The manifest has one line per replaced function (doc/build.md):
 *   <obj> <old name> <sympos> <new symbol> [pre=<sha256>:<size>:<masks>]
 * e.g. "vmlinux version_proc_show 0 __livefix_new.0.version_proc_show".
 * The optional pre-image is the fingerprint of the shipped function:
 * SHA-256 (hex) of its <size> bytes with the <masks> zeroed, masks being
 * "<off>+<len>" separated by commas (possibly none).
 * A klp callback of an object the fix patches is a line
 *   callback <obj> <kind> <symbol>
 * <kind> one of pre_patch, post_patch, pre_unpatch, post_unpatch (at most
 * one of each per object), <symbol> a function of the patch objects, e.g.
 * "callback vmlinux post_patch __livefix_new.0.my_post_patch".
 * Blank lines and lines starting with '#' are ignored.
 */
struct lf_link_req {
	const char *const *patch_objs;	/* the emitted patch.o of each unit */
	size_t npatch_objs;
	const char *manifest;
	const char *name;		/* module name: [a-z0-9_], <= 55 chars */
	const char *id;			/* livefix_id */
	const char *cves;		/* space-separated, may be "" */
	bool replace;			/* atomic replace of earlier fixes */
	unsigned int version;		/* cumulative version; 0: the default (1) */
	const char *repo;		/* livefix tree: kmod/patch, kmod/core */
	const char *workdir;		/* empty directory to build in */
	const char *out;		/* the .ko to write (temp + rename) */
	unsigned int jobs;
};

/* One manifest entry. */
struct lf_manifest_ent {
	char obj[64];			/* "vmlinux" or a module name */
	char old[256];
	unsigned long sympos;
	char new_sym[320];
	/* The pre-image, or preimage.size == 0 when the line has none. */
	struct lf_preimage preimage;
};

enum lf_callback_kind {
	LF_CB_PRE_PATCH,
	LF_CB_POST_PATCH,
	LF_CB_PRE_UNPATCH,
	LF_CB_POST_UNPATCH,
	LF_CB_NKINDS,
};

/*
 * A cumulative fix may carry several callbacks of a kind for an object
 * (one per fix); klp takes one, so the generated code chains them.
 */
enum {
	LF_CB_CHAIN_MAX = 64,
};

/* The manifest's spelling of a kind, "pre_patch"...; NULL if out of range. */
const char *lf_callback_kind_name(enum lf_callback_kind k);
/* The kind spelled @name ("pre_patch", ...), or -1. */
int lf_callback_kind_parse(const char *name);

/* One "callback" line. */
struct lf_manifest_cb {
	char obj[64];
	enum lf_callback_kind kind;
	char sym[320];
};

struct lf_manifest {
	struct lf_manifest_ent *e;
	size_t n;
	struct lf_manifest_cb *cb;
	size_t ncb;
};

/* Parse and validate; errors are "<path>:<line>: ...". */
int lf_manifest_read(const char *path, struct lf_manifest *m,
		     struct lf_err *err);
int lf_manifest_parse(const char *name, const char *text,
		      struct lf_manifest *m, struct lf_err *err);
void lf_manifest_free(struct lf_manifest *m);

/* Write desc.c for @m to @path. */
int lf_link_write_desc(const char *path, const struct lf_link_req *r,
		       const struct lf_manifest *m, struct lf_err *err);

/*
 * modpost's complaints about undefined symbols, from the kbuild log:
 * anything but a ".klp.sym." reference (resolved by klp at load) fails
 * with "link: <sym> is undefined (neither exported by the kernel nor by
 * livefix.ko)".
 */
int lf_link_check_modpost(const char *log, struct lf_err *err);

int lf_link(const struct lf_target *t, const struct lf_link_req *r,
	    struct lf_err *err);

#endif
