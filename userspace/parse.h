/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Numbers in and out: strict parsing (the whole string, no sign, no
 * whitespace, overflow detected), and human-readable sizes and ISO 8601
 * times written into buffers the caller owns.
 */
#ifndef VMACCT_PARSE_H
#define VMACCT_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decimal digits only.  0, -EINVAL (not a number) or -ERANGE (too large). */
int parse_u64(const char *s, uint64_t *out);
/* Hex digits with an optional 0x/0X prefix (kallsyms addresses). */
int parse_hex_u64(const char *s, uint64_t *out);
/* As parse_u64, then checked against [min, max]: -ERANGE outside. */
int parse_u64_range(const char *s, uint64_t min, uint64_t max, uint64_t *out);
/*
 * A byte count: a decimal number, with a fraction when a unit follows,
 * and an optional binary unit K M G T P E, then "iB" or "B", in any case:
 * "4096", "64K", "1GiB", "2mb", "1.5G", "0.5gib" (all powers of 1024;
 * a fraction is rounded up to a whole byte).  -EDOM for a negative
 * number, -ERANGE past 2^64 - 1, -EINVAL otherwise.
 */
int parse_size(const char *s, uint64_t *out);
/*
 * The SIZE of "vmacct check": bytes as parse_size() reads them ("4k",
 * "1.5G", "1TiB"), or a whole page count with a lowercase "p" suffix
 * ("4096p").  A bare "p" therefore means pages: pebibytes are "P",
 * "PiB" or "pb".  Page counts above INT64_MAX (the module's limit) are
 * -ERANGE; zero is accepted (the caller says whether it means anything).
 */
struct size_arg {
	uint64_t value;
	bool pages;	/* value counts pages, not bytes */
};
int parse_size_arg(const char *s, struct size_arg *a);
/*
 * A duration into nanoseconds: a number of seconds, or with a unit s, m,
 * h or d, with a fraction if need be: "45", "30s", "1.5h", "5m", "1d".
 * -EDOM for a negative one, -ERANGE past 2^64 - 1 ns, -EINVAL otherwise.
 */
int parse_duration(const char *s, uint64_t *ns);
/*
 * The request in whole pages, bytes rounded up.  -EINVAL if page_size
 * is 0, -ERANGE above INT64_MAX pages.
 */
int size_arg_pages(const struct size_arg *a, uint32_t page_size,
		   uint64_t *pages);
/*
 * A process id: 1..INT32_MAX, or "self", which is 0 (the module's
 * "the caller").  0 itself is -ERANGE: write "self".
 */
int parse_pid_arg(const char *s, int32_t *pid);

/*
 * The soft limit of the line NAME ("Max address space") of
 * /proc/PID/limits: bytes, or UINT64_MAX for "unlimited".  -ENOENT
 * without that line, -EINVAL for one that is not a limit.
 */
int parse_proc_limit(const char *text, const char *name, uint64_t *soft);

/* "MAJOR:MINOR" as in /sys/class/misc/NAME/dev; one trailing newline allowed. */
int parse_devnum(const char *s, unsigned int *major, unsigned int *minor);

/* Size needed by format_size() and format_pages(), including the NUL. */
#define SIZE_STR_MAX 16

/*
 * Bytes as "0 B", "1023 B", "1.5 KiB", "4 GiB" (binary units, one decimal
 * place, dropped when zero).  Returns buf.
 */
char *format_size(uint64_t bytes, char *buf, size_t len);
/* pages * page_size as format_size(), saturating; "?" if page_size is 0. */
char *format_pages(uint64_t pages, uint32_t page_size, char *buf, size_t len);
/* Size needed by format_spages(), including the NUL. */
#define SSIZE_STR_MAX (SIZE_STR_MAX + 1)
/* A signed page count as format_pages(), "-" before negative sizes. */
char *format_spages(int64_t pages, uint32_t page_size, char *buf, size_t len);
/* (major << 16) | (minor << 8) | patch as "major.minor.patch". */
char *format_version_code(uint32_t code, char *buf, size_t len);
/* Size needed by format_iso8601_utc() and _duration(), including the NUL. */
#define ISO8601_STR_MAX 40
/*
 * Nanoseconds since the epoch as ISO 8601 UTC, every digit kept:
 * "2023-11-14T22:13:20.123456789Z".  Returns buf.
 */
char *format_iso8601_utc(uint64_t ns, char *buf, size_t len);
/* Nanoseconds as an ISO 8601 duration: "PT3723.500000000S".  Returns buf. */
char *format_iso8601_duration(uint64_t ns, char *buf, size_t len);
/* a - b as a signed count, saturating at INT64_MIN/INT64_MAX. */
int64_t sub_u64_signed(uint64_t a, uint64_t b);

#endif
