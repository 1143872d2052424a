// SPDX-License-Identifier: GPL-2.0
/*
 * vmacct: the kernel's virtual-memory accounting, exactly as the kernel
 * computes it.
 *
 * Load order mirrors dependency: verify the kernel data we read (syms.c),
 * start counting if asked, publish sysfs, and publish the device last.
 * The device is the last step that can fail because an opener holds a
 * module reference that a failed load ignores: the kernel frees a module
 * whose init failed whatever its refcount (the module loader's
 * do_init_module(), kernel/module/, 6.1 and 6.12), so a file opened in
 * that window would run freed code.  sysfs holds no module reference;
 * removing it waits for the reads and writes in progress, so it may go up
 * earlier and come down on a failure.
 *
 * Unload undoes it in reverse; sysfs and misc deregistration wait for
 * readers and writers in progress, and an open /dev/vmacct holds a module
 * reference.  The probes go last, once nothing (no file, no sysfs write to
 * stats/enabled) can arm them again.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "commit.h"
#include "compat.h"
#include "dev.h"
#include "recorder.h"
#include "stream.h"
#include "syms.h"
#include "sysfs.h"
#include "vmacct.h"

static bool stats;
module_param(stats, bool, 0444);
MODULE_PARM_DESC(stats, "count decisions and map-count failures from load on, as writing 1 to /sys/kernel/vmacct/stats/enabled does");

static bool recorder = true;
module_param(recorder, bool, 0444);
MODULE_PARM_DESC(recorder, "keep the last refusals from load on (default 1), as writing 1 to /sys/kernel/vmacct/recorder/enabled does; counts as stats=1 does");

static uint recorder_size = VMACCT_RECORDER_DEFAULT;
module_param(recorder_size, uint, 0444);
MODULE_PARM_DESC(recorder_size, "refusals the recorder keeps (16..65536, default 1024)");

static int __init vmacct_init(void)
{
	int err;

	vmacct_compat_init();
	err = vmacct_syms_init();
	if (err) {
		pr_err("refusing to load: kernel symbol addresses missing or wrong (load with 'vmacct load')\n");
		return err;
	}
	vmacct_stream_init();

	err = vmacct_recorder_set_size(recorder_size);
	if (err) {
		pr_err("recorder_size=%u: must be %u to %u records\n",
		       recorder_size, VMACCT_RECORDER_MIN, VMACCT_RECORDER_MAX);
		goto out_stream;
	}
	if (recorder) {
		err = vmacct_stream_record(true);
		if (err) {
			pr_err("recorder=1: cannot start recording (%d)\n", err);
			goto out_stream;
		}
	}

	if (stats) {
		err = vmacct_stream_count(true);
		if (err) {
			pr_err("stats=1: cannot start counting (%d)\n", err);
			goto out_stream;
		}
	}

	err = vmacct_sysfs_init();
	if (err)
		goto out_stream;

	/* the last step that can fail: see above */
	err = vmacct_dev_init();
	if (err)
		goto out_sysfs;

	pr_info("version %s loaded, __vm_enough_memory algorithm %s%s%s\n",
		VMACCT_VERSION_STR, vmacct_algorithm_name(),
		stats || recorder ? ", counting" : "",
		recorder ? ", recording" : "");
	return 0;

out_sysfs:
	vmacct_sysfs_exit();
out_stream:
	vmacct_stream_exit();
	return err;
}

static void __exit vmacct_exit(void)
{
	vmacct_dev_exit();
	vmacct_sysfs_exit();
	vmacct_stream_exit();
}

module_init(vmacct_init);
module_exit(vmacct_exit);

MODULE_DESCRIPTION("Virtual-memory accounting as the kernel computes it");
MODULE_AUTHOR("The vmacct developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(VMACCT_VERSION_STR);
