// SPDX-License-Identifier: GPL-2.0-only
/* livefix: front end; each verb lives in its own cmd-<verb>.c. */
#include <signal.h>
#include <string.h>

#include "../lib/err.h"
#include "cmd.h"

const struct lf_cmd lf_cmds[] = {
	{ "load", cmd_load, "[--timeout SECONDS] FILE.ko",
	  "insert a fix and wait until it is live, or revert it" },
	{ "unload", cmd_unload, "[--timeout SECONDS] NAME",
	  "disable a fix, wait for the kernel to drop it, remove it" },
	{ "health", cmd_health,
	  "fail|run [OPTS] NAME [-- CMD]",
	  "report a fix unhealthy, or probe it; livefix.ko reverts it" },
	{ "list", cmd_list, "[--json]", "show the loaded fixes" },
	{ "info", cmd_info, "[--json] NAME",
	  "show one fix: state, version, functions and fingerprints, history" },
	{ "build", cmd_build, "[OPTIONS] FIX.patch...", "build a fix module from source diffs" },
	/* signing (issue 5) */
	{ "keygen", cmd_keygen, "[--type rsa4096|p384] [--days N] [--subject CN] --out DIR",
	  "make a module signing key and certificate" },
	{ "sign", cmd_sign, "--key KEY|pkcs11:URI --cert CERT [--pkcs11-module SO] [--hash sha256|sha384|sha512] [-o OUT] FIX.ko",
	  "sign a fix in the kernel's module signature format" },
	{ "verify", cmd_verify, "--cert CERT [--ignore-dates] FIX.ko",
	  "check a fix's module signature offline" },
	{ "version", cmd_version, "", "show tool and livefix.ko versions" },
	{ "help", cmd_help, "[VERB]", "show this help" },
};
const size_t lf_ncmds = sizeof(lf_cmds) / sizeof(lf_cmds[0]);

int main(int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : "help";

	if (!strcmp(verb, "--version"))
		verb = "version";
	else if (!strcmp(verb, "-h") || !strcmp(verb, "--help"))
		verb = "help";

	/* Internal: run by tar while `livefix build` indexes module DWARF. */
	if (!strcmp(verb, "__index-moddbg"))
		return cmd_index_moddbg(argc - 1, argv + 1);
	for (size_t i = 0; i < lf_ncmds; i++) {
		if (!strcmp(verb, lf_cmds[i].name)) {
			if (argc < 2)
				return lf_cmds[i].run(1, (char *[]){ "help", NULL });
			return lf_cmds[i].run(argc - 1, argv + 1);
		}
	}
	lf_report(verb, "unknown %s; see 'livefix help'",
		  verb[0] == '-' ? "option" : "verb");
	return LF_EXIT_USAGE;
}
