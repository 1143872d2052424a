/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sysctls a reproduction of "vmacct repro" changes, kept in a book so
 * that every exit path -- the end, an error, a fatal signal -- puts them
 * back, in an order the kernel's side effects allow.
 */
#ifndef VMACCT_REPRO_SYSCTL_H
#define VMACCT_REPRO_SYSCTL_H

#include <stddef.h>
#include <stdint.h>

/*
 * The sysctls a reproduction may change, under root (normally
 * /proc/sys/vm; the host tests give a temporary directory).  The first
 * change of each saves its value; writing overcommit_ratio or
 * overcommit_kbytes also saves the other, because the kernel zeroes it.
 */
enum sysctl_id {
	SYSCTL_OVERCOMMIT_MEMORY,
	SYSCTL_MAX_MAP_COUNT,
	SYSCTL_OVERCOMMIT_KBYTES,
	SYSCTL_OVERCOMMIT_RATIO,
	SYSCTL_COUNT,
};

/* Where they are; VMACCT_SYSCTL_ROOT in the environment replaces it. */
#define SYSCTL_ROOT		"/proc/sys/vm"

#define SYSCTL_VALUE_MAX	32
#define SYSCTL_PATH_MAX		256

struct sysctl_book {
	char path[SYSCTL_COUNT][SYSCTL_PATH_MAX];
	char saved[SYSCTL_COUNT][SYSCTL_VALUE_MAX];
	volatile int have_saved[SYSCTL_COUNT];
	/* the order of the last restore, for the tests: ids, -1 after the end */
	int restore_order[SYSCTL_COUNT + 1];
};

const char *sysctl_name(enum sysctl_id id);
void sysctl_book_init(struct sysctl_book *b, const char *root);
/* Read the current value (digits only, no newline) into buf. 0 or -errno. */
int sysctl_read(const struct sysctl_book *b, enum sysctl_id id, char *buf,
		size_t len);
int sysctl_read_u64(const struct sysctl_book *b, enum sysctl_id id,
		    uint64_t *v);
/* Save every value not saved yet, so that a restore writes all.  0 or -errno. */
int sysctl_save_all(struct sysctl_book *b);
/* Save the old value(s) if not saved yet, then write v.  0 or -errno. */
int sysctl_set(struct sysctl_book *b, enum sysctl_id id, uint64_t v);
/*
 * Write every saved value back and forget it; async-signal-safe.  Order:
 * overcommit_memory first (leave mode 2 at once), max_map_count, then the
 * pair overcommit_kbytes / overcommit_ratio with the one that was
 * non-zero last (ratio last when both were zero), since writing either
 * zeroes the other.  0, or the first -errno (it goes on after one).
 */
int sysctl_restore(struct sysctl_book *b);

#endif
