/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmacct: internal interfaces between the module's layers.
 *
 * The faces (dev.c, sysfs.c) call the core (commit.c); the core reads
 * kernel data only through syms.c, where every unexported address and
 * every kernel-version difference lives.
 */
#ifndef _VMACCT_H
#define _VMACCT_H

#include <linux/hrtimer.h>
#include <linux/types.h>
#include <linux/vmacct.h>

struct mm_struct;
struct task_struct;

#define VMACCT_VERSION_MAJOR	0
#define VMACCT_VERSION_MINOR	1
#define VMACCT_VERSION_PATCH	0
#define VMACCT_VERSION_STR	"0.1.0"

/* syms.c: unexported kernel data, verified at load time */
int vmacct_syms_init(void);

int vmacct_overcommit_memory(void);
int vmacct_overcommit_ratio(void);
unsigned long vmacct_overcommit_kbytes(void);
int vmacct_max_map_count(void);
unsigned long vmacct_admin_reserve_kbytes(void);
unsigned long vmacct_user_reserve_kbytes(void);
s64 vmacct_committed_read(void);
s64 vmacct_committed_count(void);
s64 vmacct_committed_after_charge(s64 pages);
unsigned long vmacct_totalreserve_pages(void);
bool vmacct_task_dumpable(struct task_struct *task, struct mm_struct *mm);
s32 vmacct_committed_batch(void);
long vmacct_total_swap_pages(void);
unsigned long vmacct_hugetlb_total_pages(void);
u32 vmacct_kernel_version(void);
int vmacct_mremap_reserve(unsigned long flags);
void vmacct_hrtimer_setup(struct hrtimer *timer,
			  enum hrtimer_restart (*fn)(struct hrtimer *timer));

/* commit.c: the global terms of __vm_enough_memory(), and dry runs */
void vmacct_commit_snapshot(struct vmacct_commit *c);
const char *vmacct_algorithm_name(void);
void vmacct_mode2_verdict(s64 count, u64 pages, u64 limit, u64 admin_reserve,
			  u64 user_reserve, u64 error, s32 *verdict, u32 *term,
			  s64 *margin, u32 *slop);
s64 vmacct_mode2_count(const struct vmacct_commit *c);
int vmacct_eval(struct vmacct_eval *e);
void vmacct_decision_terms(struct vmacct_event *ev, struct mm_struct *mm,
			   long pages, int cap_sys_admin);

/* mm.c: one process's VMAs, charge and fork prediction */
int vmacct_mm_get(pid_t pid, struct mm_struct **mmp, bool *adminp);
int vmacct_mm_stats(struct vmacct_mm *m);
int vmacct_fork_predict(struct vmacct_fork *f);

/* trace.c: the event stream */
#define VMACCT_RING_MIN		16
#define VMACCT_RING_MAX		65536
#define VMACCT_RING_DEFAULT	4096

struct file;
struct vmacct_reader;
int vmacct_trace_attach(struct vmacct_reader **rp, struct vmacct_trace *t);
void vmacct_trace_detach(struct vmacct_reader *r);
void vmacct_trace_stop(void);
void vmacct_trace_exit(void);
bool vmacct_trace_enabled(void);
ssize_t vmacct_trace_read(struct vmacct_reader *r, char __user *buf,
			  size_t len, bool nonblock);
__poll_t vmacct_trace_poll(struct vmacct_reader *r, struct file *file,
			   struct poll_table_struct *wait);
u64 vmacct_trace_events(void);
u64 vmacct_trace_denied(void);
u64 vmacct_trace_dropped(void);
u64 vmacct_trace_missed(void);
unsigned int vmacct_trace_buffer_size(void);
int vmacct_trace_set_buffer_size(unsigned int records);
int vmacct_stats_set(bool on);
bool vmacct_stats_enabled(void);
void vmacct_stats_read(struct vmacct_stats *s);

/* sysfs.c: /sys/kernel/vmacct/ */
int vmacct_sysfs_init(void);
void vmacct_sysfs_exit(void);

/* dev.c: /dev/vmacct */
int vmacct_dev_init(void);
void vmacct_dev_exit(void);

#endif /* _VMACCT_H */
