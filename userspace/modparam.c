// SPDX-License-Identifier: GPL-2.0
/* Module parameter extraction and option string: see modparam.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modparam.h"

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
	for (i = 0; i < nextra; i++, sep = " ")
		fprintf(f, "%s%s", sep, extra[i]);
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

/* The length of the name of "name=value" or "name". */
static size_t opt_name_len(const char *opt)
{
	return strcspn(opt, "=");
}

static bool names_equal(const char *a, const char *b)
{
	size_t n = opt_name_len(a);

	return n == opt_name_len(b) && !memcmp(a, b, n);
}

int modparam_merge_config(const char *config, char *const extra[],
			  size_t nextra, const struct ksym_req *req,
			  size_t nreq, struct strv *out, struct strv *dropped)
{
	const char *p = config ? config : "";
	size_t i, n;
	bool quoted;
	char *tok;
	int err;

	for (;;) {
		p += strspn(p, " \t\n");
		if (!*p)
			return 0;
		/* a blank ends an option, except inside double quotes */
		for (n = 0, quoted = false; p[n] && (quoted || !strchr(" \t\n", p[n])); n++)
			if (p[n] == '"')
				quoted = !quoted;
		tok = strndup(p, n);
		if (!tok)
			return -ENOMEM;
		p += n;
		for (i = 0; i < nextra; i++)
			if (names_equal(tok, extra[i]))
				break;
		if (i < nextra) {		/* the command line wins */
			free(tok);
			continue;
		}
		for (i = 0; i < nreq; i++)
			if (strlen(req[i].name) == opt_name_len(tok) &&
			    !memcmp(req[i].name, tok, opt_name_len(tok)))
				break;
		err = strv_take(i < nreq ? dropped : out, tok);
		if (err)
			return err;
	}
}
