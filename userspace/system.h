/* SPDX-License-Identifier: GPL-2.0 */
/* The tool's contact with the running system: libkmod, /proc, /sys. */
#ifndef VMACCT_SYSTEM_H
#define VMACCT_SYSTEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libkmod.h>

#include "modparam.h"
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
 * The soft RLIMIT_AS and RLIMIT_DATA of pid from /proc/PID/limits (pid
 * 0: this process's own, from getrlimit()), in bytes (UINT64_MAX:
 * unlimited).  0 or -errno.
 */
int read_rlimits(int32_t pid, uint64_t *as, uint64_t *data);

/*
 * Why the module is not there, the real obstacle first (hints.h,
 * load_obstacle()): a kernel without module support, a vmacct.ko for the
 * running kernel (looked up with ctx, which may be NULL) built for
 * another, lockdown without a signed one, none installed, or simply not
 * loaded.  One line into buf, naming a command that exists.
 */
void module_obstacle(struct kmod_ctx *ctx, char *buf, size_t len);

/* Can this kernel load modules at all (/proc/modules exists)? */
bool have_module_support(void);

/* /sys/kernel/security/lockdown without its newline; "" when unreadable. */
void read_lockdown(char *buf, size_t len);

/*
 * The modinfo of mod as key/value pairs: *kv (free()) points into *info
 * (kmod_module_info_free_list()).  0 or -errno, nothing to free then.
 */
int vm_module_info(struct kmod_module *mod, struct kmod_list **info,
		   struct modinfo_kv **kv, size_t *n);

/*
 * Does mod carry symbol versions (a __versions section, CONFIG_MODVERSIONS)?
 * Then the kernel judges it by them and skips the release in its vermagic
 * (kernel/module/main.c, same_magic()).  false when it cannot be read.
 */
bool vm_module_has_crcs(struct kmod_module *mod);

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
