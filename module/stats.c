// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct: counters since load.
 *
 * While counting is on (stats/enabled, or the stats=1 module option), the
 * probes add each __vm_enough_memory() decision, by caller kind and
 * verdict, and each map-count failure, by system call, to per-CPU
 * counters; they are summed when read.  The counts start at 0 at load and
 * only grow: stopping keeps them.  stream.c switches counting on and off
 * (and arms the probes it needs); this file only counts.
 */
/*
 * rbtree.h first: on Debian's 5.10-rt, ktime.h reaches rtmutex.h, which
 * needs RB_ROOT_CACHED from rbtree.h and does not include it (the RT
 * patch's rbtree_type.h lacks it).
 */
#include <linux/rbtree.h>
#include <linux/ktime.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include "stats.h"

DEFINE_PER_CPU(struct vmacct_counts, vmacct_counts);

static DEFINE_MUTEX(vmacct_stats_mutex);	/* the three below */
DEFINE_STATIC_KEY_FALSE(vmacct_stats_key);	/* read by the probes */
static u64 vmacct_counting_ns;		/* counting time before the last start */
static u64 vmacct_counting_since;	/* the last start */

/*
 * Count from now on; the caller has armed the probes.  Switching the key
 * takes cpus_read_lock() and the jump-label mutex, as arming a probe does:
 * the callers (stream.c) hold only vmacct's own mutexes, which nothing
 * takes under those.
 */
void vmacct_stats_start(void)
{
	mutex_lock(&vmacct_stats_mutex);
	if (!static_key_enabled(&vmacct_stats_key)) {
		vmacct_counting_since = ktime_get_ns();
		static_branch_enable(&vmacct_stats_key);
	}
	mutex_unlock(&vmacct_stats_mutex);
}

/* Stop counting, keeping the counts. */
void vmacct_stats_stop(void)
{
	mutex_lock(&vmacct_stats_mutex);
	if (static_key_enabled(&vmacct_stats_key)) {
		static_branch_disable(&vmacct_stats_key);
		vmacct_counting_ns += ktime_get_ns() - vmacct_counting_since;
	}
	mutex_unlock(&vmacct_stats_mutex);
}

bool vmacct_stats_counting(void)
{
	return static_key_enabled(&vmacct_stats_key);
}

/* Probe context: a decision of caller kind @caller was refused. */
void vmacct_stats_denied(u32 caller)
{
	if (static_branch_likely(&vmacct_stats_key))
		this_cpu_inc(vmacct_counts.denied[caller]);
}

/* Probe context: a map-count failure of system call @sys, a VMACCT_SYS_*. */
void vmacct_stats_map_count(u32 sys)
{
	if (static_branch_likely(&vmacct_stats_key))
		this_cpu_inc(vmacct_counts.map_count[sys]);
}

/**
 * vmacct_stats_read - the counters since load
 * @s: counts, enabled and counting_ns filled; size, flags, reserved and
 *	missed left alone
 *
 * The per-CPU counts are summed without stopping the probes, so a count
 * may be a call or two behind one taken at the same moment on another CPU;
 * each one only grows.
 */
void vmacct_stats_read(struct vmacct_stats *s)
{
	const struct vmacct_counts *c;
	int cpu, i;

	memset(s->decisions, 0, sizeof(s->decisions));
	memset(s->denied, 0, sizeof(s->denied));
	memset(s->map_count, 0, sizeof(s->map_count));
	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(&vmacct_counts, cpu);
		for (i = 0; i < VMACCT_STATS_SLOTS; i++) {
			s->decisions[i] += READ_ONCE(c->decisions[i]);
			s->denied[i] += READ_ONCE(c->denied[i]);
			s->map_count[i] += READ_ONCE(c->map_count[i]);
		}
	}

	mutex_lock(&vmacct_stats_mutex);
	s->enabled = static_key_enabled(&vmacct_stats_key);
	s->counting_ns = vmacct_counting_ns;
	if (s->enabled)
		s->counting_ns += ktime_get_ns() - vmacct_counting_since;
	mutex_unlock(&vmacct_stats_mutex);
}
