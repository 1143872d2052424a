// SPDX-License-Identifier: GPL-2.0
/*
 * Helper of vmacct_explain_test.sh (not a test by itself):
 *
 *   vmacct_refuse_helper [NAME [COUNT]]
 *	take NAME as its name (prctl(PR_SET_NAME): at most 15 bytes, any
 *	but NUL), then mmap() one private writable anonymous mapping 1 GiB
 *	larger than RAM + swap (sysinfo()), which __vm_enough_memory()
 *	refuses in mode 0 (pages > totalram + total swap) and, on a guest
 *	of this size, in mode 2; the kernel prints its line about it.
 *	COUNT times in a row (default 1; more than the kernel's ratelimit
 *	prints in 5 s, in well under a second).  Prints "refused TID PAGES
 *	BYTES" (the thread id the kernel prints, the pages and bytes it
 *	charged) and exits 0 when every mmap() failed with ENOMEM;
 *	otherwise says what happened and exits 1.
 *
 * Opens nothing of vmacct: the refusal is the kernel's own.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sysinfo.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
	unsigned long long bytes, page = (unsigned long long)sysconf(_SC_PAGESIZE);
	struct sysinfo si;
	int i, count = argc > 2 ? atoi(argv[2]) : 1;
	void *p;

	if (argc > 3 || count < 1 || sysinfo(&si)) {
		fprintf(stderr, "usage: %s [NAME [COUNT]]\n", argv[0]);
		return 2;
	}
	if (argc >= 2 && prctl(PR_SET_NAME, argv[1], 0, 0, 0)) {
		printf("prctl(PR_SET_NAME): %s\n", strerror(errno));
		return 1;
	}
	bytes = ((unsigned long long)si.totalram + si.totalswap) * si.mem_unit + (1ULL << 30);
	bytes = (bytes + page - 1) / page * page;
	for (i = 0; i < count; i++) {
		p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p != MAP_FAILED) {
			printf("mmap of %llu bytes succeeded: not refused\n", bytes);
			return 1;
		}
		if (errno != ENOMEM) {
			printf("mmap of %llu bytes: %s, not ENOMEM\n", bytes, strerror(errno));
			return 1;
		}
	}
	printf("refused %ld %llu %llu\n", (long)syscall(SYS_gettid), bytes / page, bytes);
	return 0;
}
