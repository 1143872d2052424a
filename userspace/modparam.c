// SPDX-License-Identifier: GPL-2.0
/* Module parameter extraction and option string: see modparam.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modparam.h"

/* What the kernel's parse_args() takes for blanks (isspace()). */
#define KERNEL_BLANKS	" \t\n\v\f\r"

/* Append s, which the array now owns.  0 or -ENOMEM (s is freed). */
static int strv_take(struct strv *sv, char *s)
{
	char **nv;

	nv = realloc(sv->v, (sv->n + 1) * sizeof(*nv));
	if (!nv) {
		free(s);
		return -ENOMEM;
	}
	nv[sv->n++] = s;
	sv->v = nv;
	return 0;
}

void strv_free(struct strv *sv)
{
	size_t i;

	for (i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = 0;
}

bool modparam_is_kallsyms(const char *value, const char **name,
			  size_t *name_len)
{
	const size_t plen = strlen(KALLSYMS_PARM_PREFIX);
	const char *colon, *desc;
	size_t len;

	if (!value)
		return false;
	colon = strchr(value, ':');
	if (!colon || colon == value)
		return false;
	len = (size_t)(colon - value);
	desc = colon + 1;
	if (strncmp(desc, KALLSYMS_PARM_PREFIX, plen))
		return false;
	desc += plen;
	if (strlen(desc) != len || memcmp(desc, value, len))
		return false;
	*name = value;
	*name_len = len;
	return true;
}

void modinfo_facts(const struct modinfo_kv *kv, size_t n,
		   const char **vermagic, bool *is_signed)
{
	size_t i;

	*vermagic = NULL;
	*is_signed = false;
	for (i = 0; i < n; i++) {
		if (!kv[i].key || !kv[i].value)
			continue;
		if (!strcmp(kv[i].key, "vermagic") && !*vermagic)
			*vermagic = kv[i].value;
		else if (!strcmp(kv[i].key, "sig_id") || !strcmp(kv[i].key, "signer") ||
			 !strcmp(kv[i].key, "signature"))
			*is_signed = true;
	}
}

static bool strv_contains(const struct strv *sv, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < sv->n; i++)
		if (strlen(sv->v[i]) == len && !memcmp(sv->v[i], s, len))
			return true;
	return false;
}

int modparam_kallsyms_names(const struct modinfo_kv *kv, size_t n,
			    struct strv *out)
{
	const char *name;
	size_t i, len;
	char *tmp;
	int err;

	for (i = 0; i < n; i++) {
		if (!kv[i].key || strcmp(kv[i].key, "parm"))
			continue;
		if (!modparam_is_kallsyms(kv[i].value, &name, &len))
			continue;
		if (strv_contains(out, name, len))
			continue;
		tmp = strndup(name, len);
		if (!tmp)
			return -ENOMEM;
		err = strv_take(out, tmp);
		if (err)
			return err;
	}
	return 0;
}

long modparam_find_conflict(char *const extra[], size_t nextra,
			    const struct ksym_req *req, size_t nreq)
{
	size_t i, j, len;

	for (i = 0; i < nextra; i++) {
		len = strcspn(extra[i], "=");
		for (j = 0; j < nreq; j++)
			if (strlen(req[j].name) == len &&
			    !memcmp(req[j].name, extra[i], len))
				return (long)i;
	}
	return -1;
}

/* The length of the name of "name=value" or "name". */
static size_t opt_name_len(const char *opt)
{
	return strcspn(opt, "=");
}

char *modparam_build_options(const struct ksym_req *req, size_t nreq,
			     const struct strv *config,
			     char *const extra[], size_t nextra)
{
	char *buf = NULL;
	size_t size = 0, i;
	const char *sep = "";
	FILE *f;

	f = open_memstream(&buf, &size);
	if (!f)
		return NULL;
	for (i = 0; i < nreq; i++, sep = " ")
		fprintf(f, "%s%s=0x%" PRIx64, sep, req[i].name, req[i].addr);
	for (i = 0; config && i < config->n; i++, sep = " ")
		fprintf(f, "%s%s", sep, config->v[i]);
	/*
	 * an option with a blank came through a shell that took its quotes
	 * out (the install line): quoted again, the kernel reads it as one
	 */
	for (i = 0; i < nextra; i++, sep = " ") {
		if (strpbrk(extra[i], KERNEL_BLANKS))
			fprintf(f, "%s%.*s=\"%s\"", sep, (int)opt_name_len(extra[i]),
				extra[i], extra[i] + opt_name_len(extra[i]) +
				(extra[i][opt_name_len(extra[i])] == '='));
		else
			fprintf(f, "%s%s", sep, extra[i]);
	}
	if (ferror(f)) {
		fclose(f);
		free(buf);
		return NULL;
	}
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

static bool names_equal(const char *a, const char *b)
{
	size_t n = opt_name_len(a);

	return n == opt_name_len(b) && !memcmp(a, b, n);
}

/*
 * The next word of a modprobe.d option string at *p: a blank ends it,
 * except inside double quotes.  Its length (0 at the end); *p moves past it.
 */
static size_t next_config_word(const char **p, const char **word)
{
	bool quoted = false;
	size_t n;

	*p += strspn(*p, " \t\n");
	*word = *p;
	for (n = 0; (*p)[n] && (quoted || !strchr(" \t\n", (*p)[n])); n++)
		if ((*p)[n] == '"')
			quoted = !quoted;
	*p += n;
	return n;
}

/* Does the word of n bytes, its double quotes taken out, equal s? */
static bool word_is(const char *word, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (word[i] == '"')
			continue;
		if (*s++ != word[i])
			return false;
	}
	return !*s;
}

static bool sets_address(const char *opt, const struct ksym_req *req,
			 size_t nreq)
{
	size_t i;

	for (i = 0; i < nreq; i++)
		if (strlen(req[i].name) == opt_name_len(opt) &&
		    !memcmp(req[i].name, opt, opt_name_len(opt)))
			return true;
	return false;
}

size_t modparam_drop_config_echo(const char *config, char **extra,
				 size_t nextra, const struct ksym_req *req,
				 size_t nreq)
{
	const char *cfg = config ? config : "", *p, *word;
	size_t i, j, k, n, nwords = 0;
	bool *used;

	for (p = cfg; next_config_word(&p, &word); )
		nwords++;
	used = calloc(nwords ? nwords : 1, sizeof(*used));
	for (i = 0, k = 0; i < nextra; i++) {
		bool echo = false;

		if (used && sets_address(extra[i], req, nreq)) {
			for (p = cfg, j = 0; (n = next_config_word(&p, &word)); j++) {
				if (!used[j] && word_is(word, n, extra[i])) {
					used[j] = echo = true;	/* each word once */
					break;
				}
			}
		}
		if (!echo)
			extra[k++] = extra[i];
	}
	free(used);
	return k;
}

long modparam_find_unsafe(char *const extra[], size_t nextra)
{
	size_t i;

	for (i = 0; i < nextra; i++) {
		const char *blank = strpbrk(extra[i], KERNEL_BLANKS);

		if (blank && (strchr(extra[i], '"') ||
			      (size_t)(blank - extra[i]) < opt_name_len(extra[i])))
			return (long)i;
	}
	return -1;
}

int modparam_merge_config(const char *config, char *const extra[],
			  size_t nextra, const struct ksym_req *req,
			  size_t nreq, struct strv *out, struct strv *dropped)
{
	const char *p = config ? config : "", *word;
	size_t i, n;
	char *tok;
	int err;

	while ((n = next_config_word(&p, &word))) {
		tok = strndup(word, n);
		if (!tok)
			return -ENOMEM;
		for (i = 0; i < nextra; i++)
			if (names_equal(tok, extra[i]))
				break;
		if (i < nextra) {		/* the command line wins */
			free(tok);
			continue;
		}
		err = strv_take(sets_address(tok, req, nreq) ? dropped : out, tok);
		if (err)
			return err;
	}
	return 0;
}
