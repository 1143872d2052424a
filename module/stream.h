/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmacct: who wants the probes (stream.c): trace readers coming and
 * going, and counting switched on and off.
 */
#ifndef _VMACCT_STREAM_H
#define _VMACCT_STREAM_H

#include <linux/types.h>
#include <linux/vmacct.h>

struct vmacct_reader;

int vmacct_stream_attach(struct vmacct_reader **rp, struct vmacct_trace *t);
void vmacct_stream_detach(struct vmacct_reader *r);
void vmacct_stream_stop(void);
bool vmacct_stream_enabled(void);
int vmacct_stream_count(bool on);
int vmacct_stream_record(bool on);
void vmacct_stream_flush(void);
void vmacct_stream_init(void);
void vmacct_stream_exit(void);

#endif /* _VMACCT_STREAM_H */
