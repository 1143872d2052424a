/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmacct: the recorder (recorder.c): the last refusals since load, kept
 * with nobody reading, and VMACCT_IOC_LOG and VMACCT_IOC_OVERWRITES to
 * read them.
 */
#ifndef _VMACCT_RECORDER_H
#define _VMACCT_RECORDER_H

#include <linux/compiler.h>
#include <linux/types.h>
#include <linux/vmacct.h>

/* switched under the recorder's mutex; read by the probes */
extern bool vmacct_rec_on;

/* Is the recorder on?  Lets the probes skip building a record. */
static inline bool vmacct_recorder_on(void)
{
	return READ_ONCE(vmacct_rec_on);
}

void vmacct_recorder_stamp_decision(struct vmacct_record *rec);
void vmacct_recorder_stamp_map_count(struct vmacct_record *rec, s64 enough);
void vmacct_recorder_keep(struct vmacct_record *rec);

int vmacct_recorder_switch(bool on);
int vmacct_recorder_set_size(u32 records);
u32 vmacct_recorder_size(void);
u64 vmacct_recorder_total(void);
int vmacct_recorder_read(struct vmacct_log *l);
int vmacct_recorder_overwrites(struct vmacct_overwrites *o);
void vmacct_recorder_exit(void);

#endif /* _VMACCT_RECORDER_H */
