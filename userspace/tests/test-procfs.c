// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests: status and ps from /proc without the module (procfs.c), on
 * a directory standing in for /proc.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "procfs.h"
#include "ps-proc.h"
#include "ps.h"
#include "ps-table.h"
#include "tap.h"
#include "tool.h"

static void sub(const char *dir, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	mkdir(path, 0755);
}

static const char meminfo[] =
	"MemTotal:        2018316 kB\n"
	"SwapTotal:        524284 kB\n"
	"SwapFree:         500000 kB\n"
	"HugePages_Total:       4\n"
	"Hugepagesize:       2048 kB\n"
	"CommitLimit:     1533440 kB\n"
	"Committed_AS:    1600000 kB\n";

/* Two VMAs with "ac" (8 kB and 12 kB), one without, and [vsyscall]. */
static const char maps[] =
	"00400000-00402000 r-xp 00000000 08:01 1 /bin/x\n"
	"00600000-00602000 rw-p 00000000 00:00 0 [heap]\n"
	"7ff000000000-7ff000003000 rw-p 00000000 00:00 0\n"
	"ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0 [vsyscall]\n";
static const char smaps[] =
	"00400000-00402000 r-xp 00000000 08:01 1 /bin/x\n"
	"Size:                  8 kB\n"
	"VmFlags: rd ex mr mw me \n"
	"00600000-00602000 rw-p 00000000 00:00 0 [heap]\n"
	"Size:                  8 kB\n"
	"VmFlags: rd wr mr mw me ac \n"
	"7ff000000000-7ff000003000 rw-p 00000000 00:00 0\n"
	"Size:                 12 kB\n"
	"VmFlags: rd wr mr mw me ac sd \n"
	"ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0 [vsyscall]\n"
	"Size:                  4 kB\n"
	"VmFlags: ex \n";

/*
 * The rows /proc gives: 42 with smaps and status (the Vm* lines as
 * task_mem() writes them, in kB), 44 with maps alone.  What is not read
 * is unknown: '-' in the table, null in JSON, never 0.
 */
static void test_unknowns(struct tap *t, const char *dir)
{
	struct ps_filter f = { .npids = 2, .pids = { 42, 44 } };
	struct ps_table tab = { .rows = NULL };
	const struct ps_row *r;
	struct ps_view v;
	struct membuf m;
	char what[120], *out;

	test_put_file(dir, "42/status", "Name:\tx\nVmPeak:\t    9999 kB\nVmSize:\t    5248 kB\n"
		      "VmLck:\t       8 kB\nVmPin:\t       4 kB\nVmData:\t    1192 kB\n"
		      "VmStk:\t     132 kB\nVmExe:\t     772 kB\nVmLib:\t    1596 kB\n");
	tap_eq_i64(t, proc_ps_walk(dir, 4096, &f, &tab), VM_EXIT_OK, "proc ps rows: walk");
	tap_ok(t, tab.from_proc, "proc ps rows: the table says it is from /proc");
	if (!tap_ok(t, tab.n == 2 && tab.rows[0].pid == 42 && tab.rows[1].pid == 44,
		    "proc ps rows: 42 and 44")) {
		ps_table_free(&tab);
		return;
	}
	r = &tab.rows[0];
	tap_ok(t, r->mm.total_vm == 1312 && r->mm.data_vm == 298 && r->mm.stack_vm == 33 &&
	       r->mm.locked_vm == 2 && r->mm.pinned_vm == 1 && r->mm.exec_vm == 592,
	       "proc ps rows: the mm counters from status, kB in pages (exec_vm = VmExe + VmLib)");
	tap_eq_u64(t, r->unknown, PS_UNK_KINDS, "proc ps rows: only the VMA kinds unknown with smaps and status");
	r = &tab.rows[1];
	tap_eq_u64(t, r->unknown, PS_UNK_KINDS | PS_UNK_CHARGE | PS_UNK_TOTAL_VM | PS_UNK_DATA_VM |
		   PS_UNK_EXEC_VM | PS_UNK_STACK_VM | PS_UNK_LOCKED_VM | PS_UNK_PINNED_VM,
		   "proc ps rows: maps alone: the charge and the counters unknown too");

	if (mem_open(&m)) {
		ps_print_json(m.f, &tab, 0);
		out = mem_take(&m);
		tap_starts_with(t, out, "[\n  {\n    \"source\": \"proc\",\n    \"pid\": 42,",
				"proc ps JSON: each object says \"source\": \"proc\" first");
		tap_contains(t, out, "\"nr_accounted\": 2,\n    \"nr_anon_private\": null,",
			     "proc ps JSON: the charge of smaps, the VMA kinds null");
		tap_contains(t, out, "\"total_vm\": 1312,\n    \"data_vm\": 298,\n    \"exec_vm\": 592,\n    \"stack_vm\": 33,\n    \"locked_vm\": 2,\n    \"pinned_vm\": 1\n",
			     "proc ps JSON: the counters of status");
		tap_contains(t, out, "\"charge_pages\": null,\n    \"largest_accounted\": null,\n    \"nr_accounted\": null,",
			     "proc ps JSON: without smaps the charge is null, not 0");
		tap_contains(t, out, "\"total_vm\": null,", "proc ps JSON: without status the counters are null");
		tap_contains(t, out, "  {\n    \"source\": \"proc\",\n    \"pid\": 44,",
			     "proc ps JSON: ... in every object");
		check_strict_json(t, out, false, NULL, 0, "proc ps JSON");
		free(out);
	}
	ps_view_default(&v);
	ps_view_parse(&v, "pid,maps,charge,size,acct,total-vm,stack-vm", what, sizeof(what));
	v.raw = v.noheadings = true;
	if (mem_open(&m)) {
		ps_print_table(m.f, &tab, 0, 4096, &v);
		out = mem_take(&m);
		tap_eq_str(t, out, "42 3 5 20\\x20KiB 2 1312 33\n44 3 - - - - -\n",
			   "proc ps table: '-' where a value is unknown, never 0");
		free(out);
	}
	ps_table_free(&tab);
}

void test_procfs(struct tap *t)
{
	char dir[] = "/tmp/vmacct-procfs-XXXXXX", what[200], cmd[300];
	struct ps_filter f = { .npids = 0 };
	struct ps_table tab = { .rows = NULL };
	struct status_view view = { .raw = false };
	struct proc_status s;
	struct membuf m;
	char *out;

	if (!mkdtemp(dir)) {
		tap_skip(t, "no temporary directory", "status and ps from /proc");
		return;
	}
	sub(dir, "sys");
	sub(dir, "sys/vm");
	test_put_file(dir, "meminfo", meminfo);
	tap_eq_i64(t, proc_status_read(dir, 4096, &s, what, sizeof(what)) < 0, 1,
		   "proc status: a missing sysctl is an error");
	tap_contains(t, what, "/sys/vm", "... naming where");
	test_put_file(dir, "sys/vm/overcommit_memory", "2\n");
	test_put_file(dir, "sys/vm/overcommit_ratio", "50\n");
	test_put_file(dir, "sys/vm/overcommit_kbytes", "0\n");
	test_put_file(dir, "sys/vm/admin_reserve_kbytes", "8192\n");
	test_put_file(dir, "sys/vm/user_reserve_kbytes", "131072\n");
	test_put_file(dir, "sys/vm/max_map_count", "1000\n");
	tap_eq_i64(t, proc_status_read(dir, 4096, &s, what, sizeof(what)), 0, "proc status: read");
	tap_ok(t, s.commit_limit_kb == 1533440 && s.committed_as_kb == 1600000 &&
	       s.mem_total_kb == 2018316 && s.swap_free_kb == 500000 &&
	       s.hugetlb_kb == 8192 && s.overcommit_memory == 2 && s.max_map_count == 1000,
	       "proc status: meminfo and the sysctls, hugetlb = 4 x 2048 kB");
	if (mem_open(&m)) {
		tap_eq_i64(t, proc_status_print_human(m.f, &s, "WHY", &view), 0, "proc status: drawn");
		out = mem_take(&m);
		tap_starts_with(t, out, "from /proc (approximate): WHY\n", "proc status: labelled first");
		tap_contains(t, out, "\ncommit        pages    size note\nCommitLimit  383360 1.5 GiB from /proc/meminfo\n",
			     "proc status: the commit table as the module's, in pages (1533440 kB)");
		tap_contains(t, out, "\nheadroom     -16640 -65 MiB CommitLimit - Committed_AS\n",
			     "proc status: a negative headroom, -66560 kB");
		tap_contains(t, out, "\nmemory      pages      size note\nRAM        504579   1.9 GiB MemTotal\n",
			     "proc status: the memory table (2018316 kB of RAM)");
		tap_contains(t, out, "\nhugetlb      2048     8 MiB huge page pools", "proc status: hugetlb, 4 x 2048 kB");
		tap_contains(t, out, "\nwhat vmacct.ko adds: ", "proc status: what the module adds");
		free(out);
	}
	view.raw = view.noheadings = view.bytes = true;
	tap_eq_i64(t, status_view_parse(&view, "key,pages,size", what, sizeof(what)), 0,
		   "proc status: -o key,pages,size");
	if (mem_open(&m)) {
		proc_status_print_human(m.f, &s, "WHY", &view);
		out = mem_take(&m);
		tap_contains(t, out, "\n\nlimit 383360 1570242560\ncommitted 400000 1638400000\nheadroom -16640 -68157440\n\n"
			     "totalram 504579 2066755584\ntotal_swap 131071 536866816\nfree_swap 125000 512000000\nhugetlb 2048 8388608\n\n",
			     "proc status -rnb -o key,pages,size: the keys of the module's JSON, pages, bytes");
		tap_starts_with(t, out, "from /proc (approximate): WHY\n", "proc status -rn: still labelled first");
		free(out);
	}
	if (mem_open(&m)) {
		proc_status_print_json(m.f, &s, "W\"HY");
		out = mem_take(&m);
		tap_contains(t, out, "\"source\": \"proc\",\n  \"module_missing\": \"W\\\"HY\",",
			     "proc status JSON: source proc, why escaped");
		tap_contains(t, out, "\"headroom_kb\": -66560,", "proc status JSON: headroom");
		free(out);
	}
	test_put_file(dir, "meminfo", "MemTotal: 5 kB\n");
	tap_eq_i64(t, proc_status_read(dir, 4096, &s, what, sizeof(what)) < 0, 1,
		   "proc status: a meminfo without CommitLimit is an error");
	tap_contains(t, what, "no CommitLimit line", "... naming the line");

	/* ps: one readable process, one without VMAs (a kernel thread) */
	sub(dir, "42");
	test_put_file(dir, "42/comm", "x\n");
	test_put_file(dir, "42/maps", maps);
	test_put_file(dir, "42/smaps", smaps);
	sub(dir, "7");
	test_put_file(dir, "7/comm", "kthreadd\n");
	test_put_file(dir, "7/maps", "");
	test_put_file(dir, "7/smaps", "");
	tap_eq_i64(t, proc_ps_walk(dir, 4096, NULL, &tab), VM_EXIT_OK, "proc ps: walk");
	tap_ok(t, tab.n == 1 && tab.kernel_threads == 1, "proc ps: one process, one kernel thread");
	if (tab.n == 1)
		tap_ok(t, tab.rows[0].pid == 42 && tab.rows[0].mm.map_count == 3 &&
		       tab.rows[0].mm.charge == 5 && tab.rows[0].mm.nr_accounted == 2 &&
		       tab.rows[0].mm.headroom_mmap == 998 && tab.rows[0].mm.headroom_split == 997 &&
		       !strcmp(tab.rows[0].comm, "x"),
		       "proc ps: 3 VMAs ([vsyscall] is none), charge 2 + 3 pages of 'ac', headrooms max + 1 - 3 and max - 3");
	else
		tap_ok(t, false, "proc ps: the process's values");
	ps_table_free(&tab);
	memset(&tab, 0, sizeof(tab));
	f.npids = 2;
	f.pids[0] = 42;
	f.pids[1] = 43;
	tap_eq_i64(t, proc_ps_walk(dir, 4096, &f, &tab), VM_EXIT_OK, "proc ps: PIDs given");
	tap_ok(t, tab.n == 1 && tab.missing == 1, "proc ps: 42 listed, 43 missing");
	ps_table_free(&tab);

	/* --cgroup: 42 in a service, 44 in a cgroup below it, 45 in another */
	test_put_file(dir, "42/cgroup", "0::/system.slice/x.service\n");
	sub(dir, "44");
	test_put_file(dir, "44/comm", "y\n");
	test_put_file(dir, "44/maps", maps);
	test_put_file(dir, "44/cgroup", "0::/system.slice/x.service/worker\n");
	sub(dir, "45");
	test_put_file(dir, "45/comm", "z\n");
	test_put_file(dir, "45/maps", maps);
	test_put_file(dir, "45/cgroup", "0::/system.slice/x.service2\n");
	memset(&tab, 0, sizeof(tab));
	memset(&f, 0, sizeof(f));
	f.cgroup = "/system.slice/x.service";
	tap_eq_i64(t, proc_ps_walk(dir, 4096, &f, &tab), VM_EXIT_OK, "proc ps --cgroup: walk");
	ps_sort(&tab, PS_SORT_MAPS);
	tap_ok(t, tab.n == 2 && tab.rows[0].pid == 42 && tab.rows[1].pid == 44 &&
	       tab.kernel_threads == 0,
	       "proc ps --cgroup: the service's process and the one below it; not the sibling x.service2, not the kernel thread");
	ps_table_free(&tab);
	memset(&tab, 0, sizeof(tab));
	f.npids = 2;
	f.pids[0] = 45;
	f.pids[1] = 44;
	tap_eq_i64(t, proc_ps_walk(dir, 4096, &f, &tab), VM_EXIT_OK, "proc ps PIDs --cgroup: walk");
	tap_ok(t, tab.n == 1 && tab.rows[0].pid == 44 && !tab.missing,
	       "proc ps PIDs --cgroup: both filters: 44 only, 45 left out without an error");
	ps_table_free(&tab);
	memset(&f, 0, sizeof(f));
	test_unknowns(t, dir);

	{
		char name[PS_USER_MAX];

		proc_user_name(0, name, sizeof(name));
		tap_eq_str(t, name, "root", "user name of uid 0, looked up");
		proc_user_name(0, name, sizeof(name));
		tap_eq_str(t, name, "root", "user name of uid 0 again, from the cache");
		proc_user_name(4294967000U, name, sizeof(name));
		tap_eq_str(t, name, "", "a uid without a name: empty (ps shows the uid)");
	}

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		tap_diag("could not remove %s", dir);
}
