// SPDX-License-Identifier: GPL-2.0
/* Host tests: strict number parsing and size formatting (parse.c). */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "parse.h"
#include "tap.h"

#define NS	1000000000ULL

struct u64_case {
	const char *in;
	int err;
	uint64_t want;
};

static void check_cases(struct tap *t, const char *fn,
			int (*parse)(const char *, uint64_t *),
			const struct u64_case *cases, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t v = 0xdeadbeef;
		int err = parse(cases[i].in, &v);

		if (cases[i].err)
			tap_eq_i64(t, err, cases[i].err, "%s(\"%s\") fails with %d",
				   fn, cases[i].in, cases[i].err);
		else
			tap_ok(t, err == 0 && v == cases[i].want,
			       "%s(\"%s\") = %llu", fn, cases[i].in,
			       (unsigned long long)cases[i].want);
	}
}

/* SIZE of "vmacct check": what it parses to, then pages of 4096 bytes. */
struct size_case {
	const char *in;
	int err;		/* of parse_size_arg */
	uint64_t pages;		/* of size_arg_pages with 4096-byte pages */
};

static void test_size_arg(struct tap *t)
{
	static const struct size_case cases[] = {
		{ "0", 0, 0 },
		{ "1", 0, 1 },			/* one byte: a whole page */
		{ "4096", 0, 1 },
		{ "4097", 0, 2 },		/* rounded up */
		{ "4k", 0, 1 },
		{ "4K", 0, 1 },
		{ "5k", 0, 2 },
		{ "16M", 0, 4096 },
		{ "1G", 0, 262144 },
		{ "1GiB", 0, 262144 },
		{ "1gB", 0, 262144 },
		{ "1gb", 0, 262144 },		/* any case */
		{ "0.5gib", 0, 131072 },
		{ "1.5G", 0, 393216 },
		{ "1TiB", 0, 268435456 },
		{ "1.5p", -EINVAL, 0 },		/* pages are whole */
		{ "1kp", -EINVAL, 0 },
		{ "1.1", -EINVAL, 0 },		/* a fraction of a byte */
		{ "1T", 0, 268435456 },
		{ "1P", 0, 1ULL << 38 },	/* capital P: pebibytes */
		{ "1PiB", 0, 1ULL << 38 },
		{ "15E", 0, 15ULL << 48 },
		{ "18446744073709551615", 0, (1ULL << 52) },	/* 2^64 - 1 bytes, rounded up */
		{ "4096p", 0, 4096 },		/* lowercase p: pages */
		{ "1p", 0, 1 },
		{ "0p", 0, 0 },
		{ "9223372036854775807p", 0, INT64_MAX },
		{ "9223372036854775808p", -ERANGE, 0 },
		{ "18446744073709551616", -ERANGE, 0 },
		{ "16E", -ERANGE, 0 },
		{ "p", -EINVAL, 0 },
		{ "", -EINVAL, 0 },
		{ "1pp", -EINVAL, 0 },
		{ "1 p", -EINVAL, 0 },
		{ "1.G", -EINVAL, 0 },
		{ "-1", -EDOM, 0 },		/* negative: a message of its own */
		{ "-1p", -EDOM, 0 },
		{ "1Q", -EINVAL, 0 },
		{ "1Gp", -EINVAL, 0 },
		{ "0x10", -EINVAL, 0 },
		{ "G", -EINVAL, 0 },
	};
	struct size_arg a = { 0, false };
	uint64_t pages;
	size_t i;
	int err;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err = parse_size_arg(cases[i].in, &a);
		pages = 0xdeadbeef;
		if (cases[i].err) {
			tap_eq_i64(t, err, cases[i].err, "check SIZE \"%s\" fails with %d",
				   cases[i].in, cases[i].err);
			continue;
		}
		tap_ok(t, err == 0 && size_arg_pages(&a, 4096, &pages) == 0 &&
		       pages == cases[i].pages,
		       "check SIZE \"%s\" is %llu pages of 4096 bytes", cases[i].in,
		       (unsigned long long)cases[i].pages);
	}
	tap_eq_i64(t, parse_size_arg(NULL, &a), -EINVAL, "check SIZE NULL fails");

	tap_ok(t, parse_size_arg("4k", &a) == 0 && !a.pages && a.value == 4096,
	       "\"4k\" is 4096 bytes, not pages");
	tap_ok(t, parse_size_arg("8p", &a) == 0 && a.pages && a.value == 8,
	       "\"8p\" is 8 pages");
	tap_ok(t, size_arg_pages(&a, 65536, &pages) == 0 && pages == 8,
	       "a page count does not depend on the page size");
	tap_ok(t, parse_size_arg("65537", &a) == 0 &&
	       size_arg_pages(&a, 65536, &pages) == 0 && pages == 2,
	       "65537 bytes are 2 pages of 64 KiB");
	tap_eq_i64(t, size_arg_pages(&a, 0, &pages), -EINVAL, "page size 0 is refused");
	tap_ok(t, parse_size_arg("9223372036854775808", &a) == 0 &&
	       size_arg_pages(&a, 1, &pages) == -ERANGE,
	       "2^63 bytes in 1-byte pages is more than the module's 2^63 - 1 pages");
}

static void test_pid_arg(struct tap *t)
{
	int32_t pid = -1;

	tap_ok(t, parse_pid_arg("self", &pid) == 0 && pid == 0, "PID self is 0 (the caller)");
	tap_ok(t, parse_pid_arg("1", &pid) == 0 && pid == 1, "PID 1");
	tap_ok(t, parse_pid_arg("2147483647", &pid) == 0 && pid == INT32_MAX, "PID INT32_MAX");
	tap_eq_i64(t, parse_pid_arg("2147483648", &pid), -ERANGE, "PID above INT32_MAX is refused");
	tap_eq_i64(t, parse_pid_arg("0", &pid), -ERANGE, "PID 0 is refused (write self)");
	tap_eq_i64(t, parse_pid_arg("-1", &pid), -EINVAL, "PID -1 is refused");
	tap_eq_i64(t, parse_pid_arg("Self", &pid), -EINVAL, "PID Self is refused (exact word)");
	tap_eq_i64(t, parse_pid_arg("12a", &pid), -EINVAL, "PID 12a is refused");
	tap_eq_i64(t, parse_pid_arg("", &pid), -EINVAL, "empty PID is refused");
	tap_eq_i64(t, parse_pid_arg(NULL, &pid), -EINVAL, "PID NULL is refused");
}

void test_parse(struct tap *t)
{
	static const struct u64_case dec[] = {
		{ "0", 0, 0 },
		{ "010", 0, 10 },	/* decimal, not octal */
		{ "18446744073709551615", 0, UINT64_MAX },
		{ "18446744073709551616", -ERANGE, 0 },
		{ "-1", -EINVAL, 0 },	/* strtoull would give UINT64_MAX */
		{ "+1", -EINVAL, 0 },
		{ "", -EINVAL, 0 },
		{ " 1", -EINVAL, 0 },
		{ "1 ", -EINVAL, 0 },
		{ "1\n", -EINVAL, 0 },
		{ "12abc", -EINVAL, 0 },
		{ "0x10", -EINVAL, 0 },
	};
	static const struct u64_case hex[] = {
		{ "ffffffff81000000", 0, 0xffffffff81000000ULL },
		{ "0xFF", 0, 255 },
		{ "0000000000000000", 0, 0 },
		{ "0x", -EINVAL, 0 },
		{ "fffffffffffffffff", -ERANGE, 0 },
		{ "g1", -EINVAL, 0 },
		{ "-1", -EINVAL, 0 },
		{ "ff ", -EINVAL, 0 },
	};
	static const struct u64_case size[] = {
		{ "4096", 0, 4096 },
		{ "64K", 0, 65536 },
		{ "1k", 0, 1024 },
		{ "1KiB", 0, 1024 },
		{ "1KB", 0, 1024 },
		{ "2M", 0, 2ULL << 20 },
		{ "1GiB", 0, 1ULL << 30 },
		{ "3T", 0, 3ULL << 40 },
		{ "15E", 0, 15ULL << 60 },
		{ "16E", -ERANGE, 0 },
		{ "17179869183G", 0, 17179869183ULL << 30 },
		{ "17179869184G", -ERANGE, 0 },	/* exactly 2^64 */
		{ "1.5G", 0, 3ULL << 29 },
		{ "0.5gib", 0, 1ULL << 29 },
		{ "1tib", 0, 1ULL << 40 },
		{ "2mb", 0, 2ULL << 20 },
		{ "4096b", 0, 4096 },
		{ "1.0000000001K", 0, 1025 },	/* a fraction rounds up to a byte */
		{ "0.001K", 0, 2 },		/* 1.024 bytes */
		{ "15.9999999999E", 0, 18446744073594259466ULL },
		{ "15.999999999999999999E", 0, UINT64_MAX },	/* 16 EiB - 1.15 bytes, rounded up */
		{ "15.9999999999999999999E", 0, UINT64_MAX },	/* digits past 18 are dropped */
		{ "16.0E", -ERANGE, 0 },
		{ "1.5", -EINVAL, 0 },		/* a fraction of a byte */
		{ "1.5b", -EINVAL, 0 },
		{ ".5G", -EINVAL, 0 },
		{ "1.G", -EINVAL, 0 },
		{ "1..5G", -EINVAL, 0 },
		{ "1,5G", -EINVAL, 0 },
		{ "1Q", -EINVAL, 0 },
		{ "K", -EINVAL, 0 },
		{ "1Ki", -EINVAL, 0 },
		{ "1GiBx", -EINVAL, 0 },
		{ "-1K", -EDOM, 0 },
	};
	static const struct u64_case duration[] = {
		{ "30s", 0, 30 * NS },
		{ "5m", 0, 300 * NS },
		{ "2h", 0, 7200 * NS },
		{ "1d", 0, 86400 * NS },
		{ "45", 0, 45 * NS },
		{ "0", 0, 0 },
		{ "0d", 0, 0 },
		{ "007m", 0, 420 * NS },
		{ "1.5h", 0, 5400 * NS },
		{ "0.5", 0, NS / 2 },
		{ "0.0000000001s", 0, 1 },	/* rounded up to a nanosecond */
		/* the largest of each unit that fits in 64 bits of nanoseconds */
		{ "18446744073", 0, 18446744073ULL * NS },
		{ "18446744073s", 0, 18446744073ULL * NS },
		{ "307445734m", 0, 307445734ULL * 60 * NS },
		{ "5124095h", 0, 5124095ULL * 3600 * NS },
		{ "213503d", 0, 213503ULL * 86400 * NS },
		{ "", -EINVAL, 0 },
		{ "5x", -EINVAL, 0 },
		{ "5S", -EINVAL, 0 },		/* units are lower case: M is not m */
		{ "-1", -EDOM, 0 },
		{ "+5", -EINVAL, 0 },
		{ " 5", -EINVAL, 0 },
		{ "5 ", -EINVAL, 0 },
		{ "s", -EINVAL, 0 },
		{ "1ss", -EINVAL, 0 },
		{ "0x10", -EINVAL, 0 },
		{ "1h30m", -EINVAL, 0 },
		{ "18446744074", -ERANGE, 0 },
		{ "307445735m", -ERANGE, 0 },
		{ "5124096h", -ERANGE, 0 },
		{ "213504d", -ERANGE, 0 },
		{ "99999999999999999999999", -ERANGE, 0 },
	};
	char buf[SIZE_STR_MAX], sbuf[SSIZE_STR_MAX];
	unsigned int ma = 0, mi = 0;
	uint64_t v = 0;

	check_cases(t, "parse_u64", parse_u64, dec, sizeof(dec) / sizeof(dec[0]));
	tap_eq_i64(t, parse_u64(NULL, &v), -EINVAL, "parse_u64(NULL) fails");
	check_cases(t, "parse_hex_u64", parse_hex_u64, hex, sizeof(hex) / sizeof(hex[0]));
	check_cases(t, "parse_size", parse_size, size, sizeof(size) / sizeof(size[0]));
	check_cases(t, "parse_duration", parse_duration, duration,
		    sizeof(duration) / sizeof(duration[0]));
	tap_eq_i64(t, parse_duration(NULL, &v), -EINVAL, "parse_duration(NULL) fails");

	{
		static const char limits[] =
			"Limit                     Soft Limit           Hard Limit           Units     \n"
			"Max data size             unlimited            unlimited            bytes     \n"
			"Max stack size            8388608              unlimited            bytes     \n"
			"Max address space         104857600            209715200            bytes     \n";

		tap_ok(t, parse_proc_limit(limits, "Max address space", &v) == 0 && v == 104857600,
		       "parse_proc_limit: the soft limit, not the hard one");
		tap_ok(t, parse_proc_limit(limits, "Max data size", &v) == 0 && v == UINT64_MAX,
		       "parse_proc_limit: unlimited is UINT64_MAX");
		tap_eq_i64(t, parse_proc_limit(limits, "Max locked memory", &v), -ENOENT,
			   "parse_proc_limit: a line that is not there");
		tap_eq_i64(t, parse_proc_limit("Max data size   -1  x\n", "Max data size", &v), -EINVAL,
			   "parse_proc_limit: not a number");
		tap_eq_i64(t, parse_proc_limit("Max data sizes 5\n", "Max data size", &v), -ENOENT,
			   "parse_proc_limit: another name that starts the same");
	}
	test_size_arg(t);
	test_pid_arg(t);

	tap_ok(t, parse_u64_range("5", 1, 10, &v) == 0 && v == 5, "parse_u64_range 5 in [1,10]");
	tap_eq_i64(t, parse_u64_range("11", 1, 10, &v), -ERANGE, "parse_u64_range 11 above [1,10]");
	tap_eq_i64(t, parse_u64_range("0", 1, 10, &v), -ERANGE, "parse_u64_range 0 below [1,10]");
	tap_eq_i64(t, parse_u64_range("x", 1, 10, &v), -EINVAL, "parse_u64_range rejects junk");

	tap_ok(t, parse_devnum("10:123\n", &ma, &mi) == 0 && ma == 10 && mi == 123,
	       "parse_devnum \"10:123\\n\" (sysfs dev file)");
	tap_ok(t, parse_devnum("250:0", &ma, &mi) == 0 && ma == 250 && mi == 0,
	       "parse_devnum \"250:0\"");
	tap_eq_i64(t, parse_devnum("10:", &ma, &mi), -EINVAL, "parse_devnum rejects \"10:\"");
	tap_eq_i64(t, parse_devnum(":1", &ma, &mi), -EINVAL, "parse_devnum rejects \":1\"");
	tap_eq_i64(t, parse_devnum("10:1x", &ma, &mi), -EINVAL, "parse_devnum rejects \"10:1x\"");
	tap_eq_i64(t, parse_devnum("10:1\n\n", &ma, &mi), -EINVAL, "parse_devnum rejects two newlines");
	tap_eq_i64(t, parse_devnum("4294967296:0", &ma, &mi), -ERANGE, "parse_devnum rejects major > 32 bits");

	tap_eq_str(t, format_size(0, buf, sizeof(buf)), "0 B", "format_size 0");
	tap_eq_str(t, format_size(1023, buf, sizeof(buf)), "1023 B", "format_size 1023");
	tap_eq_str(t, format_size(1024, buf, sizeof(buf)), "1 KiB", "format_size 1024");
	tap_eq_str(t, format_size(1536, buf, sizeof(buf)), "1.5 KiB", "format_size 1536");
	tap_eq_str(t, format_size(1310720, buf, sizeof(buf)), "1.3 MiB", "format_size 1.25 MiB rounds half up");
	tap_eq_str(t, format_size(1048575, buf, sizeof(buf)), "1 MiB", "format_size 1048575 carries into MiB");
	tap_eq_str(t, format_size(4ULL << 30, buf, sizeof(buf)), "4 GiB", "format_size 4 GiB");
	tap_eq_str(t, format_size(UINT64_MAX, buf, sizeof(buf)), "16 EiB", "format_size UINT64_MAX");
	tap_eq_str(t, format_pages(1, 4096, buf, sizeof(buf)), "4 KiB", "format_pages 1 x 4096");
	tap_eq_str(t, format_pages(262144, 4096, buf, sizeof(buf)), "1 GiB", "format_pages 262144 x 4096");
	tap_eq_str(t, format_pages(UINT64_MAX, 4096, buf, sizeof(buf)), "16 EiB", "format_pages saturates");
	tap_eq_str(t, format_pages(5, 0, buf, sizeof(buf)), "?", "format_pages with page size 0");
	tap_eq_str(t, format_version_code(0x060c00, buf, sizeof(buf)), "6.12.0", "format_version_code 6.12.0");
	tap_eq_str(t, format_version_code(0x000103, buf, sizeof(buf)), "0.1.3", "format_version_code 0.1.3");

	tap_eq_str(t, format_spages(-262144, 4096, sbuf, sizeof(sbuf)), "-1 GiB", "format_spages -1 GiB");
	tap_eq_str(t, format_spages(3, 4096, sbuf, sizeof(sbuf)), "12 KiB", "format_spages positive");
	tap_eq_str(t, format_spages(0, 4096, sbuf, sizeof(sbuf)), "0 B", "format_spages 0 has no sign");
	tap_eq_str(t, format_spages(INT64_MIN, 4096, sbuf, sizeof(sbuf)), "-16 EiB",
		   "format_spages INT64_MIN saturates with its sign");
	tap_eq_str(t, format_spages(-5, 0, sbuf, sizeof(sbuf)), "?", "format_spages with page size 0");

	tap_eq_i64(t, sub_u64_signed(5, 3), 2, "sub_u64_signed 5-3");
	tap_eq_i64(t, sub_u64_signed(3, 5), -2, "sub_u64_signed 3-5");
	tap_eq_i64(t, sub_u64_signed(UINT64_MAX, 0), INT64_MAX, "sub_u64_signed saturates high");
	tap_eq_i64(t, sub_u64_signed(0, UINT64_MAX), INT64_MIN, "sub_u64_signed saturates low");
}
