// SPDX-License-Identifier: GPL-2.0
/* libkmod and /proc glue: see system.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "hints.h"
#include "system.h"
#include "log.h"
#include "modparam.h"
#include "parse.h"
#include "procfs.h"

static void kmod_log_bridge(void *data, int priority, const char *file,
			    int line, const char *fn, const char *format,
			    va_list args)
	__attribute__((format(printf, 6, 0)));

static void kmod_log_bridge(void *data, int priority, const char *file,
			    int line, const char *fn, const char *format,
			    va_list args)
{
	const struct global_opts *g = data;
	char *msg = NULL;
	size_t len;

	(void)file;
	(void)line;
	if (g->verbose < (priority <= LOG_ERR ? 1 : 2))
		return;
	if (vasprintf(&msg, format, args) < 0)
		return;
	len = strlen(msg);
	while (len && msg[len - 1] == '\n')
		msg[--len] = '\0';
	log_msg(g->verbose, LOG_LVL_NOTE, "libkmod: %s: %s", fn, msg);
	free(msg);
}

struct kmod_ctx *vm_kmod_new(const struct global_opts *g)
{
	struct kmod_ctx *ctx;
	/* VMACCT_MODPROBE_D: the tests' own modprobe.d instead of the system's */
	const char *confdir = getenv("VMACCT_MODPROBE_D");
	const char *conf[] = { confdir, NULL };

	ctx = kmod_new(NULL, confdir && *confdir ? conf : NULL);
	if (!ctx) {
		log_err("cannot create a libkmod context: %s", strerror(errno ? errno : ENOMEM));
		return NULL;
	}
	/* libkmod takes a non-const cookie; the bridge only reads it. */
	kmod_set_log_fn(ctx, kmod_log_bridge, (void *)g);
	kmod_set_log_priority(ctx, g->verbose >= 2 ? LOG_INFO : LOG_ERR);
	return ctx;
}

int vm_module_state(struct kmod_ctx *ctx, const char *name)
{
	struct kmod_module *mod;
	int err;

	err = kmod_module_new_from_name(ctx, name, &mod);
	if (err < 0)
		return err;
	err = kmod_module_get_initstate(mod);
	kmod_module_unref(mod);
	return err;
}

/* A small file into buf, without its trailing newline.  0 or -errno. */
static int read_line_file(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	err = errno;
	close(fd);
	if (n < 0)
		return -err;
	buf[n] = '\0';
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return 0;
}

int read_comm(int32_t pid, char *buf, size_t len)
{
	char path[64];

	if (!len)
		return -EINVAL;
	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	else
		snprintf(path, sizeof(path), "/proc/self/comm");
	return read_line_file(path, buf, len);
}

/* A soft limit of this process in bytes, UINT64_MAX for none. */
static uint64_t own_limit(int resource)
{
	struct rlimit rl;

	if (getrlimit(resource, &rl) || rl.rlim_cur == RLIM_INFINITY)
		return UINT64_MAX;
	return (uint64_t)rl.rlim_cur;
}

int read_rlimits(int32_t pid, uint64_t *as, uint64_t *data)
{
	char rel[32], *buf;
	int err;

	if (!pid) {	/* this process: its own, without /proc */
		*as = own_limit(RLIMIT_AS);
		*data = own_limit(RLIMIT_DATA);
		return 0;
	}

	snprintf(rel, sizeof(rel), "%d/limits", (int)pid);
	buf = proc_slurp("/proc", rel);
	if (!buf)
		return -errno;
	err = parse_proc_limit(buf, "Max address space", as);
	if (!err)
		err = parse_proc_limit(buf, "Max data size", data);
	free(buf);
	return err;
}

int read_u64_file(const char *path, uint64_t *out)
{
	char buf[64];
	int err = read_line_file(path, buf, sizeof(buf));

	return err ? err : parse_u64(buf, out);
}

bool lsm_active(const char *name)
{
	char buf[512], *tok, *save = NULL;

	if (read_line_file("/sys/kernel/security/lsm", buf, sizeof(buf)))
		return false;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (strcmp(tok, name) == 0)
			return true;
	return false;
}

int write_string_file(const char *path, const char *s)
{
	size_t len = strlen(s);
	ssize_t n;
	int fd, err;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, s, len);
	if (n < 0)
		err = errno;
	else if ((size_t)n != len)
		err = EIO;	/* sysfs takes a write whole or not at all */
	else
		err = 0;
	if (close(fd) && !err)
		err = errno;
	return -err;
}

bool have_module_support(void)
{
	return access("/proc/modules", F_OK) == 0;
}

void read_lockdown(char *buf, size_t len)
{
	if (read_line_file("/sys/kernel/security/lockdown", buf, len))
		buf[0] = '\0';
}

bool vm_module_has_crcs(struct kmod_module *mod)
{
	struct kmod_list *versions = NULL;
	int n = kmod_module_get_versions(mod, &versions);

	kmod_module_versions_free_list(versions);
	return n > 0;
}

int vm_module_info(struct kmod_module *mod, struct kmod_list **info,
		   struct modinfo_kv **kv, size_t *n)
{
	struct kmod_list *l;
	size_t i = 0;
	int err;

	*info = NULL;
	*kv = NULL;
	*n = 0;
	err = kmod_module_get_info(mod, info);
	if (err < 0)
		return err;
	kmod_list_foreach(l, *info)
		(*n)++;
	*kv = calloc(*n ? *n : 1, sizeof(**kv));
	if (!*kv) {
		kmod_module_info_free_list(*info);
		*info = NULL;
		return -ENOMEM;
	}
	kmod_list_foreach(l, *info) {
		(*kv)[i].key = kmod_module_info_get_key(l);
		(*kv)[i].value = kmod_module_info_get_value(l);
		i++;
	}
	return 0;
}

void module_obstacle(struct kmod_ctx *ctx, char *buf, size_t len)
{
	struct kmod_list *list = NULL, *l, *info = NULL;
	struct kmod_module *found = NULL;
	struct load_facts f = { .have_modules = have_module_support() };
	struct modinfo_kv *kv = NULL;
	char lockdown[128];
	struct utsname u;
	size_t n;

	read_lockdown(lockdown, sizeof(lockdown));
	f.lockdown = lockdown;
	if (uname(&u))
		snprintf(u.release, sizeof(u.release), "?");
	f.release = u.release;
	if (ctx && !kmod_module_new_from_lookup(ctx, "vmacct", &list)) {
		kmod_list_foreach(l, list) {
			struct kmod_module *m = kmod_module_get_module(l);

			if (!found && kmod_module_get_path(m))
				found = m;
			else
				kmod_module_unref(m);
		}
		kmod_module_unref_list(list);
	}
	if (found) {
		f.path = kmod_module_get_path(found);
		/* unreadable: say what is known, as if it matched */
		if (vm_module_info(found, &info, &kv, &n) == 0)
			modinfo_facts(kv, n, &f.vermagic, &f.is_signed);
		else
			f.vermagic = f.release;
		f.has_crcs = vm_module_has_crcs(found);
	}
	load_obstacle_text(&f, buf, len);
	free(kv);
	kmod_module_info_free_list(info);
	if (found)
		kmod_module_unref(found);
}
