// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests: "vmacct ps" rows, headroom, sorting and rendering (ps.c),
 * and what the tool says when the module refuses a process (hints.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hints.h"
#include "ps.h"
#include "ps-table.h"
#include "tap.h"
#include "tool.h"

#define MAX_MAP 65530

/* A readable process with the headrooms the kernel's check sites give. */
static struct ps_row mm_row(int32_t pid, const char *comm, uint32_t maps,
			    uint64_t charge, uint32_t nr_accounted)
{
	struct ps_row r;

	memset(&r, 0, sizeof(r));
	r.pid = pid;
	snprintf(r.comm, sizeof(r.comm), "%s", comm);
	r.mm.size = sizeof(r.mm);
	r.mm.pid = pid;
	r.mm.map_count = maps;
	r.mm.max_map_count = MAX_MAP;
	r.mm.headroom_mmap = (int32_t)(MAX_MAP + 1 - maps);
	r.mm.headroom_split = (int32_t)(MAX_MAP - maps);
	r.mm.headroom_munmap = (int32_t)(MAX_MAP - maps);
	r.mm.headroom_mremap_move = (int32_t)(MAX_MAP - 3 - maps);
	r.mm.headroom_mremap_fixed = (int32_t)(MAX_MAP - 5 - maps);
	r.mm.nr_accounted = nr_accounted;
	r.mm.nr_anon_private = nr_accounted;
	r.mm.nr_file_private = maps / 2;
	r.mm.nr_file_shared = 3;
	r.mm.nr_stack = 1;
	r.mm.nr_special = 2;
	r.mm.total_vm = charge * 2 + 1000;
	r.mm.data_vm = charge;
	r.mm.exec_vm = 500;
	r.mm.stack_vm = 33;
	r.mm.locked_vm = 0;
	r.mm.pinned_vm = 0;
	r.mm.charge = charge;
	r.mm.largest_accounted = charge / 2;
	return r;
}

static struct ps_row denied_row(int32_t pid, const char *comm)
{
	struct ps_row r;

	memset(&r, 0, sizeof(r));
	r.pid = pid;
	r.err = EACCES;
	snprintf(r.comm, sizeof(r.comm), "%s", comm);
	return r;
}

/*
 * Five processes in /proc order: init, a redis with a big heap, an sshd
 * of another user, a JVM close to the limit, and one above it (a child
 * inherits its parent's count even when that is over the limit).
 */
static void sample_table(struct ps_table *t)
{
	struct ps_row r;

	memset(t, 0, sizeof(*t));
	r = mm_row(1, "systemd", 250, 5000, 40);
	ps_table_add(t, &r);
	r = mm_row(55, "over-limit", 65531, 100, 2);
	ps_table_add(t, &r);
	r = denied_row(777, "sshd");
	ps_table_add(t, &r);
	r = mm_row(900, "java", 65000, 300000, 900);
	ps_table_add(t, &r);
	r = mm_row(4242, "redis-server", 1200, 550000, 12);
	ps_table_add(t, &r);
	t->kernel_threads = 3;
}

/* The table with view v (NULL: the default), or JSON. */
static char *render_view(const struct ps_table *t, size_t limit, bool json,
			 const struct ps_view *v)
{
	struct ps_view def;
	struct membuf m;

	if (!mem_open(&m))
		return NULL;
	ps_view_default(&def);
	if (json)
		ps_print_json(m.f, t, limit);
	else if (ps_print_table(m.f, t, limit, 4096, v ? v : &def))
		fputs("(ps_print_table failed)", m.f);
	return mem_take(&m);
}

static char *render(const struct ps_table *t, size_t limit, bool json)
{
	return render_view(t, limit, json, NULL);
}

static bool order_is(const struct ps_table *t, const int32_t *pids, size_t n)
{
	size_t i;

	if (t->n != n)
		return false;
	for (i = 0; i < n; i++)
		if (t->rows[i].pid != pids[i])
			return false;
	return true;
}

static unsigned int count(const char *hay, const char *needle)
{
	unsigned int n = 0;

	while (hay && (hay = strstr(hay, needle))) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

static void test_headroom(struct tap *t)
{
	struct ps_row r = mm_row(1, "x", 100, 0, 0);
	enum ps_sort key = PS_SORT_CHARGE;
	char buf[32];

	tap_eq_str(t, headroom_kind_name(HR_MMAP), "mmap", "headroom kind mmap");
	tap_eq_str(t, headroom_kind_name(HR_SPLIT), "split", "headroom kind split");
	tap_eq_str(t, headroom_kind_name(HR_MUNMAP), "munmap", "headroom kind munmap");
	tap_eq_str(t, headroom_kind_name(HR_MREMAP_MOVE), "mremap_move", "headroom kind mremap_move");
	tap_eq_str(t, headroom_kind_name(HR_MREMAP_FIXED), "mremap_fixed", "headroom kind mremap_fixed");
	tap_eq_i64(t, mm_headroom(&r.mm, HR_MMAP), 65431, "mm_headroom reads headroom_mmap");
	tap_eq_i64(t, mm_headroom(&r.mm, HR_MREMAP_MOVE), 65427, "mm_headroom reads headroom_mremap_move");

	tap_eq_u64(t, mm_tightest_headroom(&r.mm), HR_MREMAP_FIXED,
		   "the kernel's own headrooms: MREMAP_FIXED (max - 5) is the tightest");
	r.mm.headroom_split = -7;
	tap_eq_u64(t, mm_tightest_headroom(&r.mm), HR_SPLIT,
		   "a smaller split headroom is the tightest, negative included");
	r.mm.headroom_mmap = r.mm.headroom_split = r.mm.headroom_munmap =
		r.mm.headroom_mremap_move = r.mm.headroom_mremap_fixed = 4;
	tap_eq_u64(t, mm_tightest_headroom(&r.mm), HR_MMAP,
		   "on a tie the first in field order (mmap) is named");
	r.mm.headroom_munmap = 3;
	tap_eq_u64(t, mm_tightest_headroom(&r.mm), HR_MUNMAP,
		   "one below the tie wins (munmap)");

	tap_ok(t, ps_parse_sort("maps", &key) == 0 && key == PS_SORT_MAPS, "--sort maps");
	tap_ok(t, ps_parse_sort("charge", &key) == 0 && key == PS_SORT_CHARGE, "--sort charge");
	tap_eq_i64(t, ps_parse_sort("Maps", &key), -EINVAL, "--sort Maps is rejected (exact names)");
	tap_eq_i64(t, ps_parse_sort("", &key), -EINVAL, "--sort '' is rejected");
	tap_eq_i64(t, ps_parse_sort(NULL, &key), -EINVAL, "--sort NULL is rejected");

	tap_eq_str(t, format_map_percent(250, 65530, buf, sizeof(buf)), "0.4%", "250 of 65530 is 0.4%%");
	tap_eq_str(t, format_map_percent(65000, 65530, buf, sizeof(buf)), "99.2%", "65000 of 65530 is 99.2%%");
	tap_eq_str(t, format_map_percent(65531, 65530, buf, sizeof(buf)), "100.0%", "max + 1 rounds to 100.0%%");
	tap_eq_str(t, format_map_percent(2, 3, buf, sizeof(buf)), "66.7%", "2 of 3 rounds half up to 66.7%%");
	tap_eq_str(t, format_map_percent(5, 0, buf, sizeof(buf)), "-", "max_map_count 0: no percentage");
	tap_eq_str(t, format_map_percent(UINT32_MAX, 1, buf, sizeof(buf)), "429496729500.0%",
		   "UINT32_MAX of 1 does not overflow");
}

static void test_sorting(struct tap *t)
{
	static const int32_t by_maps[] = { 55, 900, 4242, 1, 777 };
	static const int32_t by_charge[] = { 4242, 900, 1, 55, 777 };
	static const int32_t ties[] = { 3, 7, 9, 2, 8 };
	struct ps_table tab;
	struct ps_row r;
	size_t i;

	sample_table(&tab);
	ps_sort(&tab, PS_SORT_MAPS);
	tap_ok(t, order_is(&tab, by_maps, 5), "sort maps: largest map_count first, the EACCES row last");
	ps_sort(&tab, PS_SORT_CHARGE);
	tap_ok(t, order_is(&tab, by_charge, 5), "sort charge: largest charge first, the EACCES row last");
	ps_table_free(&tab);
	tap_ok(t, !tab.rows && !tab.n && !tab.cap, "ps_table_free empties the table");

	/* equal keys and several unreadable rows: by pid */
	memset(&tab, 0, sizeof(tab));
	r = denied_row(8, "b");
	ps_table_add(&tab, &r);
	r = mm_row(9, "x", 10, 1, 1);
	ps_table_add(&tab, &r);
	r = denied_row(2, "a");
	ps_table_add(&tab, &r);
	r = mm_row(7, "y", 10, 1, 1);
	ps_table_add(&tab, &r);
	r = mm_row(3, "z", 11, 1, 1);
	ps_table_add(&tab, &r);
	ps_sort(&tab, PS_SORT_MAPS);
	tap_ok(t, order_is(&tab, ties, 5), "ties by pid; unreadable rows by pid after the rest");
	ps_table_free(&tab);

	memset(&tab, 0, sizeof(tab));
	for (i = 0; i < 1000; i++) {
		r = mm_row((int32_t)i + 1, "many", (uint32_t)i, i, 0);
		if (ps_table_add(&tab, &r))
			break;
	}
	tap_ok(t, tab.n == 1000 && tab.rows[999].pid == 1000 && tab.rows[0].pid == 1,
	       "ps_table_add grows past its first allocation and keeps every row");
	ps_sort(&tab, PS_SORT_MAPS);
	tap_eq_i64(t, tab.rows[0].pid, 1000, "1000 rows sorted: largest map_count first");
	ps_table_free(&tab);
}

static void test_rendering(struct tap *t, const struct test_env *env)
{
	struct ps_table tab;
	struct ps_view v;
	struct ps_row r;
	char what[120];
	char *out;

	sample_table(&tab);
	ps_sort(&tab, PS_SORT_MAPS);
	out = render(&tab, 0, false);
	tap_eq_fixture(t, env, out, "ps-maps.txt");
	tap_starts_with(t, out, " PID COMM          MAPS   %MAX   NEW SPLITS CHARGE     SIZE ACCT CGROUP\n",
			"table: the default columns, NEW and SPLITS instead of a 'tightest', CGROUP last");
	tap_contains(t, out, " 777 sshd             -      -     -      -      -        -    - -\n",
		     "table: the EACCES row has '-' values");
	tap_contains(t, out, "3 kernel threads without an address space\n",
		     "table: kernel threads are counted in the footer");
	tap_contains(t, out, "1 process not readable (no permission, '-'): run as root",
		     "table: the footer says how to read the unreadable one");
	tap_contains(t, out, "  55 over-limit   65531 100.0%     0     -1    100",
		     "table: a process above the limit: NEW is max + 1 - maps, SPLITS max - maps");
	tap_contains(t, out, " 900 java         65000  99.2%   531    530 300000",
		     "table: NEW is headroom_mmap, SPLITS the smaller of split and munmap");
	tap_ok(t, out && !strstr(out, "mremap_fixed"), "table: no 'tightest' that is always mremap_fixed");
	tap_ok(t, out && !strstr(out, "showing"), "table: no 'showing N of M' line without --limit");
	free(out);

	out = render(&tab, 0, true);
	tap_eq_fixture(t, env, out, "ps-maps.json");
	tap_contains(t, out, "  {\n    \"pid\": 777,\n    \"comm\": \"sshd\",\n    \"uid\": null,\n    \"user\": null,\n    \"cgroup\": null,\n    \"error\": \"EACCES\"\n  }\n",
		     "JSON: the EACCES row has only pid, comm, uid, user, cgroup and error");
	tap_contains(t, out, "\"headroom\": {\n      \"mmap\": 531,\n      \"split\": 530,\n      \"munmap\": 530,\n      \"mremap_move\": 527,\n      \"mremap_fixed\": 525\n    },\n    \"tightest\": \"mremap_fixed\",",
		     "JSON: every per-operation headroom, and the documented tightest");
	free(out);

	out = render(&tab, 2, false);
	tap_contains(t, out, "showing 2 of 5 processes (--limit)\n", "table --limit 2: says what it left out");
	tap_ok(t, out && strstr(out, "over-limit") && strstr(out, "java") &&
	       !strstr(out, "redis-server") && !strstr(out, "sshd"),
	       "table --limit 2: the first two rows after sorting, no more");
	free(out);

	out = render(&tab, 2, true);
	tap_eq_u64(t, count(out, "\"pid\""), 2, "JSON --limit 2: two objects");
	free(out);

	out = render(&tab, 99, true);
	tap_eq_u64(t, count(out, "\"pid\""), 5, "JSON --limit 99 on 5 rows: all five");
	free(out);

	/* -o, -r, -n, -b */
	ps_view_default(&v);
	tap_eq_i64(t, ps_view_parse(&v, "pid,Comm,mremap-fixed,SIZE", what, sizeof(what)), 0,
		   "-o pid,Comm,mremap-fixed,SIZE: any case");
	v.bytes = true;
	out = render_view(&tab, 0, false, &v);
	tap_starts_with(t, out, " PID COMM         MREMAP-FIXED       SIZE\n",
			"-o: those columns, in that order");
	tap_contains(t, out, " 900 java                  525 1228800000\n",
		     "-b: SIZE in bytes (300000 pages of 4096)");
	free(out);
	v.raw = true;
	v.noheadings = true;
	out = render_view(&tab, 0, false, &v);
	tap_eq_str(t, out, "55 over-limit -6 409600\n900 java 525 1228800000\n4242 redis-server 64325 2252800000\n1 systemd 65275 20480000\n777 sshd - -\n",
		   "-r -n: one line per process, one blank between columns, no heading, no footer");
	free(out);
	ps_view_default(&v);
	tap_eq_i64(t, ps_view_parse(&v, "+user,max", what, sizeof(what)), 0, "-o +user,max adds");
	tap_ok(t, v.ncols == 12 && v.cols[0] == PS_COL_PID && v.cols[10] == PS_COL_USER &&
	       v.cols[11] == PS_COL_MAX, "-o +LIST: the default columns, then those");
	tap_eq_i64(t, ps_view_parse(&v, "pid,nope", what, sizeof(what)), -EINVAL, "-o pid,nope refused");
	tap_contains(t, what, "unknown column 'nope'", "... naming the column");
	tap_eq_i64(t, ps_view_parse(&v, "pid,,comm", what, sizeof(what)), -EINVAL, "-o pid,,comm refused");
	tap_eq_i64(t, ps_view_parse(&v, "", what, sizeof(what)), -EINVAL, "-o '' refused");
	tap_eq_i64(t, ps_view_parse(&v, "pid,pid,pid,pid,pid,pid,pid,pid,pid,pid,pid,pid,pid,pid,pid,pid,pid,pid,pid,pid,pid,pid,pid,pid,pid,pid,pid,pid,pid,pid,pid,pid,pid",
				    what, sizeof(what)), -EINVAL, "-o with 33 columns refused");

	ps_sort(&tab, PS_SORT_CHARGE);
	tab.kernel_threads = 1;
	out = render(&tab, 0, false);
	tap_contains(t, out, "4242 redis-server  1200   1.8% 64331  64330 550000  2.1 GiB   12 -\n",
		     "table --sort charge: redis first, charge in pages and size");
	tap_contains(t, out, "\n1 kernel thread without an address space\n",
		     "table: one kernel thread, singular");
	free(out);
	ps_table_free(&tab);

	memset(&tab, 0, sizeof(tab));
	out = render(&tab, 0, true);
	tap_eq_str(t, out, "[]\n", "JSON: no processes is an empty array");
	free(out);

	/* a comm longer than TASK_COMM_LEN (extended kthread names, 6.x) */
	r = mm_row(31, "kworker/R-ext4-rsv-conversion", 10, 0, 0);
	r.have_uid = true;
	r.uid = 1000;
	ps_table_add(&tab, &r);
	ps_view_default(&v);
	ps_view_parse(&v, "+user", what, sizeof(what));
	out = render_view(&tab, 0, false, &v);
	tap_contains(t, out, " 31 kworker/R-ext4-rsv-conversion   10 0.0% 65521  65520",
		     "table: a long comm is shown whole");
	tap_contains(t, out, " 1000\n", "table: USER without a name is the uid");
	free(out);
	out = render(&tab, 0, true);
	tap_contains(t, out, "\"comm\": \"kworker/R-ext4-rsv-conversion\",\n    \"uid\": 1000,\n    \"user\": null,",
		     "JSON: the whole comm, the uid, no name");
	free(out);
	ps_table_free(&tab);
}

static void test_pid_errors(struct tap *t)
{
	tap_contains(t, pid_error_hint(ESRCH), "check the PID", "ESRCH hint: check the PID");
	tap_contains(t, pid_error_hint(ENXIO), "kernel thread", "ENXIO hint: a kernel thread");
	tap_contains(t, pid_error_hint(ENODATA), "exiting", "ENODATA hint: the process is exiting");
	tap_contains(t, pid_error_hint(EACCES), "CAP_SYS_PTRACE", "EACCES hint names CAP_SYS_PTRACE");
	tap_contains(t, pid_error_hint(EINTR), "run it again", "EINTR hint: run again");
	tap_ok(t, pid_error_hint(EINVAL) == NULL && pid_error_hint(ENOTTY) == NULL &&
	       pid_error_hint(E2BIG) == NULL,
	       "EINVAL, ENOTTY, E2BIG are about the request, not the process: no process hint");
	tap_eq_i64(t, pid_error_exit_code(EACCES), VM_EXIT_PERM, "EACCES on a process exits 4");
	tap_eq_i64(t, pid_error_exit_code(EPERM), VM_EXIT_PERM, "EPERM on a process exits 4");
	tap_eq_i64(t, pid_error_exit_code(ESRCH), VM_EXIT_FAILED, "ESRCH exits 1");
	tap_eq_i64(t, pid_error_exit_code(ENXIO), VM_EXIT_FAILED, "ENXIO exits 1");
	tap_eq_str(t, errno_name(EACCES), "EACCES", "errno_name EACCES");
	tap_eq_str(t, errno_name(ENODATA), "ENODATA", "errno_name ENODATA");
	tap_eq_str(t, errno_name(12345), "?", "errno_name of an unknown errno");
	tap_eq_str(t, errno_text(0), "success", "errno_text 0 is success");
	tap_eq_str(t, errno_text(ENOMEM), "ENOMEM", "errno_text ENOMEM by name");
	tap_eq_str(t, errno_text(ENOSPC), strerror(ENOSPC),
		   "errno_text of an errno without a name is strerror()");
}

void test_ps(struct tap *t, const struct test_env *env)
{
	test_headroom(t);
	test_sorting(t);
	test_rendering(t, env);
	test_pid_errors(t);
}
