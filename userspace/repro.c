// SPDX-License-Identifier: GPL-2.0
/* "vmacct repro" without the device: see repro.h. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "repro.h"

static const char *const repro_names[REPRO_COUNT] = {
	[REPRO_MAP_FILES]	= "map-files",
	[REPRO_MUNMAP_HOLES]	= "munmap-holes",
	[REPRO_MAP_TYPES]	= "map-types",
	[REPRO_BIG_ALLOC]	= "big-alloc",
	[REPRO_FORK]		= "fork",
};

const char *repro_name(enum repro_id id)
{
	return (unsigned int)id < REPRO_COUNT ? repro_names[id] : NULL;
}

int repro_lookup(const char *name)
{
	int i;

	for (i = 0; i < REPRO_COUNT; i++)
		if (!strcmp(name, repro_names[i]))
			return i;
	return -1;
}

int repro_parse_args(int argc, char *argv[], struct repro_opts *o,
		     char *what, size_t len)
{
	static const struct option longopts[] = {
		{ "yes",     no_argument, NULL, 'y' },
		{ "restore", no_argument, NULL, 'R' },
		{ "json",    no_argument, NULL, 'j' },
		{ "full",    no_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help",    no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, id;

	what[0] = '\0';
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "yjfvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'y': o->yes = true; break;
		case 'R': o->restore = true; break;
		case 'j': o->json = true; break;
		case 'f': o->full = true; break;
		case 'v': o->verbose++; break;
		case 'h': o->help = true; return 0;
		default:
			snprintf(what, len, "unknown option '%s'",
				 argv[optind - 1] ? argv[optind - 1] : "?");
			return -1;
		}
	}
	if (o->restore) {
		if (optind < argc)
			snprintf(what, len, "--restore takes no NAME ('%s')", argv[optind]);
		else if (o->full || o->json)
			snprintf(what, len, "--restore takes no other option than --yes and -v");
		return what[0] ? -1 : 0;
	}
	if (optind >= argc) {
		snprintf(what, len, "missing NAME: map-files, munmap-holes, map-types, big-alloc, fork or all");
		return -1;
	}
	if (optind + 1 < argc) {
		snprintf(what, len, "unexpected argument '%s' after NAME", argv[optind + 1]);
		return -1;
	}
	if (!strcmp(argv[optind], "all")) {
		o->which = (1U << REPRO_COUNT) - 1;
		return 0;
	}
	id = repro_lookup(argv[optind]);
	if (id < 0) {
		snprintf(what, len, "unknown reproduction '%s': map-files, munmap-holes, map-types, big-alloc, fork or all",
			 argv[optind]);
		return -1;
	}
	o->which = 1U << id;
	return 0;
}

void repro_hold_for_tests(void)
{
	const char *s = getenv("VMACCT_REPRO_HOLD");
	unsigned int secs = s ? (unsigned int)strtoul(s, NULL, 10) : 0;

	while (secs)
		secs = sleep(secs);
}

/* results */

struct repro_check *repro_add_check(struct repro_result *r)
{
	struct repro_check *c;

	if (r->nr_checks >= REPRO_MAX_CHECKS)
		return NULL;
	c = &r->checks[r->nr_checks++];
	memset(c, 0, sizeof(*c));
	c->agree = true;
	return c;
}

void repro_check_num(struct repro_check *c, const char *key, int64_t v)
{
	if (c->nr_nums >= REPRO_MAX_NUMS)
		return;
	c->nums[c->nr_nums].key = key;
	c->nums[c->nr_nums].value = v;
	c->nr_nums++;
}

void repro_disagree(struct repro_check *c, const char *fmt, ...)
{
	va_list ap;
	size_t len = strlen(c->disagree);

	if (len)
		len += (size_t)snprintf(c->disagree + len, sizeof(c->disagree) - len, "; ");
	va_start(ap, fmt);
	if (len < sizeof(c->disagree))
		vsnprintf(c->disagree + len, sizeof(c->disagree) - len, fmt, ap);
	va_end(ap);
	c->agree = false;
}

bool repro_agrees(const struct repro_result *r)
{
	unsigned int i;

	if (r->failed)
		return false;
	for (i = 0; i < r->nr_checks; i++)
		if (!r->checks[i].informational && !r->checks[i].agree)
			return false;
	return true;
}

void repro_print_intro(FILE *out, const struct repro_result *r)
{
	fprintf(out, "== %s ==\n", repro_name(r->id));
	if (r->intro[0])
		fprintf(out, "%s\n", r->intro);
}

void repro_print_human(FILE *out, const struct repro_result *r)
{
	unsigned int i;

	for (i = 0; i < r->nr_checks; i++) {
		const struct repro_check *c = &r->checks[i];

		fprintf(out, "\n  %s%s\n", c->what,
			c->informational ? "  (contrast)" : "");
		if (c->rule[0])
			fprintf(out, "    rule:        %s\n", c->rule);
		if (c->prediction[0])
			fprintf(out, "    prediction:  %s\n", c->prediction);
		fprintf(out, "    outcome:     %s\n", c->outcome);
		if (c->record[0])
			fprintf(out, "    record:      %s\n", c->record);
		if (c->old_rule[0])
			fprintf(out, "    before 5.2:  %s\n", c->old_rule);
		if (!c->informational)
			fprintf(out, "    %s%s%s\n", c->agree ? "agree" : "DISAGREE",
				c->agree ? "" : ": ", c->agree ? "" : c->disagree);
	}
	if (r->failed)
		fprintf(out, "\n  could not run: %s\n", r->error);
	fputc('\n', out);
	repro_print_summary(out, r);
}

void repro_print_summary(FILE *out, const struct repro_result *r)
{
	unsigned int i;

	if (r->failed) {
		fprintf(out, "%s: FAILED — %s\n", repro_name(r->id), r->error);
		return;
	}
	if (repro_agrees(r)) {
		fprintf(out, "%s: agree — %s\n", repro_name(r->id), r->summary);
		return;
	}
	for (i = 0; i < r->nr_checks; i++)
		if (!r->checks[i].informational && !r->checks[i].agree)
			break;
	fprintf(out, "%s: DISAGREE — %s: %s\n", repro_name(r->id),
		r->checks[i].what, r->checks[i].disagree);
}

void repro_print_json(FILE *out, const struct repro_result *r)
{
	struct json j;
	unsigned int i, k;

	json_init_compact(&j, out);
	json_object_begin(&j, NULL);
	json_string(&j, "name", repro_name(r->id));
	json_bool(&j, "agree", repro_agrees(r));
	if (r->failed)
		json_string(&j, "error", r->error);
	else
		json_null(&j, "error");
	json_string(&j, "summary", r->summary);
	json_array_begin(&j, "checks");
	for (i = 0; i < r->nr_checks; i++) {
		const struct repro_check *c = &r->checks[i];

		json_object_begin(&j, NULL);
		json_string(&j, "what", c->what);
		json_string(&j, "rule", c->rule);
		json_string(&j, "prediction", c->prediction);
		json_string(&j, "outcome", c->outcome);
		json_string(&j, "record", c->record);
		if (c->old_rule[0])
			json_string(&j, "before_5_2", c->old_rule);
		json_bool(&j, "informational", c->informational);
		json_bool(&j, "agree", c->agree);
		if (!c->agree)
			json_string(&j, "disagree", c->disagree);
		json_object_begin(&j, "numbers");
		for (k = 0; k < c->nr_nums; k++)
			json_i64(&j, c->nums[k].key, c->nums[k].value);
		json_object_end(&j);
		json_object_end(&j);
	}
	json_array_end(&j);
	json_object_end(&j);
}
