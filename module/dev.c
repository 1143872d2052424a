// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct: the /dev/vmacct misc device and its ioctls.
 *
 * Every argument starts with "__u32 size" and is read with
 * copy_struct_from_user(), so that structures can grow without new
 * command numbers (see include/uapi/linux/vmacct.h for the rules).  The
 * global terms are in /proc/meminfo already, so the node is world-readable
 * and any opener may ask for them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/poll.h>
#include <linux/module.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "breakdown.h"
#include "commit.h"
#include "dev.h"
#include "peaks.h"
#include "probe.h"
#include "query.h"
#include "recorder.h"
#include "ring.h"
#include "stats.h"
#include "stream.h"

/* Dispatch on type, number and direction; "size" in the struct decides. */
#define VMACCT_CMD(cmd)		((cmd) & ~IOCSIZE_MASK)

/**
 * vmacct_copy_in - read a size-prefixed argument
 * @dst: kernel copy, @ksize bytes, zero-filled past what the caller sent
 * @ksize: size of the structure this module knows
 * @min: size of its first published version
 * @argp: user pointer
 *
 * Return: the caller's size, or -EFAULT (bad pointer), -EINVAL (size
 * below @min), -E2BIG (size above PAGE_SIZE, or non-zero bytes past the
 * structure this module knows).
 */
static int vmacct_copy_in(void *dst, size_t ksize, size_t min,
			  const void __user *argp)
{
	u32 usize;
	int err;

	if (get_user(usize, (const u32 __user *)argp))
		return -EFAULT;
	if (usize < min)
		return -EINVAL;
	if (usize > PAGE_SIZE)
		return -E2BIG;

	err = copy_struct_from_user(dst, ksize, argp, usize);
	if (err)
		return err;
	return usize;
}

/* Write back min(caller's size, ours) bytes and say how many in ->size. */
static int vmacct_copy_out(void __user *argp, void *src, size_t ksize,
			   u32 usize)
{
	u32 n = min_t(size_t, usize, ksize);

	*(u32 *)src = n;
	if (copy_to_user(argp, src, n))
		return -EFAULT;
	return 0;
}

/*
 * One handler per command: it gets the kernel copy of the argument
 * (zero-filled past what the caller sent), validates the input fields and
 * fills the output fields.
 */
static int vmacct_do_version(struct file *file, void *arg)
{
	struct vmacct_version *v = arg;

	if (v->reserved)
		return -EINVAL;
	vmacct_query_version(v);
	return 0;
}

static int vmacct_do_commit(struct file *file, void *arg)
{
	struct vmacct_commit *c = arg;

	if (c->flags)
		return -EINVAL;
	vmacct_commit_snapshot(c);
	return 0;
}

static int vmacct_do_mm(struct file *file, void *arg)
{
	struct vmacct_mm *m = arg;

	if (m->flags & ~VMACCT_MM_COUNTS_ONLY)
		return -EINVAL;
	memset((u8 *)m + offsetof(struct vmacct_mm, map_count), 0,
	       sizeof(*m) - offsetof(struct vmacct_mm, map_count));
	return vmacct_query_mm(m);
}

static int vmacct_do_eval(struct file *file, void *arg)
{
	return vmacct_query_eval(arg);
}

static int vmacct_do_fork(struct file *file, void *arg)
{
	struct vmacct_fork *f = arg;

	if (f->flags)
		return -EINVAL;
	memset((u8 *)f + offsetof(struct vmacct_fork, nr_charged), 0,
	       sizeof(*f) - offsetof(struct vmacct_fork, nr_charged));
	return vmacct_query_fork(f);
}

/* Make this file a trace reader, or change its filter. */
static int vmacct_do_trace(struct file *file, void *arg)
{
	return vmacct_stream_attach((struct vmacct_reader **)&file->private_data,
				    arg);
}

/* A mapped reader hands records back (vmacct_ring_consume()). */
static int vmacct_do_consume(struct file *file, void *arg)
{
	/* pairs with the release in vmacct_stream_attach() */
	struct vmacct_reader *r = smp_load_acquire(&file->private_data);
	struct vmacct_consume *c = arg;

	if (!r || c->flags)
		return -EINVAL;
	return vmacct_ring_consume(r, c);
}

static int vmacct_do_stats(struct file *file, void *arg)
{
	struct vmacct_stats *s = arg;

	if (s->flags || s->reserved)
		return -EINVAL;
	vmacct_stats_read(s);
	s->missed = vmacct_probe_missed();
	return 0;
}

static int vmacct_do_log(struct file *file, void *arg)
{
	struct vmacct_log *l = arg;

	if (!perfmon_capable())
		return -EPERM;
	if (l->flags || l->record_size < VMACCT_RECORD_SIZE_VER0 ||
	    l->record_size > PAGE_SIZE)
		return -EINVAL;
	return vmacct_recorder_read(l);
}

static int vmacct_do_peaks(struct file *file, void *arg)
{
	struct vmacct_peaks *p = arg;

	if (!perfmon_capable())
		return -EPERM;
	if (p->flags || p->record_size < VMACCT_PEAK_SIZE_VER0 ||
	    p->record_size > PAGE_SIZE)
		return -EINVAL;
	return vmacct_peaks_read(p);
}

static int vmacct_do_overwrites(struct file *file, void *arg)
{
	struct vmacct_overwrites *o = arg;

	if (!perfmon_capable())
		return -EPERM;
	if (o->flags || o->record_size < VMACCT_OVERWRITE_SIZE_VER0 ||
	    o->record_size > PAGE_SIZE)
		return -EINVAL;
	return vmacct_recorder_overwrites(o);
}

static int vmacct_do_breakdown(struct file *file, void *arg)
{
	struct vmacct_breakdown *b = arg;

	if (!perfmon_capable())
		return -EPERM;
	if (b->flags)
		return -EINVAL;
	memset((u8 *)b + offsetof(struct vmacct_breakdown, committed_before),
	       0, sizeof(*b) -
	       offsetof(struct vmacct_breakdown, committed_before));
	return vmacct_breakdown(b);
}

struct vmacct_ioc {
	unsigned int cmd;
	size_t ksize;		/* the structure this module knows */
	size_t min;		/* its first published size */
	int (*fn)(struct file *file, void *arg);
};

static const struct vmacct_ioc vmacct_iocs[] = {
	{ VMACCT_IOC_VERSION, sizeof(struct vmacct_version),
	  VMACCT_VERSION_SIZE_VER0, vmacct_do_version },
	{ VMACCT_IOC_COMMIT, sizeof(struct vmacct_commit),
	  VMACCT_COMMIT_SIZE_VER0, vmacct_do_commit },
	{ VMACCT_IOC_MM, sizeof(struct vmacct_mm),
	  VMACCT_MM_SIZE_VER0, vmacct_do_mm },
	{ VMACCT_IOC_EVAL, sizeof(struct vmacct_eval),
	  VMACCT_EVAL_SIZE_VER0, vmacct_do_eval },
	{ VMACCT_IOC_FORK, sizeof(struct vmacct_fork),
	  VMACCT_FORK_SIZE_VER0, vmacct_do_fork },
	{ VMACCT_IOC_TRACE, sizeof(struct vmacct_trace),
	  VMACCT_TRACE_SIZE_VER0, vmacct_do_trace },
	{ VMACCT_IOC_STATS, sizeof(struct vmacct_stats),
	  VMACCT_STATS_SIZE_VER0, vmacct_do_stats },
	{ VMACCT_IOC_LOG, sizeof(struct vmacct_log),
	  VMACCT_LOG_SIZE_VER0, vmacct_do_log },
	{ VMACCT_IOC_PEAKS, sizeof(struct vmacct_peaks),
	  VMACCT_PEAKS_SIZE_VER0, vmacct_do_peaks },
	{ VMACCT_IOC_OVERWRITES, sizeof(struct vmacct_overwrites),
	  VMACCT_OVERWRITES_SIZE_VER0, vmacct_do_overwrites },
	{ VMACCT_IOC_BREAKDOWN, sizeof(struct vmacct_breakdown),
	  VMACCT_BREAKDOWN_SIZE_VER0, vmacct_do_breakdown },
	{ VMACCT_IOC_CONSUME, sizeof(struct vmacct_consume),
	  VMACCT_CONSUME_SIZE_VER0, vmacct_do_consume },
};

/* Large enough for any argument. */
union vmacct_arg {
	struct vmacct_version version;
	struct vmacct_commit commit;
	struct vmacct_mm mm;
	struct vmacct_eval eval;
	struct vmacct_fork fork;
	struct vmacct_trace trace;
	struct vmacct_stats stats;
	struct vmacct_log log;
	struct vmacct_peaks peaks;
	struct vmacct_overwrites overwrites;
	struct vmacct_breakdown breakdown;
	struct vmacct_consume consume;
};

static long vmacct_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	void __user *argp = (void __user *)arg;
	const struct vmacct_ioc *ioc = NULL;
	union vmacct_arg buf;
	int i, usize, err;

	for (i = 0; i < ARRAY_SIZE(vmacct_iocs); i++) {
		if (VMACCT_CMD(cmd) == VMACCT_CMD(vmacct_iocs[i].cmd)) {
			ioc = &vmacct_iocs[i];
			break;
		}
	}
	if (!ioc)
		return -ENOTTY;

	usize = vmacct_copy_in(&buf, ioc->ksize, ioc->min, argp);
	if (usize < 0)
		return usize;
	err = ioc->fn(file, &buf);
	if (err)
		return err;
	return vmacct_copy_out(argp, &buf, ioc->ksize, usize);
}

/*
 * file->private_data: the file's trace reader, NULL until the file asks
 * for the stream (VMACCT_IOC_TRACE, or read()/poll() with no filter).
 */
static int vmacct_open(struct inode *inode, struct file *file)
{
	file->private_data = NULL;
	return 0;
}

static int vmacct_release(struct inode *inode, struct file *file)
{
	vmacct_stream_detach(file->private_data);
	return 0;
}

static struct vmacct_reader *vmacct_reader_of(struct file *file, int *err)
{
	/* pairs with the release in vmacct_stream_attach() */
	struct vmacct_reader *r = smp_load_acquire(&file->private_data);
	struct vmacct_trace t = { .size = sizeof(t) };

	*err = 0;
	if (r)
		return r;
	*err = vmacct_stream_attach((struct vmacct_reader **)&file->private_data,
				    &t);
	/* as above: see the reader another thread may have attached */
	return *err ? NULL : smp_load_acquire(&file->private_data);
}

static ssize_t vmacct_read(struct file *file, char __user *buf, size_t len,
			   loff_t *ppos)
{
	struct vmacct_reader *r;
	int err;

	r = vmacct_reader_of(file, &err);
	if (!r)
		return err;
	vmacct_stream_flush();
	return vmacct_ring_read(r, buf, len, file->f_flags & O_NONBLOCK);
}

static __poll_t vmacct_poll(struct file *file, poll_table *wait)
{
	struct vmacct_reader *r;
	int err;

	r = vmacct_reader_of(file, &err);
	if (!r)
		return EPOLLERR;
	vmacct_stream_flush();
	return vmacct_ring_poll(r, file, wait);
}

/* Map the ring of a reader VMACCT_IOC_TRACE attached; never attaches. */
static int vmacct_mmap(struct file *file, struct vm_area_struct *vma)
{
	/* pairs with the release in vmacct_stream_attach() */
	struct vmacct_reader *r = smp_load_acquire(&file->private_data);

	if (!r)
		return -EINVAL;
	return vmacct_ring_mmap(r, vma);
}

static const struct file_operations vmacct_fops = {
	.owner		= THIS_MODULE,
	.open		= vmacct_open,
	.release	= vmacct_release,
	.read		= vmacct_read,
	.poll		= vmacct_poll,
	.mmap		= vmacct_mmap,
	.unlocked_ioctl	= vmacct_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice vmacct_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= VMACCT_DEVICE_NAME,
	.fops	= &vmacct_fops,
	.mode	= 0444,
};

int vmacct_dev_init(void)
{
	return misc_register(&vmacct_misc);
}

void vmacct_dev_exit(void)
{
	misc_deregister(&vmacct_misc);
}
