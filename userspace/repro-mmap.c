// SPDX-License-Identifier: GPL-2.0
/*
 * The incidents of "vmacct repro" about what mmap() is charged (see
 * repro-cases.h): map-types, a sparse tmpfs file larger than RAM + swap
 * mapped four ways and the same size anonymously, in each overcommit
 * mode; and big-alloc, one anonymous mapping larger than RAM + swap (1 TiB
 * with --full) in each mode, with what kernels before 5.2 would have
 * said.  Only a few pages of each mapping are touched.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "device.h"
#include "hints.h"
#include "parse.h"
#include "repro-cases.h"
#include "repro-child.h"
#include "repro-trace.h"
#include "verdict.h"

#define GIB		(1ULL << 30)

static const char *const kind_names[KIND_COUNT] = {
	"MAP_PRIVATE file", "MAP_PRIVATE|MAP_NORESERVE file",
	"MAP_SHARED file", "MAP_PRIVATE|MAP_ANONYMOUS",
};

/* A size larger than RAM + swap: whole GiB, at least 1 GiB more. */
static uint64_t beyond_ram_swap(const struct repro_ctx *x)
{
	uint64_t b = x->c.guess_ceiling * x->page + GIB;

	return (b + GIB - 1) / GIB * GIB;
}

/*
 * One mmap of len bytes of kind in mode, in the child: the prediction
 * (the rule, and VMACCT_IOC_EVAL where the kernel charges), the outcome
 * with the Committed_AS delta, and the decision recorded.
 */
static int mmap_check(struct repro_ctx *x, struct child *ch, struct tracer *t,
		      struct repro_result *r, uint32_t mode, int kind,
		      uint64_t len, bool old)
{
	int64_t pages = (int64_t)(len / x->page);
	bool charged = kind == KIND_PRIVATE || kind == KIND_ANON ||
		       (kind == KIND_NORESERVE && mode == 2);
	const struct vmacct_event *ev;
	struct repro_check *c;
	struct vmacct_eval e;
	struct msg m;
	char size[SIZE_STR_MAX], margin[24];
	int want_err = 0, err;

	err = sysctl_set(&x->book, SYSCTL_OVERCOMMIT_MEMORY, mode);
	if (err) {
		snprintf(r->error, sizeof(r->error), "vm.overcommit_memory: %s", strerror(-err));
		return -1;
	}
	err = vm_dev_eval(x->fd, ch->pid, VMACCT_EVAL_MODE, mode, pages,
			  x->o->verbose, &e);
	if (err) {
		snprintf(r->error, sizeof(r->error), "VMACCT_IOC_EVAL: %s", repro_dev_error(err));
		return -1;
	}
	format_size(len, size, sizeof(size));
	c = repro_add_check(r);
	if (!c)
		return 0;
	snprintf(c->what, sizeof(c->what), "mode %u: mmap %s of %s (RAM + swap is %" PRIu64 " pages)",
		 mode, kind_names[kind], size, (uint64_t)e.guess_ceiling);
	if (kind == KIND_SHARED)
		snprintf(c->rule, sizeof(c->rule),
			 "a shared mapping is never charged (the file's pages are the file's, charged per page as a tmpfs file is written): no __vm_enough_memory() call");
	else if (kind == KIND_NORESERVE && mode != 2)
		snprintf(c->rule, sizeof(c->rule),
			 "MAP_NORESERVE in mode %u: not charged, no check at all", mode);
	else if (mode == 0)
		snprintf(c->rule, sizeof(c->rule),
			 "private writable%s is charged; mode 0 refuses one request larger than RAM + swap",
			 kind == KIND_NORESERVE ? " (MAP_NORESERVE is ignored in mode 2 only)" : "");
	else if (mode == 1)
		snprintf(c->rule, sizeof(c->rule),
			 "private writable is charged; mode 1 never refuses");
	else
		snprintf(c->rule, sizeof(c->rule),
			 "private writable%s is charged; mode 2 refuses when Committed_AS after the charge ≥ CommitLimit − reserves",
			 kind == KIND_NORESERVE ? " (mode 2 ignores MAP_NORESERVE)" : "");
	if (charged) {
		want_err = e.verdict ? ENOMEM : 0;
		if (margin_unlimited(e.margin))
			snprintf(margin, sizeof(margin), "unlimited");
		else
			snprintf(margin, sizeof(margin), "%" PRId64,
				 (int64_t)e.margin);
		snprintf(c->prediction, sizeof(c->prediction),
			 "VMACCT_IOC_EVAL: %" PRId64 " pages %s (margin %s); charge %s",
			 pages, e.verdict ? "DENIED" : "allowed", margin,
			 e.verdict ? "none" : "the full size");
	} else {
		snprintf(c->prediction, sizeof(c->prediction),
			 "succeeds, charges only the few pages touched");
	}
	if (old && mode == 0)
		snprintf(c->old_rule, sizeof(c->old_rule),
			 "the old heuristic (free + page cache − shmem + free swap + reclaimable − reserves = %" PRId64 " pages) would have %s it — not what this kernel does",
			 (int64_t)e.old_free, e.old_verdict ? "refused" : "allowed");
	memset(&m, 0, sizeof(m));
	m.op = OP_MMAP;
	m.a = (int64_t)len;
	m.b = kind;
	if (child_do(ch, &m)) {
		snprintf(r->error, sizeof(r->error), "the child died");
		return -1;
	}
	snprintf(c->outcome, sizeof(c->outcome), "%s; Committed_AS %+" PRId64 " pages while mapped",
		 m.err ? errno_text(m.err) : "mapped", m.c);
	if (tracer_drain(t)) {
		snprintf(r->error, sizeof(r->error), "trace: %s", t->error);
		return -1;
	}
	ev = tracer_find_decision(t, VMACCT_CALLER_MMAP, pages);
	if (ev)
		snprintf(c->record, sizeof(c->record),
			 "mmap: %" PRId64 " pages %s (mode %u)%s", (int64_t)ev->pages,
			 ev->verdict ? "DENIED" : "allowed", ev->mode,
			 ev->mode == 2 ? " — committed vs allowed" : "");
	else
		snprintf(c->record, sizeof(c->record), "no decision of %" PRId64 " pages recorded", pages);
	repro_check_num(c, "mode", mode);
	repro_check_num(c, "pages", pages);
	repro_check_num(c, "errno", m.err);
	repro_check_num(c, "committed_delta", m.c);
	if (m.err != want_err)
		repro_disagree(c, "predicted %s, mmap gave %s", errno_text(want_err), errno_text(m.err));
	if (charged && !ev)
		repro_disagree(c, "the module recorded no decision for it");
	if (!charged && ev)
		repro_disagree(c, "the module recorded a decision for an uncharged mapping");
	if (ev && (ev->verdict != 0) != (want_err != 0))
		repro_disagree(c, "record verdict %d", ev->verdict);
	/* what it charged while mapped: the whole size, or a few pages */
	if (!m.err) {
		int64_t want = charged ? pages : 0;

		if (m.c < want - 1024 || m.c > want + 1024)
			repro_disagree(c, "Committed_AS moved %+" PRId64 " pages, expected about %+" PRId64,
				 m.c, want);
	}
	return 0;
}

void repro_map_types(struct repro_ctx *x, struct repro_result *r)
{
	struct child ch = { 0 };
	struct tracer *t = NULL;
	uint64_t len = beyond_ram_swap(x);
	unsigned int mode, i;
	struct msg m;
	int kind;
	size_t len_s;

	if (repro_start_traced(x, r, &ch, &t, false, true))
		goto out;
	memset(&m, 0, sizeof(m));
	m.op = OP_BIGFILE;
	m.a = (int64_t)len;
	if (child_do(&ch, &m) || m.err)
		FAIL(r, "sparse file in /dev/shm: %s", errno_text(m.err));
	for (mode = 0; mode <= 2; mode++)
		for (kind = 0; kind < KIND_COUNT; kind++)
			if (mmap_check(x, &ch, t, r, mode, kind, len, false)) {
				r->failed = true;
				goto out;
			}
	/* "ENOMEM: mode 0 private, anon; mode 1 none; mode 2 ..." */
	len_s = (size_t)snprintf(r->summary, sizeof(r->summary), "ENOMEM:");
	for (mode = 0; mode <= 2 && len_s < sizeof(r->summary); mode++) {
		int nfail = 0;

		len_s += (size_t)snprintf(r->summary + len_s, sizeof(r->summary) - len_s,
					  "%s mode %u", mode ? ";" : "", mode);
		for (i = 0; i < r->nr_checks && len_s < sizeof(r->summary); i++) {
			const struct repro_check *c = &r->checks[i];

			if (c->nums[0].value != mode || !c->nums[2].value)
				continue;
			len_s += (size_t)snprintf(r->summary + len_s,
						  sizeof(r->summary) - len_s, "%s %s",
						  nfail++ ? "," : "",
						  kind_names[i % KIND_COUNT]);
		}
		if (!nfail && len_s < sizeof(r->summary))
			len_s += (size_t)snprintf(r->summary + len_s,
						  sizeof(r->summary) - len_s, " none");
	}
out:
	sysctl_restore(&x->book);
	repro_stop_traced(&ch, t);
}

void repro_big_alloc(struct repro_ctx *x, struct repro_result *r)
{
	struct child ch = { 0 };
	struct tracer *t = NULL;
	uint64_t len = x->o->full ? 1024 * GIB : beyond_ram_swap(x);
	unsigned int mode;
	char size[SIZE_STR_MAX];

	if (repro_start_traced(x, r, &ch, &t, false, true))
		goto out;
	for (mode = 0; mode <= 2; mode++)
		if (mmap_check(x, &ch, t, r, mode, KIND_ANON, len, true)) {
			r->failed = true;
			goto out;
		}
	format_size(len, size, sizeof(size));
	snprintf(r->summary, sizeof(r->summary),
		 "mmap of %s: mode 0 %s, mode 1 %s, mode 2 %s", size,
		 r->checks[0].nums[2].value ? "ENOMEM" : "ok",
		 r->checks[1].nums[2].value ? "ENOMEM" : "ok",
		 r->checks[2].nums[2].value ? "ENOMEM" : "ok");
out:
	sysctl_restore(&x->book);
	repro_stop_traced(&ch, t);
}
