/* SPDX-License-Identifier: GPL-2.0 */
/*
 * System.map: where a kernel build linked its symbols.
 *
 * A kernel built without CONFIG_KALLSYMS_ALL (Debian's arm64 6.1) lists
 * only functions in /proc/kallsyms, none of the variables vmacct reads.
 * The build's System.map lists them all, at the addresses the kernel was
 * linked at; the running kernel's are those plus the offset KASLR chose at
 * boot, which the text symbols both tables list give.  Both reference
 * symbols must agree on it, else the map is another build's.  The module
 * checks the result again (module/syms.c: three exported variables as
 * anchors), so a wrong map refuses the load; this only finds the map and
 * says what is wrong in user space's words.
 *
 * The lines are /proc/kallsyms' core lines ("ADDRESS TYPE NAME"), read
 * with kallsyms.h.
 */
#ifndef VMACCT_SYSMAP_H
#define VMACCT_SYSMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kallsyms.h"

/* The text symbols that give the offset, and their count. */
extern const char *const sysmap_refs[];
#define SYSMAP_NREFS 2

/*
 * The i-th place a distribution keeps the map of kernel release:
 * /boot/System.map-RELEASE, and /usr/lib/debug/boot/System.map-RELEASE
 * (Debian's linux-image-RELEASE-dbg; its /boot one is a placeholder).
 * 0, or -ENOENT past the last one, -ENAMETOOLONG if buf is too short.
 */
int sysmap_path(char *buf, size_t len, const char *release, unsigned int i);

enum sysmap_verdict {
	SYSMAP_OK,
	SYSMAP_NO_REF,		/* a reference is missing from one table */
	SYSMAP_MISMATCH,	/* the references disagree: another build */
};

/*
 * The offset from the map's addresses to the running kernel's, from the
 * SYSMAP_NREFS references as /proc/kallsyms (live) and the map (map) list
 * them, in sysmap_refs' order.  *which is the reference at fault.
 */
enum sysmap_verdict sysmap_offset(const struct ksym_req *live,
				  const struct ksym_req *map,
				  uint64_t *offset, size_t *which);

/*
 * Fill the requests kallsyms (the live table, /proc/kallsyms) left
 * missing from a System.map: the file given, else if search the first
 * real one of the usual places.  Those the map lacks, or every one when
 * there is no map, stay missing for the caller to report.  0, or -1
 * after an error it printed (the map is another build's, not a map, or
 * unreadable).
 */
int sysmap_resolve(const char *kallsyms, const char *given, bool search,
		   int verbose, struct ksym_req *req, size_t n);

#endif
