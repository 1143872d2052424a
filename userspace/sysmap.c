// SPDX-License-Identifier: GPL-2.0
/* System.map: finding it and its KASLR offset; see sysmap.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "log.h"
#include "sysmap.h"

/*
 * _stext starts the kernel's text; __vm_enough_memory, far into it, is
 * what vmacct watches (mm/util.c, in every kernel vmacct supports).  Two
 * references an image apart: a map of another build moves at least one.
 */
const char *const sysmap_refs[SYSMAP_NREFS] = {
	"_stext", "__vm_enough_memory",
};

int sysmap_path(char *buf, size_t len, const char *release, unsigned int i)
{
	static const char *const dirs[] = { "/boot", "/usr/lib/debug/boot" };
	int n;

	if (i >= sizeof(dirs) / sizeof(dirs[0]))
		return -ENOENT;
	n = snprintf(buf, len, "%s/System.map-%s", dirs[i], release);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return 0;
}

enum sysmap_verdict sysmap_offset(const struct ksym_req *live,
				  const struct ksym_req *map,
				  uint64_t *offset, size_t *which)
{
	size_t i;

	for (i = 0; i < SYSMAP_NREFS; i++) {
		*which = i;
		if (kallsyms_check(&live[i]) != KSYM_OK ||
		    kallsyms_check(&map[i]) != KSYM_OK)
			return SYSMAP_NO_REF;
		/* unsigned: KASLR moves the kernel either way, modulo 2^64 */
		if (i == 0)
			*offset = live[i].addr - map[i].addr;
		else if (live[i].addr - map[i].addr != *offset)
			return SYSMAP_MISMATCH;
	}
	return SYSMAP_OK;
}

/*
 * The map to read, scanned into map (the n names, then the references):
 * the one given, or if search the first of the usual places that is a
 * real map (Debian's /boot one is a one-line placeholder).  0 with *file
 * set, 0 with *file NULL when there is none, or -1 after an error.
 */
static int find_map(const char *given, bool search, int verbose,
		    struct ksym_req *map, size_t n, char *buf, size_t len,
		    const char **file)
{
	struct ksym_stats st;
	struct utsname u;
	unsigned int i;
	int err;

	*file = NULL;
	if (given) {
		err = kallsyms_scan_file(given, map, n + SYSMAP_NREFS, &st);
		if (err == 0) {
			*file = given;
			return 0;
		}
		log_err("%s: %s — give the System.map of the running kernel",
			given, strerror(-err));
		return -1;
	}
	if (!search || uname(&u))
		return 0;
	for (i = 0; sysmap_path(buf, len, u.release, i) == 0; i++) {
		err = kallsyms_scan_file(buf, map, n + SYSMAP_NREFS, &st);
		if (err == -ENOENT)
			continue;
		if (err) {
			log_warn("%s: %s — skipped", buf, strerror(-err));
			continue;
		}
		if (kallsyms_check(&map[n]) == KSYM_OK) {
			*file = buf;
			return 0;
		}
		log_note(verbose, "%s: lists no %s (%zu lines): a placeholder, not the map",
			 buf, sysmap_refs[0], st.lines);
	}
	return 0;
}

int sysmap_resolve(const char *kallsyms, const char *given, bool search,
		   int verbose, struct ksym_req *req, size_t n)
{
	struct ksym_req live[SYSMAP_NREFS], *map;
	struct ksym_stats st;
	struct utsname u;
	char path[256];
	const char *file;
	uint64_t offset = 0;
	size_t i, which = 0;
	int err, ret = -1;

	map = calloc(n + SYSMAP_NREFS, sizeof(*map));
	if (!map) {
		log_err("%s", strerror(ENOMEM));
		return -1;
	}
	for (i = 0; i < n; i++)
		map[i].name = req[i].name;
	for (i = 0; i < SYSMAP_NREFS; i++)
		live[i].name = map[n + i].name = sysmap_refs[i];

	if (find_map(given, search, verbose, map, n, path, sizeof(path), &file))
		goto out;
	if (!file) {
		ret = 0;	/* nothing found: the caller says what is missing */
		goto out;
	}
	err = kallsyms_scan_file(kallsyms, live, SYSMAP_NREFS, &st);
	if (err) {
		log_err("%s: %s — read failed; retry", kallsyms, strerror(-err));
		goto out;
	}

	if (uname(&u))
		strcpy(u.release, "$(uname -r)");
	switch (sysmap_offset(live, map + n, &offset, &which)) {
	case SYSMAP_OK:
		break;
	case SYSMAP_NO_REF:
		if (kallsyms_check(&live[which]) == KSYM_OK)
			log_err("%s: %s is not listed exactly once: not a System.map (Debian's /boot/System.map-* is a placeholder: the real one is in linux-image-%s-dbg)",
				file, sysmap_refs[which], u.release);
		else
			log_err("%s: %s is not listed exactly once: this kernel's symbol table is not what vmacct expects",
				kallsyms, sysmap_refs[which]);
		goto out;
	case SYSMAP_MISMATCH:
		log_err("%s: %s and %s are not moved by the same offset against %s: the map is another build's — use the System.map of the running kernel (%s)",
			file, sysmap_refs[0], sysmap_refs[which], kallsyms, u.release);
		goto out;
	}
	log_note(verbose, "%s: KASLR offset 0x%" PRIx64, file, offset);

	for (i = 0; i < n; i++) {
		if (kallsyms_check(&req[i]) != KSYM_MISSING)
			continue;
		switch (kallsyms_check(&map[i])) {
		case KSYM_OK:
			req[i].addr = map[i].addr + offset;
			req[i].count = 1;
			log_note(verbose, "%s = 0x%" PRIx64 " (%s)", req[i].name,
				 req[i].addr, file);
			break;
		case KSYM_DUPLICATE:
			log_err("%s: symbol %s occurs %u times; its address is ambiguous",
				file, req[i].name, map[i].count);
			goto out;
		default:
			break;		/* still missing: reported by the caller */
		}
	}
	ret = 0;
out:
	free(map);
	return ret;
}
