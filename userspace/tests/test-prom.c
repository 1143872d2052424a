// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests: "vmacct status --prometheus".  The formatter on hand-made
 * answers against a fixture (every value derived by hand below), label
 * escaping and the top-N cut; then the built tool on the fake device,
 * its output checked by Prometheus's own promtool when it is installed.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "prom.h"
#include "run.h"
#include "tap.h"

static char *render_rec(const struct vmacct_version *v,
			const struct vmacct_commit *c,
			const struct vmacct_stats *s, struct ps_table *t,
			size_t top, const struct prom_recorder *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct prom_top tops = { top, top };

	if (!f)
		return NULL;
	prom_print(f, v, c, s, t, &tops, r, NULL);
	fclose(f);
	return buf;
}

static char *render(const struct vmacct_version *v, const struct vmacct_commit *c,
		    const struct vmacct_stats *s, struct ps_table *t, size_t top)
{
	return render_rec(v, c, s, t, top, NULL);
}

static void add_row(struct ps_table *t, int pid, const char *comm, int err,
		    unsigned int maps, unsigned long long charge)
{
	struct ps_row r;

	memset(&r, 0, sizeof(r));
	r.pid = pid;
	r.err = err;
	snprintf(r.comm, sizeof(r.comm), "%s", comm);
	r.mm.map_count = maps;
	r.mm.charge = charge;
	ps_table_add(t, &r);
}

static void test_format(struct tap *t, const struct test_env *env)
{
	/* 4 KiB pages: every byte value below is pages x 4096 */
	struct vmacct_version v = {
		.abi_version = 1, .module_version = 0x000100,
		.kernel_version = 0x060c75, .algorithm = 1,
	};
	struct vmacct_commit c = {
		.overcommit_memory = 2, .overcommit_ratio = 50,
		.max_map_count = 65530, .online_cpus = 2, .page_size = 4096,
		.committed_batch = 985, .admin_reserve_kbytes = 8192,
		.user_reserve_kbytes = 131072, .limit = 1000, .committed = 1200,
		.committed_read = 1190, .committed_error = 1968, .totalram = 2000,
		.total_swap = 0, .free_swap = 0, .hugetlb = 0, .guess_ceiling = 2000,
	};
	/* 90.25 s of counting, still on */
	struct vmacct_stats s = {
		.enabled = 1, .counting_ns = 90250000000ULL, .missed = 1,
		.decisions = { [VMACCT_CALLER_MMAP] = 40, [VMACCT_CALLER_FORK] = 6 },
		.denied = { [VMACCT_CALLER_FORK] = 3 },
		.map_count = { [VMACCT_SYS_MUNMAP] = 2 },
	};
	struct ps_table tab = { .rows = NULL };
	const char *out;
	char *got;

	add_row(&tab, 10, "small", 0, 20, 5);
	add_row(&tab, 11, "es \"node\"\\1", 0, 65000, 100);
	add_row(&tab, 12, "redis", 0, 300, 70000);
	add_row(&tab, 13, "other-user", 13, 0, 0);
	got = render(&v, &c, &s, &tab, 2);
	out = got ? got : "";
	tap_eq_fixture(t, env, got, "status-prometheus.txt");
	/* the numbers the fixture must hold, from the inputs above */
	tap_contains(t, out, "vmacct_commit_limit_bytes 4096000\n",
		     "prometheus: CommitLimit 1000 pages = 4096000 bytes");
	tap_contains(t, out, "vmacct_commit_headroom_bytes -819200\n",
		     "prometheus: headroom 1000 - 1200 pages, negative, in bytes");
	tap_contains(t, out, "vmacct_overcommit_ratio 0.50\n",
		     "prometheus: ratio 50 as a fraction");
	tap_contains(t, out,
		     "vmacct_process_mappings{pid=\"11\",comm=\"es \\\"node\\\"\\\\1\"} 65000\n",
		     "prometheus: comm label escaped (quote, backslash)");
	tap_ok(t, got && !strstr(got, "vmacct_process_mappings{pid=\"10\""),
	       "prometheus: --top 2 leaves the third process out");
	tap_ok(t, got && !strstr(got, "pid=\"13\""),
	       "prometheus: an unreadable process has no series");
	tap_contains(t, out, "vmacct_processes_unreadable 1\n",
		     "prometheus: ... but is counted");
	tap_contains(t, out,
		     "vmacct_process_commit_charge_bytes{pid=\"12\",comm=\"redis\"} 286720000\n",
		     "prometheus: charge 70000 pages in bytes, largest first");
	tap_contains(t, out,
		     "# TYPE vmacct_commit_denials_total counter\n",
		     "prometheus: denials are a counter");
	tap_contains(t, out, "vmacct_commit_denials_total{caller=\"fork\"} 3\n",
		     "prometheus: denials by caller");
	tap_contains(t, out, "vmacct_commit_denials_total{caller=\"mmap\"} 0\n",
		     "prometheus: a caller with decisions and no denial has a zero series");
	tap_contains(t, out, "vmacct_commit_decisions_total{caller=\"swapoff\"} 0\n",
		     "prometheus: every known caller has a series");
	tap_contains(t, out, "vmacct_map_count_failures_total{syscall=\"munmap\"} 2\n",
		     "prometheus: map-count failures by system call");
	tap_contains(t, out, "vmacct_stats_counting_seconds_total 90.250\n",
		     "prometheus: counting time in seconds");
	free(got);

	/* never counted: only the switch, no zero counters */
	memset(&s, 0, sizeof(s));
	got = render(&v, &c, &s, &tab, 2);
	tap_contains(t, got ? got : "", "vmacct_stats_enabled 0\n",
		     "prometheus: never counted: vmacct_stats_enabled 0");
	tap_ok(t, got && !strstr(got, "_total{") && !strstr(got, "_total "),
	       "prometheus: never counted: no _total series claiming zero");
	free(got);
	/* a module older than the counters */
	got = render(&v, &c, NULL, &tab, 2);
	tap_ok(t, got && !strstr(got, "vmacct_stats_enabled"),
	       "prometheus: a module without counters: no counter metrics");
	tap_ok(t, got && !strstr(got, "vmacct_recorder"),
	       "prometheus: no recorder answer: no recorder metrics");
	free(got);

	/* the recorder: 7 refusals, the last fork one and munmap one */
	{
		struct prom_recorder r;

		memset(&r, 0, sizeof(r));
		r.log.enabled = 1;
		r.log.total = 7;
		r.log.last_denial_ns[VMACCT_CALLER_FORK] = 1700000000123456789LL;
		r.log.last_map_count_ns[VMACCT_SYS_MUNMAP] = 1700000042999000000LL;
		r.npeaks = 2;
		r.peaks[0].tgid = 77;
		r.peaks[0].peak = 65000;
		memcpy(r.peaks[0].comm, "java\"\\\n", 7);
		r.peaks[1].tgid = 78;
		r.peaks[1].peak = 300;
		memcpy(r.peaks[1].comm, "redis-server", 12);
		got = render_rec(&v, &c, &s, &tab, 2, &r);
		out = got ? got : "";
		tap_contains(t, out, "vmacct_recorder_enabled 1\n",
			     "prometheus: the recorder is on");
		tap_contains(t, out, "# TYPE vmacct_recorder_records_total counter\nvmacct_recorder_records_total 7\n",
			     "prometheus: refusals recorded, a counter");
		tap_contains(t, out, "vmacct_last_denial_timestamp_seconds{caller=\"fork\"} 1700000000.123\n",
			     "prometheus: the last fork refusal, in seconds");
		tap_ok(t, !strstr(out, "vmacct_last_denial_timestamp_seconds{caller=\"mmap\"}"),
		       "prometheus: no time for a caller never refused");
		tap_contains(t, out, "vmacct_last_map_count_failure_timestamp_seconds{syscall=\"munmap\"} 1700000042.999\n",
			     "prometheus: the last munmap map-count failure");
		tap_contains(t, out, "vmacct_process_peak_mappings{pid=\"77\",comm=\"java\\\"\\\\\\n\"} 65000\n",
			     "prometheus: a peak, its comm escaped");
		tap_contains(t, out, "vmacct_process_peak_mappings{pid=\"78\",comm=\"redis-server\"} 300\n",
			     "prometheus: the second peak");
		free(got);
	}
	ps_table_free(&tab);
}

/* The built tool on the fake device, then promtool on what it printed. */
/* promtool check metrics on text, when promtool is installed (tap.h). */
void promtool_check(struct tap *t, const char *text, const char *what)
{
	char file[] = "/tmp/vmacct-prom-XXXXXX", cmd[200];
	char *pargv[] = { "/bin/sh", "-c", cmd, NULL };
	struct run_result r;
	int fd = mkstemp(file);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	if (f) {
		fputs(text ? text : "", f);
		fclose(f);
	}
	snprintf(cmd, sizeof(cmd), "/usr/bin/promtool check metrics < %s 2>&1", file);
	if (access("/usr/bin/promtool", X_OK)) {
		tap_skip(t, "promtool not installed (Debian package prometheus; make deps)",
			 "%s: promtool check metrics", what);
	} else if (run_capture(pargv, &r) == 0) {
		tap_ok(t, r.status == 0 && (!r.out || !*r.out),
		       "%s: promtool check metrics finds nothing (exit %d: %s)",
		       what, r.status, r.out ? r.out : "");
		run_free(&r);
	} else {
		tap_ok(t, false, "%s: run promtool", what);
	}
	unlink(file);
}

static void test_tool(struct tap *t, const struct test_env *env)
{
	char path[PATH_MAX], preload[PATH_MAX + 16];
	char *argv[] = { (char *)env->tool, "status", "--prometheus", "--top", "3", NULL };
	char *envv[] = { preload, NULL };
	struct run_result r;

	if (!env->fake_dev || !realpath(env->fake_dev, path)) {
		tap_skip(t, "no fake device library", "prometheus: the tool");
		return;
	}
	snprintf(preload, sizeof(preload), "LD_PRELOAD=%s", path);
	if (run_capture_env(argv, envv, &r)) {
		tap_ok(t, false, "prometheus: run the tool");
		return;
	}
	tap_eq_i64(t, r.status, 0, "prometheus: status --prometheus exits 0 (%s)",
		   r.err ? r.err : "");
	tap_contains(t, r.out ? r.out : "", "# TYPE vmacct_committed_bytes gauge\n",
		     "prometheus: the tool prints TYPE lines");
	tap_contains(t, r.out ? r.out : "", "vmacct_map_count_failures_total{syscall=\"munmap\"} 7\n",
		     "prometheus: the tool prints the module's counters");

	promtool_check(t, r.out, "prometheus");
	run_free(&r);

	/* the options: --top only with --prometheus, not with --json */
	{
		char *a1[] = { (char *)env->tool, "status", "--top", "3", NULL };
		char *a2[] = { (char *)env->tool, "status", "--json", "--prometheus", NULL };

		run_capture(a1, &r);
		tap_eq_i64(t, r.status, 2, "prometheus: --top without --prometheus is a usage error");
		run_free(&r);
		run_capture(a2, &r);
		tap_eq_i64(t, r.status, 2, "prometheus: --json with --prometheus is a usage error");
		run_free(&r);
	}
}

/* Without the module: vmacct_up 0 with the reason, exit 0, valid for promtool. */
static void test_down(struct tap *t, const struct test_env *env)
{
	char *argv[] = { (char *)env->tool, "status", "--prometheus", NULL };
	struct run_result r;
	struct membuf m;
	char *out;

	if (mem_open(&m)) {
		prom_print_down(m.f, "not_loaded");
		out = mem_take(&m);
		tap_eq_str(t, out,
			   "# HELP vmacct_up 1 when vmacct answered from the module; 0 when it could not, with the reason (not_loaded, no_device, permission, abi_mismatch, error).\n"
			   "# TYPE vmacct_up gauge\n"
			   "vmacct_up{reason=\"not_loaded\"} 0\n",
			   "prometheus down: vmacct_up 0 with the reason, alone");
		free(out);
	}
	if (access("/sys/module/vmacct", F_OK) == 0) {
		tap_skip(t, "vmacct is loaded on this host", "prometheus without the module");
		return;
	}
	if (run_capture(argv, &r)) {
		tap_ok(t, false, "prometheus without the module: run the tool");
		return;
	}
	tap_eq_i64(t, r.status, 0, "prometheus without the module exits 0 (the textfile is written)");
	tap_contains(t, r.out, "\nvmacct_up{reason=\"not_loaded\"} 0\n", "... with vmacct_up 0, not_loaded");
	tap_contains(t, r.err, "writing vmacct_up{reason=\"not_loaded\"} 0", "... and says so on stderr");
	promtool_check(t, r.out, "prometheus down");
	run_free(&r);
}

void test_prom(struct tap *t, const struct test_env *env)
{
	test_format(t, env);
	test_tool(t, env);
	test_down(t, env);
}
