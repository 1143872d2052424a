// SPDX-License-Identifier: GPL-2.0
/*
 * The fork incident of "vmacct repro" (see repro-cases.h): Redis's
 * "Can't save in background: fork: Cannot allocate memory".  A child with
 * a touched heap forks in mode 0, then in mode 2 with vm.overcommit_ratio
 * at min_ratio - 1 and at min_ratio (VMACCT_IOC_FORK), each fork checked
 * against the prediction and the decisions recorded.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "device.h"
#include "hints.h"
#include "repro-cases.h"
#include "repro-child.h"
#include "repro-trace.h"

#define FORK_HEAP	(200ULL << 20)	/* the forking child's touched heap */

static int child_fork_query(struct repro_ctx *x, pid_t pid,
			    struct vmacct_fork *f)
{
	return vm_dev_fork(x->fd, pid, x->o->verbose, f);
}

/* vm.overcommit_ratio = ratio, then VMACCT_IOC_FORK: 0, -errno, or > 0. */
static int fork_at_ratio(struct repro_ctx *x, pid_t pid, uint64_t ratio,
			 struct vmacct_fork *f)
{
	int err = sysctl_set(&x->book, SYSCTL_OVERCOMMIT_RATIO, ratio);

	return err ? err : child_fork_query(x, pid, f);
}

/* One fork of the child, checked against VMACCT_IOC_FORK and the trace. */
static int fork_check(struct repro_ctx *x, struct child *ch, struct tracer *t,
		      struct repro_result *r, uint32_t mode, const char *setting)
{
	const struct vmacct_event *ev, *denied = NULL;
	struct repro_check *c;
	struct vmacct_fork f;
	struct msg m;
	size_t i, nfork = 0;
	int want, err;

	err = child_fork_query(x, ch->pid, &f);
	if (err) {
		snprintf(r->error, sizeof(r->error), "VMACCT_IOC_FORK: %s", repro_dev_error(err));
		return -1;
	}
	want = f.verdict[mode] ? ENOMEM : 0;
	c = repro_add_check(r);
	snprintf(c->what, sizeof(c->what), "mode %u%s: the child (%" PRIu64 " pages charged in %u VMAs) forks",
		 mode, setting, (uint64_t)f.charge, f.nr_charged);
	if (mode == 0)
		snprintf(c->rule, sizeof(c->rule),
			 "fork() charges every private writable VMA again for the child; mode 0 checks each VMA alone against RAM + swap (largest here %" PRIu64 " of %" PRIu64 " pages)",
			 (uint64_t)f.largest, (uint64_t)f.guess_ceiling);
	else
		snprintf(c->rule, sizeof(c->rule),
			 "mode 2: fork() fails when Committed_AS + the child's charge reaches CommitLimit − reserves: %" PRIu64 " + %" PRIu64 " vs allowed %" PRId64 " = limit %" PRIu64 " − admin %" PRIu64 " − user %" PRIu64,
			 (uint64_t)f.committed, (uint64_t)f.charge, (int64_t)f.allowed,
			 (uint64_t)f.limit, (uint64_t)f.admin_reserve, (uint64_t)f.user_reserve);
	snprintf(c->prediction, sizeof(c->prediction),
		 "VMACCT_IOC_FORK: %s, margin %" PRId64 " pages%s; min_ratio %u",
		 want ? "ENOMEM" : "succeeds", (int64_t)f.margin[mode],
		 f.slop_may_flip && mode == 2 ? " (within the per-CPU error)" : "",
		 f.min_ratio);
	memset(&m, 0, sizeof(m));
	m.op = OP_FORK;
	if (child_do(ch, &m)) {
		snprintf(r->error, sizeof(r->error), "the child died");
		return -1;
	}
	snprintf(c->outcome, sizeof(c->outcome), "fork() %s",
		 m.err ? errno_text(m.err) : "succeeded");
	if (tracer_drain(t)) {
		snprintf(r->error, sizeof(r->error), "trace: %s", t->error);
		return -1;
	}
	for (i = 0; i < t->n; i++) {
		ev = &t->ev[i];
		if (ev->type != VMACCT_EV_DECISION || ev->caller != VMACCT_CALLER_FORK)
			continue;
		nfork++;
		if (ev->verdict && !denied)
			denied = ev;
	}
	if (denied)
		snprintf(c->record, sizeof(c->record),
			 "%zu fork decisions, the last DENIED: %" PRId64 " pages, committed %" PRId64 " ≥ allowed %" PRId64 " (mode %u)",
			 nfork, (int64_t)denied->pages, (int64_t)denied->committed,
			 (int64_t)denied->allowed, denied->mode);
	else
		snprintf(c->record, sizeof(c->record),
			 "%zu fork decisions, all allowed (mode %u)", nfork, mode);
	repro_check_num(c, "mode", mode);
	repro_check_num(c, "errno", m.err);
	repro_check_num(c, "predicted_errno", want);
	repro_check_num(c, "min_ratio", f.min_ratio);
	repro_check_num(c, "decisions", (int64_t)nfork);
	if (m.err != want)
		repro_disagree(c, "predicted %s, fork() gave %s", errno_text(want), errno_text(m.err));
	if (!nfork)
		repro_disagree(c, "the module recorded no fork decision");
	if (!!denied != !!want)
		repro_disagree(c, "the record %s", denied ? "has a denial" : "has no denial");
	if (!want && nfork != f.nr_charged)
		repro_disagree(c, "%zu decisions recorded for %u charged VMAs", nfork, f.nr_charged);
	return 0;
}

void repro_fork(struct repro_ctx *x, struct repro_result *r)
{
	struct child ch = { 0 };
	struct tracer *t = NULL;
	struct vmacct_fork f;
	struct vmacct_eval e;
	struct repro_check *c;
	uint64_t window, ratio = 0;
	int64_t m_pass, m_fail, margin, pad = 0;
	void *padmap = MAP_FAILED;
	size_t padlen = 0;
	char setting[64];
	struct msg m;
	int err, i;

	if (repro_start_traced(x, r, &ch, &t, false, true))
		goto out;
	err = sysctl_set(&x->book, SYSCTL_OVERCOMMIT_MEMORY, 0);
	if (err)
		FAIL(r, "vm.overcommit_memory: %s", strerror(-err));
	memset(&m, 0, sizeof(m));
	m.op = OP_HEAP;
	m.a = FORK_HEAP;
	if (child_do(&ch, &m) || m.err)
		FAIL(r, "the child's heap: %s", errno_text(m.err));
	if (tracer_drain(t))
		FAIL(r, "trace: %s", t->error);

	if (fork_check(x, &ch, t, r, 0, ""))
		goto fail;
	/* what kernels before 5.2 would have said of the largest VMA */
	err = child_fork_query(x, ch.pid, &f);
	if (!err)
		err = vm_dev_eval(x->fd, ch.pid, VMACCT_EVAL_MODE, 0,
				  (int64_t)f.largest, x->o->verbose, &e);
	if (err)
		FAIL(r, "VMACCT_IOC_FORK/EVAL: %s", repro_dev_error(err));
	c = &r->checks[r->nr_checks - 1];
	snprintf(c->old_rule, sizeof(c->old_rule),
		 "the old mode-0 heuristic compared each VMA (largest %" PRIu64 " pages) with free + page cache − shmem + free swap + reclaimable − reserves = %" PRId64 " pages: it would have %s the fork",
		 (uint64_t)f.largest, (int64_t)e.old_free, e.old_verdict ? "refused" : "allowed");

	/*
	 * Mode 2.  One percent of RAM moves CommitLimit by a window of
	 * pages; the fork must miss by more than the per-CPU error at
	 * min_ratio - 1 and pass by more than it at min_ratio.  The tool's
	 * own untouched, charged mapping (the pad) moves Committed_AS into
	 * the middle of a window.
	 */
	err = sysctl_set(&x->book, SYSCTL_OVERCOMMIT_RATIO, x->c.overcommit_ratio > 0 ?
			 (uint64_t)x->c.overcommit_ratio : 50);
	if (!err)
		err = sysctl_set(&x->book, SYSCTL_OVERCOMMIT_MEMORY, 2);
	if (err)
		FAIL(r, "sysctl: %s", strerror(-err));
	window = (x->c.totalram - x->c.hugetlb) / 100;
	for (i = 0; i < 4; i++) {
		err = child_fork_query(x, ch.pid, &f);
		if (err)
			FAIL(r, "VMACCT_IOC_FORK: %s", repro_dev_error(err));
		if (f.min_ratio == UINT32_MAX || f.min_ratio < 2 || f.min_ratio > 100)
			FAIL(r, "min_ratio %u: no ratio from 2 to 100 flips this fork", f.min_ratio);
		ratio = f.min_ratio;
		err = fork_at_ratio(x, ch.pid, ratio, &f);
		if (err)
			FAIL(r, "ratio %" PRIu64 ": %s", ratio, repro_dev_error(err));
		m_pass = f.margin[2];
		err = fork_at_ratio(x, ch.pid, ratio - 1, &f);
		if (err)
			FAIL(r, "ratio %" PRIu64 ": %s", ratio - 1, repro_dev_error(err));
		m_fail = f.margin[2];
		if (m_pass >= (int64_t)f.committed_error + 64 &&
		    -m_fail >= (int64_t)f.committed_error + 64)
			break;
		/* move Committed_AS to the middle of the window (at ratio 100) */
		err = sysctl_set(&x->book, SYSCTL_OVERCOMMIT_RATIO, 100);
		if (err)
			FAIL(r, "ratio 100: %s", strerror(-err));
		margin = (m_pass - (int64_t)window / 2) % (int64_t)window;
		if (margin < 0)
			margin += (int64_t)window;
		pad += margin;
		if (padmap != MAP_FAILED)
			munmap(padmap, padlen);
		padlen = (size_t)pad * x->page;
		padmap = padlen ? mmap(NULL, padlen, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) : MAP_FAILED;
		if (padlen && padmap == MAP_FAILED)
			FAIL(r, "pad of %" PRId64 " pages: %s", pad, strerror(errno));
	}
	if (i == 4)
		FAIL(r, "could not place the fork a per-CPU error away from both sides of min_ratio %" PRIu64, ratio);

	repro_hold_for_tests();
	snprintf(setting, sizeof(setting), ", overcommit_ratio %" PRIu64 " = min_ratio − 1", ratio - 1);
	if (fork_check(x, &ch, t, r, 2, setting))
		goto fail;
	err = sysctl_set(&x->book, SYSCTL_OVERCOMMIT_RATIO, ratio);
	if (err)
		FAIL(r, "ratio: %s", strerror(-err));
	snprintf(setting, sizeof(setting), ", overcommit_ratio %" PRIu64 " = min_ratio", ratio);
	if (fork_check(x, &ch, t, r, 2, setting))
		goto fail;
	snprintf(r->summary, sizeof(r->summary),
		 "fork of a %llu MiB heap: mode 0 ok; mode 2 ENOMEM at ratio %" PRIu64 ", ok at min_ratio %" PRIu64,
		 FORK_HEAP >> 20, ratio - 1, ratio);
	goto out;
fail:
	r->failed = true;
out:
	/* leave mode 2 before anything else has to fork */
	sysctl_restore(&x->book);
	if (padmap != MAP_FAILED)
		munmap(padmap, padlen);
	repro_stop_traced(&ch, t);
}
