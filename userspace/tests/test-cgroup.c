// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests: cgroups and the breakdown.  Names from paths shaped as
 * systemd, Docker, containerd, CRI-O and the kubelet make them; roll-up;
 * /proc/PID/cgroup and id-to-path on directories of the test's own; ps
 * --by cgroup sums on hand-made rows (every figure derived here); the
 * breakdown's remainder, text, JSON and Prometheus series.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "breakdown.h"
#include "cgroup.h"
#include "prom.h"
#include "ps-cgroup.h"
#include "tap.h"

#define ID64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define UID_ "6b9f0e1c_1234_4abc_8def_0123456789ab"
#define UID "6b9f0e1c-1234-4abc-8def-0123456789ab"

static void name_is(struct tap *t, const char *path, const char *want)
{
	char buf[CGROUP_NAME_MAX];

	cgroup_name(path, buf, sizeof(buf));
	tap_eq_str(t, buf, want, "cgroup_name(%.60s%s)", path,
		   strlen(path) > 60 ? "..." : "");
}

static void test_names(struct tap *t)
{
	char buf[256];

	name_is(t, "/", "/");
	name_is(t, "", "/");
	name_is(t, "/system.slice/nginx.service", "nginx.service");
	name_is(t, "/user.slice/user-1000.slice/session-3.scope", "session-3.scope");
	name_is(t, "/system.slice/docker-" ID64 ".scope", "docker 0123456789ab");
	name_is(t, "/docker/" ID64, "docker 0123456789ab");
	name_is(t, "/machine.slice/libpod-" ID64 ".scope", "podman 0123456789ab");
	name_is(t, "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_
		   ".slice/cri-containerd-" ID64 ".scope",
		"pod " UID " containerd 0123456789ab");
	name_is(t, "/kubepods.slice/kubepods-pod" UID_ ".slice/crio-" ID64 ".scope",
		"pod " UID " cri-o 0123456789ab");
	name_is(t, "/kubepods/besteffort/pod" UID "/" ID64,
		"pod " UID " container 0123456789ab");
	name_is(t, "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_ ".slice",
		"pod " UID);
	/* near misses stay what they are */
	name_is(t, "/system.slice/docker-0123.scope", "docker-0123.scope");
	name_is(t, "/system.slice/docker-" ID64 ".service", "docker-" ID64 ".service");
	name_is(t, "/x/podcast", "podcast");
	name_is(t, "/a/b/", "b");

	cgroup_rollup("/a/b/c", 0, buf, sizeof(buf));
	tap_eq_str(t, buf, "/", "rollup depth 0: the root");
	cgroup_rollup("/a/b/c", 1, buf, sizeof(buf));
	tap_eq_str(t, buf, "/a", "rollup depth 1");
	cgroup_rollup("/a/b/c", 2, buf, sizeof(buf));
	tap_eq_str(t, buf, "/a/b", "rollup depth 2");
	cgroup_rollup("/a/b/c", 9, buf, sizeof(buf));
	tap_eq_str(t, buf, "/a/b/c", "rollup deeper than the path: the path");
	cgroup_rollup("/", 2, buf, sizeof(buf));
	tap_eq_str(t, buf, "/", "rollup of the root: the root");
}

static void test_proc(struct tap *t)
{
	char dir[] = "/tmp/vmacct-cg-XXXXXX", path[512], *got;
	struct stat st;

	if (!mkdtemp(dir)) {
		tap_skip(t, "mkdtemp failed", "cgroup files");
		return;
	}
	snprintf(path, sizeof(path), "%s/41", dir);
	mkdir(path, 0700);
	test_put_file(path, "cgroup", "1:name=systemd:/old\n0::/system.slice/redis.service\n");
	snprintf(path, sizeof(path), "%s/42", dir);
	mkdir(path, 0700);
	test_put_file(path, "cgroup", "12:memory:/x\n1:cpu:/y\n");
	got = cgroup_of_pid(dir, 41);
	tap_eq_str(t, got, "/system.slice/redis.service",
		   "/proc/PID/cgroup: the 0:: line of a hybrid host");
	free(got);
	errno = 0;
	got = cgroup_of_pid(dir, 42);
	tap_ok(t, !got && errno == ENODATA, "/proc/PID/cgroup without 0:: (cgroup v1 only): ENODATA");
	free(got);
	got = cgroup_of_pid(dir, 43);
	tap_ok(t, !got && errno == ENOENT, "no such process: ENOENT");
	free(got);
	tap_ok(t, cgroup_pid_within(dir, 41, "/system.slice") == 1 &&
	       cgroup_pid_within(dir, 41, "/system.slice/redis.service") == 1 &&
	       cgroup_pid_within(dir, 41, "/user.slice") == 0,
	       "pid within: in its slice and its service, not in another slice");
	tap_ok(t, cgroup_pid_within(dir, 42, "/system.slice") == 0 &&
	       cgroup_pid_within(dir, 42, "/") == 1,
	       "pid within: cgroup v1 only is in / alone");
	tap_eq_i64(t, cgroup_pid_within(dir, 43, "/system.slice"), -ENOENT,
		   "pid within: a process that is gone is -ENOENT");

	/* ids are inode numbers of the directories of the mount */
	snprintf(path, sizeof(path), "%s/cg", dir);
	mkdir(path, 0700);
	setenv("VMACCT_CGROUP_ROOT", path, 1);
	snprintf(path, sizeof(path), "%s/cg/system.slice", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/cg/system.slice/nginx.service", dir);
	mkdir(path, 0700);
	if (stat(path, &st)) {
		tap_skip(t, "stat failed", "cgroup ids");
	} else {
		tap_eq_str(t, cgroup_path_of_id(st.st_ino), "/system.slice/nginx.service",
			   "cgroup_path_of_id: the directory with that inode number, from the root");
		snprintf(path, sizeof(path), "%s/cg", dir);
		stat(path, &st);
		tap_eq_str(t, cgroup_path_of_id(st.st_ino), "/", "... the mount's root is /");
		tap_ok(t, cgroup_path_of_id(0) == NULL, "... id 0: none");
	}
	tap_eq_str(t, cgroup2_mount(), path, "VMACCT_CGROUP_ROOT is the mount");
	unsetenv("VMACCT_CGROUP_ROOT");
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	if (system(path))
		tap_diag("could not remove %s", dir);
}

/* ps --cgroup: the path as typed, and which cgroups it takes. */
static void test_filter(struct tap *t)
{
	static const struct {
		const char *arg, *mount, *want;
		int err;
	} args[] = {
		{ "/system.slice/foo.service", "/sys/fs/cgroup", "/system.slice/foo.service", 0 },
		{ "/system.slice//foo.service/", NULL, "/system.slice/foo.service", 0 },
		{ "/", NULL, "/", 0 },
		{ "///", "/sys/fs/cgroup", "/", 0 },
		{ "/sys/fs/cgroup/system.slice", "/sys/fs/cgroup", "/system.slice", 0 },
		{ "/sys/fs/cgroup", "/sys/fs/cgroup/", "/", 0 },
		{ "/sys/fs/cgroupx/a", "/sys/fs/cgroup", "/sys/fs/cgroupx/a", 0 },
		{ "/sys/fs/cgroup/unified/user.slice", "/sys/fs/cgroup/unified", "/user.slice", 0 },
		{ "system.slice", "/sys/fs/cgroup", NULL, -EINVAL },
		{ "", NULL, NULL, -EINVAL },
		{ "/a/../b", NULL, NULL, -EINVAL },
		{ "/a/./b", NULL, NULL, -EINVAL },
		{ "/a/..b/.c", NULL, "/a/..b/.c", 0 },
	};
	char buf[64], tiny[8];
	size_t i;
	int err;

	for (i = 0; i < sizeof(args) / sizeof(args[0]); i++) {
		strcpy(buf, "?");
		err = cgroup_path_arg(args[i].arg, args[i].mount, buf, sizeof(buf));
		if (args[i].err)
			tap_eq_i64(t, err, args[i].err, "--cgroup '%s' is refused", args[i].arg);
		else
			tap_ok(t, !err && !strcmp(buf, args[i].want),
			       "--cgroup '%s' (mount %s) is %s", args[i].arg,
			       args[i].mount ? args[i].mount : "none", args[i].want);
	}
	tap_eq_i64(t, cgroup_path_arg("/abcdef/gh", NULL, tiny, sizeof(tiny)), -ENAMETOOLONG,
		   "--cgroup longer than the buffer: ENAMETOOLONG");

	tap_ok(t, cgroup_within("/system.slice/foo.service", "/system.slice/foo.service"),
	       "within: the cgroup itself");
	tap_ok(t, cgroup_within("/system.slice/foo.service/worker", "/system.slice/foo.service"),
	       "within: a cgroup below it");
	tap_ok(t, cgroup_within("/system.slice/foo.service", "/system.slice"),
	       "within: a slice takes its services");
	tap_ok(t, !cgroup_within("/system.slice/foo.service2", "/system.slice/foo.service"),
	       "within: a sibling that shares the prefix is not below it");
	tap_ok(t, !cgroup_within("/system.slice", "/system.slice/foo.service"),
	       "within: the parent is not below its child");
	tap_ok(t, cgroup_within("/anything", "/") && cgroup_within(NULL, "/"),
	       "within: / takes every process, those without a path too");
	tap_ok(t, !cgroup_within(NULL, "/system.slice"),
	       "within: a process without a path is only in /");
}

static void add(struct ps_table *tab, int pid, const char *comm,
		const char *cgroup, unsigned int maps, unsigned long long charge,
		int err)
{
	struct ps_row r;

	memset(&r, 0, sizeof(r));
	r.pid = pid;
	r.err = err;
	snprintf(r.comm, sizeof(r.comm), "%s", comm);
	r.cgroup = cgroup ? strdup(cgroup) : NULL;
	r.mm.map_count = maps;
	r.mm.max_map_count = 65530;
	r.mm.headroom_mmap = 65531 - (int32_t)maps;
	r.mm.headroom_split = 65530 - (int32_t)maps;
	r.mm.headroom_munmap = 65530 - (int32_t)maps;
	r.mm.charge = charge;
	ps_table_add(tab, &r);
}

#define ES "/kubepods.slice/kubepods-pod" UID_ ".slice/cri-containerd-" ID64 ".scope"

static void sample(struct ps_table *tab)
{
	memset(tab, 0, sizeof(*tab));
	add(tab, 10, "java", ES, 60000, 1000, 0);
	add(tab, 11, "java-helper", ES, 100, 24, 0);
	add(tab, 20, "nginx", "/system.slice/nginx.service", 300, 500, 0);
	add(tab, 21, "nginx", "/system.slice/nginx.service", 310, 600, 0);
	add(tab, 22, "sshd", "/system.slice/ssh.service", 0, 0, EACCES);
	add(tab, 30, "init", NULL, 50, 7, 0);
}

static char *render(const struct cg_table *cg, bool json)
{
	struct membuf m;

	if (!mem_open(&m))
		return NULL;
	if (json)
		cg_print_json(m.f, cg, 0, 4096);
	else if (cg_print_table(m.f, cg, 0, 4096, false, false, false))
		fputs("(cg_print_table failed)", m.f);
	return mem_take(&m);
}

static void test_groups(struct tap *t, const struct test_env *env)
{
	struct ps_table tab;
	struct cg_table cg;
	char *out;

	sample(&tab);
	tap_eq_i64(t, cg_table_build(&cg, &tab, CG_DEPTH_ALL, PS_SORT_MAPS), 0, "by cgroup: built");
	tap_eq_u64(t, cg.n, 4, "... four cgroups (no path: /)");
	tap_ok(t, cg.n == 4 && !strcmp(cg.g[0].path, ES) && cg.g[0].processes == 2 &&
	       cg.g[0].charge == 1024 && cg.g[0].closest && cg.g[0].closest->pid == 10,
	       "... the pod first by map_count: 2 processes, 1000 + 24 pages, java closest");
	tap_ok(t, cg.n == 4 && !strcmp(cg.g[1].path, "/system.slice/nginx.service") &&
	       cg.g[1].charge == 1100 && cg.g[1].closest->pid == 21,
	       "... nginx: 500 + 600 pages, the 310-VMA one closest");
	tap_ok(t, cg.n == 4 && !strcmp(cg.g[3].path, "/system.slice/ssh.service") &&
	       cg.g[3].processes == 1 && cg.g[3].unreadable == 1 && !cg.g[3].closest,
	       "... ssh: one unreadable process, no values");
	tap_ok(t, !cg.no_cgroups, "... paths were known");
	out = render(&cg, false);
	tap_eq_fixture(t, env, out, "ps-by-cgroup.txt");
	tap_contains(t, out, "pod " UID " containerd 0123456789ab", "table: the pod's readable name");
	tap_contains(t, out, "60000  5531   5530 10 java", "table: MAPS, NEW, SPLITS and CLOSEST of the pod");
	free(out);
	out = render(&cg, true);
	tap_eq_fixture(t, env, out, "ps-by-cgroup.json");
	tap_contains(t, out, "\"charge_bytes\": 4505600,", "JSON: nginx's 1100 pages in bytes");
	check_strict_json(t, out, false, NULL, 0, "ps --by cgroup --json");
	free(out);
	cg_table_free(&cg);

	cg_table_build(&cg, &tab, 1, PS_SORT_CHARGE);
	tap_ok(t, cg.n == 3 && !strcmp(cg.g[0].path, "/system.slice") && cg.g[0].processes == 3 &&
	       cg.g[0].charge == 1100 && !strcmp(cg.g[1].path, "/kubepods.slice") &&
	       !strcmp(cg.g[2].path, "/"),
	       "--depth 1 --sort charge: /system.slice (3 processes, 1100 pages), /kubepods.slice, /");
	cg_table_free(&cg);
	cg_table_build(&cg, &tab, 0, PS_SORT_MAPS);
	tap_ok(t, cg.n == 1 && cg.g[0].processes == 6 && cg.g[0].charge == 2131 &&
	       cg.g[0].closest->pid == 10, "--depth 0: everything in /, 2131 pages");
	out = render(&cg, true);
	tap_ok(t, out && !strstr(out, "\"source\""), "JSON from the module: no \"source\"");
	free(out);
	cg_table_free(&cg);
	tab.from_proc = true;
	cg_table_build(&cg, &tab, 0, PS_SORT_MAPS);
	out = render(&cg, true);
	tap_starts_with(t, out, "[\n  {\n    \"source\": \"proc\",\n    \"cgroup\": \"/\",",
			"JSON from /proc: each cgroup begins \"source\": \"proc\"");
	free(out);
	cg_table_free(&cg);
	ps_table_free(&tab);

	memset(&tab, 0, sizeof(tab));
	add(&tab, 1, "a", NULL, 5, 5, 0);
	cg_table_build(&cg, &tab, CG_DEPTH_ALL, PS_SORT_MAPS);
	tap_ok(t, cg.no_cgroups && cg.n == 1 && !strcmp(cg.g[0].path, "/"),
	       "cgroup v1 only: said (no_cgroups), everything under /");
	cg_table_free(&cg);
	ps_table_free(&tab);
}

static void test_breakdown(struct tap *t, const struct test_env *env)
{
	struct vmacct_breakdown b = {
		.committed_before = 10000, .committed_after = 10003,
		.committed_error = 3938, .nr_kinds = VMACCT_BD_KINDS,
		.mms_unread = 1, .superblocks = 4, .inodes = 120,
		.walk_ns = 2500000,
		.pages = { [VMACCT_BD_PRIVATE] = 8000, [VMACCT_BD_SYSV] = 256,
			   [VMACCT_BD_SHARED_ANON] = 512, [VMACCT_BD_TMPFS] = 1000,
			   [VMACCT_BD_MEMFD] = 200, [VMACCT_BD_SYSV_PAGES] = 10,
			   [VMACCT_BD_SHARED_ANON_PAGES] = 5 },
		.objects = { [VMACCT_BD_PRIVATE] = 40, [VMACCT_BD_SYSV] = 1,
			     [VMACCT_BD_SHARED_ANON] = 2, [VMACCT_BD_TMPFS] = 7,
			     [VMACCT_BD_MEMFD] = 1, [VMACCT_BD_SYSV_PAGES] = 1,
			     [VMACCT_BD_SHARED_ANON_PAGES] = 1 },
	};
	struct vmacct_commit c = { .page_size = 4096, .committed = 10000 };
	struct vmacct_version v = { .abi_version = 1 };
	struct prom_top tops = { 10, 2 };
	struct ps_table tab;
	struct membuf m;
	char *out;

	const char *raw_head = "\nKIND PAGES SIZE HOLDERS WHAT\nprivate 8000 32768000 40 ";
	struct bd_view bv = { .raw = false };

	tap_eq_i64(t, bd_remainder(&b), 10000 - 9983, "remainder: Committed_AS minus every kind");
	tap_eq_u64(t, bd_drift(&b), 3, "bound: how far Committed_AS moved during the walk");
	if (mem_open(&m)) {
		bd_print_human(m.f, &b, 4096, &bv);
		out = mem_take(&m);
		tap_eq_fixture(t, env, out, "status-breakdown.txt");
		tap_contains(t, out, "\nremainder                17   68 KiB       - ", "text: the remainder");
		tap_contains(t, out, "remainder bound: 3 pages", "text: its bound");
		tap_contains(t, out, "1 exiting process: ", "text: the exiting process");
		free(out);
	}
	if (mem_open(&m)) {
		bd_print_json(m.f, &b, 4096);
		out = mem_take(&m);
		tap_eq_fixture(t, env, out, "status-breakdown.json");
		check_strict_json(t, out, false, NULL, 0, "status --breakdown --json");
		tap_contains(t, out, "\"remainder_pages\": 17,", "JSON: remainder_pages");
		free(out);
	}
	bv.raw = true;
	bv.bytes = true;
	if (mem_open(&m)) {
		bd_print_human(m.f, &b, 4096, &bv);
		out = mem_take(&m);
		tap_contains(t, out, raw_head, "text -r -b: the table raw, in bytes");
		tap_contains(t, out, "\nremainder bound: 3 pages", "... the lines around it as they were");
		tap_contains(t, out, "\nremainder 17 69632 - ", "... the remainder in bytes");
		free(out);
	}
	bv.noheadings = true;
	if (mem_open(&m)) {
		bd_print_human(m.f, &b, 4096, &bv);
		out = mem_take(&m);
		tap_ok(t, out && strstr(out, raw_head + 30) && !strstr(out, "KIND"),
		       "text -r -n: no heading line");
		free(out);
	}
	bv = (struct bd_view){ .raw = false };
	b.unwalked = VMACCT_BD_NO_SHMEM;
	if (mem_open(&m)) {
		bd_print_human(m.f, &b, 4096, &bv);
		out = mem_take(&m);
		tap_contains(t, out, "files of tmpfs, rootfs and devtmpfs, by page (not walked)",
			     "text: a kind not walked says so");
		free(out);
	}
	b.unwalked = VMACCT_BD_NO_DEVTMPFS;
	if (mem_open(&m)) {
		bd_print_human(m.f, &b, 4096, &bv);
		out = mem_take(&m);
		tap_contains(t, out, "devtmpfs not walked (/dev here is not devtmpfs: a container?)",
			     "text: devtmpfs out of reach says so");
		free(out);
	}
	if (mem_open(&m)) {
		bd_print_json(m.f, &b, 4096);
		out = mem_take(&m);
		tap_contains(t, out, "\"unwalked\": [\n    \"devtmpfs\"\n  ],",
			     "JSON: unwalked names devtmpfs");
		free(out);
	}
	b.unwalked = 0;

	sample(&tab);
	if (mem_open(&m)) {
		prom_print(m.f, &v, &c, NULL, &tab, &tops, NULL, &b);
		out = mem_take(&m);
		tap_contains(t, out, "vmacct_committed_bytes{kind=\"private\"} 32768000\n",
			     "Prometheus: private mappings in bytes");
		tap_contains(t, out, "vmacct_committed_bytes{kind=\"remainder\"} 69632\n",
			     "Prometheus: the remainder, so that the kinds sum to Committed_AS");
		tap_contains(t, out, "vmacct_cgroup_commit_charge_bytes{cgroup=\"/system.slice/nginx.service\"} 4505600\n",
			     "Prometheus: a cgroup's charge");
		tap_contains(t, out, "vmacct_cgroup_max_mappings{cgroup=\"" ES "\"} 60000\n",
			     "Prometheus: a cgroup's largest map_count");
		tap_ok(t, out && !strstr(out, "cgroup=\"/\"}"), "Prometheus: --top-cgroups 2 cuts the rest");
		promtool_check(t, out, "status --prometheus with cgroups and the breakdown");
		free(out);
	}
	if (mem_open(&m)) {
		prom_print(m.f, &v, &c, NULL, &tab, &tops, NULL, NULL);
		out = mem_take(&m);
		tap_contains(t, out, "vmacct_committed_bytes{kind=\"remainder\"} 40960000\n",
			     "Prometheus without the walk: all of Committed_AS as the remainder");
		free(out);
	}
	ps_table_free(&tab);
}

/*
 * Cgroup directories are named by whoever made them (a delegated subtree
 * is an unprivileged user's): every output stays valid for its consumer.
 */
static void test_hostile_paths(struct tap *t)
{
	static const char evil[] = "/user.slice/x\x1b]0;pwned\x07\xff\"q\\\n.scope";
	struct vmacct_commit c = { .page_size = 4096, .committed = 10 };
	struct vmacct_version v = { .abi_version = 1 };
	struct prom_top tops = { 10, 10 };
	struct ps_table tab;
	struct cg_table cg;
	struct membuf m;
	char *out;

	memset(&tab, 0, sizeof(tab));
	add(&tab, 5, "x", evil, 10, 10, 0);
	cg_table_build(&cg, &tab, CG_DEPTH_ALL, PS_SORT_MAPS);
	out = render(&cg, false);
	check_safe_text(t, out, "hostile cgroup path, ps --by cgroup");
	free(out);
	out = render(&cg, true);
	check_strict_json(t, out, false, NULL, 0, "hostile cgroup path, ps --by cgroup --json");
	free(out);
	cg_table_free(&cg);
	if (mem_open(&m)) {
		prom_print(m.f, &v, &c, NULL, &tab, &tops, NULL, NULL);
		out = mem_take(&m);
		check_safe_text(t, out, "hostile cgroup path, status --prometheus");
		promtool_check(t, out, "hostile cgroup path, status --prometheus");
		free(out);
	}
	ps_table_free(&tab);
}

void test_cgroup(struct tap *t, const struct test_env *env)
{
	test_names(t);
	test_filter(t);
	test_proc(t);
	test_groups(t, env);
	test_breakdown(t, env);
	test_hostile_paths(t);
}
