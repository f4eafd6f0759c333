/*
 * test_units.c - agg/units.c against pprof's measurement package: value
 * labels (ScaledLabel with "minimum", "auto" and explicit units, the
 * memory/time/GCU tables, pprof's quirks such as counts printed with a
 * "B" under -unit=B) and percentages (Percentage's three formats).  The
 * expected strings are what `go tool pprof` prints for these values.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "agg/units.h"

static const char *label(int64_t v, const char *from, const char *to)
{
	static char buf[HD_UNIT_LABEL_MAX];
	return hd_unit_label(buf, v, hd_str_c(from), to);
}

static void test_labels(void **state)
{
	(void)state;
	assert_string_equal(label(1536, "bytes", "minimum"), "1.50kB");
	assert_string_equal(label(1023, "bytes", "minimum"), "1023B");
	assert_string_equal(label(1024, "bytes", "auto"), "1kB");
	assert_string_equal(label(0, "bytes", "minimum"), "0");
	assert_string_equal(label(-2048, "bytes", "minimum"), "-2kB");
	assert_string_equal(label(3 * 1048576 / 2, "bytes", "MB"), "1.50MB");
	assert_string_equal(label(1048576, "bytes", "kB"), "1024kB");
	assert_string_equal(label(1048576, "bytes", "kilobyte"), "1024kB");
	assert_string_equal(label(5ll << 40, "bytes", "minimum"), "5TB");
	assert_string_equal(label(1, "bytes", "xyz"), "1B");       /* unknown target: default */
	assert_string_equal(label(123456, "count", "minimum"), "123456");
	assert_string_equal(label(5, "count", "B"), "5B");         /* pprof -unit=B on counts */
	assert_string_equal(label(7, "widgets", "xyz"), "7xyz");
	assert_string_equal(label(30000000000ll, "nanoseconds", "auto"), "30s");
	assert_string_equal(label(5400000000000ll, "nanoseconds", "auto"), "1.50hrs");
	assert_string_equal(label(1500, "ms", "auto"), "1.50s");
	assert_string_equal(label(100, "milligcu", "minimum"), "100m*GCU");
	assert_string_equal(label(4, "B", "minimum"), "4B");
	assert_string_equal(label(4, "Bytes", "minimum"), "4B");   /* case-insensitive */
	assert_string_equal(label(1, "bytes", "minimum"), "1B");
	assert_string_equal(label(-1, "bytes", "minimum"), "-1B");
	assert_string_equal(label(5, "bytes", "minimum"), "5B");
	/* 0.004 rounds to "0.00": the zero rule prints "0" */
	assert_string_equal(label(4, "bytes", "MB"), "0");
	assert_string_equal(label(INT64_MIN, "bytes", "minimum"), "-9223372036854775808B");
	assert_string_equal(label(INT64_MAX, "bytes", "B"), "9223372036854775808B");
}

static void test_scale(void **state)
{
	(void)state;
	const char *unit;
	assert_true(hd_unit_scale(65536, hd_str_c("bytes"), "kb", &unit) == 64);
	assert_string_equal(unit, "kB");
	assert_true(hd_unit_scale(64, hd_str_c("kb"), "kb", &unit) == 64);
	assert_string_equal(unit, "kB");
	assert_true(hd_unit_scale(7, hd_str_c(""), "", &unit) == 7);
	assert_string_equal(unit, "");
	assert_true(hd_unit_scale(7, hd_str_c("count"), "minimum", &unit) == 7);
	assert_string_equal(unit, "");
	assert_true(hd_unit_scale(7, hd_str_c("bytes"), "", &unit) == 7);
	assert_string_equal(unit, "B");
	assert_true(hd_unit_scale(-3000, hd_str_c("ms"), "s", &unit) == -3);
	assert_string_equal(unit, "s");
	assert_true(hd_unit_scale(2, hd_str_c("hours"), "minimum", &unit) == 2);
	assert_string_equal(unit, "hrs");
	/* "μs" is 3 bytes, so pprof trims its 's' before the alias lookup */
	assert_true(hd_unit_scale(2, hd_str_c("\xce\xbcs"), "minimum", &unit) == 2);
	assert_string_equal(unit, "");
	assert_true(hd_unit_scale(2, hd_str_c("us"), "ns", &unit) == 2000);
	assert_string_equal(unit, "ns");
}

static void test_percentage(void **state)
{
	(void)state;
	char buf[32];
	assert_string_equal(hd_unit_percentage(buf, 1, 1), "  100%");
	assert_string_equal(hd_unit_percentage(buf, 9996, 10000), "  100%");
	assert_string_equal(hd_unit_percentage(buf, 5, 100), " 5.00%");
	assert_string_equal(hd_unit_percentage(buf, -5, 100), " 5.00%");
	assert_string_equal(hd_unit_percentage(buf, 1, 3), "33.33%");
	assert_string_equal(hd_unit_percentage(buf, 2, 1), "200.00%");
	assert_string_equal(hd_unit_percentage(buf, 0, 100), "    0%");
	assert_string_equal(hd_unit_percentage(buf, 7, 0), "    0%");
	assert_string_equal(hd_unit_percentage(buf, 1, 10000), " 0.01%");
	assert_string_equal(hd_unit_percentage(buf, 12, 100000), "0.012%");
	assert_string_equal(hd_unit_percentage(buf, 1, 1000000), "0.0001%");
	assert_string_equal(hd_unit_percentage(buf, 1, 100000000), "1e-06%");
	assert_string_equal(hd_unit_percentage(buf, 999, 1000), "99.90%");
	assert_string_equal(hd_unit_percentage(buf, 9, 1000), "  0.9%");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_scale),
		cmocka_unit_test(test_percentage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
