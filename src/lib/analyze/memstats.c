/*
 * memstats.c - runtime.MemStats from a debug=1 text heap profile, and the
 * split of what the process obtained from the OS (Sys) into what holds it:
 * live objects, span fragmentation, idle heap not yet returned, memory
 * released, goroutine stacks, runtime metadata.  That split answers "why is
 * RSS so much larger than inuse_space?".  The decoder (legacy_text) keeps
 * the "# Name = value" lines as strings; this file turns them into numbers.
 * Field meanings are those of runtime/mstats.go; see docs/internals/trend.md.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "common.h"

/* Parses an unsigned decimal slice; false if not exactly a number. */
static bool parse_u64(struct hd_str s, uint64_t *ret)
{
	if (s.len == 0 || s.len > 20)
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < s.len; i++) {
		char c = s.ptr[i];
		if (c < '0' || c > '9')
			return false;
		if (v > (UINT64_MAX - (uint64_t)(c - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(c - '0');
	}
	*ret = v;
	return true;
}

static struct hd_str trim(struct hd_str s)
{
	while (s.len && (s.ptr[0] == ' ' || s.ptr[0] == '\t')) {
		s.ptr++;
		s.len--;
	}
	while (s.len && (s.ptr[s.len - 1] == ' ' || s.ptr[s.len - 1] == '\t' ||
			 s.ptr[s.len - 1] == '\r'))
		s.len--;
	return s;
}

/* "inuse / sys" (Stack, MSpan, MCache). */
static bool parse_pair(struct hd_str s, uint64_t *a, uint64_t *b)
{
	for (size_t i = 0; i < s.len; i++) {
		if (s.ptr[i] == '/') {
			struct hd_str l = {s.ptr, i}, r = {s.ptr + i + 1, s.len - i - 1};
			return parse_u64(trim(l), a) && parse_u64(trim(r), b);
		}
	}
	return false;
}

static bool parse_double(struct hd_str s, double *ret)
{
	char buf[64];
	if (s.len == 0 || s.len >= sizeof(buf))
		return false;
	memcpy(buf, s.ptr, s.len);
	buf[s.len] = '\0';
	char *end;
	errno = 0;
	double v = strtod(buf, &end);
	if (*end || errno || isnan(v) || v < 0)
		return false;
	*ret = v;
	return true;
}

enum field_kind { U64, PAIR, FRACTION };

struct field {
	const char *name;
	enum field_kind kind;
	size_t off, off2; /* offsetof into struct hd_memstats */
	bool required;
};

#define F(n, k, o, o2, r) {n, k, offsetof(struct hd_memstats, o), offsetof(struct hd_memstats, o2), r}

static const struct field fields[] = {
	F("Alloc", U64, alloc, alloc, false),
	F("TotalAlloc", U64, total_alloc, total_alloc, false),
	F("Sys", U64, sys, sys, true),
	F("Mallocs", U64, mallocs, mallocs, false),
	F("Frees", U64, frees, frees, false),
	F("HeapAlloc", U64, heap_alloc, heap_alloc, true),
	F("HeapSys", U64, heap_sys, heap_sys, true),
	F("HeapIdle", U64, heap_idle, heap_idle, true),
	F("HeapInuse", U64, heap_inuse, heap_inuse, true),
	F("HeapReleased", U64, heap_released, heap_released, true),
	F("HeapObjects", U64, heap_objects, heap_objects, false),
	F("Stack", PAIR, stack_inuse, stack_sys, false),
	F("MSpan", PAIR, mspan_inuse, mspan_sys, false),
	F("MCache", PAIR, mcache_inuse, mcache_sys, false),
	F("BuckHashSys", U64, buck_hash_sys, buck_hash_sys, false),
	F("GCSys", U64, gc_sys, gc_sys, false),
	F("OtherSys", U64, other_sys, other_sys, false),
	F("NextGC", U64, next_gc, next_gc, false),
	F("LastGC", U64, last_gc_nanos, last_gc_nanos, false),
	F("NumGC", U64, num_gc, num_gc, false),
	F("NumForcedGC", U64, num_forced_gc, num_forced_gc, false),
	F("GCCPUFraction", FRACTION, gc_cpu_fraction, gc_cpu_fraction, false),
	F("MaxRSS", U64, max_rss, max_rss, false),
};

enum hd_status hd_memstats_read(const struct hd_profile *profile, struct hd_memstats *ret,
				struct hd_error *err)
{
	if (!profile || !ret)
		return hd_error_set(err, HD_ERR_USAGE, "memstats: no profile");
	if (profile->n_memstats == 0 || !profile->memstats)
		return hd_error_set(err, HD_ERR_FORMAT,
				    "no runtime.MemStats section (only debug=1 text profiles have one)");
	struct hd_memstats m;
	memset(&m, 0, sizeof(m));
	bool seen[HD_ARRAY_SIZE(fields)] = {false};
	for (uint32_t i = 0; i < profile->n_memstats; i++) {
		struct hd_str name = trim(profile->memstats[i].name);
		struct hd_str value = trim(profile->memstats[i].value);
		for (size_t f = 0; f < HD_ARRAY_SIZE(fields); f++) {
			if (!hd_str_eqc(name, fields[f].name))
				continue;
			char *base = (char *)&m;
			bool ok;
			switch (fields[f].kind) {
			case U64:
				ok = parse_u64(value, (uint64_t *)(base + fields[f].off));
				break;
			case PAIR:
				ok = parse_pair(value, (uint64_t *)(base + fields[f].off),
						(uint64_t *)(base + fields[f].off2));
				break;
			default:
				ok = parse_double(value, (double *)(base + fields[f].off));
				break;
			}
			if (!ok)
				return hd_error_set(err, HD_ERR_LEGACY,
						    "runtime.MemStats: malformed %s value '%.*s'",
						    fields[f].name, (int)(value.len > 40 ? 40 : value.len),
						    value.ptr);
			seen[f] = true;
			if (strcmp(fields[f].name, "MaxRSS") == 0)
				m.has_max_rss = true;
		}
	}
	for (size_t f = 0; f < HD_ARRAY_SIZE(fields); f++)
		if (fields[f].required && !seen[f])
			return hd_error_set(err, HD_ERR_LEGACY, "runtime.MemStats: no %s line",
					    fields[f].name);
	*ret = m;
	return HD_OK;
}

static uint64_t sub0(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

static int cmp_part(const void *pa, const void *pb)
{
	const struct hd_memstats_part *a = pa, *b = pb;
	if (a->bytes != b->bytes)
		return a->bytes > b->bytes ? -1 : 1;
	return strcmp(a->name, b->name);
}

void hd_memstats_breakdown(const struct hd_memstats *m, int64_t inuse_space,
			   struct hd_memstats_part *parts, size_t *n_ret)
{
	size_t n = 0;
	uint64_t live = m->heap_alloc;
	if (inuse_space >= 0) {
		uint64_t profiled = (uint64_t)inuse_space < live ? (uint64_t)inuse_space : live;
		parts[n++] = (struct hd_memstats_part){
			"live heap objects in the profile", "inuse_space", profiled, true,
			"what the heap profile attributes to allocation sites (as of the last GC, "
			"scaled from samples)"};
		live -= profiled;
		parts[n++] = (struct hd_memstats_part){
			"heap objects the profile does not show", "HeapAlloc - inuse_space", live, true,
			"allocated since the last GC (garbage not yet swept or new objects) plus "
			"sampling error; a fresh profile with ?gc=1 shrinks it"};
	} else {
		parts[n++] = (struct hd_memstats_part){"live heap objects", "HeapAlloc", live, true,
						       "objects reachable or not yet swept"};
	}
	parts[n++] = (struct hd_memstats_part){
		"fragmentation in in-use spans", "HeapInuse - HeapAlloc",
		sub0(m->heap_inuse, m->heap_alloc), true,
		"free slots in spans that still hold live objects, and size-class rounding; "
		"many long-lived small objects among short-lived ones keep spans half empty"};
	parts[n++] = (struct hd_memstats_part){
		"free heap kept by the runtime", "HeapIdle - HeapReleased",
		sub0(m->heap_idle, m->heap_released), true,
		"free spans not yet returned to the OS; the background scavenger releases them "
		"gradually (GOMEMLIMIT or debug.FreeOSMemory releases sooner)"};
	parts[n++] = (struct hd_memstats_part){
		"returned to the OS", "HeapReleased", m->heap_released, false,
		"address space only: not resident, not part of RSS"};
	parts[n++] = (struct hd_memstats_part){
		"goroutine stacks", "StackSys", m->stack_sys, true,
		"grows with the number of goroutines and their depth; not in the heap profile "
		"(look at /debug/pprof/goroutine)"};
	parts[n++] = (struct hd_memstats_part){
		"runtime metadata", "MSpanSys + MCacheSys + BuckHashSys + GCSys + OtherSys",
		m->mspan_sys + m->mcache_sys + m->buck_hash_sys + m->gc_sys + m->other_sys, true,
		"span structures, GC bitmaps, profiling buckets and other runtime bookkeeping"};
	if (n > 1)
		qsort(parts, n, sizeof(*parts), cmp_part);
	*n_ret = n;
}
