// SPDX-License-Identifier: GPL-2.0
/* The kernel's __vm_enough_memory() lines, parsed and matched: see explain.h. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"

#define S(lit)	lit, sizeof(lit) - 1

static const char fn_name[] = "__vm_enough_memory: ";

/* s[0..n) all decimal digits, no leading zero, into *v: 0 or -1. */
static int digits(const char *s, size_t n, uint64_t max, uint64_t *v)
{
	uint64_t x = 0;
	size_t i;

	if (!n || (n > 1 && s[0] == '0'))
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9' || x > (max - (uint64_t)(s[i] - '0')) / 10)
			return -1;
		x = x * 10 + (uint64_t)(s[i] - '0');
	}
	*v = x;
	return 0;
}

static size_t digit_run(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	return i;
}

static bool ends_with(const char *s, size_t n, const char *lit, size_t ln)
{
	return n >= ln && !memcmp(s + n - ln, lit, ln);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The name with \xNN decoded, as /dev/kmsg escapes what does not print. */
static void decode_comm(struct explain_line *l)
{
	const char *s = l->text + l->comm_off;
	size_t i, n = 0;

	l->dcomm_ok = true;
	for (i = 0; i < l->comm_len; n++) {
		if (n >= EXPLAIN_COMM_MAX) {
			l->dcomm_ok = false;
			break;
		}
		if (i + 3 < l->comm_len && s[i] == '\\' && s[i + 1] == 'x' &&
		    hexval(s[i + 2]) >= 0 && hexval(s[i + 3]) >= 0) {
			l->dcomm[n] = (char)(hexval(s[i + 2]) * 16 + hexval(s[i + 3]));
			i += 4;
		} else {
			l->dcomm[n] = s[i++];
		}
	}
	l->dcomm[n] = '\0';
	l->dcomm_len = n;
}

/*
 * What follows the function's name, from off: a refusal or the
 * ratelimit's count.  true when it is one.
 */
static bool parse_body(struct explain_line *l, size_t off)
{
	const char *s = l->text + off, *end = l->text + l->len;
	size_t n = (size_t)(end - s), d, comm_end;
	uint64_t v;

	if (ends_with(s, n, S(" callbacks suppressed")) &&
	    !digits(s, n - strlen(" callbacks suppressed"), INT32_MAX, &v)) {
		l->kind = EXPLAIN_SUPPRESSED;
		l->suppressed = v;
		return true;
	}
	if (n < 5 || memcmp(s, "pid: ", 5))
		return false;
	d = digit_run(s + 5, n - 5);
	if (digits(s + 5, d, INT32_MAX, &v) || n - 5 - d < 8 ||
	    memcmp(s + 5 + d, ", comm: ", 8))
		return false;
	l->pid = (int32_t)v;
	l->comm_off = off + 5 + d + 8;
	/* the name ends where the fixed text at the end begins */
	if (ends_with(l->text, l->len, S(" not enough memory for the allocation"))) {
		comm_end = l->len - strlen(" not enough memory for the allocation");
		for (d = 0; d < comm_end && l->text[comm_end - 1 - d] >= '0' &&
		     l->text[comm_end - 1 - d] <= '9'; d++)
			;
		if (digits(l->text + comm_end - d, d, UINT64_MAX, &l->bytes))
			return false;
		comm_end -= d;
		if (comm_end < l->comm_off + 9 ||
		    memcmp(l->text + comm_end - 9, ", bytes: ", 9))
			return false;
		comm_end -= 9;
		l->has_bytes = true;
	} else if (ends_with(l->text, l->len, S(", no enough memory for the allocation"))) {
		comm_end = l->len - strlen(", no enough memory for the allocation");
		if (comm_end < l->comm_off)
			return false;
	} else {
		return false;
	}
	l->comm_len = comm_end - l->comm_off;
	l->kind = EXPLAIN_REFUSAL;
	decode_comm(l);
	return true;
}

/* "SECS.FRAC" at s (at most n bytes) as ns; the bytes read, 0 if none. */
static size_t seconds(const char *s, size_t n, uint64_t *ns)
{
	size_t a = digit_run(s, n), b, i;
	uint64_t secs, frac = 0;

	if (!a || a >= n || s[a] != '.' || digits(s, a, UINT64_MAX / 1000000000U - 1, &secs))
		return 0;
	b = digit_run(s + a + 1, n - a - 1);
	if (!b)
		return 0;
	for (i = 0; i < 9; i++)
		frac = frac * 10 + (i < b ? (uint64_t)(s[a + 1 + i] - '0') : 0);
	*ns = secs * 1000000000U + frac;
	return a + 1 + b;
}

/* The prefix, text[0..off): its kind and the printk clock if it has it. */
static void parse_prefix(struct explain_line *l, size_t off)
{
	const char *p = l->text;
	size_t i, a, b, c, k;
	uint64_t f1, f2, us, ns;

	l->prefix = off ? EXPLAIN_PFX_OTHER : EXPLAIN_PFX_NONE;
	if (!off)
		return;
	/* /dev/kmsg: PRI,SEQ,TIMESTAMP_US,FLAGS[,...]; */
	a = digit_run(p, off);
	b = a < off && p[a] == ',' ? digit_run(p + a + 1, off - a - 1) : 0;
	c = b && a + b + 1 < off && p[a + 1 + b] == ',' ?
	    digit_run(p + a + b + 2, off - a - b - 2) : 0;
	k = a + b + c + 2;
	if (c && k < off && p[k] == ',' && p[off - 1] == ';' &&
	    !memchr(p + k, ';', off - 1 - k) &&
	    !digits(p, a, UINT32_MAX, &f1) && !digits(p + a + 1, b, UINT64_MAX, &f2) &&
	    !digits(p + a + b + 2, c, UINT64_MAX / 1000, &us)) {
		l->prefix = EXPLAIN_PFX_KMSG;
		l->has_time = true;
		l->time_ns = us * 1000;
		return;
	}
	/* dmesg's [  226.228443], the last one (dmesg -d adds " <delta>") */
	for (i = 0; i < off; i++) {
		if (p[i] != '[')
			continue;
		for (a = i + 1; a < off && p[a] == ' '; a++)
			;
		b = seconds(p + a, off - a, &ns);
		if (b && a + b < off && (p[a + b] == ']' || p[a + b] == ' ')) {
			l->has_time = true;
			l->time_ns = ns;
			l->prefix = EXPLAIN_PFX_DMESG;
		}
	}
	if (memmem(p, off, "kernel:", 7))
		l->prefix = EXPLAIN_PFX_SYSLOG;
}

enum explain_kind explain_parse_line(const char *line, size_t len,
				     struct explain_line *l)
{
	const char *p = line, *end = line + len;
	size_t off;

	memset(l, 0, sizeof(*l));
	l->text = line;
	l->len = len;
	while ((p = memmem(p, (size_t)(end - p), fn_name, strlen(fn_name)))) {
		off = (size_t)(p - line);
		/* the name alone, not the end of a longer word */
		if (!off || !(line[off - 1] == '_' ||
			      (line[off - 1] >= '0' && line[off - 1] <= '9') ||
			      ((line[off - 1] | 0x20) >= 'a' && (line[off - 1] | 0x20) <= 'z'))) {
			if (parse_body(l, off + strlen(fn_name))) {
				parse_prefix(l, off);
				return l->kind;
			}
			memset(l, 0, sizeof(*l));
			l->text = line;
			l->len = len;
		}
		p++;
	}
	return EXPLAIN_NONE;
}

const char *explain_comm(const struct explain_line *l, size_t *len)
{
	if (l->prefix == EXPLAIN_PFX_KMSG && l->dcomm_ok) {
		*len = l->dcomm_len;
		return l->dcomm;
	}
	*len = l->comm_len;
	return l->text + l->comm_off;
}

const char *explain_format_name(const struct explain_line *l)
{
	if (l->kind == EXPLAIN_SUPPRESSED)
		return "ratelimit";
	return l->has_bytes ? "6.9" : "6.1";
}

const char *explain_prefix_name(enum explain_prefix p)
{
	static const char *const names[] = {
		[EXPLAIN_PFX_NONE] = "none", [EXPLAIN_PFX_KMSG] = "kmsg",
		[EXPLAIN_PFX_DMESG] = "dmesg", [EXPLAIN_PFX_SYSLOG] = "syslog",
		[EXPLAIN_PFX_OTHER] = "other",
	};

	return (unsigned int)p < sizeof(names) / sizeof(names[0]) ? names[p] : "other";
}

uint64_t explain_record_clock(const struct vmacct_record *r)
{
	return r->printk_ns ? r->printk_ns : r->ev.time_ns;
}

uint64_t explain_tolerance_ns(uint64_t t)
{
	return 1000000000ULL + t / 2000;
}

static bool same_comm(const struct explain_line *l, const struct vmacct_record *r)
{
	size_t n = strnlen(r->ev.comm, sizeof(r->ev.comm));

	if (l->dcomm_ok && l->dcomm_len == n && !memcmp(l->dcomm, r->ev.comm, n))
		return true;
	/* /dev/kmsg escapes every backslash: only the decoded name is it */
	return l->prefix != EXPLAIN_PFX_KMSG && l->comm_len == n &&
	       !memcmp(l->text + l->comm_off, r->ev.comm, n);
}

static uint64_t distance(uint64_t a, uint64_t b)
{
	return a > b ? a - b : b - a;
}

bool explain_candidate(const struct explain_line *l,
		       const struct vmacct_record *r, uint32_t page_size)
{
	uint64_t bytes;

	if (l->kind != EXPLAIN_REFUSAL || r->ev.type != VMACCT_EV_DECISION ||
	    r->ev.pid != (uint32_t)l->pid || !same_comm(l, r))
		return false;
	if (l->has_bytes &&
	    (r->ev.pages <= 0 ||
	     __builtin_mul_overflow((uint64_t)r->ev.pages, (uint64_t)page_size, &bytes) ||
	     bytes != l->bytes))
		return false;
	return !l->has_time ||
	       distance(explain_record_clock(r), l->time_ns) <= explain_tolerance_ns(l->time_ns);
}

struct pair {
	size_t line, rec;
	uint64_t d;
};

static int pair_cmp(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;

	if (x->d != y->d)
		return x->d < y->d ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->rec < y->rec ? -1 : x->rec > y->rec;
}

int explain_match(const struct explain_line *lines, size_t nlines,
		  const struct vmacct_record *recs, size_t nrecs,
		  uint32_t page_size, long *match)
{
	struct pair *pairs = NULL, *np;
	size_t i, j, n = 0, cap = 0;
	bool *used = calloc(nrecs + 1, sizeof(*used));

	if (!used)
		return -1;
	for (i = 0; i < nlines; i++)
		match[i] = -1;
	/* lines with a time: the closest pairs first */
	for (i = 0; i < nlines; i++) {
		for (j = 0; lines[i].has_time && j < nrecs; j++) {
			if (!explain_candidate(&lines[i], &recs[j], page_size))
				continue;
			if (n == cap) {
				cap = cap ? 2 * cap : 64;
				np = realloc(pairs, cap * sizeof(*pairs));
				if (!np) {
					free(pairs);
					free(used);
					return -1;
				}
				pairs = np;
			}
			pairs[n].line = i;
			pairs[n].rec = j;
			pairs[n++].d = distance(explain_record_clock(&recs[j]), lines[i].time_ns);
		}
	}
	if (n)
		qsort(pairs, n, sizeof(*pairs), pair_cmp);
	for (i = 0; i < n; i++) {
		if (match[pairs[i].line] >= 0 || used[pairs[i].rec])
			continue;
		match[pairs[i].line] = (long)pairs[i].rec;
		used[pairs[i].rec] = true;
	}
	/* then the others, in order, each to the oldest candidate left */
	for (i = 0; i < nlines; i++) {
		for (j = 0; !lines[i].has_time && j < nrecs; j++) {
			if (!used[j] && explain_candidate(&lines[i], &recs[j], page_size)) {
				match[i] = (long)j;
				used[j] = true;
				break;
			}
		}
	}
	free(pairs);
	free(used);
	return 0;
}

enum explain_reason explain_reason(const struct explain_line *l,
				   const struct explain_ring *ring,
				   const struct vmacct_record *recs,
				   size_t nrecs)
{
	uint64_t tol = explain_tolerance_ns(l->time_ns);

	if (l->has_time && l->time_ns > ring->now_ns && l->time_ns - ring->now_ns > tol)
		return EXPLAIN_R_EARLIER_BOOT;
	if (l->has_time && nrecs && l->time_ns + tol < explain_record_clock(&recs[0]))
		return ring->lost ? EXPLAIN_R_OVERWRITTEN : EXPLAIN_R_BEFORE_LOAD;
	if (!ring->enabled)
		return EXPLAIN_R_RECORDER_OFF;
	if (!nrecs)
		return EXPLAIN_R_BEFORE_LOAD;
	if (l->has_time)
		return EXPLAIN_R_NOT_RECORDED;
	return ring->lost ? EXPLAIN_R_OVERWRITTEN : EXPLAIN_R_UNKNOWN;
}

const char *explain_reason_name(enum explain_reason r)
{
	static const char *const names[] = {
		[EXPLAIN_R_EARLIER_BOOT] = "earlier_boot",
		[EXPLAIN_R_OVERWRITTEN] = "overwritten",
		[EXPLAIN_R_BEFORE_LOAD] = "before_load",
		[EXPLAIN_R_RECORDER_OFF] = "recorder_off",
		[EXPLAIN_R_NOT_RECORDED] = "not_recorded",
		[EXPLAIN_R_UNKNOWN] = "unknown",
	};

	return (unsigned int)r < sizeof(names) / sizeof(names[0]) ? names[r] : "unknown";
}

/* ns as "SECS.MICROS s" */
static char *secs(uint64_t ns, char *buf, size_t len)
{
	snprintf(buf, len, "%llu.%06llu s", (unsigned long long)(ns / 1000000000U),
		 (unsigned long long)(ns % 1000000000U / 1000));
	return buf;
}

char *explain_reason_text(enum explain_reason r, const struct explain_line *l,
			  const struct explain_ring *ring,
			  const struct vmacct_record *recs, size_t nrecs,
			  char *buf, size_t len)
{
	char t[32], t0[32], t1[32];

	secs(l->time_ns, t, sizeof(t));
	secs(nrecs ? explain_record_clock(&recs[0]) : 0, t0, sizeof(t0));
	secs(nrecs ? explain_record_clock(&recs[nrecs - 1]) : 0, t1, sizeof(t1));
	switch (r) {
	case EXPLAIN_R_EARLIER_BOOT:
		snprintf(buf, len, "its time, %s after boot, is later than the clock now (%s): the line is from an earlier boot, or from another machine",
			 t, secs(ring->now_ns, t0, sizeof(t0)));
		break;
	case EXPLAIN_R_OVERWRITTEN:
		if (l->has_time)
			snprintf(buf, len, "its time, %s after boot, is before the oldest record kept (#%llu, %s), and %llu older refusals were overwritten (the ring keeps %u): its record was probably one of them (raise /sys/kernel/vmacct/recorder/size)",
				 t, (unsigned long long)recs[0].seq, t0,
				 (unsigned long long)ring->lost, ring->capacity);
		else
			snprintf(buf, len, "the line has no kernel time stamp, and %llu refusals were overwritten (the ring keeps %u): its record may have been one of them",
				 (unsigned long long)ring->lost, ring->capacity);
		break;
	case EXPLAIN_R_BEFORE_LOAD:
		if (nrecs)
			snprintf(buf, len, "its time, %s after boot, is before the first refusal recorded since load (#%llu, %s), and none was overwritten: the line is probably from before the module was loaded (or the recorder was off then)",
				 t, (unsigned long long)recs[0].seq, t0);
		else
			snprintf(buf, len, "the recorder has kept no refusal since the module was loaded: the line is from before that (or the recorder was off then)");
		break;
	case EXPLAIN_R_RECORDER_OFF:
		snprintf(buf, len, "the recorder is off (/sys/kernel/vmacct/recorder/enabled is 0): it was probably off then too");
		break;
	case EXPLAIN_R_NOT_RECORDED:
		snprintf(buf, len, "the recorder kept refusals from %s to %s after boot, but none of thread %d under that name and size near %s: the recorder was off then, or its probe missed the call (/sys/kernel/vmacct/trace/missed)",
			 t0, t1, (int)l->pid, t);
		break;
	default:
		snprintf(buf, len, "the line has no kernel time stamp, and no record of thread %d under that name and size is kept: the line is from before the module was loaded, from while the recorder was off, or from another boot",
			 (int)l->pid);
		break;
	}
	return buf;
}

void explain_min_settings(const struct vmacct_eval *e,
			  const struct vmacct_commit *c, uint32_t *min_ratio,
			  uint64_t *min_kbytes)
{
	/* the limit must reach limit - margin: that pays the pages missing */
	int64_t need = (int64_t)e->limit - e->margin - (int64_t)c->total_swap;
	uint64_t base = c->totalram > c->hugetlb ? c->totalram - c->hugetlb : 0;
	uint64_t ratio;

	*min_ratio = 0;
	*min_kbytes = 0;
	if (need <= 0)
		return;
	ratio = base ? ((uint64_t)need * 100 + base - 1) / base : UINT64_MAX;
	*min_ratio = ratio > INT_MAX ? VMACCT_RATIO_NONE : (uint32_t)ratio;
	*min_kbytes = (uint64_t)need * (c->page_size / 1024);
}

const char *explain_recon_fix(const struct vmacct_eval *e,
			      const struct vmacct_commit *c, char *buf, size_t len)
{
	uint32_t ratio;
	uint64_t kb;

	explain_min_settings(e, c, &ratio, &kb);
	if (e->verdict == 0)
		snprintf(buf, len, "none: it would pass now — the terms changed since, or that process's user reserve or credentials made the difference");
	else if (e->mode == 0)
		snprintf(buf, len, "only RAM + swap above %lld pages, or vm.overcommit_memory=1, would allow it",
			 (long long)e->pages - 1);
	else if (ratio == VMACCT_RATIO_NONE)
		snprintf(buf, len, "no vm.overcommit_ratio would; vm.overcommit_kbytes ≥ %llu would allow it now",
			 (unsigned long long)kb);
	else
		snprintf(buf, len, "vm.overcommit_ratio ≥ %u or vm.overcommit_kbytes ≥ %llu would allow it now",
			 ratio, (unsigned long long)kb);
	return buf;
}
