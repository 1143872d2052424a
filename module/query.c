// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct: the model applied to a process.  Each query takes the numbers
 * of one process from mm.c, the global terms from commit.c and the
 * map-count rules from rules.c, and answers in the UAPI record the
 * device returns: VMACCT_IOC_MM (counts and headrooms), VMACCT_IOC_EVAL
 * (a dry run of __vm_enough_memory(); nothing is charged) and
 * VMACCT_IOC_FORK (what fork() would charge, and its verdict per mode).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/minmax.h>
#include <linux/mman.h>
#include <linux/sched.h>

#include "commit.h"
#include "compat.h"
#include "mm.h"
#include "query.h"
#include "rules.h"
#include "syms.h"
#include "vmacct.h"

/* What this module and the kernel under it are. */
void vmacct_query_version(struct vmacct_version *v)
{
	v->abi_version = VMACCT_ABI_VERSION;
	v->module_version = (VMACCT_VERSION_MAJOR << 16) |
			    (VMACCT_VERSION_MINOR << 8) | VMACCT_VERSION_PATCH;
	v->kernel_version = vmacct_kernel_version();
	v->algorithm = VMACCT_ALGO_V5_2;
	v->commit_size = sizeof(struct vmacct_commit);
}

/*
 * VMAs that may be added before a check of @check fails (rules.c), in the
 * s32 of the record: with vm.max_map_count at INT_MAX, max + 1 - map_count
 * is clamped rather than wrapped.
 */
static s32 vmacct_headroom(enum vmacct_check check, int max, u32 map_count,
			   unsigned long mremap_flags)
{
	long room = vmacct_rule_first(check, max, mremap_flags) -
		    (long)map_count;

	return clamp_t(long, room, S32_MIN, S32_MAX);
}

/**
 * vmacct_query_mm - one process's VMA counts, headrooms and charge
 * @m: @m->pid and @m->flags in (0 = the caller; VMACCT_MM_COUNTS_ONLY
 *	skips the walk); every other field out, zeroed by the caller
 *
 * Return: 0 or an error of vmacct_mm_counts().
 */
int vmacct_query_mm(struct vmacct_mm *m)
{
	int max, err;

	err = vmacct_mm_counts(m);
	if (err)
		return err;

	max = vmacct_max_map_count();
	m->max_map_count = max;
	m->headroom_mmap = vmacct_headroom(VMACCT_CHECK_MAP, max,
					   m->map_count, 0);
	m->headroom_split = vmacct_headroom(VMACCT_CHECK_SPLIT, max,
					    m->map_count, 0);
	m->headroom_munmap = vmacct_headroom(VMACCT_CHECK_SPLIT, max,
					     m->map_count, 0);
	m->headroom_mremap_move = vmacct_headroom(VMACCT_CHECK_MREMAP, max,
						  m->map_count,
						  MREMAP_MAYMOVE);
	/* the tightest of MREMAP_FIXED and MREMAP_DONTUNMAP */
	m->headroom_mremap_fixed = vmacct_headroom(VMACCT_CHECK_MREMAP, max,
						   m->map_count,
						   MREMAP_MAYMOVE |
						   MREMAP_FIXED |
						   MREMAP_DONTUNMAP);
	return 0;
}

/**
 * vmacct_query_eval - dry run of __vm_enough_memory(); nothing is charged
 * @e: flags, pid, mode and pages in; the rest out
 *
 * Return: 0, -EINVAL for bad flags, mode or pages, or an error of
 * vmacct_mm_total_vm().
 */
int vmacct_query_eval(struct vmacct_eval *e)
{
	struct vmacct_commit c;
	bool admin;
	s64 count;
	int err;

	if ((e->flags & ~VMACCT_EVAL_FLAGS) ||
	    ((e->flags & VMACCT_EVAL_ADMIN) && (e->flags & VMACCT_EVAL_USER)) ||
	    ((e->flags & VMACCT_EVAL_MODE) && e->mode > OVERCOMMIT_NEVER) ||
	    e->pages < 0)
		return -EINVAL;

	e->total_vm = 0;
	admin = vmacct_mm_cap_sys_admin(current_cred());
	if (!(e->flags & VMACCT_EVAL_NO_MM)) {
		err = vmacct_mm_total_vm(e->pid, &e->total_vm, &admin);
		if (err)
			return err;
	}

	if (e->flags & VMACCT_EVAL_ADMIN)
		e->as_admin = 1;
	else if (e->flags & VMACCT_EVAL_USER)
		e->as_admin = 0;
	else
		e->as_admin = admin;

	vmacct_commit_snapshot(&c);
	count = vmacct_mode2_count(&c);
	if (!(e->flags & VMACCT_EVAL_MODE))
		e->mode = c.overcommit_memory;

	e->limit = c.limit;
	e->committed = c.committed;
	e->committed_read = c.committed_read;
	e->committed_error = c.committed_error;
	e->guess_ceiling = c.guess_ceiling;
	e->admin_reserve = e->as_admin ? 0 : c.admin_reserve;
	e->user_reserve = 0;
	if (!(e->flags & VMACCT_EVAL_NO_MM))
		e->user_reserve = vmacct_user_reserve(e->total_vm,
						      c.user_reserve);
	e->allowed = vmacct_allowed(e->limit, e->admin_reserve,
				    e->user_reserve);
	e->slop_may_flip = 0;

	switch (e->mode) {
	case OVERCOMMIT_ALWAYS:
		vmacct_mode1_verdict(&e->verdict, &e->deciding_term,
				     &e->margin);
		break;
	case OVERCOMMIT_GUESS:
		vmacct_mode0_verdict(e->pages, c.guess_ceiling, &e->verdict,
				     &e->deciding_term, &e->margin);
		break;
	default:
		vmacct_mode2_verdict(count, e->pages, e->limit,
				     e->admin_reserve, e->user_reserve,
				     e->committed_error, &e->verdict,
				     &e->deciding_term, &e->margin,
				     &e->slop_may_flip);
		break;
	}

	e->old_reserved = 0;
	vmacct_pre_5_2_verdict(e->pages, e->as_admin, c.admin_reserve,
			       &e->old_verdict, &e->old_free,
			       &e->totalreserve);
	return 0;
}

/**
 * vmacct_query_fork - what fork() would charge, and whether it would pass
 * @f: @f->pid in (0 = the caller); every other field out, zeroed by the
 *	caller
 *
 * Return: 0 or an error of vmacct_mm_fork_charge().
 */
int vmacct_query_fork(struct vmacct_fork *f)
{
	struct vmacct_fork_charge fc;
	struct vmacct_commit c;
	s64 count;
	int err;

	err = vmacct_mm_fork_charge(f->pid, &fc);
	if (err)
		return err;
	f->nr_charged = fc.nr_charged;
	f->charge = fc.charge;
	f->largest = fc.largest;
	f->total_vm = fc.total_vm;

	vmacct_commit_snapshot(&c);
	count = vmacct_mode2_count(&c);
	f->as_admin = fc.as_admin;
	f->committed = c.committed;
	f->committed_read = c.committed_read;
	f->committed_error = c.committed_error;
	f->limit = c.limit;
	f->guess_ceiling = c.guess_ceiling;
	f->admin_reserve = fc.as_admin ? 0 : c.admin_reserve;
	f->user_reserve = vmacct_user_reserve(f->total_vm, c.user_reserve);
	f->allowed = vmacct_allowed(c.limit, f->admin_reserve,
				    f->user_reserve);

	/* Mode 0: each charged VMA alone against RAM + swap. */
	vmacct_mode0_verdict(f->largest, c.guess_ceiling, &f->verdict[0],
			     &f->deciding_term[0], &f->margin[0]);
	vmacct_mode1_verdict(&f->verdict[1], &f->deciding_term[1],
			     &f->margin[1]);

	/*
	 * Mode 2: dup_mmap() charges VMA by VMA and the sum only grows, so
	 * the last check decides: committed + S < allowed.  No accountable
	 * VMA means no check at all.
	 */
	if (f->nr_charged) {
		vmacct_mode2_verdict(count, f->charge, c.limit,
				     f->admin_reserve, f->user_reserve,
				     c.committed_error, &f->verdict[2],
				     &f->deciding_term[2], &f->margin[2],
				     &f->slop_may_flip);
		vmacct_min_settings(&c, count, f->charge, f->admin_reserve,
				    f->user_reserve, &f->min_ratio,
				    &f->min_kbytes);
		/* the count at its worst: every CPU's delta folded */
		vmacct_min_settings(&c, c.committed + c.committed_error,
				    f->charge, f->admin_reserve,
				    f->user_reserve, &f->min_ratio_certain,
				    &f->min_kbytes_certain);
	} else {
		f->verdict[2] = 0;
		f->deciding_term[2] = VMACCT_TERM_LIMIT;
		f->margin[2] = S64_MAX;
	}
	return 0;
}
