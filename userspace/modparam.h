/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module's own list of the kernel symbols it needs, and the option
 * string that passes their addresses.
 *
 * vmacct.ko declares one parameter per unexported symbol it reaches, with
 * MODULE_PARM_DESC(NAME, "kallsyms address of NAME").  modinfo shows it as
 * key "parm", value "NAME:kallsyms address of NAME".  The tool knows no
 * symbol names of its own: it takes every such parameter.
 */
#ifndef VMACCT_MODPARAM_H
#define VMACCT_MODPARAM_H

#include <stdbool.h>
#include <stddef.h>

#include "kallsyms.h"

#define KALLSYMS_PARM_PREFIX "kallsyms address of "

struct modinfo_kv {
	const char *key;
	const char *value;
};

/* A growable array of strings the caller owns; free with strv_free(). */
struct strv {
	char **v;
	size_t n;
};

void strv_free(struct strv *sv);

/*
 * If a "parm" value declares a kallsyms address parameter, return true
 * and its name (pointing into value, name_len bytes long).
 */
bool modparam_is_kallsyms(const char *value, const char **name,
			  size_t *name_len);

/*
 * The vermagic (NULL: none) and whether the file carries a module
 * signature (libkmod's sig_id, signer or signature entries).  Pointers
 * into kv.
 */
void modinfo_facts(const struct modinfo_kv *kv, size_t n,
		   const char **vermagic, bool *is_signed);

/*
 * Append to out, in modinfo order and without repeats, the name of every
 * kallsyms address parameter among the entries.  0 or -ENOMEM.
 */
int modparam_kallsyms_names(const struct modinfo_kv *kv, size_t n,
			    struct strv *out);

/*
 * Index of the first extra option ("name" or "name=value") that sets one
 * of the requested symbol parameters, or -1 if none does.
 */
long modparam_find_conflict(char *const extra[], size_t nextra,
			    const struct ksym_req *req, size_t nreq);

/*
 * "modprobe vmacct" runs modprobe.d's install line with $CMDLINE_OPTS:
 * the options of modprobe.d (config, as for modparam_merge_config()),
 * then those of its own command line, as the words of a shell (double
 * quotes taken out).  An address option among extra that is such a word
 * of config came from there, not from a person: it is taken out of
 * extra (compacted in place; each word of config accounts for one), to be
 * dropped with a warning as "vmacct load" run directly drops it.  Returns
 * the new count.
 */
size_t modparam_drop_config_echo(const char *config, char **extra,
				 size_t nextra, const struct ksym_req *req,
				 size_t nreq);

/*
 * Index of the first extra option with a blank in its name, or with both
 * a blank and a double quote, which no quoting passes to the kernel as
 * one option; -1 if none.
 */
long modparam_find_unsafe(char *const extra[], size_t nextra);

/*
 * The options of "options vmacct ..." lines in modprobe.d (config, as
 * libkmod's kmod_module_get_options() gives them, blank-separated, double
 * quotes keeping blanks), as modprobe would apply them: into out, each
 * that the command line (extra) does not set again, since the command
 * line wins; into dropped, each that sets an address this command
 * resolves (never taken from a file).  0 or -ENOMEM.
 */
int modparam_merge_config(const char *config, char *const extra[],
			  size_t nextra, const struct ksym_req *req,
			  size_t nreq, struct strv *out, struct strv *dropped);

/*
 * "NAME=0xADDR NAME=0xADDR ... CONFIG CONFIG ... EXTRA EXTRA", malloc'd;
 * NULL on ENOMEM.  An empty string when there is nothing to pass.  An
 * extra option with a blank is written name="value", so that the kernel
 * reads one option (modparam_find_unsafe() refuses one with a quote too).
 */
char *modparam_build_options(const struct ksym_req *req, size_t nreq,
			     const struct strv *config,
			     char *const extra[], size_t nextra);

#endif
