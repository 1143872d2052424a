// SPDX-License-Identifier: GPL-2.0
/* The state file of "vmacct repro": see repro-state.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "procfs.h"
#include "repro-state.h"

void repro_state_path(char *buf, size_t len)
{
	const char *dir = getenv("VMACCT_STATE_DIR");

	snprintf(buf, len, "%s/%s", dir && *dir ? dir : REPRO_STATE_DIR,
		 REPRO_STATE_NAME);
}

static int write_all(int fd, const char *s, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, s, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

/* mkdir -p of the directory part of @path, mode 0755. */
static int make_parent(const char *path)
{
	char dir[REPRO_STATE_PATH_MAX], *p;

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return -ENAMETOOLONG;
	p = strrchr(dir, '/');
	if (!p || p == dir)
		return 0;
	*p = '\0';
	for (p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(dir, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

int repro_state_create(const char *path, struct sysctl_book *b, pid_t pid,
		       unsigned long long start)
{
	char tmp[REPRO_STATE_PATH_MAX + 16], text[1024];
	time_t now = time(NULL);
	struct tm tm;
	size_t off;
	int fd, err, i;

	err = sysctl_save_all(b);
	if (err)
		return err;
	err = make_parent(path);
	if (err)
		return err;
	if (snprintf(tmp, sizeof(tmp), "%s.%ld", path, (long)pid) >=
	    (int)sizeof(tmp))
		return -ENAMETOOLONG;

	gmtime_r(&now, &tm);
	off = (size_t)snprintf(text, sizeof(text),
		"# vmacct repro (pid %ld) changes these sysctls; their values before it,\n"
		"# written %04d-%02d-%02dT%02d:%02d:%02dZ.  It removes this file once it has put\n"
		"# them back.  If it is here and that process is gone, run:\n"
		"#   vmacct repro --restore\n"
		"pid=%ld\n"
		"start=%llu\n",
		(long)pid, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		tm.tm_hour, tm.tm_min, tm.tm_sec, (long)pid, start);
	for (i = 0; i < SYSCTL_COUNT && off < sizeof(text); i++)
		off += (size_t)snprintf(text + off, sizeof(text) - off,
					"vm.%s=%s\n", sysctl_name(i),
					b->saved[i]);
	if (off >= sizeof(text))
		return -EOVERFLOW;

	unlink(tmp);	/* ours: a leftover of this pid */
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	err = write_all(fd, text, off);
	if (!err && fsync(fd))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	/* link() fails if the file exists: one repro at a time */
	if (!err && link(tmp, path))
		err = -errno;
	unlink(tmp);
	return err;
}

/* "vm.NAME" -> its id, or -1 */
static int lookup_key(const char *key)
{
	int i;

	if (strncmp(key, "vm.", 3))
		return -1;
	for (i = 0; i < SYSCTL_COUNT; i++)
		if (!strcmp(key + 3, sysctl_name(i)))
			return i;
	return -1;
}

static bool starts_with_digit(const char *s)
{
	return *s >= '0' && *s <= '9';
}

static bool all_digits(const char *s, size_t max)
{
	size_t n = strspn(s, "0123456789");

	return n > 0 && n < max && s[n] == '\0';
}

int repro_state_load(const char *path, struct sysctl_book *b, pid_t *pid,
		     unsigned long long *start, char *what, size_t len)
{
	char line[256], *eq;
	int seen = 0, id, lineno = 0, err = 0;
	FILE *f;

	what[0] = '\0';
	*pid = 0;
	*start = 0;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(what, len, "line %d is too long", lineno);
			err = -EINVAL;
			break;
		}
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		eq = strchr(line, '=');
		if (eq)
			*eq++ = '\0';
		if (!eq || !all_digits(eq, SYSCTL_VALUE_MAX)) {
			snprintf(what, len, "line %d is not KEY=DIGITS", lineno);
			err = -EINVAL;
			break;
		}
		if (!strcmp(line, "pid")) {
			long v = strtol(eq, NULL, 10);

			if (v <= 0 || v > 4194304) {	/* PID_MAX_LIMIT */
				snprintf(what, len, "line %d: no such pid", lineno);
				err = -EINVAL;
				break;
			}
			*pid = (pid_t)v;
			continue;
		}
		if (!strcmp(line, "start")) {
			*start = strtoull(eq, NULL, 10);
			continue;
		}
		id = lookup_key(line);
		if (id < 0 || (seen & (1 << id))) {
			snprintf(what, len, "line %d: %s key", lineno,
				 id < 0 ? "unknown" : "repeated");
			err = -EINVAL;
			break;
		}
		snprintf(b->saved[id], sizeof(b->saved[id]), "%s", eq);
		b->have_saved[id] = 1;
		seen |= 1 << id;
	}
	if (!err && ferror(f))
		err = -EIO;
	fclose(f);
	if (!err && (seen != (1 << SYSCTL_COUNT) - 1 || !*pid)) {
		snprintf(what, len, "the pid or a sysctl is missing");
		err = -EINVAL;
	}
	if (err) {
		for (id = 0; id < SYSCTL_COUNT; id++)
			b->have_saved[id] = 0;
	}
	return err;
}

int repro_state_start_time(pid_t pid, unsigned long long *start)
{
	char rel[32], *buf, *p;
	int i, err = 0;

	snprintf(rel, sizeof(rel), "%ld/stat", (long)pid);
	buf = proc_slurp("/proc", rel);
	if (!buf)
		return -errno;
	/* after the name, which may hold anything, ')' and spaces too */
	p = strrchr(buf, ')');
	/* the space before field 3 (state), ..., before field 22 (starttime) */
	for (i = 3; i <= 22 && p; i++)
		p = strchr(p + 1, ' ');
	if (!p || !starts_with_digit(p + 1))
		err = -EINVAL;
	else
		*start = strtoull(p + 1, NULL, 10);
	free(buf);
	return err;
}

bool repro_state_owner_alive(pid_t pid, unsigned long long start)
{
	unsigned long long now;

	if (pid <= 0 || repro_state_start_time(pid, &now))
		return false;
	return now == start;	/* not a later process with the same pid */
}

void repro_state_describe(const struct sysctl_book *b, char *buf, size_t len)
{
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < SYSCTL_COUNT && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%svm.%s=%s",
					off ? " " : "", sysctl_name(i),
					b->have_saved[i] ? b->saved[i] : "?");
}
