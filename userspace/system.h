/* SPDX-License-Identifier: GPL-2.0 */
/* The tool's contact with the running system: libkmod, /proc, /sys. */
#ifndef VMACCT_SYSTEM_H
#define VMACCT_SYSTEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libkmod.h>

#include "tool.h"

/*
 * A libkmod context for the running kernel whose own messages go through
 * our logger, shown only with -v: the tool says what went wrong itself.
 * NULL (after printing why) on failure.
 * g must outlive the context: libkmod keeps the pointer for its log calls.
 */
struct kmod_ctx *vm_kmod_new(const struct global_opts *g);

/*
 * State of the loaded vmacct module: a KMOD_MODULE_* value, or -ENOENT
 * when it is not loaded, or another -errno.
 */
int vm_module_state(struct kmod_ctx *ctx, const char *name);

/*
 * /proc/PID/comm without its newline (pid 0: this process).  0 or
 * -errno; -ENOENT or -ESRCH when the process is gone.
 */
int read_comm(int32_t pid, char *buf, size_t len);

/*
 * The soft RLIMIT_AS and RLIMIT_DATA of pid from /proc/PID/limits, in
 * bytes (UINT64_MAX: unlimited).  0 or -errno.
 */
int read_rlimits(int32_t pid, uint64_t *as, uint64_t *data);

/*
 * Why the module is not there, the real obstacle first: a kernel without
 * module support, lockdown, no vmacct.ko for the running kernel (looked
 * up with ctx, which may be NULL), or simply not loaded.  One line into
 * buf, naming a command that exists.
 */
void module_obstacle(struct kmod_ctx *ctx, char *buf, size_t len);

/* Read a small decimal file such as /proc/sys/kernel/kptr_restrict. */
int read_u64_file(const char *path, uint64_t *out);

/*
 * Is the security module NAME active (/sys/kernel/security/lsm)?  false
 * when securityfs is not mounted.
 */
bool lsm_active(const char *name);

/*
 * Write s to an existing file such as a sysfs control, in one write().
 * 0 or -errno.
 */
int write_string_file(const char *path, const char *s);

#endif
