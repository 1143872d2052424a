// SPDX-License-Identifier: GPL-2.0
/* Insert/remove failure hints: see hints.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hints.h"
#include "tool.h"

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

void load_obstacle_text(bool have_modules, const char *lockdown,
			bool installed, const char *release, char *buf,
			size_t len)
{
	const char *mode = lockdown ? strchr(lockdown, '[') : NULL;

	if (!have_modules)
		snprintf(buf, len, "this kernel cannot load modules (no /proc/modules: CONFIG_MODULES=n)");
	else if (mode && strncmp(mode, "[none]", 6))
		snprintf(buf, len, "the kernel is in lockdown (%.*s): it loads only signed modules; sign vmacct.ko with a key it trusts (mokutil --import)",
			 (int)strcspn(mode, "\n"), mode);
	else if (!installed)
		snprintf(buf, len, "vmacct.ko is not installed for the running kernel %s: install it (the vmacct-dkms package, or in the source tree: make && sudo make install), then: vmacct load",
			 release);
	else
		snprintf(buf, len, "try: vmacct load");
}
