// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct: who wants the probes, and arming them for it.
 *
 * The probes (probe.c) are armed while at least one trace reader exists
 * (ring.c) or counting is on (stats.c), and only then; the system call
 * probes only while counting or a reader wants map-count failures.  Every
 * change of readers, filters or counting goes through here, under
 * vmacct_stream_mutex, and ends with vmacct_stream_sync().
 *
 * An open /dev/vmacct pins the module, so module exit never meets a
 * reader.  To unload while readers exist, writing 0 to trace/enabled
 * detaches them all (vmacct_stream_stop()); once they close the module
 * can go.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/workqueue.h>

#include "probe.h"
#include "recorder.h"
#include "ring.h"
#include "stats.h"
#include "stream.h"

/*
 * Serializes attach, detach, stop and counting, so that the probes armed
 * always match the readers and counting of the moment.  Taken before
 * ring.c's and probe.c's own locks.
 */
static DEFINE_MUTEX(vmacct_stream_mutex);

/* Are map-count failures wanted, by counting or by a reader? */
static bool vmacct_want_map_count(void)
{
	lockdep_assert_held(&vmacct_stream_mutex);
	return vmacct_stats_counting() || vmacct_recorder_on() ||
	       vmacct_ring_want_map_count();
}

/*
 * Arming a probe patches text and costs milliseconds under emulation,
 * so only the decision probe is armed before the first reader's ioctl
 * returns; the system call probes follow from a work item, and
 * trace/enabled reads 1 once they are all armed.
 */
static void vmacct_stream_arm(struct work_struct *work)
{
	mutex_lock(&vmacct_stream_mutex);
	/* a failure is in the kernel log; the next sync tries again */
	if (vmacct_probe_decisions_armed() && !vmacct_probe_syscalls_armed() &&
	    vmacct_want_map_count())
		vmacct_probe_syscalls_on();
	mutex_unlock(&vmacct_stream_mutex);
}

static DECLARE_WORK(vmacct_arm_work, vmacct_stream_arm);

/* After the readers, their filters or counting changed: arm or disarm. */
static void vmacct_stream_sync(void)
{
	lockdep_assert_held(&vmacct_stream_mutex);
	if (!vmacct_ring_have_readers() && !vmacct_stats_counting() &&
	    !vmacct_recorder_on()) {
		vmacct_probe_all_off();
		return;
	}
	if (!vmacct_want_map_count())
		vmacct_probe_syscalls_off();
	else if (!vmacct_probe_syscalls_armed())
		schedule_work(&vmacct_arm_work);
}

/**
 * vmacct_stream_attach - make @*rp a trace reader, with filter @t
 * @rp: the file's reader slot; allocated on first use
 * @t: flags, pid and tgid in; buffer_size and dropped out
 *
 * Return: 0, -EPERM without CAP_PERFMON or CAP_SYS_ADMIN, -EINVAL for
 * unknown flags or negative ids, -ENOMEM, or an error registering the
 * probes.
 */
int vmacct_stream_attach(struct vmacct_reader **rp, struct vmacct_trace *t)
{
	struct vmacct_reader *r;
	int err = 0;

	if (!perfmon_capable())
		return -EPERM;
	if ((t->flags & ~VMACCT_TRACE_FLAGS) || t->pid < 0 || t->tgid < 0 ||
	    t->reserved)
		return -EINVAL;

	mutex_lock(&vmacct_stream_mutex);
	r = *rp;
	if (r) {
		vmacct_ring_set_filter(r, t);
		/* a reader detached by trace/enabled = 0 stays detached */
		if (vmacct_ring_listed(r))
			vmacct_stream_sync();
		goto out;
	}

	r = vmacct_ring_alloc();
	if (!r) {
		err = -ENOMEM;
		goto out;
	}
	err = vmacct_probe_decisions_on();
	if (err) {
		vmacct_ring_free(r);
		goto out;
	}
	vmacct_ring_set_filter(r, t);
	vmacct_ring_add(r);
	/* publish r fully built: pairs with the acquire in dev.c */
	smp_store_release(rp, r);
	vmacct_stream_sync();
out:
	mutex_unlock(&vmacct_stream_mutex);
	return err;
}

/* Called at the last close of the file. */
void vmacct_stream_detach(struct vmacct_reader *r)
{
	if (!r)
		return;
	mutex_lock(&vmacct_stream_mutex);
	vmacct_ring_del(r);
	vmacct_stream_sync();
	mutex_unlock(&vmacct_stream_mutex);
	flush_work(&vmacct_arm_work);
	synchronize_rcu();	/* no handler is still emitting to r */
	vmacct_ring_free(r);
}

/* trace/enabled = 0: detach every reader, disarm what counting does not use */
void vmacct_stream_stop(void)
{
	mutex_lock(&vmacct_stream_mutex);
	vmacct_ring_detach_all();
	vmacct_stream_sync();	/* counting keeps its probes */
	mutex_unlock(&vmacct_stream_mutex);
	flush_work(&vmacct_arm_work);
	synchronize_rcu();
}

/* A reader exists and every probe it needs is armed. */
bool vmacct_stream_enabled(void)
{
	bool on;

	mutex_lock(&vmacct_stream_mutex);
	on = vmacct_ring_have_readers() && vmacct_probe_decisions_armed() &&
	     (vmacct_probe_syscalls_armed() || !vmacct_want_map_count());
	mutex_unlock(&vmacct_stream_mutex);
	return on;
}

/**
 * vmacct_stream_count - start or stop counting
 * @on: true to count decisions and map-count failures
 *
 * Starting arms every probe before it returns, so whatever happens after
 * is counted.  Stopping keeps the counts; the probes stay armed only if a
 * reader needs them.
 *
 * Return: 0, or the error arming a probe.
 */
int vmacct_stream_count(bool on)
{
	int err = 0;

	mutex_lock(&vmacct_stream_mutex);
	if (on == vmacct_stats_counting())
		goto out;
	if (on) {
		err = vmacct_probe_decisions_on();
		if (!err)
			err = vmacct_probe_syscalls_on();
		if (err) {
			vmacct_stream_sync();	/* disarms what no one uses */
			goto out;
		}
		vmacct_stats_start();
	} else {
		vmacct_stats_stop();
		vmacct_stream_sync();
	}
out:
	mutex_unlock(&vmacct_stream_mutex);
	return err;
}

/*
 * A reader is about to read (or poll): queue the records of calls that
 * have certainly returned, so that a process that made a call and then
 * reads finds its record.
 */
void vmacct_stream_flush(void)
{
	vmacct_probe_flush();
}

/* Module load, before anything can arm the probes. */
void vmacct_stream_init(void)
{
	vmacct_probe_init();
}

/**
 * vmacct_stream_record - switch the recorder on or off
 * @on: true to keep every refusal from now on
 *
 * Starting arms every probe, and counting with them, before it returns.
 * Stopping keeps the records; the probes stay armed only for a reader or
 * counting.
 *
 * Return: 0, -ENOMEM, or the error arming a probe.
 */
int vmacct_stream_record(bool on)
{
	int err = 0;

	mutex_lock(&vmacct_stream_mutex);
	if (on) {
		err = vmacct_probe_decisions_on();
		if (!err)
			err = vmacct_probe_syscalls_on();
		if (!err)
			err = vmacct_recorder_switch(true);
		if (!err)
			vmacct_stats_start();
	} else {
		vmacct_recorder_switch(false);
	}
	vmacct_stream_sync();
	mutex_unlock(&vmacct_stream_mutex);
	return err;
}

/*
 * Module exit, or a failed load: no file is open, so no reader exists, and
 * sysfs is gone, so counting cannot start again; the probes may still be
 * armed for counting, and unregistering disarms them.
 */
void vmacct_stream_exit(void)
{
	cancel_work_sync(&vmacct_arm_work);
	mutex_lock(&vmacct_stream_mutex);
	vmacct_stats_stop();
	vmacct_probe_exit();
	vmacct_recorder_exit();
	mutex_unlock(&vmacct_stream_mutex);
}
