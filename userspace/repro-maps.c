// SPDX-License-Identifier: GPL-2.0
/*
 * The vm.max_map_count incidents of "vmacct repro" (see repro-cases.h):
 * map-files, a child mapping one-page tmpfs files until mmap() fails,
 * against small mallocs that do not add VMAs; and munmap-holes, munmap()
 * failing with ENOMEM when a hole splits a VMA, after glibc's own way of
 * making holes.  Each lowers vm.max_map_count to MAP_HEADROOM above the
 * child's count, so that the limit is reached in seconds.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "device.h"
#include "hints.h"
#include "repro-cases.h"
#include "repro-child.h"
#include "repro-trace.h"

#define MAP_HEADROOM	1000		/* maps allowed by default */

/* The child's VMA count and headrooms. */
static int child_mm(struct repro_ctx *x, pid_t pid, struct vmacct_mm *mm)
{
	return vm_dev_mm(x->fd, pid, VMACCT_MM_COUNTS_ONLY, x->o->verbose, mm);
}

/*
 * What map-files and munmap-holes share: a child repeated one operation
 * until it failed (m->n successes, then m->err at m->map_count).  Fill in
 * the outcome and the module's record of that failure, and compare both
 * with the prediction: as many successes as the headroom said, ENOMEM,
 * at max + over VMAs, recorded with the same numbers.  t holds what the
 * child's run left in the stream.
 */
struct limit_run {
	const char *ops;	/* "maps": what succeeded, plural */
	const char *predicted;	/* the key of the prediction: "predicted_maps" */
	const char *call;	/* "mmap": the system call of the record */
	__u32 sys;		/* its VMACCT_SYS_* */
	const char *cmp;	/* how that call compares: ">" or "≥" */
	int over;		/* map_count at failure: max + over */
	const char *at;		/* ... in words: "max + 1" */
};

static const struct limit_run map_files_run = {
	.ops = "maps", .predicted = "predicted_maps", .call = "mmap", .sys = VMACCT_SYS_MMAP, .cmp = ">",
	.over = 1, .at = "max + 1",
};

static const struct limit_run munmap_holes_run = {
	.ops = "holes", .predicted = "predicted_holes", .call = "munmap", .sys = VMACCT_SYS_MUNMAP, .cmp = "≥",
	.over = 0, .at = "max",
};

static void compare_limit_run(struct repro_check *c, const struct tracer *t,
			      const struct vmacct_mm *mm, const struct msg *m,
			      const struct limit_run *lr)
{
	int predicted = lr->over ? mm->headroom_mmap : mm->headroom_munmap;
	int64_t fail_at = (int64_t)mm->max_map_count + lr->over;
	const struct vmacct_event *ev;

	snprintf(c->outcome, sizeof(c->outcome),
		 "%" PRId64 " %s succeeded, the next failed with %s, at map_count %" PRId64,
		 m->n, lr->ops, errno_text(m->err), m->map_count);
	ev = tracer_find_map_count(t, lr->sys);
	if (ev)
		snprintf(c->record, sizeof(c->record),
			 "%s: ENOMEM: map_count %u %s max %u (max_map_count)",
			 lr->call, ev->map_count, lr->cmp, ev->max_map_count);
	else
		snprintf(c->record, sizeof(c->record), "no map-count failure recorded");
	repro_check_num(c, "max_map_count", mm->max_map_count);
	repro_check_num(c, lr->predicted, predicted);
	repro_check_num(c, lr->ops, m->n);
	repro_check_num(c, "enomem_map_count", m->err == ENOMEM ? m->map_count : -1);
	repro_check_num(c, "record_map_count", ev ? (int64_t)ev->map_count : -1);
	if (m->err != ENOMEM)
		repro_disagree(c, "outcome: %s, not ENOMEM", errno_text(m->err));
	if (m->n != predicted)
		repro_disagree(c, "predicted %d %s, %" PRId64 " succeeded", predicted,
			 lr->ops, m->n);
	if (m->map_count != fail_at)
		repro_disagree(c, "map_count at failure %" PRId64 ", not %s = %" PRId64,
			 m->map_count, lr->at, fail_at);
	if (!ev)
		repro_disagree(c, "the module recorded no map-count failure");
	else if (ev->map_count != m->map_count || ev->max_map_count != mm->max_map_count)
		repro_disagree(c, "record says map_count %u max %u", ev->map_count, ev->max_map_count);
}

/*
 * The start of map-files and munmap-holes: a child with its map-count
 * failures traced (*t allocated here); a vm.max_map_count MAP_HEADROOM
 * above its count (65530 with --full); and the module's view of the
 * child under that limit in @mm.  0, or -1 with @r failed and its error
 * set.
 */
static int start_near_limit(struct repro_ctx *x, struct repro_result *r,
			    struct child *ch, struct tracer **t,
			    struct vmacct_mm *mm, uint64_t *max)
{
	int err;

	if (repro_start_traced(x, r, ch, t, true, false))
		goto out;
	err = child_mm(x, ch->pid, mm);
	if (err)
		FAIL(r, "VMACCT_IOC_MM: %s", repro_dev_error(err));
	*max = x->o->full ? 65530 : mm->map_count + MAP_HEADROOM;
	err = sysctl_set(&x->book, SYSCTL_MAX_MAP_COUNT, *max);
	if (err)
		FAIL(r, "vm.max_map_count: %s", strerror(-err));
	err = child_mm(x, ch->pid, mm);
	if (err)
		FAIL(r, "VMACCT_IOC_MM: %s", repro_dev_error(err));
	repro_hold_for_tests();
	return 0;
out:
	return -1;
}

void repro_map_files(struct repro_ctx *x, struct repro_result *r)
{
	struct child ch = { 0 };
	struct tracer *t = NULL;
	struct repro_check *c;
	struct vmacct_mm mm;
	struct msg m;
	uint64_t max;
	int64_t tries;

	if (start_near_limit(x, r, &ch, &t, &mm, &max))
		goto out;

	c = repro_add_check(r);
	snprintf(c->what, sizeof(c->what),
		 "mmap one-page files from /dev/shm (tmpfs), one VMA each, until it fails");
	snprintf(c->rule, sizeof(c->rule),
		 "mmap() refuses a new VMA once map_count > vm.max_map_count (do_mmap checks '>'), so a process holds at most max + 1 VMAs; the error is ENOMEM although memory is free");
	snprintf(c->prediction, sizeof(c->prediction),
		 "VMACCT_IOC_MM: map_count %u, max %u, headroom_mmap %d: %d more maps, then ENOMEM at map_count %u = max + 1",
		 mm.map_count, mm.max_map_count, mm.headroom_mmap,
		 mm.headroom_mmap, mm.max_map_count + 1);
	tries = mm.headroom_mmap + 10;
	memset(&m, 0, sizeof(m));
	m.op = OP_MAP_FILES;
	m.a = tries;
	if (child_do(&ch, &m))
		FAIL(r, "the child died");
	if (tracer_drain(t))
		FAIL(r, "trace: %s", t->error);
	compare_limit_run(c, t, &mm, &m, &map_files_run);
	snprintf(r->summary, sizeof(r->summary),
		 "ENOMEM at map_count %" PRId64 " = max + 1 (max %u)", m.map_count,
		 mm.max_map_count);

	/* the contrast: the same bytes from malloc */
	tries = m.n;
	m.op = OP_UNMAP_FILES;
	if (child_do(&ch, &m))
		FAIL(r, "the child died");
	c = repro_add_check(r);
	snprintf(c->what, sizeof(c->what),
		 "malloc() the same total, %" PRId64 " × 4 KiB, with the same max_map_count",
		 tries);
	snprintf(c->rule, sizeof(c->rule),
		 "small mallocs come from the brk heap: one VMA that grows, so the count does not rise with the number of allocations");
	snprintf(c->prediction, sizeof(c->prediction),
		 "all %" PRId64 " succeed; map_count (now %" PRId64 ") stays ≤ max %u",
		 tries, m.map_count, mm.max_map_count);
	m.op = OP_MALLOC_SMALL;
	m.a = tries;
	m.b = 4096;
	if (child_do(&ch, &m))
		FAIL(r, "the child died");
	snprintf(c->outcome, sizeof(c->outcome),
		 "%" PRId64 " of %" PRId64 " succeeded; map_count %" PRId64, m.n, tries,
		 m.map_count);
	if (tracer_drain(t))
		FAIL(r, "trace: %s", t->error);
	snprintf(c->record, sizeof(c->record), "%s",
		 t->n ? "a map-count failure was recorded" : "no map-count failure recorded");
	repro_check_num(c, "mallocs", m.n);
	repro_check_num(c, "map_count", m.map_count);
	if (m.n != tries || m.err)
		repro_disagree(c, "only %" PRId64 " mallocs succeeded", m.n);
	if (m.map_count > (int64_t)mm.max_map_count)
		repro_disagree(c, "map_count %" PRId64 " above max", m.map_count);
	if (t->n)
		repro_disagree(c, "the module recorded a map-count failure");
out:
	repro_stop_traced(&ch, t);
}

void repro_munmap_holes(struct repro_ctx *x, struct repro_result *r)
{
	struct child ch = { 0 };
	struct tracer *t = NULL;
	struct repro_check *c;
	struct vmacct_mm mm;
	struct msg m;
	uint64_t max;
	int64_t before;
	int err;

	/* the glibc contrast first, with the limit untouched */
	err = child_start(x->fd, &ch);
	if (err)
		FAIL(r, "fork: %s", strerror(-err));
	memset(&m, 0, sizeof(m));
	m.op = OP_UNMAP_FILES;	/* nothing to unmap: just the count */
	if (child_do(&ch, &m))
		FAIL(r, "the child died");
	before = m.map_count;
	m.op = OP_MALLOC_BIG;
	m.a = 64;
	if (child_do(&ch, &m))
		FAIL(r, "the child died");
	child_stop(&ch);
	c = repro_add_check(r);
	c->informational = true;
	snprintf(c->what, sizeof(c->what),
		 "glibc: 64 × malloc(129 KiB), then free() every other one");
	snprintf(c->rule, sizeof(c->rule),
		 "above the 128 KiB mmap threshold each malloc is its own mmap; adjacent anonymous mappings with the same flags merge into one VMA, and free() is munmap: freeing a chunk inside a merged VMA is a hole, +1 VMA");
	snprintf(c->outcome, sizeof(c->outcome),
		 "map_count %" PRId64 " → %" PRId64 " after the mallocs (%s), → %" PRId64 " after %" PRId64 " frees (%+" PRId64 ": %s)",
		 before, m.b,
		 m.b - before >= m.n ? "one VMA each: no merging" :
		 m.b - before <= 1 ? "they merged into one VMA" : "partly merged",
		 m.c, m.n / 2, m.c - m.b,
		 m.c - m.b >= m.n / 2 ? "each free punched a hole, +1 VMA each" :
		 m.c - m.b >= m.n / 2 - 1 && m.c > m.b ?
		 "each free inside the merged VMA punched a hole, +1 VMA; a chunk at its edge only shrinks it" :
		 m.c == m.b ? "no holes: the chunks did not come from mmap" :
		 "some frees punched holes");
	repro_check_num(c, "map_count_before", before);
	repro_check_num(c, "map_count_after_malloc", m.b);
	repro_check_num(c, "map_count_after_free", m.c);

	if (start_near_limit(x, r, &ch, &t, &mm, &max))
		goto out;
	memset(&m, 0, sizeof(m));
	m.op = OP_REGION;
	m.a = 2 * (int64_t)(max - mm.map_count) + 16;
	if (child_do(&ch, &m) || m.err)
		FAIL(r, "mmap of %" PRId64 " pages: %s", m.a, errno_text(m.err));
	err = child_mm(x, ch.pid, &mm);
	if (err)
		FAIL(r, "VMACCT_IOC_MM: %s", repro_dev_error(err));

	c = repro_add_check(r);
	snprintf(c->what, sizeof(c->what),
		 "one private mapping of %" PRId64 " pages (one VMA), then munmap every other page",
		 m.a);
	snprintf(c->rule, sizeof(c->rule),
		 "munmap of a page inside a VMA leaves two VMAs where there was one: it needs one more VMA, and fails with ENOMEM once map_count ≥ vm.max_map_count");
	snprintf(c->prediction, sizeof(c->prediction),
		 "VMACCT_IOC_MM: map_count %u, max %u, headroom_munmap %d: %d holes, then ENOMEM at map_count %u = max",
		 mm.map_count, mm.max_map_count, mm.headroom_munmap,
		 mm.headroom_munmap, mm.max_map_count);
	m.op = OP_HOLES;
	if (child_do(&ch, &m))
		FAIL(r, "the child died");
	if (tracer_drain(t))
		FAIL(r, "trace: %s", t->error);
	compare_limit_run(c, t, &mm, &m, &munmap_holes_run);
	snprintf(r->summary, sizeof(r->summary),
		 "munmap ENOMEM after %" PRId64 " holes, at map_count %" PRId64 " = max",
		 m.n, m.map_count);
out:
	repro_stop_traced(&ch, t);
}
