// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests for the vmacct tool: pure logic on fixtures, then the built
 * binary on this machine, which need not have the module.  TAP on
 * stdout, ending with "host: N passed, N failed"; exit 1 on any failure.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "tap.h"

int main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "tool",     required_argument, NULL, 't' },
		{ "fixtures", required_argument, NULL, 'f' },
		{ "fake-ko",  required_argument, NULL, 'k' },
		{ "fake-dev", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	struct test_env env = {
		.tool = "./vmacct",
		.fixtures = "tests/fixtures",
		.fake_ko = "tests/fake-vmacct.ko",
		.fake_dev = NULL,
	};
	struct tap t = { 0, 0, 0, 0 };
	int c;

	while ((c = getopt_long(argc, argv, "t:f:k:d:", longopts, NULL)) != -1) {
		switch (c) {
		case 't': env.tool = optarg; break;
		case 'f': env.fixtures = optarg; break;
		case 'k': env.fake_ko = optarg; break;
		case 'd': env.fake_dev = optarg; break;
		default:
			fprintf(stderr, "usage: %s [--tool PATH] [--fixtures DIR] [--fake-ko PATH] [--fake-dev PATH]\n",
				argv[0]);
			return 2;
		}
	}

	printf("TAP version 13\n");
	test_parse(&t);
	test_kallsyms(&t, &env);
	test_modparam(&t);
	test_escape(&t);
	test_json(&t);
	test_report(&t, &env);
	test_ps(&t, &env);
	test_check(&t, &env);
	test_fork(&t, &env);
	test_trace(&t, &env);
	test_record(&t);
	test_cli(&t, &env);
	test_trace_cli(&t, &env);
	test_log_cli(&t, &env);
	test_explain(&t, &env);
	test_repro(&t);
	test_repro_state(&t, &env);
	test_procfs(&t);
	test_completion(&t, &env);
	test_prom(&t, &env);
	test_hostile(&t, &env);
	test_cgroup(&t, &env);
	test_tables_cli(&t, &env);
	test_hints(&t, &env);
	test_load_checks(&t, &env);
	test_rlimit(&t, &env);
	test_install(&t, &env);
	test_docs(&t, &env);
	printf("1..%u\n", t.n);
	if (t.skipped)
		printf("# %u skipped\n", t.skipped);
	printf("host: %u passed, %u failed\n", t.passed, t.failed);
	return t.failed ? 1 : 0;
}
