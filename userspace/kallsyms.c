// SPDX-License-Identifier: GPL-2.0
/* /proc/kallsyms parsing: see kallsyms.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kallsyms.h"
#include "parse.h"

int kallsyms_parse_line(const char *line, struct ksym_line *out)
{
	char addr[17];
	const char *p = line, *sp, *end;
	size_t alen;
	uint64_t a;

	sp = strchr(p, ' ');
	if (!sp)
		return -EINVAL;
	alen = (size_t)(sp - p);
	if (alen == 0 || alen >= sizeof(addr))
		return -EINVAL;
	memcpy(addr, p, alen);
	addr[alen] = '\0';
	if (addr[0] == '0' && (addr[1] == 'x' || addr[1] == 'X'))
		return -EINVAL;		/* kallsyms never prints the prefix */
	if (parse_hex_u64(addr, &a))
		return -EINVAL;

	p = sp + 1;
	if (*p == '\0' || *p == ' ' || *p == '\t' || *p == '\n' || p[1] != ' ')
		return -EINVAL;
	out->addr = a;
	out->type = *p;
	p += 2;

	end = p + strcspn(p, " \t\n");
	if (end == p)
		return -EINVAL;
	out->name = p;
	out->name_len = (size_t)(end - p);
	out->module = NULL;
	out->module_len = 0;

	if (*end == '\t') {
		const char *m = end + 1, *close;

		if (*m != '[')
			return -EINVAL;
		close = strchr(m, ']');
		if (!close || close == m + 1)
			return -EINVAL;
		out->module = m + 1;
		out->module_len = (size_t)(close - m - 1);
		end = close + 1;
	}
	if (*end == '\n')
		end++;
	if (*end != '\0')
		return -EINVAL;
	return 0;
}

int kallsyms_scan(FILE *f, struct ksym_req *req, size_t n,
		  struct ksym_stats *st)
{
	char *line = NULL;
	size_t cap = 0, i;
	struct ksym_line kl;
	int err = 0;

	memset(st, 0, sizeof(*st));
	for (i = 0; i < n; i++) {
		req[i].addr = 0;
		req[i].count = 0;
	}

	errno = 0;
	while (getline(&line, &cap, f) >= 0) {
		st->lines++;
		if (kallsyms_parse_line(line, &kl)) {
			st->malformed++;
			continue;
		}
		if (kl.addr)
			st->nonzero++;
		if (kl.module) {
			st->module++;
			continue;
		}
		st->core++;
		for (i = 0; i < n; i++) {
			if (strlen(req[i].name) != kl.name_len ||
			    memcmp(req[i].name, kl.name, kl.name_len))
				continue;
			if (req[i].count++ == 0)
				req[i].addr = kl.addr;
		}
	}
	if (ferror(f))
		err = errno ? -errno : -EIO;
	free(line);
	return err;
}

int kallsyms_scan_file(const char *path, struct ksym_req *req, size_t n,
		       struct ksym_stats *st)
{
	FILE *f = fopen(path, "re");
	int err;

	if (!f)
		return -errno;
	err = kallsyms_scan(f, req, n, st);
	fclose(f);
	return err;
}

bool kallsyms_empty(const struct ksym_stats *st)
{
	return st->core == 0 && st->module == 0;
}

bool kallsyms_hidden(const struct ksym_stats *st)
{
	return !kallsyms_empty(st) && st->nonzero == 0;
}

enum ksym_verdict kallsyms_check(const struct ksym_req *req)
{
	if (req->count == 0)
		return KSYM_MISSING;
	if (req->count > 1)
		return KSYM_DUPLICATE;
	if (req->addr == 0)
		return KSYM_ZERO;
	return KSYM_OK;
}

void kallsyms_hidden_reason(char *buf, size_t len, int kptr_restrict,
			    bool root)
{
	if (kptr_restrict < 0)
		snprintf(buf, len,
			 "addresses hidden and kernel.kptr_restrict unreadable; need root with kptr_restrict <= 1");
	else if (kptr_restrict >= 2)
		snprintf(buf, len,
			 "addresses hidden: kernel.kptr_restrict=%d; need root with kptr_restrict <= 1 — try: sysctl kernel.kptr_restrict=1",
			 kptr_restrict);
	else if (!root)
		snprintf(buf, len,
			 "addresses hidden: not root (kernel.kptr_restrict=%d); only root (CAP_SYSLOG) sees them — try: sudo vmacct load",
			 kptr_restrict);
	else
		snprintf(buf, len,
			 "addresses hidden although root and kernel.kptr_restrict=%d: CAP_SYSLOG missing (container, capability bounding set)? — run on the host as full root",
			 kptr_restrict);
}
