// SPDX-License-Identifier: GPL-2.0
/* Insert/remove failure hints: see hints.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "escape.h"
#include "hints.h"
#include "tool.h"

/* The most bytes of a name from the system quoted in a hint. */
#define ESC_CUT_MAX	160

const char *insert_hint(int err)
{
	switch (err) {
	case EINVAL:
		return "the module refused an address or an option and names the symbol in the kernel log: see dmesg | grep vmacct";
	case EPERM:
	case EKEYREJECTED:
		return "Secure Boot / kernel lockdown (or kernel.modules_disabled=1) admits only signed modules: sign vmacct.ko with a key the kernel trusts (e.g. enrolled with mokutil --import), see dmesg | grep -i -e lockdown -e vmacct";
	case ENOEXEC:
		return "vmacct.ko was built for another kernel: rebuild it against this kernel's headers (in the source tree: make && sudo make install; with DKMS: sudo dkms autoinstall)";
	case ENOENT:
		return "the module needs a symbol this kernel does not export: see dmesg | grep vmacct";
	case ENOSYS:
		return "this kernel cannot load modules (CONFIG_MODULES=n)";
	case EACCES:
		return "the module file is not readable, or an LSM (LoadPin, IMA, SELinux) refused it: see dmesg";
	default:
		return "see dmesg | grep vmacct";
	}
}

int insert_exit_code(int err)
{
	switch (err) {
	case EPERM:
	case EACCES:
	case EKEYREJECTED:
		return VM_EXIT_PERM;
	default:
		return VM_EXIT_FAILED;
	}
}

const char *remove_hint(int err)
{
	switch (err) {
	case EAGAIN:	/* == EWOULDBLOCK: still in use after the wait */
	case EBUSY:
		return "a process holds " VMACCT_DEV_PATH " open: find it with fuser -v " VMACCT_DEV_PATH " (or lsof " VMACCT_DEV_PATH "), end it, then retry";
	case EPERM:
		return "need root (CAP_SYS_MODULE) — try: sudo vmacct unload";
	default:
		return "see dmesg | grep vmacct";
	}
}

int remove_exit_code(int err)
{
	return err == EPERM || err == EACCES ? VM_EXIT_PERM : VM_EXIT_FAILED;
}

const char *pid_error_hint(int err)
{
	switch (err) {
	case ESRCH:
		return "check the PID (ps -p PID); it is looked up in this tool's PID namespace";
	case ENXIO:
		return "a kernel thread: it has no user address space, so nothing is mapped or charged";
	case ENODATA:
		return "the process is exiting and its address space is already gone: nothing left to measure";
	case EACCES:
	case EPERM:
		return "another user's process, or one that is not dumpable: run as its owner, or as root (CAP_SYS_PTRACE), as for /proc/PID/maps";
	case EINTR:
		return "interrupted by a signal while the module read the process: run it again";
	default:
		return NULL;
	}
}

int pid_error_exit_code(int err)
{
	return err == EACCES || err == EPERM ? VM_EXIT_PERM : VM_EXIT_FAILED;
}

const char *errno_name(int err)
{
	switch (err) {
	case EACCES:	return "EACCES";
	case EPERM:	return "EPERM";
	case ESRCH:	return "ESRCH";
	case ENXIO:	return "ENXIO";
	case ENODATA:	return "ENODATA";
	case EINTR:	return "EINTR";
	case EINVAL:	return "EINVAL";
	case ENOTTY:	return "ENOTTY";
	case EFAULT:	return "EFAULT";
	case E2BIG:	return "E2BIG";
	case ENOMEM:	return "ENOMEM";
	default:	return "?";
	}
}

const char *errno_text(int err)
{
	const char *name = errno_name(err);

	if (!err)
		return "success";
	return strcmp(name, "?") ? name : strerror(err);
}

bool lockdown_active(const char *lockdown)
{
	const char *mode = lockdown ? strchr(lockdown, '[') : NULL;

	return mode && strncmp(mode, "[none]", 6);
}

/* The length of the first word of s (blanks: the kernel's separators). */
static size_t first_word_len(const char *s)
{
	return strcspn(s, " \t\n");
}

bool vermagic_matches(const char *vermagic, const char *release)
{
	size_t n;

	if (!vermagic || !release)
		return false;
	vermagic += strspn(vermagic, " \t");
	n = first_word_len(vermagic);
	return n && n == strlen(release) && !memcmp(vermagic, release, n);
}

enum load_obstacle load_obstacle(const struct load_facts *f)
{
	if (!f->have_modules)
		return LOAD_NO_MODULES;
	if (f->path && (!f->vermagic ||
			(!f->has_crcs && !vermagic_matches(f->vermagic, f->release))))
		return LOAD_VERMAGIC;
	if (lockdown_active(f->lockdown) && (!f->path || !f->is_signed))
		return LOAD_LOCKDOWN;
	if (!f->path)
		return LOAD_NOT_INSTALLED;
	return LOAD_OK;
}

int load_obstacle_exit_code(enum load_obstacle o)
{
	switch (o) {
	case LOAD_OK:
		return VM_EXIT_OK;
	case LOAD_LOCKDOWN:
		return VM_EXIT_PERM;	/* as the kernel's EPERM would be */
	default:
		return VM_EXIT_FAILED;
	}
}

/* s escaped (ESC_TEXT) and cut to at most max bytes of input, into buf. */
static const char *esc_cut(const char *s, size_t max, char *buf, size_t len)
{
	char cut[ESC_CUT_MAX + 1];
	size_t n = strnlen(s, max < ESC_CUT_MAX ? max : ESC_CUT_MAX);

	memcpy(cut, s, n);
	cut[n] = '\0';
	return esc_text(cut, buf, len);
}

void load_obstacle_text(const struct load_facts *f, char *buf, size_t len)
{
	char path[ESC_TEXT_SIZE(ESC_CUT_MAX)], built[ESC_TEXT_SIZE(ESC_CUT_MAX)];
	char rel[ESC_TEXT_SIZE(ESC_CUT_MAX)], mode[ESC_TEXT_SIZE(ESC_CUT_MAX)];
	const char *vm = f->vermagic ? f->vermagic + strspn(f->vermagic, " \t") : NULL;
	const char *m;

	esc_cut(f->path ? f->path : "vmacct.ko", 160, path, sizeof(path));
	esc_cut(f->release ? f->release : "?", 64, rel, sizeof(rel));
	switch (load_obstacle(f)) {
	case LOAD_NO_MODULES:
		snprintf(buf, len, "this kernel cannot load modules (no /proc/modules: CONFIG_MODULES=n)");
		break;
	case LOAD_VERMAGIC:
		if (vm && first_word_len(vm)) {
			esc_cut(vm, first_word_len(vm) < 64 ? first_word_len(vm) : 64,
				built, sizeof(built));
			snprintf(buf, len, "%s was built for kernel %s, not the running kernel %s: the kernel would refuse it; rebuild it for this one (in the source tree: make && sudo make install; with DKMS: sudo dkms autoinstall)",
				 path, built, rel);
		} else {
			snprintf(buf, len, "%s has no vermagic: it was not built by Kbuild, and the kernel refuses it; build vmacct.ko for the running kernel %s (in the source tree: make && sudo make install)",
				 path, rel);
		}
		break;
	case LOAD_LOCKDOWN:
		m = strchr(f->lockdown, '[');
		esc_cut(m, strcspn(m, "\n"), mode, sizeof(mode));
		snprintf(buf, len, "the kernel is in lockdown (%s): it loads only signed modules, and %s; sign vmacct.ko with a key it trusts (mokutil --import)",
			 mode, f->path ? "this vmacct.ko is not signed" : "no vmacct.ko is installed");
		break;
	case LOAD_NOT_INSTALLED:
		snprintf(buf, len, "vmacct.ko is not installed for the running kernel %s: install it (the vmacct-dkms package, or in the source tree: make && sudo make install), then: vmacct load",
			 rel);
		break;
	default:
		snprintf(buf, len, "try: vmacct load");
		break;
	}
}
