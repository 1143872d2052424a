// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests: "vmacct repro" without the device -- its arguments, the
 * sysctl bookkeeping on a temporary directory standing in for
 * /proc/sys/vm, and the rendering of hand-made results.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "repro.h"
#include "repro-sysctl.h"
#include "tap.h"

static int parse(struct repro_opts *o, char *what, size_t len, ...)
{
	char *argv[8];
	int argc = 0;
	va_list ap;
	char *a;

	memset(o, 0, sizeof(*o));
	va_start(ap, len);
	argv[argc++] = "vmacct repro";
	while ((a = va_arg(ap, char *)) && argc < 7)
		argv[argc++] = a;
	va_end(ap);
	argv[argc] = NULL;
	return repro_parse_args(argc, argv, o, what, len);
}

static void test_args(struct tap *t)
{
	struct repro_opts o;
	char what[200];

	tap_ok(t, parse(&o, what, sizeof(what), "fork", NULL) == 0 &&
	       o.which == 1U << REPRO_FORK && !o.yes && !o.json,
	       "repro args: fork");
	tap_ok(t, parse(&o, what, sizeof(what), "--yes", "--json", "all", NULL) == 0 &&
	       o.which == (1U << REPRO_COUNT) - 1 && o.yes && o.json,
	       "repro args: --yes --json all");
	tap_ok(t, parse(&o, what, sizeof(what), "map-files", "--full", NULL) == 0 &&
	       o.full && o.which == 1U << REPRO_MAP_FILES,
	       "repro args: options after NAME");
	tap_ok(t, parse(&o, what, sizeof(what), NULL) == -1 &&
	       strstr(what, "missing NAME"), "repro args: NAME is required");
	tap_ok(t, parse(&o, what, sizeof(what), "oom", NULL) == -1 &&
	       strstr(what, "unknown reproduction 'oom'"), "repro args: unknown NAME");
	tap_ok(t, parse(&o, what, sizeof(what), "fork", "all", NULL) == -1,
	       "repro args: one NAME only");
	tap_ok(t, parse(&o, what, sizeof(what), "--bogus", "fork", NULL) == -1 &&
	       strstr(what, "unknown option"), "repro args: unknown option");
	tap_eq_str(t, repro_name(REPRO_MUNMAP_HOLES), "munmap-holes", "repro names");
	tap_ok(t, repro_lookup("big-alloc") == REPRO_BIG_ALLOC && repro_lookup("x") == -1,
	       "repro lookup");
}


static void test_sysctls(struct tap *t)
{
	char dir[] = "/tmp/vmacct-repro-test-XXXXXX", buf[32], cmd[600];
	struct sysctl_book *b = malloc(sizeof(*b));
	uint64_t v = 0;

	if (!b || !mkdtemp(dir)) {
		tap_skip(t, "no temporary directory", "sysctl bookkeeping");
		free(b);
		return;
	}
	test_put_file(dir, "overcommit_memory", "0\n");
	test_put_file(dir, "overcommit_ratio", "50\n");
	test_put_file(dir, "overcommit_kbytes", "0\n");
	test_put_file(dir, "max_map_count", "65530\n");
	sysctl_book_init(b, dir);
	tap_ok(t, sysctl_read_u64(b, SYSCTL_MAX_MAP_COUNT, &v) == 0 && v == 65530,
	       "sysctl: read");
	tap_ok(t, sysctl_set(b, SYSCTL_MAX_MAP_COUNT, 1044) == 0 &&
	       !strcmp(test_get_line(dir, "max_map_count", buf, sizeof(buf)), "1044"),
	       "sysctl: set writes the value");
	sysctl_set(b, SYSCTL_MAX_MAP_COUNT, 2000);
	sysctl_set(b, SYSCTL_OVERCOMMIT_MEMORY, 2);
	sysctl_set(b, SYSCTL_OVERCOMMIT_RATIO, 21);
	tap_ok(t, b->have_saved[SYSCTL_OVERCOMMIT_KBYTES],
	       "sysctl: writing the ratio saves kbytes too (the kernel zeroes it)");
	test_put_file(dir, "overcommit_kbytes", "0\n");	/* what the kernel does */
	tap_ok(t, sysctl_restore(b) == 0, "sysctl: restore");
	tap_eq_str(t, test_get_line(dir, "max_map_count", buf, sizeof(buf)), "65530",
		   "sysctl: max_map_count is the first saved value, not a later one");
	tap_eq_str(t, test_get_line(dir, "overcommit_memory", buf, sizeof(buf)), "0",
		   "sysctl: overcommit_memory restored");
	tap_eq_str(t, test_get_line(dir, "overcommit_ratio", buf, sizeof(buf)), "50",
		   "sysctl: overcommit_ratio restored");
	tap_ok(t, b->restore_order[0] == SYSCTL_OVERCOMMIT_MEMORY &&
	       b->restore_order[3] == SYSCTL_OVERCOMMIT_RATIO &&
	       b->restore_order[4] == -1,
	       "sysctl: mode first (leave mode 2 at once), ratio last");
	tap_ok(t, sysctl_restore(b) == 0 && b->restore_order[0] == -1,
	       "sysctl: a second restore writes nothing");

	/* a host that runs on overcommit_kbytes: ratio 0, so kbytes goes last */
	test_put_file(dir, "overcommit_ratio", "0\n");
	test_put_file(dir, "overcommit_kbytes", "1048576\n");
	sysctl_set(b, SYSCTL_OVERCOMMIT_RATIO, 30);
	sysctl_restore(b);
	tap_ok(t, b->restore_order[0] == SYSCTL_OVERCOMMIT_RATIO &&
	       b->restore_order[1] == SYSCTL_OVERCOMMIT_KBYTES &&
	       !strcmp(test_get_line(dir, "overcommit_kbytes", buf, sizeof(buf)), "1048576"),
	       "sysctl: a non-zero overcommit_kbytes is written last");
	tap_ok(t, sysctl_set(b, SYSCTL_OVERCOMMIT_MEMORY, 1) == 0 && b->have_saved[0],
	       "sysctl: set after restore saves again");
	sysctl_restore(b);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		tap_diag("could not remove %s", dir);
	free(b);
}

static void test_render(struct tap *t)
{
	struct repro_result *r = calloc(1, sizeof(*r));
	struct repro_check *c;
	struct membuf m;
	FILE *f;
	char *s;

	if (!r)
		return;
	r->id = REPRO_MUNMAP_HOLES;
	snprintf(r->summary, sizeof(r->summary), "munmap ENOMEM after 1000 holes, at map_count 1044 = max");
	c = repro_add_check(r);
	snprintf(c->what, sizeof(c->what), "munmap every other page");
	snprintf(c->prediction, sizeof(c->prediction), "1000 holes");
	snprintf(c->outcome, sizeof(c->outcome), "1000 munmaps succeeded");
	snprintf(c->record, sizeof(c->record), "munmap: ENOMEM: map_count 1044 ≥ max 1044");
	repro_check_num(c, "enomem_map_count", 1044);
	c = repro_add_check(r);
	c->informational = true;
	c->agree = false;	/* a contrast never counts */
	snprintf(c->what, sizeof(c->what), "glibc");
	snprintf(c->outcome, sizeof(c->outcome), "merged");

	tap_ok(t, repro_agrees(r), "render: a contrast does not count for agreement");
	f = mem_open(&m);
	repro_print_summary(f, r);
	s = mem_take(&m);
	tap_eq_str(t, s, "munmap-holes: agree — munmap ENOMEM after 1000 holes, at map_count 1044 = max\n",
		   "render: summary line");
	free(s);

	f = mem_open(&m);
	repro_print_human(f, r);
	s = mem_take(&m);
	tap_contains(t, s, "    prediction:  1000 holes\n    outcome:     1000 munmaps succeeded\n    record:      munmap: ENOMEM",
		     "render: prediction, outcome and record side by side");
	tap_contains(t, s, "glibc  (contrast)", "render: the contrast is labelled");
	free(s);

	f = mem_open(&m);
	repro_print_json(f, r);
	s = mem_take(&m);
	tap_starts_with(t, s, "{\"name\":\"munmap-holes\",\"agree\":true,\"error\":null,",
			"render: JSON begins with name and agree");
	tap_contains(t, s, "\"numbers\":{\"enomem_map_count\":1044}", "render: JSON numbers");
	tap_ok(t, s && s[strlen(s) - 1] == '\n' && !strchr(s, '\n')[1], "render: JSON is one line");
	free(s);

	r->checks[0].agree = false;
	snprintf(r->checks[0].disagree, sizeof(r->checks[0].disagree), "predicted 1000 holes, 999 succeeded");
	f = mem_open(&m);
	repro_print_summary(f, r);
	s = mem_take(&m);
	tap_eq_str(t, s, "munmap-holes: DISAGREE — munmap every other page: predicted 1000 holes, 999 succeeded\n",
		   "render: a disagreement says where");
	free(s);

	c = repro_add_check(r);
	repro_disagree(c, "outcome: %s, not ENOMEM", "success");
	repro_disagree(c, "predicted %d maps, %d succeeded", 1000, 998);
	tap_ok(t, !c->agree, "render: repro_disagree marks the check");
	tap_eq_str(t, c->disagree, "outcome: success, not ENOMEM; predicted 1000 maps, 998 succeeded",
		   "render: repro_disagree joins its reasons with '; '");
	free(r);
}

void test_repro(struct tap *t)
{
	test_args(t);
	test_sysctls(t);
	test_render(t);
}
