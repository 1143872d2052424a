/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "vmacct ps" from /proc when vmacct.ko is not loaded: per process the
 * lines of /proc/PID/maps (map_count), the "ac" VMAs of /proc/PID/smaps
 * (the commit charge) and the Vm* lines of /proc/PID/status (the mm
 * counters).  Approximate next to the module's walk (read without the
 * mmap lock, the map-count rules of one range of kernels), and what
 * /proc does not give is marked unknown in each row (ps_row.unknown),
 * never made up.  The root ("/proc") is an argument, so that the host
 * tests read a directory of their own.
 */
#ifndef VMACCT_PS_PROC_H
#define VMACCT_PS_PROC_H

#include <stdint.h>

#include "ps.h"

/*
 * A row per process of root (or those f takes), the headrooms by the
 * rules of Linux 6.1 to 6.16; one whose maps may not be read without
 * values (EACCES), kernel threads (no VMAs) counted; t->from_proc set.
 * An exit code.
 */
int proc_ps_walk(const char *root, uint32_t page_size,
		 const struct ps_filter *f, struct ps_table *t);

#endif
