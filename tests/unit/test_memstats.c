/*
 * test_memstats.c - unit tests of src/lib/analyze/memstats.c: reading
 * runtime.MemStats from a text profile's "# Name = value" lines, the errors
 * for missing or malformed fields, and the split of Sys into what holds it.
 * The numbers are those of a real go1.26 leakserver profile.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "heapdoc/heapdoc.h"

#define S(x) {x, sizeof(x) - 1}

static struct hd_memstat real_stats[] = {
	{S("Alloc"), S("16624552")},
	{S("TotalAlloc"), S("57604736")},
	{S("Sys"), S("38115592")},
	{S("Lookups"), S("0")},
	{S("Mallocs"), S("1245")},
	{S("Frees"), S("252")},
	{S("HeapAlloc"), S("16624552")},
	{S("HeapSys"), S("33226752")},
	{S("HeapIdle"), S("15974400")},
	{S("HeapInuse"), S("17252352")},
	{S("HeapReleased"), S("3776512")},
	{S("HeapObjects"), S("993")},
	{S("Stack"), S("327680 / 327680")},
	{S("MSpan"), S("34240 / 48960")},
	{S("MCache"), S("4592 / 16072")},
	{S("BuckHashSys"), S("1444214")},
	{S("GCSys"), S("2361584")},
	{S("OtherSys"), S("690330")},
	{S("NextGC"), S("30936170")},
	{S("LastGC"), S("1795642864934827032")},
	{S("PauseNs"), S("[211125 344774 0 0]")},
	{S("NumGC"), S("5")},
	{S("NumForcedGC"), S("1")},
	{S("GCCPUFraction"), S("0.0006413136897113411")},
	{S("DebugGC"), S("false")},
	{S("MaxRSS"), S("32362496")},
};

static void with_stats(struct hd_profile *p, struct hd_memstat *m, uint32_t n)
{
	memset(p, 0, sizeof(*p));
	p->format = HD_FORMAT_LEGACY_HEAP;
	p->memstats = m;
	p->n_memstats = n;
}

static void test_read_real(void **state)
{
	(void)state;
	struct hd_profile p;
	with_stats(&p, real_stats, sizeof(real_stats) / sizeof(real_stats[0]));
	struct hd_memstats m;
	assert_int_equal(hd_memstats_read(&p, &m, NULL), HD_OK);
	assert_true(m.sys == 38115592);
	assert_true(m.heap_alloc == 16624552 && m.heap_inuse == 17252352);
	assert_true(m.heap_idle == 15974400 && m.heap_released == 3776512);
	assert_true(m.heap_sys == 33226752 && m.heap_objects == 993);
	assert_true(m.stack_inuse == 327680 && m.stack_sys == 327680);
	assert_true(m.mspan_inuse == 34240 && m.mspan_sys == 48960);
	assert_true(m.mcache_inuse == 4592 && m.mcache_sys == 16072);
	assert_true(m.buck_hash_sys == 1444214 && m.gc_sys == 2361584 && m.other_sys == 690330);
	assert_true(m.next_gc == 30936170 && m.last_gc_nanos == 1795642864934827032ULL);
	assert_true(m.num_gc == 5 && m.num_forced_gc == 1);
	assert_true(m.gc_cpu_fraction > 0.00064 && m.gc_cpu_fraction < 0.000642);
	assert_true(m.has_max_rss && m.max_rss == 32362496);
	assert_true(m.mallocs == 1245 && m.frees == 252 && m.total_alloc == 57604736);
}

static void test_breakdown_adds_up(void **state)
{
	(void)state;
	struct hd_profile p;
	with_stats(&p, real_stats, sizeof(real_stats) / sizeof(real_stats[0]));
	struct hd_memstats m;
	assert_int_equal(hd_memstats_read(&p, &m, NULL), HD_OK);
	struct hd_memstats_part parts[HD_MEMSTATS_PARTS];
	size_t n = 0;
	/* inuse_space of that profile: 14 MiB */
	hd_memstats_breakdown(&m, 14680064, parts, &n);
	assert_int_equal(n, 7);
	uint64_t sum = 0, resident = 0;
	for (size_t i = 0; i < n; i++) {
		sum += parts[i].bytes;
		if (parts[i].resident)
			resident += parts[i].bytes;
		if (i)
			assert_true(parts[i - 1].bytes >= parts[i].bytes);
		assert_non_null(parts[i].why);
	}
	assert_true(sum == m.sys);
	assert_true(resident == m.sys - m.heap_released);
	/* Largest first: 14 MiB in the profile, then 12.2 MiB idle kept. */
	assert_string_equal(parts[0].name, "live heap objects in the profile");
	assert_true(parts[0].bytes == 14680064);
	assert_string_equal(parts[1].name, "free heap kept by the runtime");
	assert_true(parts[1].bytes == 15974400 - 3776512);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(parts[i].source, "HeapInuse - HeapAlloc") == 0)
			assert_true(parts[i].bytes == 17252352 - 16624552);
		if (strcmp(parts[i].source, "HeapAlloc - inuse_space") == 0)
			assert_true(parts[i].bytes == 16624552 - 14680064);
		if (strcmp(parts[i].name, "returned to the OS") == 0)
			assert_false(parts[i].resident);
	}
	/* Without a profile total: six parts, HeapAlloc whole. */
	hd_memstats_breakdown(&m, -1, parts, &n);
	assert_int_equal(n, 6);
	sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += parts[i].bytes;
	assert_true(sum == m.sys);
	/* A profile total above HeapAlloc is capped: nothing negative. */
	hd_memstats_breakdown(&m, 100000000, parts, &n);
	sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += parts[i].bytes;
	assert_true(sum == m.sys);
}

static void test_errors(void **state)
{
	(void)state;
	struct hd_profile p;
	struct hd_memstats m;
	struct hd_error err = {0};
	/* A proto profile has no MemStats. */
	with_stats(&p, NULL, 0);
	assert_int_equal(hd_memstats_read(&p, &m, &err), HD_ERR_FORMAT);
	assert_non_null(strstr(err.msg, "no runtime.MemStats section"));
	assert_int_equal(hd_memstats_read(NULL, &m, &err), HD_ERR_USAGE);

	/* Sys missing. */
	struct hd_memstat copy[sizeof(real_stats) / sizeof(real_stats[0])];
	size_t n = 0;
	for (size_t i = 0; i < sizeof(real_stats) / sizeof(real_stats[0]); i++)
		if (strcmp(real_stats[i].name.ptr, "Sys") != 0)
			copy[n++] = real_stats[i];
	with_stats(&p, copy, (uint32_t)n);
	assert_int_equal(hd_memstats_read(&p, &m, &err), HD_ERR_LEGACY);
	assert_string_equal(err.msg, "runtime.MemStats: no Sys line");

	/* Malformed numbers. */
	struct hd_memstat bad[sizeof(real_stats) / sizeof(real_stats[0])];
	memcpy(bad, real_stats, sizeof(bad));
	bad[6].value = (struct hd_str)S("12x");
	with_stats(&p, bad, sizeof(bad) / sizeof(bad[0]));
	assert_int_equal(hd_memstats_read(&p, &m, &err), HD_ERR_LEGACY);
	assert_string_equal(err.msg, "runtime.MemStats: malformed HeapAlloc value '12x'");
	memcpy(bad, real_stats, sizeof(bad));
	bad[12].value = (struct hd_str)S("327680");
	assert_int_equal(hd_memstats_read(&p, &m, &err), HD_ERR_LEGACY);
	assert_non_null(strstr(err.msg, "malformed Stack value"));
	memcpy(bad, real_stats, sizeof(bad));
	bad[23].value = (struct hd_str)S("-1");
	assert_int_equal(hd_memstats_read(&p, &m, &err), HD_ERR_LEGACY);
	assert_non_null(strstr(err.msg, "GCCPUFraction"));
	memcpy(bad, real_stats, sizeof(bad));
	bad[2].value = (struct hd_str)S("99999999999999999999999");
	assert_int_equal(hd_memstats_read(&p, &m, &err), HD_ERR_LEGACY);

	/* Older Go without MaxRSS: fine, flagged absent. */
	with_stats(&p, real_stats, sizeof(real_stats) / sizeof(real_stats[0]) - 1);
	assert_int_equal(hd_memstats_read(&p, &m, &err), HD_OK);
	assert_false(m.has_max_rss);
}

/* The whole path: a debug=1 text profile as net/http/pprof serves it. */
static const char text_profile[] =
	"heap profile: 1: 8388608 [1: 8388608] @ heap/1048576\n"
	"1: 8388608 [1: 8388608] @ 0x4877f3 0x48bd29\n"
	"#\t0x4877f3\tmain.buildTable+0x2b3\t/src/leakserver/main.go:56\n"
	"#\t0x48bd29\tmain.main+0x29f\t\t/src/leakserver/main.go:104\n"
	"\n"
	"\n"
	"# runtime.MemStats\n"
	"# Alloc = 16624552\n"
	"# TotalAlloc = 57604736\n"
	"# Sys = 38115592\n"
	"# HeapAlloc = 16624552\n"
	"# HeapSys = 33226752\n"
	"# HeapIdle = 15974400\n"
	"# HeapInuse = 17252352\n"
	"# HeapReleased = 3776512\n"
	"# HeapObjects = 993\n"
	"# Stack = 327680 / 327680\n"
	"# NumGC = 5\n"
	"# NumForcedGC = 1\n"
	"# GCCPUFraction = 0.0006413136897113411\n"
	"# DebugGC = false\n";

static void test_from_text_profile(void **state)
{
	(void)state;
	struct hd_profile *p = NULL;
	struct hd_error err = {0};
	enum hd_status st = hd_profile_parse(text_profile, sizeof(text_profile) - 1, NULL, &p, &err);
	assert_int_equal(st, HD_OK);
	struct hd_memstats m;
	assert_int_equal(hd_memstats_read(p, &m, &err), HD_OK);
	assert_true(m.sys == 38115592 && m.heap_idle == 15974400 && m.num_gc == 5);
	assert_true(m.stack_sys == 327680);
	assert_false(m.has_max_rss);
	hd_profile_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_real),
		cmocka_unit_test(test_breakdown_adds_up),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_from_text_profile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
