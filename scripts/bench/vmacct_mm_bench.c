// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct_mm_bench: what VMACCT_IOC_MM saves over parsing /proc.
 *
 * A child maps NR_VMAS VMAs (65,000 by default: a PROT_NONE reservation
 * with every other page made writable, so about half are commit-charged)
 * and waits.  For that process this program times:
 *
 *   VMACCT_IOC_MM                      charge (walks the VMAs); with
 *   VMACCT_MM_COUNTS_ONLY              map_count without a walk
 *   read /proc/PID/maps, count lines   map_count the way tools get it
 *   read /proc/PID/smaps, sum "ac"     the charge the way tools get it
 *
 * and prints the time per call and the two ratios against the targets
 * (map_count >= 100x faster than counting maps lines, charge >= 20x faster
 * than parsing smaps).  The three answers must agree.  Not a test: run on
 * demand, in a guest with the module loaded (scripts/bench.sh).
 *
 * Usage: vmacct_mm_bench [-n VMAS] [-i IOCTLS] [-m MAPS_READS] [-s SMAPS_READS]
 * Exit: 0 targets met, 3 a target missed, 1 error or disagreement,
 *       4 skipped (not root, or no /dev/vmacct).
 */
#define _GNU_SOURCE
#include <time.h>

#include <linux/vmacct.h>

#include "vmacct_mm_util.h"

#define TARGET_MAPS	100.0
#define TARGET_SMAPS	20.0
#define SMAPS_PER_VMA	1200UL

static long long saved_max_map = -1;

static void restore_max_map(void)
{
	if (saved_max_map >= 0)
		set_sysctl("max_map_count", saved_max_map);
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int make_vmas(void *arg, int step)
{
	long pages = *(long *)arg, i;
	char *p;

	if (step)
		return 0;
	/* |N|W|N|W| ... |N|: 2k + 1 VMAs for k pages made writable */
	/* not MAP_NORESERVE: mprotect() charges (VM_ACCOUNT) what it opens */
	p = mmap(NULL, pages * page_size(), PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 10;
	for (i = 1; i < pages - 1; i += 2)
		if (mprotect(p + i * page_size(), page_size(), PROT_READ | PROT_WRITE))
			return 11;
	return 0;
}

static void usage(const char *prog)
{
	fprintf(stderr, "usage: %s [-n VMAS] [-i IOCTLS] [-m MAPS_READS] "
		"[-s SMAPS_READS]\n", prog);
	exit(1);
}

static long arg_long(const char *s, const char *prog)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v <= 0)
		usage(prog);
	return v;
}

int main(int argc, char **argv)
{
	long nvmas = 65000, n_ioctl = 200, n_maps = 10, n_smaps = 3, i;
	double t0, t_ioctl, t_counts, t_maps, t_smaps, r_maps, r_smaps;
	struct rbuf maps, smaps;
	struct smaps_sum sum;
	struct vmacct_mm m, mc;
	struct holder h;
	long count = 0;
	int fd, opt, ret = 0;

	while ((opt = getopt(argc, argv, "n:i:m:s:")) != -1) {
		switch (opt) {
		case 'n':
			nvmas = arg_long(optarg, argv[0]);
			break;
		case 'i':
			n_ioctl = arg_long(optarg, argv[0]);
			break;
		case 'm':
			n_maps = arg_long(optarg, argv[0]);
			break;
		case 's':
			n_smaps = arg_long(optarg, argv[0]);
			break;
		default:
			usage(argv[0]);
		}
	}
	if (geteuid() != 0) {
		printf("SKIP: needs root (writes vm.max_map_count)\n");
		return 4;
	}
	fd = open(DEVNODE, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		printf("SKIP: " DEVNODE ": %s (module not loaded?)\n",
		       strerror(errno));
		return 4;
	}

	saved_max_map = sysctl_ll("max_map_count");
	atexit(restore_max_map);
	if (saved_max_map < nvmas + 1000 &&
	    set_sysctl("max_map_count", nvmas + 5000)) {
		perror("max_map_count");
		return 1;
	}
	if (rbuf_init(&maps, 128 * nvmas + (1 << 20)) ||
	    rbuf_init(&smaps, SMAPS_PER_VMA * nvmas + (1 << 20))) {
		perror("buffers");
		return 1;
	}
	if (holder_start(&h, make_vmas, &nvmas)) {
		fprintf(stderr, "child could not map %ld VMAs\n", nvmas);
		return 1;
	}

	/* warm up, and the answers to agree on */
	if (mm_ioctl(fd, h.pid, &m) || read_proc(h.pid, "maps", &maps) ||
	    read_proc(h.pid, "smaps", &smaps) || parse_smaps(&smaps, &sum)) {
		perror("first reads");
		return 1;
	}
	if (maps_count(&maps) != m.map_count || sum.charge != m.charge ||
	    sum.nr_vmas != m.map_count) {
		printf("DISAGREE: map_count %u, maps lines %ld, smaps VMAs %ld; "
		       "charge %llu, smaps ac %llu\n", m.map_count,
		       maps_count(&maps), sum.nr_vmas,
		       (unsigned long long)m.charge, sum.charge);
		ret = 1;
	}

	t0 = now_us();
	for (i = 0; i < n_ioctl; i++)
		if (mm_ioctl(fd, h.pid, &m)) {
			perror("VMACCT_IOC_MM");
			return 1;
		}
	t_ioctl = (now_us() - t0) / n_ioctl;

	/* map_count alone needs no walk: VMACCT_MM_COUNTS_ONLY */
	t0 = now_us();
	for (i = 0; i < n_ioctl * 100; i++) {
		memset(&mc, 0, sizeof(mc));
		mc.size = sizeof(mc);
		mc.flags = VMACCT_MM_COUNTS_ONLY;
		mc.pid = h.pid;
		if (ioctl(fd, VMACCT_IOC_MM, &mc)) {
			perror("VMACCT_IOC_MM counts only");
			return 1;
		}
	}
	t_counts = (now_us() - t0) / (n_ioctl * 100);

	t0 = now_us();
	for (i = 0; i < n_maps; i++) {
		if (read_proc(h.pid, "maps", &maps)) {
			perror("maps");
			return 1;
		}
		count = maps_count(&maps);
	}
	t_maps = (now_us() - t0) / n_maps;

	t0 = now_us();
	for (i = 0; i < n_smaps; i++) {
		if (read_proc(h.pid, "smaps", &smaps) ||
		    parse_smaps(&smaps, &sum)) {
			perror("smaps");
			return 1;
		}
	}
	t_smaps = (now_us() - t0) / n_smaps;
	holder_stop(&h);

	r_maps = t_maps / t_counts;
	r_smaps = t_smaps / t_ioctl;
	printf("process with %u VMAs (%u charged, %llu pages), max_map_count "
	       "%u\n", m.map_count, m.nr_accounted,
	       (unsigned long long)m.charge, m.max_map_count);
	printf("VMACCT_IOC_MM            %6ld calls  %12.1f us/call  "
	       "(walks every VMA: charge)\n", n_ioctl, t_ioctl);
	printf("  ... COUNTS_ONLY        %6ld calls  %12.1f us/call  "
	       "(no walk: map_count)\n", n_ioctl * 100, t_counts);
	printf("maps: read, count lines  %6ld reads  %12.1f us/read  "
	       "%8.1fx  (target >= %.0fx: %s)\n", n_maps, t_maps, r_maps,
	       TARGET_MAPS, r_maps >= TARGET_MAPS ? "met" : "MISSED");
	printf("smaps: read, sum \"ac\"    %6ld reads  %12.1f us/read  "
	       "%8.1fx  (target >= %.0fx: %s)\n", n_smaps, t_smaps, r_smaps,
	       TARGET_SMAPS, r_smaps >= TARGET_SMAPS ? "met" : "MISSED");
	if (count != m.map_count || sum.charge != m.charge ||
	    mc.map_count != m.map_count) {
		printf("DISAGREE after the runs: maps %ld vs %u, smaps charge "
		       "%llu vs %llu\n", count, m.map_count, sum.charge,
		       (unsigned long long)m.charge);
		ret = 1;
	}
	if (!ret && (r_maps < TARGET_MAPS || r_smaps < TARGET_SMAPS))
		ret = 3;
	close(fd);
	return ret;
}
