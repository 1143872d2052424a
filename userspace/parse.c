// SPDX-License-Identifier: GPL-2.0
/* Strict number parsing, size and time formatting: see parse.h. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "parse.h"

/*
 * strtoull() accepts leading whitespace, a sign ("-1" is ULLONG_MAX) and,
 * with base 0, octal; reject all of those before calling it.
 */
static int parse_digits(const char *s, int base, const char **end,
			uint64_t *out)
{
	unsigned long long v;
	char *e;

	if (!s || !(base == 10 ? isdigit((unsigned char)*s)
			       : isxdigit((unsigned char)*s)))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &e, base);
	if (errno == ERANGE)
		return -ERANGE;
	if (errno || e == s)
		return -EINVAL;
	*end = e;
	*out = v;
	return 0;
}

int parse_u64(const char *s, uint64_t *out)
{
	const char *end;
	uint64_t v;
	int err;

	err = parse_digits(s, 10, &end, &v);
	if (err)
		return err;
	if (*end)
		return -EINVAL;
	*out = v;
	return 0;
}

int parse_hex_u64(const char *s, uint64_t *out)
{
	const char *end;
	uint64_t v;
	int err;

	if (s && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	err = parse_digits(s, 16, &end, &v);
	if (err)
		return err;
	if (*end)
		return -EINVAL;
	*out = v;
	return 0;
}

int parse_u64_range(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v;
	int err;

	err = parse_u64(s, &v);
	if (err)
		return err;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

/*
 * DIGITS [. DIGITS] (-EDOM for a negative number): the whole part in *whole, the fraction as *frac over
 * 10^*ndig (at most 18 digits: more are no finer than a byte), *end after.
 */
static int parse_decimal(const char *s, uint64_t *whole, uint64_t *frac,
			 unsigned int *ndig, const char **end)
{
	int err = s && *s == '-' ? -EDOM : parse_digits(s, 10, end, whole);

	*frac = 0;
	*ndig = 0;
	if (err || **end != '.')
		return err;
	s = *end + 1;
	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	for (; isdigit((unsigned char)*s); s++) {
		if (*ndig == 18)
			continue;
		*frac = *frac * 10 + (uint64_t)(*s - '0');
		(*ndig)++;
	}
	*end = s;
	return 0;
}

/* whole + frac / 10^ndig, times mult, rounded up; -ERANGE past 2^64 - 1 */
static int scale(uint64_t whole, uint64_t frac, unsigned int ndig,
		 uint64_t mult, uint64_t *out)
{
	unsigned __int128 v = (unsigned __int128)whole * mult, f, den = 1;

	while (ndig--)
		den *= 10;
	f = (unsigned __int128)frac * mult;
	v += f / den + (f % den != 0);
	if (v > UINT64_MAX)
		return -ERANGE;
	*out = (uint64_t)v;
	return 0;
}

int parse_size(const char *s, uint64_t *out)
{
	static const char units[] = "KMGTPE";
	uint64_t whole, frac, mult = 1;
	unsigned int ndig;
	const char *end, *u;
	int err;

	err = parse_decimal(s, &whole, &frac, &ndig, &end);
	if (err)
		return err;
	if (*end && *end != 'b' && *end != 'B') {
		u = strchr(units, toupper((unsigned char)*end));
		if (!u)
			return -EINVAL;
		mult = 1ULL << (10 * (unsigned int)(u - units + 1));
		end++;
		if (!strcasecmp(end, "iB"))
			end += 2;
	}
	if (!strcasecmp(end, "B"))
		end++;
	if (*end)
		return -EINVAL;
	if (ndig && mult == 1)
		return -EINVAL;		/* a fraction of a byte */
	return scale(whole, frac, ndig, mult, out);
}

int parse_size_arg(const char *s, struct size_arg *a)
{
	const char *end;
	uint64_t v;
	int err;

	if (s && *s == '-')
		return -EDOM;
	err = parse_digits(s, 10, &end, &v);
	if (err)
		return err;
	if (end[0] && end[strlen(end) - 1] == 'p' && strcmp(end, "p"))
		return -EINVAL;		/* "1.5p", "1kp": pages are whole */
	if (!strcmp(end, "p")) {
		if (v > (uint64_t)INT64_MAX)
			return -ERANGE;
		a->value = v;
		a->pages = true;
		return 0;
	}
	err = parse_size(s, &v);
	if (err)
		return err;
	a->value = v;
	a->pages = false;
	return 0;
}

int parse_duration(const char *s, uint64_t *ns)
{
	static const struct {
		char unit;
		uint64_t secs;
	} units[] = { { 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 } };
	uint64_t whole, frac, mult = 1;
	unsigned int ndig, i;
	const char *end;
	int err;

	err = parse_decimal(s, &whole, &frac, &ndig, &end);
	if (err)
		return err;
	if (*end) {
		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (*end == units[i].unit)
				break;
		if (i == sizeof(units) / sizeof(units[0]) || end[1])
			return -EINVAL;
		mult = units[i].secs;
	}
	return scale(whole, frac, ndig, mult * 1000000000U, ns);
}

int size_arg_pages(const struct size_arg *a, uint32_t page_size,
		   uint64_t *pages)
{
	uint64_t n;

	if (!page_size)
		return -EINVAL;
	if (a->pages)
		n = a->value;
	else
		n = a->value / page_size + (a->value % page_size != 0);
	if (n > (uint64_t)INT64_MAX)
		return -ERANGE;
	*pages = n;
	return 0;
}

int parse_pid_arg(const char *s, int32_t *pid)
{
	uint64_t v;
	int err;

	if (s && !strcmp(s, "self")) {
		*pid = 0;
		return 0;
	}
	err = parse_u64_range(s, 1, INT32_MAX, &v);
	if (err)
		return err;
	*pid = (int32_t)v;
	return 0;
}

int parse_devnum(const char *s, unsigned int *major, unsigned int *minor)
{
	uint64_t ma, mi;
	const char *end;
	size_t len;
	int err;

	err = parse_digits(s, 10, &end, &ma);
	if (err)
		return err;
	if (*end != ':')
		return -EINVAL;
	err = parse_digits(end + 1, 10, &end, &mi);
	if (err)
		return err;
	len = strlen(end);
	if (len > 1 || (len == 1 && *end != '\n'))
		return -EINVAL;
	if (ma > UINT32_MAX || mi > UINT32_MAX)
		return -ERANGE;
	*major = (unsigned int)ma;
	*minor = (unsigned int)mi;
	return 0;
}

char *format_size(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = {
		"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB",
	};
	unsigned int i = 0;
	uint64_t div, tenths;

	while (i + 1 < sizeof(units) / sizeof(units[0]) &&
	       bytes >= (UINT64_C(1) << (10 * (i + 1))))
		i++;
	for (;;) {
		div = UINT64_C(1) << (10 * i);
		/* rounded tenths without overflow: (bytes % div) < 2^60 */
		tenths = (bytes / div) * 10 + ((bytes % div) * 10 + div / 2) / div;
		if (tenths < 10240 || i + 1 == sizeof(units) / sizeof(units[0]))
			break;
		i++;	/* 1023.95 KiB and up rounds to 1 MiB */
	}
	if (i == 0 || tenths % 10 == 0)
		snprintf(buf, len, "%" PRIu64 " %s", tenths / 10, units[i]);
	else
		snprintf(buf, len, "%" PRIu64 ".%" PRIu64 " %s", tenths / 10,
			 tenths % 10, units[i]);
	return buf;
}

char *format_pages(uint64_t pages, uint32_t page_size, char *buf, size_t len)
{
	uint64_t bytes;

	if (!page_size) {
		snprintf(buf, len, "?");
		return buf;
	}
	if (__builtin_mul_overflow(pages, (uint64_t)page_size, &bytes))
		bytes = UINT64_MAX;
	return format_size(bytes, buf, len);
}

char *format_spages(int64_t pages, uint32_t page_size, char *buf, size_t len)
{
	char sz[SIZE_STR_MAX];
	uint64_t mag = pages < 0 ? (uint64_t)0 - (uint64_t)pages : (uint64_t)pages;

	format_pages(mag, page_size, sz, sizeof(sz));
	snprintf(buf, len, "%s%s", pages < 0 && mag && page_size ? "-" : "", sz);
	return buf;
}

char *format_version_code(uint32_t code, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u", code >> 16, (code >> 8) & 0xff,
		 code & 0xff);
	return buf;
}

char *format_iso8601_utc(uint64_t ns, char *buf, size_t len)
{
	time_t secs = (time_t)(ns / 1000000000U);
	struct tm tm;
	size_t n;

	if (!gmtime_r(&secs, &tm) ||
	    !(n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm))) {
		snprintf(buf, len, "?");
		return buf;
	}
	snprintf(buf + n, len - n, ".%09" PRIu64 "Z", ns % 1000000000U);
	return buf;
}

char *format_iso8601_duration(uint64_t ns, char *buf, size_t len)
{
	snprintf(buf, len, "PT%" PRIu64 ".%09" PRIu64 "S", ns / 1000000000U,
		 ns % 1000000000U);
	return buf;
}

int64_t sub_u64_signed(uint64_t a, uint64_t b)
{
	if (a >= b)
		return a - b > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)(a - b);
	return b - a > (uint64_t)INT64_MAX ? INT64_MIN : -(int64_t)(b - a);
}

int parse_proc_limit(const char *text, const char *name, uint64_t *soft)
{
	size_t n = strlen(name);
	const char *line, *p, *end;
	char tok[32];
	size_t len;

	for (line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		if (strncmp(line, name, n) || line[n] != ' ')
			continue;
		p = line + n;
		p += strspn(p, " ");
		end = p + strcspn(p, " \n");
		len = (size_t)(end - p);
		if (!len || len >= sizeof(tok))
			return -EINVAL;
		memcpy(tok, p, len);
		tok[len] = '\0';
		if (!strcmp(tok, "unlimited")) {
			*soft = UINT64_MAX;
			return 0;
		}
		return parse_u64(tok, soft);
	}
	return -ENOENT;
}
