// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/vmacct for every command: see device.h.
 *
 * Why the device is unavailable matters as much as what it says, so the
 * order is: is the module loaded (libkmod), is the node there, may we
 * open it, does it speak our ABI.  Every ioctl() of the tool is here.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "device.h"
#include "hints.h"
#include "log.h"
#include "parse.h"
#include "system.h"
#include "trace.h"

/*
 * Why open() failed.  state is what libkmod said about the module: loaded
 * (>= 0) or unknown (< 0); "not loaded" was reported before opening.
 * needs: "CMD needs the module: ", or "", before a node that is missing.
 */
static int explain_open_error(const char *needs, int err, int state)
{
	char dev[32] = "";
	unsigned int major, minor;
	FILE *f;

	if (err == ENOENT || err == ENXIO || err == ENODEV) {
		f = fopen(VMACCT_MISC_DEV_ATTR, "re");
		if (f) {
			if (!fgets(dev, sizeof(dev), f) ||
			    parse_devnum(dev, &major, &minor))
				dev[0] = '\0';
			fclose(f);
		}
		if (state < 0)
			log_err("%s%s: %s — is the module loaded? try: vmacct load; if it is, the node is missing: check udev/devtmpfs (ls -l %s, cat %s)",
				needs, VMACCT_DEV_PATH, strerror(err), VMACCT_DEV_PATH,
				VMACCT_MISC_DEV_ATTR);
		else if (dev[0])
			log_err("%s: %s — the module is loaded but the device node is missing: check udev/devtmpfs (ls -l %s); the kernel says it is char %u:%u (%s), so: mknod %s c %u %u",
				VMACCT_DEV_PATH, strerror(err), VMACCT_DEV_PATH,
				major, minor, VMACCT_MISC_DEV_ATTR,
				VMACCT_DEV_PATH, major, minor);
		else
			log_err("%s: %s — the module is loaded but the device node is missing and %s is unreadable: check udev/devtmpfs (ls -l %s) and dmesg | grep vmacct",
				VMACCT_DEV_PATH, strerror(err),
				VMACCT_MISC_DEV_ATTR, VMACCT_DEV_PATH);
		return VM_EXIT_NOT_LOADED;
	}
	if (err == EACCES || err == EPERM) {
		log_err("%s: %s — check its owner and mode (ls -l %s); run as root or as a user the node's permissions allow",
			VMACCT_DEV_PATH, strerror(err), VMACCT_DEV_PATH);
		return VM_EXIT_PERM;
	}
	log_err("%s: %s — see dmesg | grep vmacct", VMACCT_DEV_PATH,
		strerror(err));
	return VM_EXIT_FAILED;
}

int vm_dev_open(const struct global_opts *g, int verbose, int *fd)
{
	return vm_dev_open_or_why(g, verbose, fd, NULL, 0);
}

int vm_dev_open_or_why(const struct global_opts *g, int verbose, int *fd,
		       char *why, size_t len)
{
	struct global_opts kopts = *g;	/* with the command's -v */
	char obstacle[512], needs[64] = "";
	struct kmod_ctx *ctx;
	int state;

	/* "trace needs the module: ": which command cannot go on without it */
	if (g->cmd)
		snprintf(needs, sizeof(needs), "%.32s needs the module: ", g->cmd);

	kopts.verbose = verbose;
	ctx = vm_kmod_new(&kopts);
	if (!ctx)
		return VM_EXIT_FAILED;
	state = vm_module_state(ctx, VMACCT_MODULE_NAME);
	if (state == -ENOENT)
		module_obstacle(ctx, obstacle, sizeof(obstacle));
	kmod_unref(ctx);

	if (state == -ENOENT) {
		if (why) {
			snprintf(why, len, "module %s is not loaded: %s",
				 VMACCT_MODULE_NAME, obstacle);
			return VM_EXIT_NOT_LOADED;
		}
		log_err("%smodule %s is not loaded — %s", needs, VMACCT_MODULE_NAME,
			obstacle);
		return VM_EXIT_NOT_LOADED;
	}
	if (state < 0)
		log_note(verbose, "cannot tell whether %s is loaded: %s",
			 VMACCT_MODULE_NAME, strerror(-state));
	else if (state == KMOD_MODULE_COMING || state == KMOD_MODULE_GOING)
		log_warn("module %s is %s", VMACCT_MODULE_NAME,
			 kmod_module_initstate_str(state));

	*fd = open(VMACCT_DEV_PATH, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return explain_open_error(needs, errno, state);
	return VM_EXIT_OK;
}

int vm_dev_ioctl_error(const char *what, int err)
{
	if (err == ENOTTY)
		log_err("%s: %s: %s — %s does not answer vmacct ioctls; is it the vmacct device? (ls -l %s)",
			VMACCT_DEV_PATH, what, strerror(err), VMACCT_DEV_PATH,
			VMACCT_DEV_PATH);
	else if (err == EINVAL || err == E2BIG)
		log_err("%s: %s: %s — the module rejected this tool's request layout: rebuild/reinstall the tool and the module together",
			VMACCT_DEV_PATH, what, strerror(err));
	else
		log_err("%s: %s: %s — see dmesg | grep vmacct", VMACCT_DEV_PATH,
			what, strerror(err));
	return VM_EXIT_FAILED;
}

int vm_dev_pid_error(const char *what, int32_t pid, int err)
{
	const char *hint = pid_error_hint(err);
	char who[32];

	if (pid)
		snprintf(who, sizeof(who), "pid %d", pid);
	else
		snprintf(who, sizeof(who), "pid %d (this tool)", (int)getpid());
	if (hint) {
		log_err("%s: %s: %s — %s", who, what, strerror(err), hint);
		return pid_error_exit_code(err);
	}
	if (err == ENOTTY) {
		/* VMACCT_IOC_VERSION answered, so the node is ours */
		log_err("%s: %s: %s — the loaded module is older than this tool and does not know %s: rebuild and reinstall the module, then: vmacct unload; vmacct load",
			VMACCT_DEV_PATH, what, strerror(err), what);
		return VM_EXIT_ABI;
	}
	return vm_dev_ioctl_error(what, err);
}

int vm_dev_check_size(const char *what, uint32_t got, uint32_t ver0,
		      size_t ours, int verbose)
{
	if (got < ver0) {
		log_err("%s: %s wrote %u bytes, fewer than the %u of its first version — rebuild/reinstall both",
			VMACCT_DEV_PATH, what, got, ver0);
		return VM_EXIT_ABI;
	}
	if (got < ours)
		log_note(verbose, "module knows %u bytes of the %s argument, this tool %zu: the newer fields read as 0",
			 got, what, ours);
	return VM_EXIT_OK;
}

int vm_dev_version(int fd, struct vmacct_version *v)
{
	memset(v, 0, sizeof(*v));
	v->size = sizeof(*v);
	if (ioctl(fd, VMACCT_IOC_VERSION, v) < 0)
		return vm_dev_ioctl_error("VMACCT_IOC_VERSION", errno);
	if (v->abi_version != VMACCT_ABI_VERSION) {
		log_err("ABI version mismatch: tool %d, module %u — rebuild/reinstall both",
			VMACCT_ABI_VERSION, v->abi_version);
		return VM_EXIT_ABI;
	}
	return VM_EXIT_OK;
}

int vm_dev_stats(int fd, int verbose, struct vmacct_stats *s, bool *have)
{
	memset(s, 0, sizeof(*s));
	s->size = sizeof(*s);
	*have = false;
	if (ioctl(fd, VMACCT_IOC_STATS, s) < 0) {
		if (errno != ENOTTY)
			return vm_dev_ioctl_error("VMACCT_IOC_STATS", errno);
		log_note(verbose, "the module has no VMACCT_IOC_STATS (older than this tool): no counters");
		return VM_EXIT_OK;
	}
	*have = true;
	return vm_dev_check_size("VMACCT_IOC_STATS", s->size,
				 VMACCT_STATS_SIZE_VER0, sizeof(*s), verbose);
}

int vm_dev_commit(int fd, int verbose, struct vmacct_commit *c)
{
	memset(c, 0, sizeof(*c));
	c->size = sizeof(*c);
	if (ioctl(fd, VMACCT_IOC_COMMIT, c) < 0)
		return -errno;
	return vm_dev_check_size("VMACCT_IOC_COMMIT", c->size,
				 VMACCT_COMMIT_SIZE_VER0, sizeof(*c), verbose);
}

int vm_dev_snapshot(int fd, int verbose, struct vmacct_version *v,
		    struct vmacct_commit *c)
{
	int ret;

	ret = vm_dev_version(fd, v);
	if (ret != VM_EXIT_OK)
		return ret;
	ret = vm_dev_commit(fd, verbose, c);
	if (ret < 0)
		return vm_dev_ioctl_error("VMACCT_IOC_COMMIT", -ret);
	return ret;
}

int vm_dev_mm(int fd, int32_t pid, uint32_t flags, int verbose,
	      struct vmacct_mm *m)
{
	memset(m, 0, sizeof(*m));
	m->size = sizeof(*m);
	m->pid = pid;
	m->flags = flags;
	if (ioctl(fd, VMACCT_IOC_MM, m) < 0)
		return -errno;
	return vm_dev_check_size("VMACCT_IOC_MM", m->size,
				 VMACCT_MM_SIZE_VER0, sizeof(*m), verbose);
}

int vm_dev_eval(int fd, int32_t pid, uint32_t flags, uint32_t mode,
		int64_t pages, int verbose, struct vmacct_eval *e)
{
	memset(e, 0, sizeof(*e));
	e->size = sizeof(*e);
	e->flags = flags;
	e->pid = pid;
	e->mode = flags & VMACCT_EVAL_MODE ? mode : 0;
	e->pages = pages;
	if (ioctl(fd, VMACCT_IOC_EVAL, e) < 0)
		return -errno;
	return vm_dev_check_size("VMACCT_IOC_EVAL", e->size,
				 VMACCT_EVAL_SIZE_VER0, sizeof(*e), verbose);
}

int vm_dev_fork(int fd, int32_t pid, int verbose, struct vmacct_fork *f)
{
	memset(f, 0, sizeof(*f));
	f->size = sizeof(*f);
	f->pid = pid;
	if (ioctl(fd, VMACCT_IOC_FORK, f) < 0)
		return -errno;
	return vm_dev_check_size("VMACCT_IOC_FORK", f->size,
				 VMACCT_FORK_SIZE_VER0, sizeof(*f), verbose);
}

int vm_dev_trace(int fd, const struct trace_filter *f, int verbose,
		 struct vmacct_trace *t)
{
	trace_filter_request(f, t);
	if (ioctl(fd, VMACCT_IOC_TRACE, t) < 0)
		return -errno;
	return vm_dev_check_size("VMACCT_IOC_TRACE", t->size,
				 VMACCT_TRACE_SIZE_VER0, sizeof(*t), verbose);
}

/*
 * The records of a reply: no more than asked for, each at least the first
 * published size.  An exit code, said.
 */
static int vm_dev_check_records(const char *what, uint32_t got,
				uint32_t size, uint32_t asked, uint32_t ver0,
				size_t ours)
{
	if (got > asked || (got && size < ver0)) {
		log_err("%s: %s: %u records of %u bytes for %u of %zu — the module and this tool disagree on the layout: rebuild/reinstall them together",
			VMACCT_DEV_PATH, what, got, size, asked, ours);
		return VM_EXIT_ABI;
	}
	return VM_EXIT_OK;
}

int vm_dev_log(int fd, uint64_t since, struct vmacct_record *recs,
	       uint32_t nr, int verbose, struct vmacct_log *l)
{
	int ret;

	memset(l, 0, sizeof(*l));
	l->size = sizeof(*l);
	l->since = since;
	l->records = (uint64_t)(uintptr_t)recs;
	l->nr = nr;
	l->record_size = sizeof(*recs);
	if (ioctl(fd, VMACCT_IOC_LOG, l) < 0)
		return -errno;
	ret = vm_dev_check_size("VMACCT_IOC_LOG", l->size,
				VMACCT_LOG_SIZE_VER0, sizeof(*l), verbose);
	if (ret != VM_EXIT_OK)
		return ret;
	return vm_dev_check_records("VMACCT_IOC_LOG", l->nr, l->record_size,
				    nr, VMACCT_RECORD_SIZE_VER0, sizeof(*recs));
}

int vm_dev_recorder_error(const char *what, const char *has, int err)
{
	if (err == EPERM || err == EACCES) {
		log_err("%s: %s: %s — the recorder needs CAP_PERFMON or CAP_SYS_ADMIN (run as root)",
			VMACCT_DEV_PATH, what, strerror(err));
		return VM_EXIT_PERM;
	}
	if (err == ENOTTY) {
		log_err("%s: %s: %s — the loaded module is older than this tool and %s: rebuild and reinstall the module, then: vmacct unload; vmacct load",
			VMACCT_DEV_PATH, what, strerror(err), has);
		return VM_EXIT_ABI;
	}
	return vm_dev_ioctl_error(what, err);
}

int vm_dev_breakdown(int fd, int verbose, struct vmacct_breakdown *b)
{
	memset(b, 0, sizeof(*b));
	b->size = sizeof(*b);
	if (ioctl(fd, VMACCT_IOC_BREAKDOWN, b) < 0)
		return -errno;
	return vm_dev_check_size("VMACCT_IOC_BREAKDOWN", b->size,
				 VMACCT_BREAKDOWN_SIZE_VER0, sizeof(*b), verbose);
}

int vm_dev_log_error(int err)
{
	return vm_dev_recorder_error("VMACCT_IOC_LOG", "has no recorder", err);
}

int vm_dev_peaks(int fd, struct vmacct_peak *peaks, uint32_t nr,
		 int verbose, uint32_t *got)
{
	struct vmacct_peaks p;
	int ret;

	memset(&p, 0, sizeof(p));
	memset(peaks, 0, nr * sizeof(*peaks));
	p.size = sizeof(p);
	p.records = (uint64_t)(uintptr_t)peaks;
	p.nr = nr;
	p.record_size = sizeof(*peaks);
	if (ioctl(fd, VMACCT_IOC_PEAKS, &p) < 0)
		return -errno;
	ret = vm_dev_check_size("VMACCT_IOC_PEAKS", p.size,
				VMACCT_PEAKS_SIZE_VER0, sizeof(p), verbose);
	if (ret == VM_EXIT_OK)
		ret = vm_dev_check_records("VMACCT_IOC_PEAKS", p.nr,
					   p.record_size, nr,
					   VMACCT_PEAK_SIZE_VER0,
					   sizeof(*peaks));
	*got = ret == VM_EXIT_OK ? p.nr : 0;
	return ret;
}

int vm_dev_overwrites(int fd, struct vmacct_overwrite *groups, uint32_t nr,
		      int verbose, uint32_t *got)
{
	struct vmacct_overwrites o;
	int ret;

	memset(&o, 0, sizeof(o));
	memset(groups, 0, nr * sizeof(*groups));
	o.size = sizeof(o);
	o.records = (uint64_t)(uintptr_t)groups;
	o.nr = nr;
	o.record_size = sizeof(*groups);
	if (ioctl(fd, VMACCT_IOC_OVERWRITES, &o) < 0)
		return -errno;
	ret = vm_dev_check_size("VMACCT_IOC_OVERWRITES", o.size,
				VMACCT_OVERWRITES_SIZE_VER0, sizeof(o),
				verbose);
	if (ret == VM_EXIT_OK)
		ret = vm_dev_check_records("VMACCT_IOC_OVERWRITES", o.nr,
					   o.record_size, nr,
					   VMACCT_OVERWRITE_SIZE_VER0,
					   sizeof(*groups));
	*got = ret == VM_EXIT_OK ? o.nr : 0;
	return ret;
}

int vm_dev_trace_error(int err)
{
	if (err == EPERM || err == EACCES) {
		log_err("%s: VMACCT_IOC_TRACE: %s — the event stream needs CAP_PERFMON or CAP_SYS_ADMIN (run as root)",
			VMACCT_DEV_PATH, strerror(err));
		return VM_EXIT_PERM;
	}
	if (err == ENOTTY) {
		/* VMACCT_IOC_VERSION answered, so the node is ours */
		log_err("%s: VMACCT_IOC_TRACE: %s — the loaded module is older than this tool and has no event stream: rebuild and reinstall the module, then: vmacct unload; vmacct load",
			VMACCT_DEV_PATH, strerror(err));
		return VM_EXIT_ABI;
	}
	return vm_dev_ioctl_error("VMACCT_IOC_TRACE", err);
}

int vm_dev_trace_open(const struct global_opts *g, int verbose,
		      const struct trace_filter *f, int *fd,
		      struct vmacct_trace *t)
{
	struct vmacct_version ver;
	int ret, fl;

	ret = vm_dev_open(g, verbose, fd);
	if (ret != VM_EXIT_OK)
		return ret;
	ret = vm_dev_version(*fd, &ver);
	if (ret != VM_EXIT_OK)
		goto out_close;
	ret = vm_dev_trace(*fd, f, verbose, t);
	if (ret < 0)
		ret = vm_dev_trace_error(-ret);
	if (ret != VM_EXIT_OK)
		goto out_close;
	/* poll() says when; read() then never waits */
	fl = fcntl(*fd, F_GETFL);
	if (fl < 0 || fcntl(*fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		log_err("%s: fcntl(O_NONBLOCK): %s", VMACCT_DEV_PATH, strerror(errno));
		ret = VM_EXIT_FAILED;
		goto out_close;
	}
	return VM_EXIT_OK;
out_close:
	close(*fd);
	*fd = -1;
	return ret;
}

int vm_dev_ring_consume(int fd, struct vm_ring *r, size_t n)
{
	struct vmacct_consume c = { .size = sizeof(c), .head = r->head + n };

	if (ioctl(fd, VMACCT_IOC_CONSUME, &c) < 0)
		return -errno;
	r->head = c.head;
	return 0;
}

int vm_dev_read_events(int fd, struct vmacct_event *buf, size_t max,
		       size_t *nrec)
{
	ssize_t n;

	*nrec = 0;
	n = read(fd, buf, max * sizeof(buf[0]));
	if (n < 0)
		return -errno;
	if ((size_t)n % sizeof(buf[0])) {
		log_err("%s: read returned %zd bytes, not whole %zu-byte records — ABI mismatch between the module and this tool: rebuild/reinstall both",
			VMACCT_DEV_PATH, n, sizeof(buf[0]));
		return VM_EXIT_ABI;
	}
	*nrec = (size_t)n / sizeof(buf[0]);
	return 0;
}
