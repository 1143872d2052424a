// SPDX-License-Identifier: GPL-2.0
/* The sysctls a reproduction changes, saved and put back: see repro-sysctl.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "repro-sysctl.h"

static const char *const sysctl_names[SYSCTL_COUNT] = {
	[SYSCTL_OVERCOMMIT_MEMORY]	= "overcommit_memory",
	[SYSCTL_MAX_MAP_COUNT]		= "max_map_count",
	[SYSCTL_OVERCOMMIT_KBYTES]	= "overcommit_kbytes",
	[SYSCTL_OVERCOMMIT_RATIO]	= "overcommit_ratio",
};

const char *sysctl_name(enum sysctl_id id)
{
	return (unsigned int)id < SYSCTL_COUNT ? sysctl_names[id] : NULL;
}

void sysctl_book_init(struct sysctl_book *b, const char *root)
{
	int i;

	memset(b, 0, sizeof(*b));
	for (i = 0; i < SYSCTL_COUNT; i++)
		snprintf(b->path[i], sizeof(b->path[i]), "%s/%s", root,
			 sysctl_names[i]);
	b->restore_order[0] = -1;
}

int sysctl_read(const struct sysctl_book *b, enum sysctl_id id, char *buf,
		size_t len)
{
	ssize_t n;
	int fd, err = 0;

	fd = open(b->path[id], O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0)
		err = -errno;
	close(fd);
	if (err)
		return err;
	buf[n] = '\0';
	buf[strspn(buf, "0123456789")] = '\0';
	return buf[0] ? 0 : -EINVAL;
}

int sysctl_read_u64(const struct sysctl_book *b, enum sysctl_id id,
		    uint64_t *v)
{
	char buf[SYSCTL_VALUE_MAX];
	int err = sysctl_read(b, id, buf, sizeof(buf));

	if (!err)
		*v = strtoull(buf, NULL, 10);
	return err;
}

/* Only open/write/close: called from signal handlers too. */
static int write_value(const char *path, const char *s)
{
	size_t len = strlen(s);
	ssize_t n;
	int fd, err = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC | O_TRUNC);
	if (fd < 0)
		return -errno;
	n = write(fd, s, len);
	if (n < 0)
		err = -errno;
	else if ((size_t)n != len)
		err = -EIO;
	if (close(fd) && !err)
		err = -errno;
	return err;
}

static int save_one(struct sysctl_book *b, enum sysctl_id id)
{
	int err;

	if (b->have_saved[id])
		return 0;
	err = sysctl_read(b, id, b->saved[id], sizeof(b->saved[id]));
	if (!err)
		b->have_saved[id] = 1;
	return err;
}

int sysctl_save_all(struct sysctl_book *b)
{
	int i, err;

	for (i = 0; i < SYSCTL_COUNT; i++) {
		err = save_one(b, i);
		if (err)
			return err;
	}
	return 0;
}

int sysctl_set(struct sysctl_book *b, enum sysctl_id id, uint64_t v)
{
	char buf[SYSCTL_VALUE_MAX];
	int err;

	err = save_one(b, id);
	if (!err && id == SYSCTL_OVERCOMMIT_RATIO)
		err = save_one(b, SYSCTL_OVERCOMMIT_KBYTES);
	if (!err && id == SYSCTL_OVERCOMMIT_KBYTES)
		err = save_one(b, SYSCTL_OVERCOMMIT_RATIO);
	if (err)
		return err;
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	return write_value(b->path[id], buf);
}

int sysctl_restore(struct sysctl_book *b)
{
	int order[SYSCTL_COUNT] = {
		SYSCTL_OVERCOMMIT_MEMORY, SYSCTL_MAX_MAP_COUNT,
		SYSCTL_OVERCOMMIT_KBYTES, SYSCTL_OVERCOMMIT_RATIO,
	};
	int i, n = 0, err, first = 0;

	/* a non-zero kbytes was in force: ratio was 0, so write kbytes last */
	if (b->have_saved[SYSCTL_OVERCOMMIT_KBYTES] &&
	    strcmp(b->saved[SYSCTL_OVERCOMMIT_KBYTES], "0")) {
		order[2] = SYSCTL_OVERCOMMIT_RATIO;
		order[3] = SYSCTL_OVERCOMMIT_KBYTES;
	}
	for (i = 0; i < SYSCTL_COUNT; i++) {
		int id = order[i];

		if (!b->have_saved[id])
			continue;
		err = write_value(b->path[id], b->saved[id]);
		if (err && !first)
			first = err;
		b->have_saved[id] = 0;
		b->restore_order[n++] = id;
	}
	b->restore_order[n] = -1;
	return first;
}
