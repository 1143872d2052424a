// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct: /sys/kernel/vmacct/, one decimal value per file.
 *
 *   version, kernel_algorithm
 *   policy/  the sysctls exactly as the kernel's own code reads them
 *   commit/  the terms of __vm_enough_memory(), in pages
 *   trace/   the event stream's counters and controls
 *   stats/   counting decisions and map-count failures, and its switch
 *
 * Each read takes a fresh snapshot (vmacct_commit_snapshot()), so a file
 * always shows the value of the moment it is read.  Documented in
 * Documentation/ABI/testing/sysfs-kernel-vmacct.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kobject.h>
#include <linux/stddef.h>
#include <linux/sysfs.h>

#include "commit.h"
#include "probe.h"
#include "recorder.h"
#include "ring.h"
#include "stats.h"
#include "stream.h"
#include "sysfs.h"
#include "vmacct.h"

/* A file that shows one field of struct vmacct_commit. */
struct vmacct_field_attr {
	struct kobj_attribute kattr;
	unsigned int offset;
};

static const void *vmacct_field(struct kobj_attribute *attr,
				struct vmacct_commit *c)
{
	const struct vmacct_field_attr *fa =
		container_of(attr, struct vmacct_field_attr, kattr);

	vmacct_commit_snapshot(c);
	return (const u8 *)c + fa->offset;
}

static ssize_t vmacct_u64_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	struct vmacct_commit c;

	return sysfs_emit(buf, "%llu\n", *(const u64 *)vmacct_field(attr, &c));
}

static ssize_t vmacct_u32_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	struct vmacct_commit c;

	return sysfs_emit(buf, "%u\n", *(const u32 *)vmacct_field(attr, &c));
}

static ssize_t vmacct_s32_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	struct vmacct_commit c;

	return sysfs_emit(buf, "%d\n", *(const s32 *)vmacct_field(attr, &c));
}

/* @show_fn must match the type of the field: u64, u32 or s32. */
#define VMACCT_FIELD_ATTR(field, show_fn)					\
static struct vmacct_field_attr field##_attr = {			\
	.kattr = {							\
		.attr = { .name = #field, .mode = 0444 },		\
		.show = show_fn,					\
	},								\
	.offset = offsetof(struct vmacct_commit, field),		\
}

VMACCT_FIELD_ATTR(overcommit_memory, vmacct_u32_show);
VMACCT_FIELD_ATTR(overcommit_ratio, vmacct_s32_show);
VMACCT_FIELD_ATTR(overcommit_kbytes, vmacct_u64_show);
VMACCT_FIELD_ATTR(max_map_count, vmacct_u32_show);
VMACCT_FIELD_ATTR(admin_reserve_kbytes, vmacct_u64_show);
VMACCT_FIELD_ATTR(user_reserve_kbytes, vmacct_u64_show);

static struct attribute *policy_attrs[] = {
	&overcommit_memory_attr.kattr.attr,
	&overcommit_ratio_attr.kattr.attr,
	&overcommit_kbytes_attr.kattr.attr,
	&max_map_count_attr.kattr.attr,
	&admin_reserve_kbytes_attr.kattr.attr,
	&user_reserve_kbytes_attr.kattr.attr,
	NULL,
};

static const struct attribute_group policy_group = {
	.name = "policy",
	.attrs = policy_attrs,
};

VMACCT_FIELD_ATTR(limit, vmacct_u64_show);
VMACCT_FIELD_ATTR(committed, vmacct_u64_show);
VMACCT_FIELD_ATTR(committed_read, vmacct_u64_show);
VMACCT_FIELD_ATTR(committed_error, vmacct_u64_show);
VMACCT_FIELD_ATTR(committed_batch, vmacct_u32_show);
VMACCT_FIELD_ATTR(totalram, vmacct_u64_show);
VMACCT_FIELD_ATTR(total_swap, vmacct_u64_show);
VMACCT_FIELD_ATTR(free_swap, vmacct_u64_show);
VMACCT_FIELD_ATTR(hugetlb, vmacct_u64_show);
VMACCT_FIELD_ATTR(admin_reserve, vmacct_u64_show);
VMACCT_FIELD_ATTR(user_reserve, vmacct_u64_show);
VMACCT_FIELD_ATTR(guess_ceiling, vmacct_u64_show);

static struct attribute *commit_attrs[] = {
	&limit_attr.kattr.attr,
	&committed_attr.kattr.attr,
	&committed_read_attr.kattr.attr,
	&committed_error_attr.kattr.attr,
	&committed_batch_attr.kattr.attr,
	&totalram_attr.kattr.attr,
	&total_swap_attr.kattr.attr,
	&free_swap_attr.kattr.attr,
	&hugetlb_attr.kattr.attr,
	&admin_reserve_attr.kattr.attr,
	&user_reserve_attr.kattr.attr,
	&guess_ceiling_attr.kattr.attr,
	NULL,
};

static const struct attribute_group commit_group = {
	.name = "commit",
	.attrs = commit_attrs,
};

/* A write of a boolean (kstrtobool) that @set carries out. */
static ssize_t vmacct_store_bool(const char *buf, size_t len,
				 int (*set)(bool on))
{
	bool on;
	int err;

	err = kstrtobool(buf, &on);
	if (!err)
		err = set(on);
	return err ? err : len;
}

/* A write of a number (kstrtouint) that @set carries out. */
static ssize_t vmacct_store_uint(const char *buf, size_t len,
				 int (*set)(unsigned int n))
{
	unsigned int n;
	int err;

	err = kstrtouint(buf, 0, &n);
	if (!err)
		err = set(n);
	return err ? err : len;
}

/* trace/: counters of the event stream, and its two controls */
static ssize_t enabled_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%d\n", vmacct_stream_enabled());
}

/*
 * Writing 0 detaches every reader (they get -ENODEV); the probes stay
 * armed only while counting (stats/enabled) needs them.
 */
static ssize_t enabled_store(struct kobject *kobj, struct kobj_attribute *attr,
			     const char *buf, size_t len)
{
	bool on;
	int err;

	err = kstrtobool(buf, &on);
	if (err)
		return err;
	if (on)		/* the first reader enables tracing */
		return -EINVAL;
	vmacct_stream_stop();
	return len;
}

static ssize_t events_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%llu\n", vmacct_ring_events());
}

static ssize_t denied_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%llu\n", vmacct_ring_denied());
}

static ssize_t dropped_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%llu\n", vmacct_ring_dropped());
}

static ssize_t missed_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%llu\n", vmacct_probe_missed());
}

static ssize_t buffer_size_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", vmacct_ring_buffer_size());
}

static ssize_t buffer_size_store(struct kobject *kobj,
				 struct kobj_attribute *attr,
				 const char *buf, size_t len)
{
	return vmacct_store_uint(buf, len, vmacct_ring_set_buffer_size);
}

static struct kobj_attribute enabled_attr = __ATTR_RW(enabled);
static struct kobj_attribute events_attr = __ATTR_RO(events);
static struct kobj_attribute denied_attr = __ATTR_RO(denied);
static struct kobj_attribute dropped_attr = __ATTR_RO(dropped);
static struct kobj_attribute missed_attr = __ATTR_RO(missed);
static struct kobj_attribute buffer_size_attr = __ATTR_RW(buffer_size);

static struct attribute *trace_attrs[] = {
	&enabled_attr.attr,
	&events_attr.attr,
	&denied_attr.attr,
	&dropped_attr.attr,
	&missed_attr.attr,
	&buffer_size_attr.attr,
	NULL,
};

static const struct attribute_group trace_group = {
	.name = "trace",
	.attrs = trace_attrs,
};

/* stats/: counting since load, totals over the kinds (the ioctl has each) */
static ssize_t stats_enabled_show(struct kobject *kobj,
				  struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", vmacct_stats_counting());
}

static ssize_t stats_enabled_store(struct kobject *kobj,
				   struct kobj_attribute *attr,
				   const char *buf, size_t len)
{
	return vmacct_store_bool(buf, len, vmacct_stream_count);
}

static u64 vmacct_sum(const u64 *v)
{
	u64 sum = 0;
	int i;

	for (i = 0; i < VMACCT_STATS_SLOTS; i++)
		sum += v[i];
	return sum;
}

/* A file that shows the sum of one array of struct vmacct_stats. */
struct vmacct_stats_attr {
	struct kobj_attribute kattr;
	unsigned int offset;
};

static ssize_t vmacct_stats_sum_show(struct kobject *kobj,
				     struct kobj_attribute *attr, char *buf)
{
	const struct vmacct_stats_attr *sa =
		container_of(attr, struct vmacct_stats_attr, kattr);
	struct vmacct_stats s;

	vmacct_stats_read(&s);
	return sysfs_emit(buf, "%llu\n",
			  vmacct_sum((const u64 *)((const u8 *)&s + sa->offset)));
}

static ssize_t counting_seconds_show(struct kobject *kobj,
				     struct kobj_attribute *attr, char *buf)
{
	struct vmacct_stats s;

	vmacct_stats_read(&s);
	return sysfs_emit(buf, "%llu\n", s.counting_ns / NSEC_PER_SEC);
}

#define VMACCT_STATS_ATTR(field)					\
static struct vmacct_stats_attr stats_##field##_attr = {		\
	.kattr = {							\
		.attr = { .name = #field, .mode = 0444 },		\
		.show = vmacct_stats_sum_show,				\
	},								\
	.offset = offsetof(struct vmacct_stats, field),			\
}

VMACCT_STATS_ATTR(decisions);
VMACCT_STATS_ATTR(denied);
VMACCT_STATS_ATTR(map_count);

static struct kobj_attribute stats_enabled_attr =
	__ATTR(enabled, 0644, stats_enabled_show, stats_enabled_store);
static struct kobj_attribute counting_seconds_attr =
	__ATTR_RO(counting_seconds);

static struct attribute *stats_attrs[] = {
	&stats_enabled_attr.attr,
	&stats_decisions_attr.kattr.attr,
	&stats_denied_attr.kattr.attr,
	&stats_map_count_attr.kattr.attr,
	&counting_seconds_attr.attr,
	NULL,
};

static const struct attribute_group stats_group = {
	.name = "stats",
	.attrs = stats_attrs,
};

/* recorder/: the last refusals since load (VMACCT_IOC_LOG has them) */
static ssize_t recorder_enabled_show(struct kobject *kobj,
				     struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", vmacct_recorder_on());
}

static ssize_t recorder_enabled_store(struct kobject *kobj,
				      struct kobj_attribute *attr,
				      const char *buf, size_t len)
{
	return vmacct_store_bool(buf, len, vmacct_stream_record);
}

static ssize_t recorder_size_show(struct kobject *kobj,
				  struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", vmacct_recorder_size());
}

static ssize_t recorder_size_store(struct kobject *kobj,
				   struct kobj_attribute *attr,
				   const char *buf, size_t len)
{
	return vmacct_store_uint(buf, len, vmacct_recorder_set_size);
}

static ssize_t records_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%llu\n", vmacct_recorder_total());
}

static struct kobj_attribute recorder_enabled_attr =
	__ATTR(enabled, 0644, recorder_enabled_show, recorder_enabled_store);
static struct kobj_attribute recorder_size_attr =
	__ATTR(size, 0644, recorder_size_show, recorder_size_store);
static struct kobj_attribute records_attr = __ATTR_RO(records);

static struct attribute *recorder_attrs[] = {
	&recorder_enabled_attr.attr,
	&recorder_size_attr.attr,
	&records_attr.attr,
	NULL,
};

static const struct attribute_group recorder_group = {
	.name = "recorder",
	.attrs = recorder_attrs,
};

static ssize_t version_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", VMACCT_VERSION_STR);
}

static ssize_t kernel_algorithm_show(struct kobject *kobj,
				     struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", vmacct_algorithm_name());
}

static struct kobj_attribute version_attr = __ATTR_RO(version);
static struct kobj_attribute kernel_algorithm_attr = __ATTR_RO(kernel_algorithm);

static struct attribute *top_attrs[] = {
	&version_attr.attr,
	&kernel_algorithm_attr.attr,
	NULL,
};

static const struct attribute_group top_group = {
	.attrs = top_attrs,
};

static const struct attribute_group *vmacct_groups[] = {
	&top_group,
	&policy_group,
	&commit_group,
	&trace_group,
	&stats_group,
	&recorder_group,
	NULL,
};

static struct kobject *vmacct_kobj;

int vmacct_sysfs_init(void)
{
	int err;

	vmacct_kobj = kobject_create_and_add("vmacct", kernel_kobj);
	if (!vmacct_kobj)
		return -ENOMEM;

	err = sysfs_create_groups(vmacct_kobj, vmacct_groups);
	if (err) {
		kobject_put(vmacct_kobj);
		vmacct_kobj = NULL;
	}
	return err;
}

void vmacct_sysfs_exit(void)
{
	sysfs_remove_groups(vmacct_kobj, vmacct_groups);
	kobject_put(vmacct_kobj);
	vmacct_kobj = NULL;
}
